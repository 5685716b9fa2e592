package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The optional multi-threaded path: a pool-split pass gives the very bits the single-threaded one gives
 * (every row's and every gradient row's arithmetic is the same, whichever thread does it), allocates nothing
 * after warm-up on any thread, and refuses work once closed.
 */
class ComputePoolTest {
    /**
     * Wide enough that passes over {@link #BATCH} rows are split (see Passes.PARALLEL_MIN_MULTIPLY_ADDS), and so is
     * the rebuilding of the kernels' weight copies after an optimizer step (Network.refreshDerived).
     */
    private static final NetworkSpec SPEC = NetworkSpec.of(200, new int[] {96, 40}, 10);
    private static final int BATCH = 48;

    private static float[] inputs(int rows, int features, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble() < 0.2 ? 0f : (float) rng.nextGaussian();
        }
        return x;
    }

    private static int[] labels(int rows, int classes) {
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = (i * 7) % classes;
        }
        return y;
    }

    @Test
    void splitInferenceGivesTheSameBitsAsOneThread() {
        Network network = new Network(SPEC, 3);
        float[] x = inputs(BATCH, SPEC.inputs(), 1);
        float[] serial = new float[BATCH * SPEC.classes()];
        network.predictProbabilities(new Workspace(SPEC, BATCH), x, 0, BATCH, serial, 0);
        for (int threads = 2; threads <= 3; threads++) {
            try (ComputePool pool = new ComputePool(threads)) {
                Workspace ws = new Workspace(SPEC, BATCH, pool);
                for (int batch : new int[] {BATCH, BATCH - 5, 3}) { // odd splits and a batch too small to split
                    float[] expected = new float[batch * SPEC.classes()];
                    network.predictProbabilities(new Workspace(SPEC, batch), x, 0, batch, expected, 0);
                    float[] parallel = new float[batch * SPEC.classes()];
                    network.predictProbabilities(ws, x, 0, batch, parallel, 0);
                    assertArrayEquals(expected, parallel, threads + " threads, batch " + batch);
                    float[] logits = new float[batch * SPEC.classes()];
                    network.predictLogits(ws, x, 0, batch, logits, 0);
                    float[] expectedLogits = new float[batch * SPEC.classes()];
                    network.predictLogits(new Workspace(SPEC, batch), x, 0, batch, expectedLogits, 0);
                    assertArrayEquals(expectedLogits, logits, threads + " threads, logits, batch " + batch);
                }
            }
        }
        assertTrue(serial[0] > 0f, "probabilities were computed");
    }

    @Test
    void splitTrainingGivesTheSameBitsAsOneThread() {
        float[] x = inputs(4 * BATCH, SPEC.inputs(), 2);
        int[] y = labels(4 * BATCH, SPEC.classes());
        Network serialNet = new Network(SPEC, 5);
        Network parallelNet = serialNet.copy();
        TrainingSession serial = new TrainingSession(serialNet, BATCH, OptimizerConfig.sgd(0.05f));
        try (ComputePool pool = new ComputePool(2)) {
            TrainingSession parallel = new TrainingSession(parallelNet, BATCH, OptimizerConfig.sgd(0.05f), pool);
            for (int step = 0; step < 12; step++) {
                int row = (step % 4) * BATCH;
                int batch = step % 3 == 2 ? BATCH - 7 : BATCH;
                serial.zeroGrad();
                parallel.zeroGrad();
                float a = serial.trainStep(x, row * SPEC.inputs(), y, row, batch);
                float b = parallel.trainStep(x, row * SPEC.inputs(), y, row, batch);
                assertEquals(a, b, 0f, "loss of step " + step);
                assertArrayEquals(serialNet.gradients(), parallelNet.gradients(), "gradients of step " + step);
                serial.optimizerStep();
                parallel.optimizerStep();
            }
            assertArrayEquals(serialNet.copyParameters(), parallelNet.copyParameters(), "parameters after 12 steps");
            // frozen layers: the split backward pass must skip the same work
            serial.setTrainable(0, false);
            parallel.setTrainable(0, false);
            serial.trainStep(x, 0, y, 0, BATCH);
            parallel.trainStep(x, 0, y, 0, BATCH);
            assertArrayEquals(serialNet.gradients(), parallelNet.gradients(), "gradients with layer 0 frozen");
        }
    }

    /**
     * The optimizer step split over the pool (each thread its share of the slab) is the one-thread step to the bit,
     * for every update rule, with the update check on; and an overflowing update is reported by either split.
     */
    @Test
    void splitOptimizerStepsGiveTheSameBitsForEveryRule() {
        float[] x = inputs(BATCH, SPEC.inputs(), 6);
        int[] y = labels(BATCH, SPEC.classes());
        OptimizerConfig[] configs = {OptimizerConfig.sgd(0.05f), OptimizerConfig.sgd(0.05f).withMomentum(0.9f, true)
                .withWeightDecay(1e-3f), OptimizerConfig.adamW(1e-3f, 0.01f).withClipNorm(0.5f)};
        try (ComputePool pool = new ComputePool(3)) {
            for (OptimizerConfig config : configs) {
                Network serialNet = new Network(SPEC, 8);
                Network parallelNet = serialNet.copy();
                TrainingSession serial = new TrainingSession(serialNet, BATCH, config);
                TrainingSession parallel = new TrainingSession(parallelNet, BATCH, config, pool);
                serial.optimizer().setUpdateCheck(true);
                parallel.optimizer().setUpdateCheck(true);
                parallel.setTrainable(1, false); // a frozen layer in the middle of the slab keeps its values
                serial.setTrainable(1, false);
                for (int step = 0; step < 5; step++) {
                    serial.zeroGrad();
                    parallel.zeroGrad();
                    serial.trainStep(x, y, BATCH);
                    parallel.trainStep(x, y, BATCH);
                    serial.optimizerStep();
                    parallel.optimizerStep();
                    assertArrayEquals(serialNet.copyParameters(), parallelNet.copyParameters(),
                            config + ": parameters after step " + step);
                    for (int k = 0; k < serial.optimizer().stateSlabCount(); k++) {
                        assertArrayEquals(serial.optimizer().stateSlab(k), parallel.optimizer().stateSlab(k),
                                config + ": state slab " + k + " after step " + step);
                    }
                    assertTrue(parallel.optimizer().lastUpdateFinite(), config + ": step " + step + " is finite");
                }
                for (float[] g : new float[][] {serialNet.gradients(), parallelNet.gradients()}) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= 1e15f; // finite, squares too; rate × gradient overflows (unless clipped)
                    }
                }
                serial.optimizer().setLearningRateScale(Float.MAX_VALUE);
                parallel.optimizer().setLearningRateScale(Float.MAX_VALUE);
                serial.optimizerStep();
                parallel.optimizerStep();
                assertEquals(config.clipNorm() > 0f, parallel.optimizer().lastUpdateFinite(),
                        config + ": only the clipped rule stays finite");
                assertEquals(serial.optimizer().lastUpdateFinite(), parallel.optimizer().lastUpdateFinite(),
                        config + ": the overflow check agrees");
            }
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        ComputePool pool = new ComputePool(2);
        Workspace ws = new Workspace(SPEC, BATCH, pool);
        Network network = new Network(SPEC, 1);
        float[] x = inputs(BATCH, SPEC.inputs(), 3);
        float[] out = new float[BATCH * SPEC.classes()];
        network.predictProbabilities(ws, x, 0, BATCH, out, 0);
        pool.close();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().startsWith("edgetrain-compute-") && !before.contains(t),
                    "a closed pool holds no thread: " + t);
        }
        pool.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> network.predictProbabilities(ws, x, 0, BATCH, out, 0));
        assertEquals("compute pool is closed", e.getMessage());
        network.predictProbabilities(ws, x, 0, 2, out, 0); // too small to split: still runs on the caller
    }

    @Test
    void threadCountsOutsideTheRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ComputePool(0));
        assertThrows(IllegalArgumentException.class, () -> new ComputePool(257));
        try (ComputePool one = new ComputePool(1)) {
            assertEquals(1, one.threads());
        }
    }

    @Test
    void splitPassesAllocateNothingOnAnyThread() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
        float[] x = inputs(BATCH, SPEC.inputs(), 4);
        int[] y = labels(BATCH, SPEC.classes());
        try (ComputePool pool = new ComputePool(2)) {
            Network network = new Network(SPEC, 6);
            TrainingSession session = new TrainingSession(network, BATCH, OptimizerConfig.sgd(0.01f), pool);
            Workspace ws = new Workspace(SPEC, BATCH, pool);
            float[] out = new float[BATCH * SPEC.classes()];
            long[] ids = threadIds(threads, Thread.currentThread().getId());
            assertEquals(2, ids.length, "the caller and the pool's one thread");
            // reading the counters allocates the array they come in: measure that and take it off
            long probe = total(threads, ids);
            long overhead = total(threads, ids) - probe;
            List<Long> rounds = new ArrayList<>();
            double sink = 0;
            for (int round = 0; round < 12; round++) {
                long before = total(threads, ids);
                for (int i = 0; i < 1500; i++) {
                    session.zeroGrad();
                    sink += session.trainStep(x, 0, y, 0, BATCH);
                    session.optimizerStep();
                    network.predictProbabilities(ws, x, 0, BATCH, out, 0);
                    sink += out[i % out.length];
                }
                long used = total(threads, ids) - before - overhead;
                rounds.add(used);
                if (used == 0) {
                    break;
                }
            }
            System.out.println("split train + infer passes: bytes allocated per round of 1500 on both threads: "
                    + rounds + " (" + (float) sink + ")");
            assertEquals(0L, (long) rounds.get(rounds.size() - 1), "a round without allocation, got " + rounds);
        }
    }

    private static long[] threadIds(com.sun.management.ThreadMXBean threads, long callerId) {
        List<Long> ids = new ArrayList<>();
        ids.add(callerId);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("edgetrain-compute-")) {
                ids.add(t.getId());
            }
        }
        long[] a = new long[ids.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ids.get(i);
        }
        return a;
    }

    private static long total(com.sun.management.ThreadMXBean threads, long[] ids) {
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(ids)) {
            sum += b;
        }
        return sum;
    }
}
