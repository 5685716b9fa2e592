package dev.edgetrain.onnx;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ImportedModel#predict} from four threads, each with its own {@link Workspace}, on one shared model,
 * equals a single thread bit for bit: for each output kind (the log-softmax is computed by the model itself)
 * and for a real PyTorch export from the conformance material.
 */
class ImportedModelConcurrencyTest {
    private static final int THREADS = 4;
    private static final int BATCHES = 1500;
    private static final int MAX_BATCH = 32;
    private static final int ROWS = 400;

    @Test
    void everyOutputKindPredictsTheSameFromFourThreads() throws Exception {
        for (OutputKind kind : OutputKind.values()) {
            if (!kind.suits(Task.CLASSIFY)) {
                continue; // the exporter refuses an output kind its network's task does not have
            }
            byte[] bytes = OnnxExporter.toBytes(TestSupport.randomNetwork(NetworkSpec.of(12, new int[] {40, 16}, 4), 3),
                    ExportOptions.builder().output(kind).build());
            ImportedModel model = OnnxImporter.read(bytes);
            assertEquals(kind, model.outputKind());
            assertSharedPredictMatches(model, kind.ordinal());
        }
        // A sigmoid head (multi-label probabilities) and a regressor (predictions), built by hand.
        for (String head : new String[] {"Sigmoid", ""}) {
            ImportedModel model = OnnxImporter.read(handBuilt(head, head.isEmpty() ? 1 : 5));
            assertEquals(head.isEmpty() ? OutputKind.PREDICTIONS : OutputKind.PROBABILITIES, model.outputKind());
            assertSharedPredictMatches(model, 10 + head.length());
        }
    }

    /** x [N, 12] → Gemm → Tanh → Gemm (outputs) [→ head]. */
    private static byte[] handBuilt(String head, int outputs) {
        Random r = new Random(outputs);
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(Models.value("x", "N", 12L))
                .addInitializer(Models.raw("w0", Models.random(r, 40 * 12, 0.4), 40, 12))
                .addInitializer(Models.raw("b0", Models.random(r, 40, 0.2), 40))
                .addInitializer(Models.raw("w1", Models.random(r, outputs * 40, 0.4), outputs, 40))
                .addNode(Models.node("Gemm", "fc0", new String[] {"x", "w0", "b0"}, "h", Models.intAttr("transB", 1)))
                .addNode(Models.node("Tanh", "act", new String[] {"h"}, "a"))
                .addNode(Models.node("Gemm", "fc1", new String[] {"a", "w1"}, head.isEmpty() ? "y" : "z",
                        Models.intAttr("transB", 1)));
        if (!head.isEmpty()) {
            g.addNode(Models.node(head, "head", new String[] {"z"}, "y"));
        }
        return Models.model(7, 13, g.addOutput(Models.value("y", "N", (long) outputs))).toByteArray();
    }

    @Test
    void aRealPyTorchModelPredictsTheSameFromFourThreads() throws Exception {
        ImportedModel model = OnnxImporter.read(TestSupport.onnxTests()
                .resolve("real/pytorch_marabou_softmax_last_layer/model.onnx").toFile());
        assertSharedPredictMatches(model, 99);
    }

    private static void assertSharedPredictMatches(ImportedModel model, long seed) throws Exception {
        int features = model.featureCount();
        int classes = model.classCount();
        Random r = new Random(seed);
        float[] x = new float[ROWS * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] rows = new int[BATCHES];
        int[] sizes = new int[BATCHES];
        for (int k = 0; k < BATCHES; k++) {
            sizes[k] = 1 + r.nextInt(MAX_BATCH);
            rows[k] = r.nextInt(ROWS - sizes[k] + 1);
        }
        Workspace single = new Workspace(model.spec(), MAX_BATCH);
        float[][] expected = new float[BATCHES][];
        for (int k = 0; k < BATCHES; k++) {
            expected[k] = new float[sizes[k] * classes];
            model.predict(single, x, rows[k] * features, sizes[k], expected[k], 0);
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final long order = seed * 17 + t;
                results.add(pool.submit((Callable<Integer>) () -> {
                    Workspace own = new Workspace(model.spec(), MAX_BATCH);
                    List<Integer> indices = new ArrayList<>();
                    for (int k = 0; k < BATCHES; k++) {
                        indices.add(k);
                    }
                    Collections.shuffle(indices, new Random(order));
                    // Outputs land at an offset inside a larger buffer, as an app batching requests would do.
                    float[] out = new float[3 + MAX_BATCH * classes];
                    start.await();
                    int wrong = 0;
                    for (int k : indices) {
                        model.predict(own, x, rows[k] * features, sizes[k], out, 3);
                        if (!Arrays.equals(out, 3, 3 + sizes[k] * classes, expected[k], 0, expected[k].length)) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            int wrong = 0;
            for (Future<Integer> f : results) {
                wrong += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(0, wrong, wrong + " of " + THREADS * BATCHES + " batches of " + model.spec()
                    + " differ from the single-threaded run");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void importingFromSeveralThreadsAtOnceGivesEqualModels() throws Exception {
        // OnnxImporter is stateless: concurrent imports of the same bytes give the same parameters.
        byte[] bytes = TestSupport.readBytes(TestSupport.onnxTests()
                .resolve("real/tf2onnx_keras_ortbatcher/model.onnx"));
        float[] reference = OnnxImporter.read(bytes).network().copyParameters();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<float[]>> imports = new ArrayList<>();
            for (int t = 0; t < THREADS * 4; t++) {
                imports.add(pool.submit(() -> {
                    try {
                        return OnnxImporter.read(bytes).network().copyParameters();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Future<float[]> f : imports) {
                assertEquals(true, Arrays.equals(reference, f.get(60, TimeUnit.SECONDS)));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
