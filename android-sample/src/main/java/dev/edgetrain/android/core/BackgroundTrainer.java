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
        void onProgress(int epoch, int epochs, float loss, float accuracy);

        /** Also called for a cancelled run ({@link FineTuneResult#cancelled()}). */
        void onFinished(FineTuneResult result);

        /** Training threw; the base network is unchanged. */
        void onFailed(RuntimeException error);
    }

    private final ExecutorService worker;
    private final Executor callbacks;
    /** Cancel flag of the current run; replaced per run so a late cancel cannot hit the next one. */
    private volatile AtomicBoolean cancel = new AtomicBoolean();
    /** Read and written only on the callback executor's thread (and in {@link #start}, called there too). */
    private boolean running;

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
     *
     * @throws IllegalStateException if a run is still going
     */
    public void start(final Network base, final Dataset examples, final Dataset evaluation,
                      final FineTuneConfig config, final Callback callback) {
        if (base == null || examples == null || config == null || callback == null) {
            throw new IllegalArgumentException("base, examples, config and callback must not be null");
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
                                    callback.onProgress(epoch, epochs, loss, accuracy);
                                }
                            });
                        }
                    }, runCancel);
                } catch (final RuntimeException e) {
                    callbacks.execute(new Runnable() {
                        @Override
                        public void run() {
                            running = false;
                            callback.onFailed(e);
                        }
                    });
                    return;
                }
                callbacks.execute(new Runnable() {
                    @Override
                    public void run() {
                        running = false;
                        callback.onFinished(result);
                    }
                });
            }
        });
    }

    /** Asks the current run to stop before its next epoch; harmless when none runs. */
    public void cancel() {
        cancel.set(true);
    }

    /** Whether a run was started and its final callback has not been delivered yet. */
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        cancel();
        worker.shutdownNow();
    }
}
