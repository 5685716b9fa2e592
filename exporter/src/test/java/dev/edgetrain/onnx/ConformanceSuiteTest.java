package dev.edgetrain.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of the external ONNX material (src/test/resources/onnx-tests, see its README for
 * provenance): each one either imports and reproduces the suite's expected outputs (rtol 1e-5, atol 1e-6)
 * or is refused with an {@link OnnxImportException} whose message names what was wrong. Nothing else is
 * acceptable: no other exception, no silent mismatch.
 *
 * <p>Two passes: the cases as shipped, and, for cases with several graph inputs, the same model with every
 * input after the first turned into an initializer holding the test's own input data. The backend tests
 * feed weights as inputs, so only the second pass exercises Gemm's alpha/beta/transB/bias variants.
 */
class ConformanceSuiteTest {
    static final double RTOL = 1e-5;
    static final double ATOL = 1e-6;
    static final String[] FOLDERS = {"real", "node", "node-legacy-v1.7.0", "pytorch"};

    /**
     * The cases that must import (all others must be refused), as shipped: the real models, PyTorch's Linear, and
     * every single-activation or softmax chain whose rows are the input's rows (imported as one identity layer;
     * a rank-1 input [N] is N rows of one value). Softmaxes over part of a row (opset 13 on rank 3, or an axis
     * other than 1 before it) are refused.
     */
    static final Set<String> IMPORTS_AS_SHIPPED = Set.of(
            "real/keras2onnx_marabou_fc_2-2-3", "real/pytorch_gonnx_mlp", "real/pytorch_marabou_softmax_last_layer",
            "real/tf2onnx_keras_ortbatcher", "real/tf2onnx_marabou_fc1",
            "pytorch/test_Linear", "pytorch/test_Linear_no_bias",
            "node/test_sigmoid", "node/test_sigmoid_example", "node/test_tanh", "node/test_tanh_example",
            "pytorch/test_Sigmoid", "pytorch/test_Tanh",
            "node/test_relu", "pytorch/test_ReLU", "pytorch/test_single_relu_model",
            "node/test_softmax_example", "node/test_softmax_large_number", "node/test_logsoftmax_example_1",
            "node/test_logsoftmax_large_number",
            "node-legacy-v1.7.0/test_softmax_axis_1", "node-legacy-v1.7.0/test_softmax_default_axis",
            "node-legacy-v1.7.0/test_softmax_example", "node-legacy-v1.7.0/test_softmax_large_number",
            "node-legacy-v1.7.0/test_logsoftmax_axis_1", "node-legacy-v1.7.0/test_logsoftmax_default_axis",
            "node-legacy-v1.7.0/test_logsoftmax_example_1", "node-legacy-v1.7.0/test_logsoftmax_large_number",
            "pytorch/test_Softmax", "pytorch/test_LogSoftmax", "pytorch/test_softmax_lastdim",
            "pytorch/test_log_softmax_lastdim");

    /** The cases that must import once their extra inputs are bound as constants. */
    static final Set<String> IMPORTS_WITH_BOUND_INPUTS = gemmCases("node", "node-legacy-v1.7.0");

    private static Set<String> gemmCases(String... folders) {
        Set<String> s = new HashSet<>();
        for (String f : folders) {
            for (String c : new String[] {"test_gemm_alpha", "test_gemm_beta", "test_gemm_default_no_bias",
                    "test_gemm_default_scalar_bias", "test_gemm_default_single_elem_vector_bias",
                    "test_gemm_default_vector_bias", "test_gemm_default_zero_bias", "test_gemm_transposeB"}) {
                s.add(f + "/" + c);
            }
        }
        s.add("node/test_matmul_2d");
        s.add("pytorch/test_operator_mm");
        return s;
    }

    /** folder → [imported and matched, rejected], per pass. */
    private static final Map<String, int[]> SHIPPED = new TreeMap<>();
    private static final Map<String, int[]> BOUND = new TreeMap<>();
    private static final List<String> LOG = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> everyCaseAsShipped() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String folder : FOLDERS) {
            for (Path dir : caseDirs(folder)) {
                String id = folder + "/" + dir.getFileName();
                tests.add(DynamicTest.dynamicTest(id, () -> {
                    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
                    check(id, dir, model, IMPORTS_AS_SHIPPED.contains(id), SHIPPED, "shipped");
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> casesWithExtraInputsBoundAsConstants() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String folder : FOLDERS) {
            for (Path dir : caseDirs(folder)) {
                String id = folder + "/" + dir.getFileName();
                ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
                List<ValueInfoProto> feeds = feeds(model);
                if (feeds.size() < 2) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(id + " (inputs 1.." + (feeds.size() - 1) + " as constants)", () -> {
                    GraphProto.Builder graph = model.getGraph().toBuilder();
                    for (int k = 1; k < feeds.size(); k++) {
                        TensorProto data = TensorProto.parseFrom(
                                Files.readAllBytes(dir.resolve("test_data_set_0/input_" + k + ".pb")));
                        graph.addInitializer(data.toBuilder().setName(feeds.get(k).getName()));
                    }
                    check(id, dir, model.toBuilder().setGraph(graph).build(), IMPORTS_WITH_BOUND_INPUTS.contains(id),
                            BOUND, "bound");
                }));
            }
        }
        return tests.stream();
    }

    /** The gonnx authors' published values for their MLP: input [[0,1,2],[3,4,5]]. */
    @Test
    void gonnxMlpReproducesItsAuthorsPublishedOutputs() throws IOException {
        ImportedModel m = OnnxImporter.read(TestSupport.onnxTests().resolve("real/pytorch_gonnx_mlp/model.onnx")
                .toFile());
        assertEquals(OutputKind.LOGITS, m.outputKind());
        assertEquals("data_input", m.inputName());
        assertEquals("preds", m.outputName());
        assertArrayEquals(new long[] {-1, 3}, m.inputShape());
        float[] out = new float[4];
        m.predict(new Workspace(m.spec(), 2), new float[] {0, 1, 2, 3, 4, 5}, 0, 2, out, 0);
        float[] published = {-0.056310713f, -1.1901507f, -1.5961288f, -3.3445296f};
        int bad = TestSupport.firstMismatch(out, published, RTOL, ATOL);
        assertEquals(-1, bad, () -> "element " + bad + ": got " + out[bad] + ", published " + published[bad]);
    }

    /** onnxruntime, run on the original real-world files, agrees with what the importer made of them. */
    @Test
    void onnxruntimeAgreesWithTheImportOfEveryRealModel() throws Exception {
        for (Path dir : realModels()) {
            byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
            ImportedModel m = OnnxImporter.read(bytes);
            TestSupport.Tensor in = TestSupport.readTensor(dir.resolve("test_data_set_0/input_0.pb"));
            int batch = (int) in.dims[0];
            float[] ours = new float[batch * m.classCount()];
            m.predict(new Workspace(m.spec(), batch), in.values, 0, batch, ours, 0);
            float[] ort = TestSupport.runOrt(bytes, m.inputName(), in.values, in.dims).get(m.outputName());
            int bad = TestSupport.firstMismatch(ours, ort, RTOL, ATOL);
            assertEquals(-1, bad, () -> dir.getFileName() + " element " + bad + ": ours " + ours[bad] + ", onnxruntime "
                    + ort[bad]);
        }
    }

    private static void check(String id, Path dir, ModelProto model, boolean mustImport, Map<String, int[]> counts,
                              String pass) throws IOException {
        String folder = id.substring(0, id.indexOf('/'));
        ImportedModel imported;
        try {
            imported = OnnxImporter.read(model);
        } catch (OnnxImportException e) {
            String message = e.getMessage();
            assertNotNull(message);
            assertTrue(message.length() > 30, "a useful message, got: " + message);
            assertTrue(message.contains("expected"), "the message says what was expected: " + message);
            if (e.opType() != null) {
                assertTrue(message.contains(e.opType()), "the message names the op: " + message);
            }
            synchronized (counts) {
                counts.computeIfAbsent(folder, k -> new int[2])[1]++;
                LOG.add(String.format("  %-7s %-58s rejected: %s", pass, id, message));
            }
            assertFalse(mustImport, id + " should import, but was rejected: " + message);
            return;
        }
        // Imported: it must reproduce the expected output.
        TestSupport.Tensor in = TestSupport.readTensor(dir.resolve("test_data_set_0/input_0.pb"));
        TestSupport.Tensor expected = TestSupport.readTensor(dir.resolve("test_data_set_0/output_0.pb"));
        int batch = (int) in.dims[0];
        assertEquals(in.values.length, (long) batch * imported.featureCount(),
                id + ": input rows of the model's width");
        // The output's rows, as the network computes them: [batch, outputs] ([3, 4, 5] of an elementwise op is
        // [3, 20], [3] is [3, 1]).
        assertEquals(batch, expected.dims[0], id);
        assertEquals(expected.values.length, (long) batch * imported.classCount(), id + ": output rows of the model's"
                + " width");
        float[] out = new float[batch * imported.classCount()];
        imported.predict(new Workspace(imported.spec(), batch), in.values, 0, batch, out, 0);
        int bad = TestSupport.firstMismatch(out, expected.values, RTOL, ATOL);
        if (bad >= 0) {
            fail(id + " (" + pass + "): imported as " + imported + " but element " + bad + " is " + out[bad]
                    + ", expected " + expected.values[bad]);
        }
        synchronized (counts) {
            counts.computeIfAbsent(folder, k -> new int[2])[0]++;
            LOG.add(String.format("  %-7s %-58s imported %s, %d values match", pass, id, imported.spec(), out.length));
        }
        assertTrue(mustImport, id + " imported but is listed as one to reject");
    }

    static List<ValueInfoProto> feeds(ModelProto model) {
        Set<String> init = new HashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            init.add(t.getName());
        }
        List<ValueInfoProto> feeds = new ArrayList<>();
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            if (!init.contains(v.getName())) {
                feeds.add(v);
            }
        }
        return feeds;
    }

    /** The case folders (each with a {@code model.onnx}) under {@code folder}; never empty, or loops prove nothing. */
    static List<Path> caseDirs(String folder) throws IOException {
        try (Stream<Path> s = Files.list(TestSupport.onnxTests().resolve(folder))) {
            List<Path> dirs = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
            assertFalse(dirs.isEmpty(), "no case with a model.onnx under onnx-tests/" + folder);
            return dirs;
        }
    }

    /** The real-world models, all of those the suite expects to import: a model gone missing fails the tests. */
    static List<Path> realModels() throws IOException {
        List<Path> dirs = caseDirs("real");
        Set<String> found = new TreeSet<>();
        dirs.forEach(d -> found.add("real/" + d.getFileName()));
        Set<String> expected = new TreeSet<>();
        IMPORTS_AS_SHIPPED.stream().filter(id -> id.startsWith("real/")).forEach(expected::add);
        assertEquals(expected, found, "the real models under onnx-tests/real");
        return dirs;
    }

    @AfterAll
    static void report() {
        LOG.sort(null);
        System.out.println("[conformance] per case:");
        LOG.forEach(System.out::println);
        for (String folder : FOLDERS) {
            int[] s = SHIPPED.getOrDefault(folder, new int[2]);
            int[] b = BOUND.getOrDefault(folder, new int[2]);
            System.out.printf("[conformance] %-20s as shipped: %2d imported+matched, %2d rejected | extra inputs as"
                    + " constants: %2d imported+matched, %2d rejected%n", folder, s[0], s[1], b[0], b[1]);
        }
    }
}
