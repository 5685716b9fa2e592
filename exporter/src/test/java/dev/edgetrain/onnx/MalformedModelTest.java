package dev.edgetrain.onnx;

import static dev.edgetrain.onnx.Models.floatAttr;
import static dev.edgetrain.onnx.Models.floatData;
import static dev.edgetrain.onnx.Models.intAttr;
import static dev.edgetrain.onnx.Models.model;
import static dev.edgetrain.onnx.Models.node;
import static dev.edgetrain.onnx.Models.raw;
import static dev.edgetrain.onnx.Models.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.NetworkSpec;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets an {@link OnnxImportException} that says what and where, never an OOM or a crash. */
class MalformedModelTest {
    @TempDir
    Path dir;

    private static final float[] W = {1, 2, 3, 4, 5, 6};

    /** input x [N, 3] → Gemm(W [2, 3], transB=1) → y [N, 2], with the initializer and node adjustable. */
    private static GraphProto.Builder oneLayer(TensorProto weight) {
        return GraphProto.newBuilder()
                .addInput(value("x", "N", 3L))
                .addInitializer(weight)
                .addNode(node("Gemm", "fc", new String[] {"x", weight.getName()}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
    }

    private static OnnxImportException refused(ModelProto m) {
        return assertThrows(OnnxImportException.class, () -> OnnxImporter.read(m.toByteArray()));
    }

    private static void assertMessage(OnnxImportException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void theBaselineModelImports() throws IOException {
        assertEquals("3-2 (no bias)", OnnxImporter.read(model(7, 13, oneLayer(raw("W", W, 2, 3))).toByteArray())
                .spec().toString());
    }

    @Test
    void truncatedBytesAreMalformed() {
        byte[] bytes = OnnxExporter.toBytes(TestSupport.randomNetwork(NetworkSpec.of(5, 7, 3), 1), null);
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.read(java.util.Arrays.copyOf(bytes, bytes.length / 2)));
        assertMessage(e, "not a valid ONNX model", "malformed or truncated");
        assertNull(e.nodeName());
        assertEquals(-1, e.nodeIndex());
    }

    @Test
    void emptyInputHasNoGraph() {
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(new byte[0]));
        assertEquals("the model has no graph (ModelProto field 7); expected an ONNX model (the input is empty)",
                e.getMessage());
    }

    /** A length prefix claiming 2 GiB for the graph: refused by the parser, nothing that size is allocated. */
    @Test
    void hugeLengthPrefixIsMalformedNotOutOfMemory() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x3a); // field 7 (graph), length-delimited
        RoundTripTest.writeVarint(out, Integer.MAX_VALUE);
        out.writeBytes(new byte[] {1, 2, 3, 4});
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(out.toByteArray()));
        assertMessage(e, "malformed or truncated");
    }

    @Test
    void rawDataShorterThanTheShapeNeeds() {
        OnnxImportException e = refused(model(7, 13, oneLayer(raw("W", new float[] {1, 2, 3}, 2, 3))));
        assertMessage(e, "initializer 'W' has 12 bytes of raw_data; expected 24 (6 floats for shape [2, 3])");
    }

    @Test
    void floatDataOfTheWrongLength() {
        OnnxImportException e = refused(model(7, 13, oneLayer(floatData("W", new float[] {1, 2, 3, 4}, 2, 3))));
        assertMessage(e, "initializer 'W' has 4 values in float_data; expected 6 for shape [2, 3]");
    }

    @Test
    void tensorsClaimingHugeSizesAreRefusedBeforeAllocating() {
        // 2^31 floats in 24 bytes.
        OnnxImportException big = refused(model(7, 13, oneLayer(raw("W", W, 1L << 31))));
        assertMessage(big, "initializer 'W' claims shape [2147483648]",
                "expected at most 16777216 elements per tensor");
        // 65536 × 65536 = 2^32.
        OnnxImportException square = refused(model(7, 13, oneLayer(raw("W", W, 65536, 65536))));
        assertMessage(square, "claims shape [65536, 65536]");
        // A product that overflows a long.
        OnnxImportException overflow = refused(model(7, 13, oneLayer(raw("W", W, 1L << 40, 1L << 40, 1L << 40))));
        assertMessage(overflow, "claims shape");
        OnnxImportException negative = refused(model(7, 13, oneLayer(raw("W", W, 2, -3))));
        assertMessage(negative, "initializer 'W' has dimension 1 = -3; expected a non-negative size");
    }

    @Test
    void externalDataIsRefused() {
        TensorProto ext = TensorProto.newBuilder().setName("W").setDataType(1).addDims(2).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .build();
        OnnxImportException e = refused(model(7, 13, oneLayer(ext)));
        assertMessage(e, "initializer 'W' keeps its data in an external file (location 'weights.bin')", "expected");
    }

    @Test
    void nonFloatWeightsAndNonFiniteWeightsAreRefused() {
        TensorProto dbl = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addDims(2).addDims(3).setRawData(ByteString.copyFrom(new byte[48])).build();
        assertMessage(refused(model(7, 13, oneLayer(dbl))), "initializer 'W' has data type DOUBLE; expected FLOAT");
        OnnxImportException nan = refused(model(7, 13,
                oneLayer(raw("W", new float[] {1, 2, 3, 4, Float.NaN, 6}, 2, 3))));
        assertMessage(nan, "initializer 'W' element [1][1] is NaN; expected finite values");
    }

    @Test
    void aValueFeedingTwoNodesIsNotAChain() {
        GraphProto.Builder g = oneLayer(raw("W", W, 2, 3))
                .addNode(node("Relu", "side", new String[] {"x"}, "z"));
        OnnxImportException e = refused(model(7, 13, g));
        assertMessage(e, "value 'x' feeds 2 nodes (node 0 'fc' (Gemm), node 1 'side' (Relu))",
                "expected a single chain");
    }

    @Test
    void aNodeOffTheChainIsNamed() {
        GraphProto.Builder g = oneLayer(raw("W", W, 2, 3))
                .addInitializer(raw("k", new float[] {1}, 1))
                .addNode(node("Relu", "stray", new String[] {"k2"}, "z"));
        OnnxImportException e = refused(model(7, 13, g));
        assertMessage(e, "node 1 'stray' (Relu) is not on the chain from input 'x' to 'y'");
        assertEquals("stray", e.nodeName());
        assertEquals("Relu", e.opType());
        assertEquals(1, e.nodeIndex());
    }

    @Test
    void twoFeedInputsAreRefused() {
        GraphProto.Builder g = oneLayer(raw("W", W, 2, 3)).addInput(value("mask", "N", 3L));
        assertMessage(refused(model(7, 13, g)),
                "the graph has 2 input(s) that are not initializers [x, mask]; expected exactly one");
    }

    @Test
    void unsupportedActivationIsNamedWithWhatWasExpected() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("x", "N", 3L))
                .addInitializer(raw("W", W, 2, 3))
                .addInitializer(raw("V", new float[] {1, 2, 3, 4}, 2, 2))
                .addNode(node("Gemm", "fc1", new String[] {"x", "W"}, "h", intAttr("transB", 1)))
                .addNode(node("Softplus", "act", new String[] {"h"}, "s"))
                .addNode(node("Gemm", "fc2", new String[] {"s", "V"}, "y"))
                .addOutput(value("y", "N", 2L));
        OnnxImportException e = refused(model(7, 13, g));
        assertEquals("node 1 'act' (Softplus) is not supported; expected Add (bias), BatchNormalization, a layer norm,"
                + " an activation (Relu, LeakyRelu, Tanh, Sigmoid, Gelu), Dropout, Gemm, MatMul, Softmax, LogSoftmax or"
                + " Identity after a dense layer; or import the network up to 'h' with"
                + " ImportOptions.outputTensor(\"h\")", e.getMessage());
        assertEquals("act", e.nodeName());
        assertEquals("Softplus", e.opType());
        assertEquals(List.of("h"), assertInstanceOf(OutputTensorNeededException.class, e).suggestedTensors(),
                "the last layer's output, typed for callers that offer it (the CLI's --output-tensor)");
    }

    @Test
    void gemmVariantsTheRuntimeCannotRepresent() {
        GraphProto.Builder transA = GraphProto.newBuilder()
                .addInput(value("x", "N", 3L)).addInitializer(raw("W", W, 3, 2))
                .addNode(node("Gemm", "g", new String[] {"x", "W"}, "y", intAttr("transA", 1)))
                .addOutput(value("y", "N", 2L));
        assertMessage(refused(model(7, 13, transA)), "node 0 'g' (Gemm) has transA=1", "expected transA=0");

        GraphProto.Builder matrixBias = oneLayer(raw("W", W, 2, 3))
                .addInitializer(raw("C", new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        matrixBias.setNode(0, node("Gemm", "fc", new String[] {"x", "W", "C"}, "y", intAttr("transB", 1)));
        assertMessage(refused(model(7, 13, matrixBias)),
                "has bias initializer 'C' of shape [3, 2]; expected [2], [1, 2]"
                + " or a scalar (a bias with a batch dimension depends on the batch size)");

        GraphProto.Builder featuresAsB = oneLayer(raw("W", W, 2, 3));
        featuresAsB.setNode(0, node("Gemm", "fc", new String[] {"W", "x"}, "y"));
        assertMessage(refused(model(7, 13, featuresAsB)), "takes the features 'x' as its B input; expected them as A");

        GraphProto.Builder infiniteAlpha = oneLayer(raw("W", W, 2, 3));
        infiniteAlpha.setNode(0, node("Gemm", "fc", new String[] {"x", "W"}, "y", intAttr("transB", 1),
                floatAttr("alpha", Float.POSITIVE_INFINITY)));
        assertMessage(refused(model(7, 13, infiniteAlpha)), "has alpha=Infinity; expected a finite number");
    }

    /** A single output without a head is a regressor now (it was refused before the task family). */
    @Test
    void singleOutputModelIsARegressor() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("x", "N", 3L)).addInitializer(raw("w", new float[] {1, 2, 3}, 1, 3))
                .addNode(node("Gemm", "score", new String[] {"x", "w"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 1L));
        ImportedModel m = OnnxImporter.read(model(7, 13, g).toByteArray());
        assertEquals(dev.edgetrain.runtime.Task.REGRESS, m.task());
        assertEquals(OutputKind.PREDICTIONS, m.outputKind());
        float[] out = new float[1];
        m.predict(new dev.edgetrain.runtime.Workspace(m.spec(), 1), new float[] {1, 1, 2}, 0, 1, out, 0);
        assertEquals(9f, out[0]);
    }

    @Test
    void layerStructureErrors() {
        GraphProto.Builder twoActivations = GraphProto.newBuilder()
                .addInput(value("x", "N", 3L)).addInitializer(raw("W", W, 2, 3)).addInitializer(raw("V", W, 3, 2))
                .addNode(node("Gemm", "a", new String[] {"x", "W"}, "h", intAttr("transB", 1)))
                .addNode(node("Relu", "r", new String[] {"h"}, "hr"))
                .addNode(node("Tanh", "t", new String[] {"hr"}, "ht"))
                .addNode(node("Gemm", "b", new String[] {"ht", "V"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 3L));
        assertMessage(refused(model(7, 13, twoActivations)), "node 2 't' (Tanh) follows relu (node 1 'r' (Relu));"
                + " expected one activation per layer");

        GraphProto.Builder widths = GraphProto.newBuilder()
                .addInput(value("x", "N", 3L)).addInitializer(raw("W", W, 2, 3)).addInitializer(raw("V", W, 2, 3))
                .addNode(node("Gemm", "a", new String[] {"x", "W"}, "h", intAttr("transB", 1)))
                .addNode(node("Relu", "r", new String[] {"h"}, "hr"))
                .addNode(node("Gemm", "b", new String[] {"hr", "V"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
        assertMessage(refused(model(7, 13, widths)), "node 2 'b' (Gemm) takes 3 inputs, but the previous dense layer"
                + " (node 0 'a' (Gemm)) produces 2");

        GraphProto.Builder normAfterActivation = oneLayer(raw("W", W, 2, 3));
        normAfterActivation.addInitializer(raw("g", new float[] {1, 1}, 2))
                .setNode(0, node("Gemm", "fc", new String[] {"x", "W"}, "h", intAttr("transB", 1)))
                .addNode(node("Relu", "r", new String[] {"h"}, "hr"))
                .addNode(node("LayerNormalization", "ln", new String[] {"hr", "g"}, "y"));
        assertMessage(refused(model(7, 17, normAfterActivation)), "node 2 'ln' (LayerNormalization) comes after the"
                + " activation of node 0 'fc' (Gemm); expected a layer norm right after a dense layer");

        GraphProto.Builder softmaxAxis0 = oneLayer(raw("W", W, 2, 3));
        softmaxAxis0.setNode(0, node("Gemm", "fc", new String[] {"x", "W"}, "h", intAttr("transB", 1)))
                .addNode(node("Softmax", "sm", new String[] {"h"}, "y", intAttr("axis", 0)));
        assertMessage(refused(model(7, 13, softmaxAxis0)), "node 1 'sm' (Softmax) has axis=0", "not over the batch");

        GraphProto.Builder rank3 = oneLayer(raw("W", W, 2, 3));
        rank3.setInput(0, value("x", "N", 4L, 3L));
        assertMessage(refused(model(7, 13, rank3)), "node 0 'fc' (Gemm) gets input of shape [N, 4, 3]; expected"
                + " [N, features] (add a Flatten or Reshape before it)");

        GraphProto.Builder declaredWidth = oneLayer(raw("W", W, 2, 3));
        declaredWidth.setInput(0, value("x", "N", 4L));
        assertMessage(refused(model(7, 13, declaredWidth)),
                "node 0 'fc' (Gemm) takes 3 inputs, but its input rows have 4"
                + " values (input 'x' is declared [N, 4]); expected the widths to match");

        GraphProto.Builder notOutput = oneLayer(raw("W", W, 2, 3));
        notOutput.setOutput(0, value("other", "N", 2L));
        assertMessage(refused(model(7, 13, notOutput)), "graph output 'other' is not computed by the chain");

        GraphProto.Builder unknownAttribute = oneLayer(raw("W", W, 2, 3));
        unknownAttribute.setNode(0, node("Gemm", "fc", new String[] {"x", "W"}, "y", intAttr("transB", 1),
                intAttr("broadcast", 1)));
        assertMessage(refused(model(7, 13, unknownAttribute)),
                "has attribute 'broadcast'; expected only [alpha, beta, transA, transB]");
    }

    @Test
    void modelLevelErrors() {
        ModelProto tooNew = model(7, 13, oneLayer(raw("W", W, 2, 3))).toBuilder()
                .setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(99)).build();
        assertMessage(refused(tooNew), "default opset 99; expected 1 to 28");
        ModelProto noOpset = model(7, 13, oneLayer(raw("W", W, 2, 3))).toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(2)).build();
        assertMessage(refused(noOpset), "imports no default ('ai.onnx') operator set");

        GraphProto.Builder intInput = oneLayer(raw("W", W, 2, 3));
        intInput.setInput(0, ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE))));
        assertMessage(refused(model(7, 13, intInput)), "graph input 'x' has element type INT64; expected FLOAT");

        GraphProto.Builder customDomain = oneLayer(raw("W", W, 2, 3));
        customDomain.setNode(0, customDomain.getNode(0).toBuilder().setDomain("com.microsoft"));
        OnnxImportException e = refused(model(7, 13, customDomain));
        assertMessage(e, "node 0 'fc' (Gemm) is in operator domain 'com.microsoft'");

        ModelProto badLabels = model(7, 13, oneLayer(raw("W", W, 2, 3))).toBuilder()
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelMetadata.CLASS_LABELS)
                        .setValue("a"))
                .build();
        assertMessage(refused(badLabels), "metadata 'edgetrain.class_labels' lists 1 names, the network has 2 classes");
        ModelProto badEscape = model(7, 13, oneLayer(raw("W", W, 2, 3))).toBuilder()
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelMetadata.FEATURE_NAMES)
                        .setValue("a,%q,b"))
                .build();
        assertMessage(refused(badEscape), "metadata 'edgetrain.feature_names' is malformed: invalid escape '%q,'");
    }

    /**
     * Graphs nested in attributes 200 deep (written on the wire by hand: protobuf itself would overflow the
     * stack serialising them): refused by the parser's recursion limit, not a stack overflow.
     */
    @Test
    void deeplyNestedGraphsAreRefused() {
        byte[] graph = new byte[0];
        for (int i = 0; i < 200; i++) {
            byte[] attribute = RoundTripTest.concat(lengthDelimited(1, "then_branch".getBytes()),
                    lengthDelimited(6, graph));
            byte[] node = RoundTripTest.concat(lengthDelimited(4, "If".getBytes()), lengthDelimited(5, attribute));
            graph = lengthDelimited(1, node);
        }
        byte[] model = lengthDelimited(7, graph);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(model));
        assertMessage(e, "malformed", "recursion");
    }

    private static byte[] lengthDelimited(int field, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RoundTripTest.writeVarint(out, ((long) field << 3) | 2);
        RoundTripTest.writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        File missing = dir.resolve("missing.onnx").toFile();
        IOException notThere = assertThrows(IOException.class, () -> OnnxImporter.read(missing));
        assertTrue(notThere.getMessage().contains(missing.toString()), notThere.getMessage());
        Path broken = dir.resolve("broken.onnx");
        Files.write(broken, model(7, 13, oneLayer(raw("W", new float[] {1}, 2, 3))).toByteArray());
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(broken.toFile()));
        assertTrue(e.getMessage().startsWith("model file '" + broken + "': initializer 'W' has 4 bytes"),
                e.getMessage());
        assertEquals(broken.toFile(), e.file(), "the exception carries the file, not only its message");
        OnnxImportException fromBytes = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.read(Files.readAllBytes(broken)));
        assertNull(fromBytes.file(), "bytes come from no file");
    }

    /**
     * Random damage to a valid model (truncation, flipped bytes, garbage) either still imports or is an
     * OnnxImportException: never another exception.
     */
    @Test
    void damagedModelsNeverCrashTheImporter() {
        byte[] good = OnnxExporter.toBytes(TestSupport.randomNetwork(NetworkSpec.of(6, new int[] {5, 4}, 3), 2),
                ExportOptions.builder().classLabels(new String[] {"a", "b", "c"}).build());
        Random r = new Random(99);
        int imported = 0;
        int refused = 0;
        for (int trial = 0; trial < 600; trial++) {
            byte[] bad;
            switch (trial % 3) {
                case 0 -> bad = java.util.Arrays.copyOf(good, r.nextInt(good.length));
                case 1 -> {
                    bad = good.clone();
                    for (int k = 0; k < 1 + r.nextInt(4); k++) {
                        bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
                    }
                }
                default -> {
                    bad = new byte[r.nextInt(300)];
                    r.nextBytes(bad);
                }
            }
            try {
                OnnxImporter.read(bad);
                imported++;
            } catch (OnnxImportException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
                refused++;
            } catch (RuntimeException | Error e) {
                fail("trial " + trial + " crashed the importer with " + e, e);
            }
        }
        System.out.printf("[malformed] damaged bytes: %d imported, %d refused, 0 crashed%n", imported, refused);
        assertEquals(600, imported + refused);
        assertTrue(refused > 300, "most damage is detected, refused " + refused);
    }

    /**
     * Structural damage to a multi-pattern graph (inputs emptied or rewired, ops renamed, attributes dropped,
     * nodes deleted or duplicated): every variant imports (and then runs) or is an OnnxImportException.
     */
    @Test
    void rewiredGraphsNeverCrashTheImporter() throws IOException {
        GraphProto base = GraphProto.newBuilder()
                .addInput(value("img", "N", 2L, 3L))
                .addInitializer(Models.int64s("shape", new long[] {-1, 6}, 2))
                .addInitializer(raw("k", new float[30], 6, 5))
                .addInitializer(raw("b", new float[5], 5))
                .addInitializer(raw("w", new float[15], 3, 5))
                .addNode(node("Reshape", "rs", new String[] {"img", "shape"}, "f"))
                .addNode(node("MatMul", "mm", new String[] {"f", "k"}, "h"))
                .addNode(node("Add", "add", new String[] {"h", "b"}, "hb"))
                .addNode(node("Relu", "relu", new String[] {"hb"}, "hr"))
                .addNode(node("Gemm", "gemm", new String[] {"hr", "w", "b2"}, "logits", intAttr("transB", 1),
                        floatAttr("alpha", 2f)))
                .addNode(node("Softmax", "sm", new String[] {"logits"}, "p", intAttr("axis", -1)))
                .addOutput(value("p", "N", 3L))
                .addInitializer(raw("b2", new float[] {1, 2, 3}, 3))
                .build();
        OnnxImporter.read(model(7, 13, base.toBuilder()).toByteArray()); // the undamaged graph imports
        String[] ops = {"Gemm", "MatMul", "Add", "Relu", "Softmax", "LogSoftmax", "Identity", "Flatten", "Reshape",
                "Transpose", "Constant", "Sigmoid", ""};
        String[] names = {"", "img", "shape", "k", "b", "w", "b2", "f", "h", "hb", "hr", "logits", "p", "nowhere"};
        Random r = new Random(17);
        int imported = 0;
        int refused = 0;
        for (int trial = 0; trial < 1500; trial++) {
            GraphProto.Builder g = base.toBuilder();
            for (int k = 0; k < 1 + r.nextInt(3); k++) {
                int n = r.nextInt(g.getNodeCount());
                NodeProto.Builder node = g.getNode(n).toBuilder();
                switch (r.nextInt(6)) {
                    case 0 -> {
                        if (node.getInputCount() > 0) {
                            node.setInput(r.nextInt(node.getInputCount()), names[r.nextInt(names.length)]);
                        }
                    }
                    case 1 -> node.setOpType(ops[r.nextInt(ops.length)]);
                    case 2 -> node.clearAttribute();
                    case 3 -> node.addInput(names[r.nextInt(names.length)]);
                    case 4 -> {
                        g.removeNode(n);
                        continue;
                    }
                    default -> g.addNode(node.build());
                }
                if (g.getNodeCount() > n) {
                    g.setNode(n, node);
                }
            }
            try {
                ImportedModel m = OnnxImporter.read(model(7, 13, g).toByteArray());
                float[] out = new float[2 * m.classCount()];
                m.predict(new dev.edgetrain.runtime.Workspace(m.spec(), 2), new float[2 * m.featureCount()], 0, 2,
                        out, 0);
                imported++;
            } catch (OnnxImportException e) {
                assertTrue(e.getMessage().contains("expected"), "says what was expected: " + e.getMessage());
                refused++;
            } catch (RuntimeException | Error e) {
                fail("trial " + trial + " crashed the importer with " + e + " on graph " + g.getNodeList(), e);
            }
        }
        System.out.printf("[malformed] rewired graphs: %d imported, %d refused, 0 crashed%n", imported, refused);
        assertEquals(1500, imported + refused);
        assertTrue(refused > 1000, "most rewirings are refused: " + refused + " of 1500");
    }
}
