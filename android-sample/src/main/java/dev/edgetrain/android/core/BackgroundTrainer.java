package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.train.Dataset;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs {@link FineTuner} on one worker thread and hands every report to a callback executor (on Android the
 * main thread's {@code Handler::post}, in tests a direct executor), so callbacks never race the UI.
 * One run at a time; {@link #close()} cancels the run and stops the thread.
 */
public final class BackgroundTrainer implements AutoCloseable {
    /** Called on the callback executor. */
    public interface Callback {
        /**
         * One epoch is done; posted from the worker thread after every epoch, so it may arrive after a cancel.
         *
         * @param epoch    epochs done so far, 1-based
         * @param epochs   epochs the run was configured for
         * @param loss     mean training loss of that epoch
         * @param accuracy training accuracy of that epoch, in [0, 1]
         */
        void onProgress(int epoch, int epochs, float loss, float accuracy);

        /**
         * Also called for a cancelled run ({@link FineTuneResult#cancelled()}). The run is over:
         * {@link #isRunning()} is already false and a new run may be started from here.
         *
         * @param result the trained copy and what happened
         */
        void onFinished(FineTuneResult result);

        /**
         * Training threw; the base network is unchanged. The run is over, as for {@link #onFinished}.
         *
         * @param error what {@link FineTuner#run} threw, e.g. an {@link IllegalStateException} when training
         *              diverged or an {@link IllegalArgumentException} when the data does not fit the network
         */
        void onFailed(RuntimeException error);
    }

    private final ExecutorService worker;
    private final Executor callbacks;
    /** Cancel flag of the current run; replaced per run so a late cancel cannot hit the next one. */
    private volatile AtomicBoolean cancel = new AtomicBoolean();
    /** Read and written only on the callback executor's thread (and in {@link #start}, called there too). */
    private boolean running;
    /** Set by {@link #close()}: no run starts and no callback is delivered after it. */
    private volatile boolean closed;

    /**
     * Starts the worker thread: a daemon named {@code edgetrain-fine-tune}, one below normal priority so the
     * UI stays smooth. It lives until {@link #close()}.
     *
     * @param callbacks runs every callback; on Android one that posts to the main thread
     * @throws IllegalArgumentException if {@code callbacks} is null
     */
    public BackgroundTrainer(Executor callbacks) {
        if (callbacks == null) {
            throw new IllegalArgumentException("callback executor must not be null");
        }
        this.callbacks = callbacks;
        this.worker = Executors.newSingleThreadExecutor(new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "edgetrain-fine-tune");
                t.setDaemon(true);
                // Below the UI thread: the drawing stays smooth while training runs.
                t.setPriority(Thread.NORM_PRIORITY - 1);
                return t;
            }
        });
    }

    /**
     * Starts fine-tuning a copy of {@code base}; call from the callback executor's thread.
     * Returns at once; exactly one of {@link Callback#onFinished} and {@link Callback#onFailed} follows, on the
     * callback executor, after any {@link Callback#onProgress} calls.
     *
     * @param base       the network to start from; only read (copied on the worker thread), so the caller may
     *                   keep predicting with it but must not change it until the run is over
     * @param examples   the training examples
     * @param evaluation rows to measure accuracy on before and after, or null
     * @param config     the run's settings
     * @param callback   receives the run's reports on the callback executor
     * @throws IllegalArgumentException if {@code base}, {@code examples}, {@code config} or {@code callback} is null
     * @throws IllegalStateException if a run is still going, or the trainer was closed
     */
    public void start(final Network base, final Dataset examples, final Dataset evaluation,
                      final FineTuneConfig config, final Callback callback) {
        if (base == null || examples == null || config == null || callback == null) {
            throw new IllegalArgumentException("base, examples, config and callback must not be null");
        }
        if (closed) {
            throw new IllegalStateException("the background trainer was closed; make a new one to fine-tune again");
        }
        if (running) {
            throw new IllegalStateException("a fine-tuning run is still going; cancel it or wait");
        }
        final AtomicBoolean runCancel = new AtomicBoolean();
        cancel = runCancel;
        running = true;
        worker.execute(new Runnable() {
            @Override
            public void run() {
                final FineTuneResult result;
                try {
                    result = FineTuner.run(base, examples, evaluation, config, new FineTuneListener() {
                        @Override
                        public void onEpoch(final int epoch, final int epochs, final float loss, final float accuracy) {
                            callbacks.execute(new Runnable() {
                                @Override
                                public void run() {
                                    if (!closed) {
                                        callback.onProgress(epoch, epochs, loss, accuracy);
                                    }
                                }
                            });
                        }
                    }, runCancel);
                } catch (final RuntimeException e) {
                    callbacks.execute(new Runnable() {
                        @Override
                        public void run() {
                            running = false;
                            if (!closed) {
                                callback.onFailed(e);
                            }
                        }
                    });
                    return;
                }
                callbacks.execute(new Runnable() {
                    @Override
                    public void run() {
                        running = false;
                        if (!closed) {
                            callback.onFinished(result);
                        }
                    }
                });
            }
        });
    }

    /** Asks the current run to stop before its next epoch; harmless when none runs. */
    public void cancel() {
        cancel.set(true);
    }

    /**
     * Whether a run was started and its final callback has not been delivered yet.
     *
     * @return true from {@link #start} until the run's final callback begins; read it on the callback
     *         executor's thread
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops the worker: the current run is cancelled, no callback of it is delivered from now on, and
     * {@link #start} refuses new runs.
     */
    @Override
    public void close() {
        closed = true;
        cancel();
        worker.shutdownNow();
    }
}
