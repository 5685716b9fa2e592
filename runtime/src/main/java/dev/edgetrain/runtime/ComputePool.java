package dev.edgetrain.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that large batches can be split over: the optional multi-threaded path. Give one to
 * {@link Workspace#Workspace(NetworkSpec, int, ComputePool)} for inference or to
 * {@link TrainingSession#TrainingSession(Network, int, dev.edgetrain.runtime.optim.OptimizerConfig, ComputePool)}
 * for training; without one, everything runs on the calling thread (the default).
 *
 * <p>The threads are started here, once. A pass splits its batch rows (and, in the backward pass, the rows of
 * each weight gradient) into {@link #threads()} parts, runs part 0 on the calling thread and the others on the
 * pool's threads, and returns when all are done: no allocation, no queue, one pass at a time (callers on other
 * threads wait their turn). Idle threads busy-wait for up to {@link #SPIN_NANOS} after their last part (a core
 * stays busy that long), then park. Small batches run on the calling thread alone,
 * where splitting would cost more than it saves. {@link #close()} stops the threads.
 */
public final class ComputePool implements AutoCloseable {
    /**
     * Work cut into parts; part {@code p} of {@code parts} runs on one thread. Tasks are stateless objects and
     * what a pass works on comes as {@code context} (a workspace, a session), so nothing is allocated per pass.
     */
    interface Task<C> {
        void run(C context, int part, int parts);
    }

    /**
     * How long a waiting thread busy-waits before it parks: longer than the gaps between the passes of a training
     * step (the loss, the optimizer: up to a few hundred µs), because waking a parked thread takes tens of µs on a
     * virtual machine, which cost a pool of two the whole of its gain (1.0–1.1× instead of 1.8× at batch 64 with the
     * vector kernels, where a pass takes only 50–150 µs). Measured in time, not rounds: a compiled spin round and an
     * interpreted one differ fiftyfold.
     */
    static final long SPIN_NANOS = 1_000_000L;
    /** Spin rounds between two reads of the clock. */
    private static final int SPINS_PER_CLOCK_READ = 64;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger remaining = new AtomicInteger();
    private final Object lock = new Object();
    private volatile Task<Object> task;
    private volatile Object context;
    private volatile int generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    /**
     * Starts {@code threads − 1} daemon threads; the caller of each pass is the remaining one.
     *
     * @param threads the parts every pass is split into, the caller's thread included; in [1, 256]
     * @throws IllegalArgumentException when {@code threads} is outside [1, 256]
     */
    public ComputePool(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            final int part = w + 1;
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    work(part);
                }
            }, "edgetrain-compute-" + part);
            t.setDaemon(true);
            workers[w] = t;
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    /**
     * Parts a pass is split into: the pool's threads plus the caller.
     *
     * @return the count given to the constructor
     */
    public int threads() {
        return threads;
    }

    /** Runs {@code job} on {@code ctx} in {@link #threads()} parts and returns when every part has finished. */
    @SuppressWarnings("unchecked")
    <C> void run(Task<C> job, C ctx) {
        if (threads == 1) {
            job.run(ctx, 0, 1);
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("compute pool is closed");
            }
            caller = Thread.currentThread();
            failure = null;
            remaining.set(threads - 1);
            context = ctx;
            task = (Task<Object>) job;
            generation++; // publishes task to the workers
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            Throwable own = null;
            try {
                job.run(ctx, 0, threads);
            } catch (Throwable e) {
                own = e;
            }
            int spins = 0;
            long spinStart = 0;
            while (remaining.get() != 0) {
                if (++spins % SPINS_PER_CLOCK_READ == 0) {
                    final long now = System.nanoTime();
                    if (spinStart == 0) {
                        spinStart = now;
                    } else if (now - spinStart > SPIN_NANOS) {
                        LockSupport.parkNanos(this, 100_000L);
                    }
                }
            }
            task = null;
            context = null;
            final Throwable failed = own != null ? own : failure;
            if (failed instanceof RuntimeException) {
                throw (RuntimeException) failed;
            }
            if (failed instanceof Error) {
                throw (Error) failed;
            }
            if (failed != null) {
                throw new IllegalStateException("a compute thread failed", failed);
            }
        }
    }

    private void work(int part) {
        int seen = 0;
        int spins = 0;
        long idleSince = System.nanoTime();
        while (!closed) {
            final int g = generation;
            if (g == seen) {
                if (++spins % SPINS_PER_CLOCK_READ == 0 && System.nanoTime() - idleSince > SPIN_NANOS) {
                    LockSupport.park(this);
                }
                continue;
            }
            seen = g;
            spins = 0;
            final Task<Object> job = task;
            final Object ctx = context;
            try {
                if (job != null) {
                    job.run(ctx, part, threads);
                }
            } catch (Throwable e) {
                failure = e;
            }
            idleSince = System.nanoTime();
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /**
     * The first row of part {@code part} when {@code rows} are split in {@code parts}; part {@code parts} gives
     * {@code rows}.
     */
    static int split(int rows, int part, int parts) {
        return (int) ((long) rows * part / parts);
    }

    /**
     * Stops the threads and returns when they have ended (so a closed pool holds no thread); passes already running
     * finish first. Idempotent. An interrupt while waiting is kept for the caller.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        boolean interrupted = false;
        for (Thread w : workers) {
            while (w != Thread.currentThread() && w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ComputePool of " + threads + " threads" + (closed ? " (closed)" : "");
    }
}
