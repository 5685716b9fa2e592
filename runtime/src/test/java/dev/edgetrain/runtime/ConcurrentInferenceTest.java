package dev.edgetrain.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One {@link Network} shared by several inference threads, each with its own {@link Workspace}, gives
 * bit-for-bit the results of a single thread: probabilities, logits, classes and single-row predictions,
 * for thousands of batches of varied sizes, each thread working through them in its own order so that
 * different threads run different batches at the same moment.
 */
class ConcurrentInferenceTest {
    private static final int THREADS = 4;
    private static final int BATCHES = 2000;
    private static final int MAX_BATCH = 40;
    private static final int ROWS = 600;
    /** Layer norm, both GELUs and dropout (training-only: inference must touch neither its generator nor its masks). */
    private static final NetworkSpec LAYER_CORE = NetworkSpec.builder(30).hidden(64).layerNorm()
            .activation(Activation.GELU).dropout(0.3f).hidden(32, Activation.GELU_TANH).layerNorm().dropout(0.1f)
            .output(5, Task.CLASSIFY).build();

    /** One batch: {@code size} rows of the shared input starting at row {@code row}. */
    private record Batch(int row, int size) {
    }

    /** What one batch gave. */
    private record Result(float[] probabilities, float[] logits, int[] classes, int firstRowClass) {
        boolean sameBits(Result o) {
            return Arrays.equals(probabilities, o.probabilities) && Arrays.equals(logits, o.logits)
                    && Arrays.equals(classes, o.classes) && firstRowClass == o.firstRowClass;
        }
    }

    @Test
    void wideLayersSharedByFourThreadsMatchOneThreadBitForBit() throws Exception {
        // 128 and 64 outputs take the wide (Wᵀ axpy) kernels, 5 classes the narrow (dot product) ones.
        assertSharedInferenceMatches(NetworkSpec.of(30, new int[] {128, 64}, 5), 11, null);
    }

    @Test
    void fourThreadsWhoseWorkspacesShareOneComputePoolMatchOneThreadBitForBit() throws Exception {
        // The pool runs one split pass at a time; callers on other threads wait their turn.
        try (ComputePool pool = new ComputePool(2)) {
            assertSharedInferenceMatches(NetworkSpec.of(30, new int[] {128, 64}, 5), 13, pool);
        }
    }

    @Test
    void narrowLayersWithoutBiasSharedByFourThreadsMatchOneThreadBitForBit() throws Exception {
        assertSharedInferenceMatches(
                NetworkSpec.of(7, new int[] {3, 9}, 2).withLayerBias(new boolean[] {false, true, false}), 12, null);
    }

    @Test
    void layerNormGeluAndDropoutSharedByFourThreadsMatchOneThreadBitForBit() throws Exception {
        assertSharedInferenceMatches(LAYER_CORE, 14, null);
    }

    @Test
    void layerNormGeluAndDropoutWithASharedComputePoolMatchOneThreadBitForBit() throws Exception {
        try (ComputePool pool = new ComputePool(2)) {
            assertSharedInferenceMatches(LAYER_CORE, 15, pool);
        }
    }

    /** {@code pool}: the compute pool every thread's workspace shares, or null for none. */
    private static void assertSharedInferenceMatches(NetworkSpec spec, long seed, ComputePool pool) throws Exception {
        Network network = new Network(spec, seed);
        Random r = new Random(seed);
        float[] params = network.copyParameters();
        for (int l = 0; l < spec.layerCount(); l++) {
            int b0 = network.layout().biasOffset(l);
            for (int o = 0; b0 >= 0 && o < spec.layerOutputs(l); o++) {
                params[b0 + o] = (float) r.nextGaussian() * 0.3f;
            }
            int g0 = network.layout().normScaleOffset(l);
            for (int o = 0; g0 >= 0 && o < spec.layerOutputs(l); o++) {
                params[g0 + o] = 1 + (float) r.nextGaussian() * 0.3f;
                params[network.layout().normShiftOffset(l) + o] = (float) r.nextGaussian() * 0.3f;
            }
        }
        network.setParameters(params);
        float[] x = new float[ROWS * spec.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 2);
        }
        List<Batch> batches = new ArrayList<>();
        for (int k = 0; k < BATCHES; k++) {
            int size = 1 + r.nextInt(MAX_BATCH);
            batches.add(new Batch(r.nextInt(ROWS - size + 1), size));
        }

        // The reference: one thread, one workspace, in order.
        Workspace single = new Workspace(spec, MAX_BATCH);
        Result[] expected = new Result[BATCHES];
        for (int k = 0; k < BATCHES; k++) {
            expected[k] = run(network, single, x, batches.get(k));
        }

        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<Integer>> mismatches = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final long order = seed * 31 + t;
                mismatches.add(threads.submit((Callable<Integer>) () -> {
                    Workspace own = new Workspace(spec, MAX_BATCH, pool);
                    List<Integer> indices = new ArrayList<>();
                    for (int k = 0; k < BATCHES; k++) {
                        indices.add(k);
                    }
                    java.util.Collections.shuffle(indices, new Random(order));
                    start.await();
                    int wrong = 0;
                    for (int k : indices) {
                        if (!run(network, own, x, batches.get(k)).sameBits(expected[k])) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            int total = 0;
            for (Future<Integer> f : mismatches) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(0, total, total + " of " + THREADS * BATCHES + " batches differ from the single-threaded run");
        } finally {
            threads.shutdownNow();
        }
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static Result run(Network network, Workspace ws, float[] x, Batch b) {
        int classes = network.spec().classes();
        int off = b.row * network.spec().inputs();
        float[] probabilities = new float[b.size * classes];
        float[] logits = new float[b.size * classes];
        int[] labels = new int[b.size];
        network.predictProbabilities(ws, x, off, b.size, probabilities, 0);
        network.predictLogits(ws, x, off, b.size, logits, 0);
        network.predictClasses(ws, x, off, b.size, labels, 0);
        int first = network.predictClass(ws, x, off);
        return new Result(probabilities, logits, labels, first);
    }
}
