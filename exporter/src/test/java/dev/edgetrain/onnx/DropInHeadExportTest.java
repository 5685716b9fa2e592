package dev.edgetrain.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A head trained here exported as a drop-in replacement for an openWakeWord head: the shipped head's input and
 * output names and shapes ({@code ExportOptions.inputName/outputName/inputShape/fixedBatch}), onnxruntime agreeing
 * with the runtime within 1e-5; and the checks on those names.
 */
class DropInHeadExportTest {
    private static final double TOLERANCE = 1e-5;
    private static final NetworkSpec ALEXA_LIKE = NetworkSpec.builder(1536).hidden(32).hidden(32)
            .output(1, Task.BINARY).build();

    /** alexa_v0.1's own names and shape, as a drop-in replacement writes them. */
    static ExportOptions.Builder alexaDropIn() {
        return ExportOptions.builder().inputName("onnx::Flatten_0").outputName("13")
                .inputShape(new long[] {1, 16, 96}).fixedBatch(1);
    }

    @Test
    void alexaDropInHasTheShippedHeadsNamesAndShapesAndMatchesTheRuntime() throws Exception {
        Path models = NpmModels.require("DropInHeadExportTest", "alexa_v0.1.onnx");
        byte[] shipped = Files.readAllBytes(models.resolve("alexa_v0.1.onnx"));
        Network head = FamilyModels.random(ALEXA_LIKE.withLayer(1, ALEXA_LIKE.layer(1).withLayerNorm(1e-5f)), 1301);
        byte[] ours = OnnxExporter.toBytes(head, alexaDropIn().build());

        Map<String, List<Long>> shippedInputs = new LinkedHashMap<>();
        Map<String, List<Long>> shippedOutputs = new LinkedHashMap<>();
        describe(shipped, shippedInputs, shippedOutputs);
        Map<String, List<Long>> ourInputs = new LinkedHashMap<>();
        Map<String, List<Long>> ourOutputs = new LinkedHashMap<>();
        describe(ours, ourInputs, ourOutputs);
        System.out.println("[drop-in] alexa_v0.1 " + shippedInputs + " -> " + shippedOutputs + "; ours " + ourInputs
                + " -> " + ourOutputs);
        assertEquals(Map.of("onnx::Flatten_0", List.of(1L, 16L, 96L)), shippedInputs, "the shipped head, as read");
        assertEquals(Map.of("13", List.of(1L, 1L)), shippedOutputs, "the shipped head, as read");
        assertEquals(shippedInputs, ourInputs);
        assertEquals(shippedOutputs, ourOutputs);

        Random r = new Random(1302);
        Workspace ws = new Workspace(head.spec(), 1);
        float[] expected = new float[1];
        double worst = 0;
        for (int trial = 0; trial < 16; trial++) {
            float[] x = TestSupport.randomInputs(r, 1, 1536, 1.0);
            head.predict(ws, x, 0, 1, expected, 0);
            float[] shippedScore = TestSupport.runOrt(shipped, "onnx::Flatten_0", x, 1, 16, 96).get("13");
            float[] ourScore = TestSupport.runOrt(ours, "onnx::Flatten_0", x, 1, 16, 96).get("13");
            assertEquals(1, shippedScore.length, "the shipped head runs on the same feed");
            worst = Math.max(worst, TestSupport.maxAbsDiff(ourScore, expected));
        }
        System.out.printf("[drop-in] alexa-named head: onnxruntime vs runtime max |diff| %.3g over 16 rows%n", worst);
        assertTrue(worst <= TOLERANCE, "max |diff| " + worst);
    }

    @Test
    void namesAndFixedBatchAreWrittenAndDefaultsAreUnchanged() throws Exception {
        Network head = FamilyModels.random(NetworkSpec.builder(12).hidden(6).output(1, Task.BINARY).build(), 1303);
        GraphProto g = OnnxExporter.toModel(head, ExportOptions.builder().inputName("x.1").outputName("score")
                .inputShape(new long[] {1, 3, 4}).fixedBatch(1).includeLogits(true).build()).getGraph();
        assertEquals("x.1", g.getInput(0).getName());
        assertEquals(List.of(1L, 3L, 4L), fixedDims(g.getInput(0)));
        assertEquals("score", g.getOutput(0).getName());
        assertEquals(List.of(1L, 1L), fixedDims(g.getOutput(0)));
        assertEquals("logits", g.getOutput(1).getName(), "the second output keeps its name");
        assertEquals("x.1.flatten", g.getNode(0).getName());
        assertEquals("x.1.flat", g.getNode(0).getOutput(0));

        ExportOptions defaults = ExportOptions.builder().inputShape(new long[] {1, 3, 4}).build();
        ModelProto plain = OnnxExporter.toModel(head, defaults);
        assertEquals("input", plain.getGraph().getInput(0).getName());
        assertEquals("N", plain.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals("probabilities", plain.getGraph().getOutput(0).getName());
        assertArrayEquals(plain.toByteArray(), OnnxExporter.toBytes(head, defaults.toBuilder().inputName(null)
                .outputName(null).fixedBatch(0).build()), "the defaults write the same bytes as before");

        // A fixed batch of 4 (rank-2 input) runs in onnxruntime with exactly 4 rows.
        byte[] four = OnnxExporter.toBytes(head, ExportOptions.builder().fixedBatch(4).outputName("p").build());
        float[] x = TestSupport.randomInputs(new Random(1304), 4, 12, 1.0);
        float[] expected = new float[4];
        head.predict(new Workspace(head.spec(), 4), x, 0, 4, expected, 0);
        assertTrue(TestSupport.maxAbsDiff(TestSupport.runOrt(four, "input", x, 4, 12).get("p"), expected) <= TOLERANCE);
        assertThrows(OrtException.class, () -> TestSupport.runOrt(four, "input", Arrays.copyOf(x, 24), 2, 12),
                "the declared batch of 4 is enforced");
    }

    @Test
    void namesThatClashOrAreEmptyAreRefusedSayingWhy() {
        Network head = FamilyModels.random(NetworkSpec.builder(12).hidden(6).layerNorm()
                .activation(Activation.GELU).output(1, Task.BINARY).build(), 1305);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().inputName(""));
        assertEquals("input name must not be empty; expected a name or null for the default", empty.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().inputName("x").outputName("x").build());
        assertEquals("input and output are both named 'x'; expected distinct names", same.getMessage());
        IllegalArgumentException defaultOutput = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toModel(head, ExportOptions.builder().inputName("probabilities").build()));
        assertTrue(defaultOutput.getMessage().startsWith("input and output are both named 'probabilities'"),
                defaultOutput.getMessage());
        for (String taken : new String[] {"logits", "layer0.weight", "layer0.linear", "layer0.norm", "gelu.half",
                "layer0.norm.epsilon", "layer1.bias"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExporter.toModel(head, ExportOptions.builder().targetOpset(13).outputName(taken).build()),
                    taken);
            assertTrue(e.getMessage().startsWith("output name '" + taken + "' is the name of a value the exporter"
                    + " writes in this graph; expected a name other than ["), e.getMessage());
            IllegalArgumentException in = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExporter.toModel(head, ExportOptions.builder().targetOpset(13).inputName(taken).build()),
                    taken);
            assertTrue(in.getMessage().startsWith("input name '" + taken + "'"), in.getMessage());
        }
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().inputShape(new long[] {1, 3, 4}).fixedBatch(2).build());
        assertEquals("fixed batch 2 contradicts input shape [1, 3, 4]; expected its first dimension -1 (any) or a"
                + " fixed batch of 1", batch.getMessage());
        // A name the default graph does not use is fine, including the other kinds' names.
        ModelProto ok = OnnxExporter.toModel(head, ExportOptions.builder().inputName("predictions")
                .outputName("input").build());
        Set<String> names = new HashSet<>();
        ok.getGraph().getNodeList().forEach(n -> names.addAll(n.getOutputList()));
        assertTrue(names.contains("input") && ok.getGraph().getInput(0).getName().equals("predictions"));
    }

    /** onnxruntime's view of a model's inputs and outputs: name → shape (-1 for a symbolic dimension). */
    private static void describe(byte[] model, Map<String, List<Long>> inputs, Map<String, List<Long>> outputs)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions())) {
            for (Map.Entry<String, NodeInfo> e : s.getInputInfo().entrySet()) {
                inputs.put(e.getKey(), shape(e.getValue()));
            }
            for (Map.Entry<String, NodeInfo> e : s.getOutputInfo().entrySet()) {
                outputs.put(e.getKey(), shape(e.getValue()));
            }
        }
    }

    private static List<Long> shape(NodeInfo info) {
        TensorInfo t = (TensorInfo) info.getInfo();
        assertEquals(ai.onnxruntime.OnnxJavaType.FLOAT, t.type, info.getName());
        return Arrays.stream(t.getShape()).boxed().toList();
    }

    private static List<Long> fixedDims(ValueInfoProto v) {
        return v.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimValue() ? d.getDimValue() : -1L).toList();
    }
}
