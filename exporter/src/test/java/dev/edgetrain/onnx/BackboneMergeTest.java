package dev.edgetrain.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import java.io.File;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BackboneMerge}: openWakeWord's {@code embedding_model.onnx} (tf2onnx, opset 13, IR 7, with an
 * {@code ai.onnx.ml} import) and a head trained here in one file. The merged file, run by onnxruntime alone, scores
 * 16 mel windows as the two-stage pipeline does (backbone in onnxruntime, then the head in onnxruntime and in the
 * runtime) within 1e-5; the backbone's nodes, initializers (to the byte) and opset imports are carried over; names
 * that would clash are renamed; opsets the head cannot share are refused; the importer refuses the merged CNN with its
 * usual message.
 */
class BackboneMergeTest {
    private static final double TOLERANCE = 1e-5;
    private static final String EMBEDDING = "embedding_model.onnx";
    private static final String EMBEDDING_OUTPUT = "conv2d_19";
    private static final long[] HEAD_SHAPE = {1, 16, 96};
    private static final int WINDOWS = 16;
    /** One mel window: 76 frames of 32 bins, channel last. */
    private static final int WINDOW_VALUES = 76 * 32;

    @TempDir
    Path dir;

    private static final NetworkSpec PLAIN = NetworkSpec.builder(1536).hidden(32).hidden(32).output(1, Task.BINARY)
            .build();
    private static final NetworkSpec LAYER_NORM = NetworkSpec.builder(1536).hidden(32).layerNorm().hidden(32)
            .layerNorm().output(1, Task.BINARY).build();
    private static final NetworkSpec GELU = NetworkSpec.builder(1536).hidden(24).layerNorm()
            .activation(Activation.GELU_TANH).output(1, Task.BINARY).build();

    @Test
    void mergedFileScoresSixteenMelWindowsAsTheTwoStagePipeline() throws Exception {
        Path models = NpmModels.require("BackboneMergeTest", EMBEDDING);
        File backbone = models.resolve(EMBEDDING).toFile();
        byte[] backboneBytes = Files.readAllBytes(backbone.toPath());
        Random r = new Random(1401);
        for (NetworkSpec spec : List.of(PLAIN, LAYER_NORM, GELU)) {
            Network head = unsaturated(FamilyModels.random(spec, 1402));
            ExportOptions options = ExportOptions.builder().includeLogits(true).build();
            File merged = dir.resolve("merged.onnx").toFile();
            BackboneMerge.write(BackboneMerge.merge(backbone, EMBEDDING_OUTPUT, HEAD_SHAPE, head, options), merged);
            byte[] headAlone = OnnxExporter.toBytes(head, options.toBuilder().inputShape(HEAD_SHAPE).build());

            double worstOrt = 0;
            double worstRuntime = 0;
            double worstLogit = 0;
            float[] score = new float[1];
            float[] logit = new float[1];
            Workspace ws = new Workspace(spec, 1);
            for (int trial = 0; trial < 4; trial++) {
                float[] mel = melWindows(r, WINDOWS);
                float[] embeddings = run(backboneBytes, null, "input_1", mel, WINDOWS, 76, 32, 1).get(EMBEDDING_OUTPUT);
                assertEquals(WINDOWS * 96, embeddings.length);
                Map<String, float[]> twoStage = run(headAlone, null, "input", embeddings, HEAD_SHAPE);
                head.predict(ws, embeddings, 0, 1, score, 0);
                head.predictLogits(ws, embeddings, 0, 1, logit, 0);
                Map<String, float[]> oneFile = run(null, merged, "input_1", mel, WINDOWS, 76, 32, 1);
                assertEquals(Set.of("probabilities", "logits"), oneFile.keySet());
                worstOrt = Math.max(worstOrt, TestSupport.maxAbsDiff(oneFile.get("probabilities"),
                        twoStage.get("probabilities")));
                worstRuntime = Math.max(worstRuntime, TestSupport.maxAbsDiff(oneFile.get("probabilities"), score));
                worstLogit = Math.max(worstLogit, Math.abs(oneFile.get("logits")[0] - logit[0]));
                System.out.printf("[merge] %s trial %d: score %.6f, logit %.4f%n", spec, trial, score[0], logit[0]);
            }
            System.out.printf("[merge] %s: merged vs two-stage max |diff| %.3g (onnxruntime head), %.3g (runtime"
                    + " head); logits %.3g%n", spec, worstOrt, worstRuntime, worstLogit);
            assertTrue(worstOrt <= TOLERANCE, spec + ": " + worstOrt);
            assertTrue(worstRuntime <= TOLERANCE, spec + ": " + worstRuntime);
            assertTrue(worstLogit <= TOLERANCE, spec + ": logits " + worstLogit);
        }
    }

    @Test
    void backboneNodesInitializersOpsetsAndValueInfoAreCarriedOverToTheByte() throws Exception {
        Path models = NpmModels.require("BackboneMergeTest", EMBEDDING);
        File backbone = models.resolve(EMBEDDING).toFile();
        byte[] sourceBytes = Files.readAllBytes(backbone.toPath());
        ModelProto source = ModelProto.parseFrom(sourceBytes);
        File file = dir.resolve("merged-ln.onnx").toFile();
        BackboneMerge.write(BackboneMerge.merge(backbone, EMBEDDING_OUTPUT, HEAD_SHAPE,
                FamilyModels.random(LAYER_NORM, 1403), null), file);
        ModelProto merged = ModelProto.parseFrom(Files.readAllBytes(file.toPath()));
        GraphProto s = source.getGraph();
        GraphProto m = merged.getGraph();
        System.out.println("[merge] backbone: IR " + source.getIrVersion() + ", opsets " + opsets(source)
                + ", producer " + source.getProducerName() + " " + source.getProducerVersion() + ", "
                + s.getNodeCount() + " nodes, " + s.getInitializerCount() + " initializers; merged: IR "
                + merged.getIrVersion() + ", opsets " + opsets(merged) + ", " + m.getNodeCount() + " nodes");

        for (int i = 0; i < s.getNodeCount(); i++) {
            assertEquals(s.getNode(i), m.getNode(i), "node " + i);
        }
        for (int i = 0; i < s.getInitializerCount(); i++) {
            TensorProto a = s.getInitializer(i);
            TensorProto b = m.getInitializer(i);
            assertEquals(a.toByteString(), b.toByteString(), "initializer " + a.getName() + ", serialized");
            assertEquals(a.getRawData(), b.getRawData(), a.getName() + " raw_data");
            assertEquals(a.getFloatDataList(), b.getFloatDataList(), a.getName() + " float_data");
            assertEquals(a.getInt64DataList(), b.getInt64DataList(), a.getName() + " int64_data");
            assertEquals(a.getDimsList(), b.getDimsList(), a.getName() + " dims");
            assertEquals(a.getDataType(), b.getDataType(), a.getName() + " data type");
        }
        assertEquals(List.of("", "ai.onnx.ml"), source.getOpsetImportList().stream()
                .map(OperatorSetIdProto::getDomain).toList(), "the backbone imports ai.onnx.ml");
        assertEquals(source.getOpsetImportList(), merged.getOpsetImportList(), "the backbone's imports, untouched");
        assertEquals(Math.max(source.getIrVersion(), 7), merged.getIrVersion());
        assertEquals(s.getInputList(), m.getInputList(), "the backbone's inputs, as declared");
        assertTrue(m.getValueInfoList().containsAll(s.getValueInfoList()));
        assertTrue(m.getValueInfoList().contains(s.getOutput(0)), "the backbone's output is described in value_info");

        // Then the reshape and the head, at the backbone's opset 13: the layer norm decomposed.
        NodeProto reshape = m.getNode(s.getNodeCount());
        assertEquals("Reshape", reshape.getOpType());
        assertEquals(List.of(EMBEDDING_OUTPUT, "head_input.shape"), reshape.getInputList());
        assertEquals(List.of("head_input"), reshape.getOutputList());
        TensorProto shape = m.getInitializer(s.getInitializerCount());
        assertEquals("head_input.shape", shape.getName());
        assertEquals(TensorProto.DataType.INT64_VALUE, shape.getDataType());
        List<String> headOps = m.getNodeList().subList(s.getNodeCount() + 1, m.getNodeCount()).stream()
                .map(NodeProto::getOpType).toList();
        assertEquals("Flatten", headOps.get(0));
        assertTrue(headOps.contains("ReduceMean") && !headOps.contains("LayerNormalization"), headOps.toString());
        assertEquals("Sigmoid", headOps.get(headOps.size() - 1));

        Map<String, String> meta = metadata(merged);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sourceBytes));
        assertEquals(EMBEDDING, meta.get(ModelMetadata.BACKBONE));
        assertEquals(sha, meta.get(ModelMetadata.BACKBONE_SHA256));
        assertEquals("tf2onnx 1.12.1 b6d590", meta.get(ModelMetadata.BACKBONE_PRODUCER));
        assertEquals(EMBEDDING_OUTPUT, meta.get(ModelMetadata.BACKBONE_OUTPUT));
        assertEquals("conv2d_19 [16, 1, 1, 96] -> [1, 16, 96]", meta.get(ModelMetadata.BACKBONE_RESHAPE));
        assertEquals("16", meta.get(ModelMetadata.BACKBONE_ROWS));
        assertEquals("binary", meta.get(ModelMetadata.TASK));
        assertEquals(LAYER_NORM.toString(), meta.get(ModelMetadata.ARCHITECTURE));
        assertTrue(merged.getDocString().contains("One run takes exactly 16 backbone rows (input_1 [16, 76, 32, 1])"),
                merged.getDocString());
        assertEquals("edgetrain", merged.getProducerName());
    }

    @Test
    void mergedFileRunsAloneInOnnxruntimeAndTakesExactlySixteenWindows() throws Exception {
        Path models = NpmModels.require("BackboneMergeTest", EMBEDDING);
        File file = dir.resolve("alexa-like.onnx").toFile();
        BackboneMerge.write(BackboneMerge.merge(models.resolve(EMBEDDING).toFile(), EMBEDDING_OUTPUT, HEAD_SHAPE,
                FamilyModels.random(PLAIN, 1404), DropInHeadExportTest.alexaDropIn().build()), file);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.getPath(), new OrtSession.SessionOptions())) {
            assertEquals(Set.of("input_1"), session.getInputNames());
            assertEquals(Set.of("13"), session.getOutputNames(), "the drop-in output name");
            assertArrayEquals(new long[] {1, 1}, ((TensorInfo) session.getOutputInfo().get("13").getInfo()).getShape());
        }
        Random r = new Random(1405);
        float[] score = run(null, file, "input_1", melWindows(r, WINDOWS), WINDOWS, 76, 32, 1).get("13");
        assertEquals(1, score.length);
        assertTrue(score[0] >= 0 && score[0] <= 1, "a sigmoid score: " + score[0]);
        OrtException fifteen = assertThrows(OrtException.class,
                () -> run(null, file, "input_1", melWindows(r, 15), 15, 76, 32, 1));
        System.out.println("[merge] 15 windows: " + fifteen.getMessage());
    }

    @Test
    void namesThatClashWithTheBackbonesAreRenamedAndTheModelStaysValid() throws Exception {
        // The backbone is an edgetrain export too: input, layer0.weight, layer0.gemm, …, logits, probabilities.
        Network backboneNet = FamilyModels.random(NetworkSpec.builder(12).hidden(16).layerNorm().output(8,
                Task.CLASSIFY).build(), 1406);
        ModelProto exported = OnnxExporter.toModel(backboneNet, ExportOptions.builder().includeLogits(true).build());
        ValueInfoProto described = dev.edgetrain.onnx.graph.GraphBuilder.floatValueInfo("layer0.linear", "N", 16);
        byte[] backbone = exported.toBuilder().setGraph(exported.getGraph().toBuilder().addValueInfo(described))
                .build().toByteArray();
        Network head = FamilyModels.random(NetworkSpec.builder(16).hidden(4).layerNorm().output(1, Task.BINARY)
                .build(), 1407);
        ExportOptions options = ExportOptions.builder().inputName("input").build();
        ModelProto merged = BackboneMerge.merge(backbone, "mine.onnx", "probabilities", new long[] {1, 2, 8}, head,
                options);
        GraphProto g = merged.getGraph();

        Set<String> defined = new HashSet<>();
        g.getInputList().forEach(v -> assertTrue(defined.add(v.getName()), v.getName()));
        g.getInitializerList().forEach(t -> assertTrue(defined.add(t.getName()), "initializer " + t.getName()));
        Set<String> nodeNames = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            assertTrue(nodeNames.add(n.getName()), "node " + n.getName());
            for (String in : n.getInputList()) {
                assertTrue(defined.contains(in), n.getName() + " reads " + in + " before it is defined");
            }
            n.getOutputList().forEach(o -> assertTrue(defined.add(o), "value " + o + " assigned twice"));
        }
        assertEquals("probabilities_1", g.getOutput(0).getName(), "the head's default output, made unique");
        assertEquals(described, g.getValueInfo(0), "the backbone's value_info, kept");
        assertEquals(List.of("probabilities", "logits"), g.getValueInfoList().subList(1, 3).stream()
                .map(ValueInfoProto::getName).toList(), "then its former outputs");
        assertTrue(defined.containsAll(List.of("layer0.weight_1", "layer0.norm_1", "logits_1", "input_1")), defined
                .toString());
        assertTrue(nodeNames.containsAll(List.of("layer0.gemm_1", "input_1.reshape")), nodeNames.toString());
        assertEquals(List.of(new OperatorSetIdProto[] {OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)
                .build()}), merged.getOpsetImportList(), "the backbone's opset 17 serves the head");
        assertTrue(g.getNodeList().stream().filter(n -> n.getOpType().equals("LayerNormalization")).count() == 2,
                "both layer norms native at opset 17");

        // Valid: onnxruntime runs it, and it computes head(reshape(backbone(x))).
        Random r = new Random(1408);
        float[] x = TestSupport.randomInputs(r, 2, 12, 1.0);
        float[] features = TestSupport.runOrt(backbone, "input", x, 2, 12).get("probabilities");
        float[] expected = new float[1];
        head.predict(new Workspace(head.spec(), 1), features, 0, 1, expected, 0);
        float[] actual = TestSupport.runOrt(merged.toByteArray(), "input", x, 2, 12).get("probabilities_1");
        double diff = TestSupport.maxAbsDiff(actual, expected);
        System.out.printf("[merge] clashing names: merged vs two-stage |diff| %.3g%n", diff);
        assertTrue(diff <= TOLERANCE, "|diff| " + diff);

        IllegalArgumentException explicit = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(backbone, "mine.onnx", "probabilities", new long[] {1, 2, 8}, head,
                        ExportOptions.builder().outputName("probabilities").build()));
        assertEquals("output name 'probabilities' is already a value of the merged model (backbone 'mine.onnx');"
                + " expected a name the model does not use", explicit.getMessage());
    }

    @Test
    void opsetsAndShapesTheHeadCannotShareAreRefusedSayingWhatWasExpected() throws Exception {
        Network backboneNet = FamilyModels.random(NetworkSpec.builder(12).hidden(16).output(8, Task.REGRESS)
                .build(), 1409);
        ModelProto backbone = OnnxExporter.toModel(backboneNet, null);
        Network head = FamilyModels.random(NetworkSpec.builder(16).hidden(4).layerNorm().output(1, Task.BINARY)
                .build(), 1410);
        long[] shape = {1, 2, 8};

        ModelProto old = backbone.toBuilder().setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("")
                .setVersion(11)).build();
        IllegalArgumentException opset11 = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(old, "predictions", shape, head, null));
        assertTrue(opset11.getMessage().startsWith("backbone imports opset 11 of the default domain; expected 13 to"
                + " 28"), opset11.getMessage());
        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(backbone, "predictions", shape, head,
                        ExportOptions.builder().targetOpset(17).build()));
        assertTrue(target.getMessage().startsWith("head options ask for opset 17, backbone 'edgetrain_regressor'"
                + " imports opset 13 of the default domain; expected target opset 0 or 13"), target.getMessage());
        // At the backbone's opset 13 the layer norm is written decomposed, and the import stays 13.
        ModelProto at13 = BackboneMerge.merge(backbone, "predictions", shape, head, null);
        assertEquals(13, at13.getOpsetImport(0).getVersion());
        assertFalse(at13.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("LayerNormalization")));

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(backbone, "embeddings", shape, head, null));
        assertEquals("backbone 'edgetrain_regressor' has no node computing 'embeddings'; expected one of its outputs"
                + " [predictions] or another node output", missing.getMessage());
        IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(backbone, "input", shape, head, null));
        assertTrue(input.getMessage().contains("has no node computing 'input' (it is a graph input)"),
                input.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(backbone, "predictions", new long[] {1, 3, 8}, head, null));
        assertEquals("reshape target [1, 3, 8] does not hold the 16 inputs of head 16-4[layer_norm]-1 binary;"
                + " expected the dimensions after the first to multiply to 16", size.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(backbone, "predictions", new long[] {2, 1, 8}, head, null));
        assertTrue(batch.getMessage().contains("expected [1, d1, ...]"), batch.getMessage());
        Network twelve = FamilyModels.random(NetworkSpec.builder(12).hidden(4).output(1, Task.BINARY).build(), 1412);
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> BackboneMerge.merge(backbone, "predictions", new long[] {1, 12}, twelve, null));
        assertEquals("backbone output 'predictions' is declared [-1, 8] (8 values per row), which no batch reshapes"
                + " to [1, 12] (12 values); expected a target holding a whole number of its rows", rows.getMessage());
    }

    @Test
    void theImporterRefusesAMergedModelWithItsUsualMessage() throws Exception {
        Path models = NpmModels.require("BackboneMergeTest", EMBEDDING);
        byte[] merged = BackboneMerge.merge(models.resolve(EMBEDDING).toFile(), EMBEDDING_OUTPUT, HEAD_SHAPE,
                FamilyModels.random(PLAIN, 1411), null).toByteArray();
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(merged));
        System.out.println("[merge] importing the merged model: " + e.getMessage());
        // The backbone's first node, tf2onnx's NHWC -> NCHW Reshape, is where the feed-forward chain cannot start.
        assertEquals(0, e.nodeIndex());
        assertEquals("Reshape", e.opType());
        assertTrue(e.getMessage().endsWith("; expected rank 2, [N, features]"), e.getMessage());
    }

    /**
     * {@code head} with its output layer scaled by 1/20: random ReLU heads on embeddings give logits of 10 to 25,
     * where a sigmoid score of 1.0 would hide any difference; scaled, the scores are in (0, 1) and mean something.
     */
    private static Network unsaturated(Network head) {
        float[] p = head.copyParameters();
        int last = head.spec().layerCount() - 1;
        int w = head.layout().weightOffset(last);
        int b = head.layout().biasOffset(last);
        for (int i = 0; i < head.layout().inputs(last) * head.layout().outputs(last); i++) {
            p[w + i] /= 20;
        }
        for (int i = 0; b >= 0 && i < head.layout().outputs(last); i++) {
            p[b + i] /= 20;
        }
        head.setParameters(p);
        return head;
    }

    /** {@code windows} random mel windows {@code [windows, 76, 32, 1]} in openWakeWord's range (x/10 + 2: -2 to 6). */
    private static float[] melWindows(Random r, int windows) {
        float[] mel = new float[windows * WINDOW_VALUES];
        for (int i = 0; i < mel.length; i++) {
            mel[i] = -2f + 8f * r.nextFloat();
        }
        return mel;
    }

    /** Runs a model (bytes, or a session made from the file) on one float input; every output flattened. */
    private static Map<String, float[]> run(byte[] model, File file, String input, float[] x, long... shape)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = file != null ? env.createSession(file.getPath(), opts)
                    : env.createSession(model, opts);
                 OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result result = session.run(Map.of(input, tensor))) {
                Map<String, float[]> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), v);
                }
                return out;
            }
        }
    }

    private static List<String> opsets(ModelProto m) {
        List<String> out = new ArrayList<>();
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            out.add((o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain()) + " " + o.getVersion());
        }
        return out;
    }

    private static Map<String, String> metadata(ModelProto m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
