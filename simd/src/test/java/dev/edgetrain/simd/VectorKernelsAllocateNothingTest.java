package dev.edgetrain.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.kernels.FiniteScan;
import dev.edgetrain.runtime.kernels.KernelSet;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The vector finiteness scan allocates nothing once compiled: every vector stays in registers. Counted exactly by
 * HotSpot's per-thread allocation counter over rounds of 10,000 calls until one allocates 0 bytes (the first rounds
 * may allocate while the JIT compiles; a scan that boxed a vector on every call never gets a zero round). The runtime's
 * allocation tests, rerun here on the vector kernels, cover the scan inside whole steps; this one holds the kernel
 * alone to it, where C2 compiles it as a method of its own.
 */
class VectorKernelsAllocateNothingTest {
    private static final int ROUNDS = 12;

    @Test
    void theFinitenessScanAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        KernelSet vector = VectorKernels.create();
        float[] x = new float[8 * 1024 + 5]; // the four-vector loop, the one-vector loop and the tail
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        float[] chunk = new float[FiniteScan.CHUNK];
        float[] lanes = new float[FiniteScan.CHUNK];
        final long me = Thread.currentThread().getId();
        long last = -1;
        boolean finite = true;
        for (int round = 0; round < ROUNDS && last != 0; round++) {
            final long before = threads.getThreadAllocatedBytes(me);
            for (int call = 0; call < 10_000; call++) {
                finite &= vector.allFinite(x, 1, x.length, chunk, lanes);
            }
            last = threads.getThreadAllocatedBytes(me) - before;
        }
        assertTrue(finite, "finite values");
        assertTrue(last == 0, "the last of " + ROUNDS + " rounds of 10,000 scans allocated " + last + " bytes");
    }
}
