package dev.edgetrain.benchmarks;

import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Exact bytes allocated per call on the calling thread, from HotSpot's per-thread counter: JMH's
 * {@code gc.alloc.rate.norm} divides all threads' allocation (JMH's own included) by the calls, which leaves a
 * fraction of a byte per call for code that allocates nothing. This measures rounds of 2,000 warm calls until
 * one allocates nothing (at most 8) and keeps the smallest. The edgetrain benchmarks call {@link #record}
 * at the end of each fork; the lines go to the file named by {@code EDGETRAIN_ALLOC_OUT}, which
 * {@link Report} reads.
 */
final class AllocationMeter {
    private AllocationMeter() {
    }

    /** Something to call: one benchmark invocation. */
    interface Call {
        void run() throws Exception;
    }

    /** Rounds of calls measured until one allocates nothing. */
    private static final int ROUNDS = 8;

    static void record(String benchmark, String kernels, String net, int batch, int threads, Call call) {
        String out = System.getenv("EDGETRAIN_ALLOC_OUT");
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (out == null || !(bean instanceof com.sun.management.ThreadMXBean)) {
            return;
        }
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) bean;
        if (!counter.isThreadAllocatedMemorySupported()) {
            return;
        }
        counter.setThreadAllocatedMemoryEnabled(true);
        final int calls = 2000;
        try {
            call.run(); // the benchmark ran before: this is warm code
            long probe = counter.getCurrentThreadAllocatedBytes();
            long overhead = counter.getCurrentThreadAllocatedBytes() - probe;
            long before = counter.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            long bytes = counter.getCurrentThreadAllocatedBytes() - before - overhead;
            // A few hundred bytes can appear once while the JIT settles on the new call site (deoptimisation,
            // recompilation); code that allocates per call allocates in every round. Keep the first zero round.
            for (int round = 1; round < ROUNDS && bytes != 0; round++) {
                before = counter.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) {
                    call.run();
                }
                bytes = Math.min(bytes, counter.getCurrentThreadAllocatedBytes() - before - overhead);
            }
            try (PrintWriter w = new PrintWriter(new FileWriter(out, true))) {
                w.println(String.format(Locale.ROOT, "%s|%s|%s|%d|%d|%d|%d",
                        benchmark, kernels, net, batch, threads, bytes, calls));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        } catch (Exception e) {
            throw new IllegalStateException("allocation measurement of " + benchmark + " failed", e);
        }
    }
}
