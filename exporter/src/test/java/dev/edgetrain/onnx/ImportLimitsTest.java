package dev.edgetrain.onnx;

import static dev.edgetrain.onnx.Models.floatsAttr;
import static dev.edgetrain.onnx.Models.int64s;
import static dev.edgetrain.onnx.Models.intAttr;
import static dev.edgetrain.onnx.Models.model;
import static dev.edgetrain.onnx.Models.node;
import static dev.edgetrain.onnx.Models.raw;
import static dev.edgetrain.onnx.Models.tensorAttr;
import static dev.edgetrain.onnx.Models.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import dev.edgetrain.onnx.proto.TensorProto;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each {@link ImportLimits} limit refuses a tiny model that declares one element, node or byte more than the
 * limit, with a message naming the tensor or node and the limit, and accepts the model at exactly the limit.
 */
class ImportLimitsTest {
    @TempDir
    Path dir;

    private static final float[] W = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {0.5f, -0.5f};

    /** x [N, 3] → Gemm(W [2, 3], b [2], transB=1) 'fc' → y [N, 2]: 6 + 2 constant elements, one node. */
    private static GraphProto.Builder oneLayer(String weightName) {
        return GraphProto.newBuilder()
                .addInput(value("x", "N", 3L))
                .addInitializer(raw(weightName, W, 2, 3))
                .addInitializer(raw("b", B, 2))
                .addNode(node("Gemm", "fc", new String[] {"x", weightName, "b"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
    }

    private static ModelProto baseline() {
        return model(7, 13, oneLayer("W"));
    }

    private static OnnxImportException refused(ModelProto m, ImportLimits limits) {
        return assertThrows(OnnxImportException.class, () -> OnnxImporter.read(m.toByteArray(), limits));
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void defaultsAreDocumentedValues() {
        ImportLimits d = ImportLimits.DEFAULTS;
        assertEquals(64L << 20, d.maxModelBytes());
        assertEquals(10000, d.maxNodes());
        assertEquals(1L << 24, d.maxTensorElements());
        assertEquals(1L << 25, d.maxTotalElements());
        assertEquals(1L << 24, d.maxDimsProduct());
        assertEquals(65536, d.maxLayerWidth());
        assertEquals(1L << 24, d.maxParameters());
        assertEquals(d.toString(), d.toBuilder().build().toString());
    }

    @Test
    void limitsOutsideTheirRangeAreRefusedByTheBuilder() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ImportLimits.builder().maxNodes(0)),
                "maxNodes must be in [1, ");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ImportLimits.builder().maxLayerWidth(65537)),
                "maxLayerWidth must be in [1, 65536], got 65537");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ImportLimits.builder().maxModelBytes(1L << 31)), "maxModelBytes");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ImportLimits.builder().maxTensorElements(-1)), "maxTensorElements");
    }

    @Test
    void maxModelBytesRefusesBytesFilesAndStreamsBeforeParsing() throws IOException {
        byte[] bytes = baseline().toByteArray();
        ImportLimits exact = ImportLimits.builder().maxModelBytes(bytes.length).build();
        ImportLimits tight = ImportLimits.builder().maxModelBytes(bytes.length - 1).build();
        OnnxImporter.read(bytes, exact);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes, tight));
        assertMessage(e, "the model has " + bytes.length + " bytes; expected at most " + (bytes.length - 1),
                "ImportLimits.maxModelBytes");

        File file = dir.resolve("m.onnx").toFile();
        Files.write(file.toPath(), bytes);
        OnnxImporter.read(file, exact);
        OnnxImportException f = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(file, tight));
        assertMessage(f, "model file '" + file + "' has " + bytes.length + " bytes", "ImportLimits.maxModelBytes");
        assertEquals(file, f.file(), "the exception says which file");
        assertTrue(f.getMessage().startsWith("model file '" + file + "' has "),
                "the file is named once: " + f.getMessage());
    }

    @Test
    void anEndlessStreamIsCutOffAtTheLimitNotReadToTheEnd() {
        long limit = 1 << 20;
        EndlessStream endless = new EndlessStream();
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.read(endless, ImportLimits.builder().maxModelBytes(limit).build()));
        assertMessage(e, "the stream holds more than " + limit + " bytes", "ImportLimits.maxModelBytes");
        // One read buffer past the limit at most.
        assertTrue(endless.served <= limit + (1 << 16), "read " + endless.served + " bytes");
    }

    @Test
    void maxNodesCountsEveryNodeOfTheGraph() throws OnnxImportException {
        // x → Identity ×4 → Gemm: five nodes.
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", 3L))
                .addInitializer(raw("W", W, 2, 3));
        String v = "x";
        for (int i = 0; i < 4; i++) {
            g.addNode(node("Identity", "id" + i, new String[] {v}, "v" + i));
            v = "v" + i;
        }
        g.addNode(node("Gemm", "fc", new String[] {v, "W"}, "y", intAttr("transB", 1))).addOutput(value("y", "N", 2L));
        ModelProto m = model(7, 13, g);
        OnnxImporter.read(m.toByteArray(), ImportLimits.builder().maxNodes(5).build());
        OnnxImportException e = refused(m, ImportLimits.builder().maxNodes(4).build());
        assertMessage(e, "the graph has 5 nodes; expected at most 4 (ImportLimits.maxNodes)");
    }

    @Test
    void maxTensorElementsNamesTheInitializer() throws OnnxImportException {
        OnnxImporter.read(baseline().toByteArray(), ImportLimits.builder().maxTensorElements(6).build());
        OnnxImportException e = refused(baseline(), ImportLimits.builder().maxTensorElements(5).build());
        assertMessage(e, "initializer 'W' claims shape [2, 3] = 6 elements; expected at most 5 elements per tensor",
                "ImportLimits.maxTensorElements");
    }

    @Test
    void maxTensorElementsAppliesToConstantNodeValues() {
        // The bias comes from a Constant node's value_floats instead of an initializer.
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", 3L)).addInitializer(raw("W", W, 2, 3))
                .addNode(node("Constant", "bias", new String[0], "b", floatsAttr("value_floats", 1, 2)))
                .addNode(node("Gemm", "fc", new String[] {"x", "W", "b"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
        OnnxImportException e = refused(model(7, 13, g), ImportLimits.builder().maxTensorElements(1).build());
        // The initializer W (6 elements) is refused first; with room for W, the constant's 2 floats are not.
        assertMessage(e, "initializer 'W'");
        GraphProto.Builder g2 = g.clone().setInitializer(0, raw("W", new float[] {1}, 1, 1))
                .setInput(0, value("x", "N", 1L));
        g2.setNode(1, node("Gemm", "fc", new String[] {"x", "W", "b"}, "y", intAttr("transB", 1)));
        OnnxImportException c = refused(model(7, 13, g2), ImportLimits.builder().maxTensorElements(1).build());
        assertMessage(c, "the value of node 0 'bias' (Constant) has 2 elements; expected at most 1 elements per tensor",
                "ImportLimits.maxTensorElements");
    }

    @Test
    void maxTotalElementsNamesTheTensorThatCrossesIt() throws OnnxImportException {
        OnnxImporter.read(baseline().toByteArray(), ImportLimits.builder().maxTotalElements(8).build());
        OnnxImportException e = refused(baseline(), ImportLimits.builder().maxTotalElements(7).build());
        assertMessage(e, "initializer 'b' brings the constants to 8 elements; expected at most 7",
                "ImportLimits.maxTotalElements");
    }

    @Test
    void maxTotalElementsCountsFoldedTransposeCopies() throws OnnxImportException {
        // MatMul(x, Transpose(Wt)): Wt [2, 3] is copied into its transpose [3, 2], 12 elements allocated in all.
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", 3L)).addInitializer(raw("Wt", W, 2, 3))
                .addNode(node("Transpose", "t", new String[] {"Wt"}, "Wk"))
                .addNode(node("MatMul", "mm", new String[] {"x", "Wk"}, "y"))
                .addOutput(value("y", "N", 2L));
        OnnxImporter.read(model(7, 13, g).toByteArray(), ImportLimits.builder().maxTotalElements(12).build());
        OnnxImportException e = refused(model(7, 13, g), ImportLimits.builder().maxTotalElements(11).build());
        assertMessage(e, "the transpose of initializer 'Wt' brings the constants to 12 elements; expected at most 11",
                "ImportLimits.maxTotalElements");
    }

    @Test
    void maxDimsProductChecksTheDeclaredInputShape() throws OnnxImportException {
        // [N, 3, 4] is flattened to 12 features.
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("img", "N", 3L, 4L))
                .addInitializer(raw("W", new float[24], 2, 12))
                .addNode(node("Flatten", "flat", new String[] {"img"}, "f"))
                .addNode(node("Gemm", "fc", new String[] {"f", "W"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
        OnnxImporter.read(model(7, 13, g).toByteArray(), ImportLimits.builder().maxDimsProduct(12).build());
        OnnxImportException e = refused(model(7, 13, g), ImportLimits.builder().maxDimsProduct(11).build());
        assertMessage(e, "graph input 'img' is declared [N, 3, 4], whose dimensions multiply to more than 11",
                "ImportLimits.maxDimsProduct");
    }

    @Test
    void dimsProductsThatOverflowALongAreCaught() {
        // 2^40 × 2^40 × 2^40 wraps around a long; a zero dimension does not hide a huge one.
        GraphProto.Builder input = oneLayer("W").setInput(0, value("x", "N", 1L << 40, 1L << 40, 1L << 40));
        assertMessage(refused(model(7, 13, input), ImportLimits.DEFAULTS), "graph input 'x' is declared",
                "ImportLimits.maxDimsProduct");
        GraphProto.Builder tensor = oneLayer("W").setInitializer(0, raw("W", W, 1L << 40, 1L << 40, 1L << 40));
        assertMessage(refused(model(7, 13, tensor), ImportLimits.DEFAULTS),
                "initializer 'W' claims shape [1099511627776, 1099511627776, 1099511627776], whose element count"
                        + " overflows a 64-bit integer", "ImportLimits.maxTensorElements");
        GraphProto.Builder hidden = oneLayer("W").setInitializer(0, raw("W", new float[0], 1L << 40, 0));
        assertMessage(refused(model(7, 13, hidden), ImportLimits.DEFAULTS),
                "initializer 'W' claims shape [1099511627776, 0], whose non-zero dimensions multiply to 1099511627776");
    }

    @Test
    void maxDimsProductChecksAReshapeTargetAndNamesTheNode() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", 3L))
                .addInitializer(int64s("shape", new long[] {-1, 1L << 62}, 2))
                .addInitializer(raw("W", W, 2, 3))
                .addNode(node("Reshape", "rs", new String[] {"x", "shape"}, "f"))
                .addNode(node("Gemm", "fc", new String[] {"f", "W"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
        OnnxImportException e = refused(model(7, 13, g), ImportLimits.DEFAULTS);
        assertMessage(e, "node 0 'rs' (Reshape) has target shape [-1, 4611686018427387904], whose dimensions multiply"
                + " to more than 16777216", "ImportLimits.maxDimsProduct");
        assertEquals("rs", e.nodeName());
    }

    @Test
    void maxLayerWidthNamesTheNode() throws OnnxImportException {
        OnnxImporter.read(baseline().toByteArray(), ImportLimits.builder().maxLayerWidth(3).build());
        OnnxImportException e = refused(baseline(), ImportLimits.builder().maxLayerWidth(2).build());
        assertMessage(e, "node 0 'fc' (Gemm) has 3 inputs; expected at most 2 (ImportLimits.maxLayerWidth)");
        assertEquals("Gemm", e.opType());
    }

    /** x [N, n] → (Gemm(W) → Relu) × layers → Gemm(V [2, n]) → y: every hidden layer reuses the one W [n, n]. */
    private static ModelProto sharedWeightChain(int n, int layers) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", (long) n))
                .addInitializer(raw("W", new float[n * n], n, n)).addInitializer(raw("V", new float[2 * n], 2, n));
        String v = "x";
        for (int l = 0; l < layers; l++) {
            g.addNode(node("Gemm", "fc" + l, new String[] {v, "W"}, "h" + l, intAttr("transB", 1)));
            g.addNode(node("Relu", "relu" + l, new String[] {"h" + l}, "r" + l));
            v = "r" + l;
        }
        g.addNode(node("Gemm", "out", new String[] {v, "V"}, "y", intAttr("transB", 1))).addOutput(value("y", "N", 2L));
        return model(7, 13, g);
    }

    @Test
    void maxParametersCountsEveryLayerAndNamesTheOneThatCrossesIt() throws OnnxImportException {
        // Three hidden 8->8 layers (64 weights each) and an 8->2 output layer (16): 208 parameters.
        ModelProto m = sharedWeightChain(8, 3);
        assertEquals(208, OnnxImporter.read(m.toByteArray(), ImportLimits.builder().maxParameters(208).build())
                .network().parameterCount());
        OnnxImportException e = refused(m, ImportLimits.builder().maxParameters(207).build());
        assertMessage(e, "node 6 'out' (Gemm) makes a 8->2 layer, which brings the network to 208 parameters;"
                + " expected at most 207 (ImportLimits.maxParameters)");
        // Biases count too: the baseline's 2x3 weight and 2 biases are 8 parameters.
        OnnxImporter.read(baseline().toByteArray(), ImportLimits.builder().maxParameters(8).build());
        assertMessage(refused(baseline(), ImportLimits.builder().maxParameters(7).build()),
                "node 0 'fc' (Gemm) adds a bias of 2, which brings the network to 8 parameters; expected at most 7");
    }

    @Test
    void aSmallFileCannotBuildAHugeNetwork() {
        // A 4 MiB weight named by 200 layers would be a 200 Mi-parameter network: several GiB of memory.
        ModelProto m = sharedWeightChain(1024, 200);
        assertTrue(m.getSerializedSize() < 5 << 20);
        OnnxImportException e = refused(m, ImportLimits.DEFAULTS);
        assertMessage(e, "node 32 'fc16' (Gemm) makes a 1024->1024 layer, which brings the network to 17825792"
                + " parameters; expected at most 16777216 (ImportLimits.maxParameters)");
    }

    @Test
    void externalDataInAConstantNodeIsRefused() {
        TensorProto ext = TensorProto.newBuilder().setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../../secret.bin"))
                .build();
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", 3L)).addInitializer(raw("W", W, 2, 3))
                .addNode(node("Constant", "bias", new String[0], "b", tensorAttr("value", ext)))
                .addNode(node("Gemm", "fc", new String[] {"x", "W", "b"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
        OnnxImportException e = refused(model(7, 13, g), ImportLimits.DEFAULTS);
        assertMessage(e, "the value of node 0 'bias' (Constant) keeps its data in an external file (location"
                + " '../../secret.bin')");
    }

    @Test
    void pathLikeTensorNamesAreRefused() {
        String[][] cases = {
                {"../../etc/passwd", "'..' at index 0"},
                {"weights/../../x", "'..' at index 8"},
                {"C:\\temp\\w", "a backslash at index 2"},
                {"w\u0000.bin", "a NUL character at index 1"},
                {"w\nINFO: fake log line", "control character U+000A at index 1"},
                {"/etc/passwd", "a leading '/'"},
        };
        for (String[] c : cases) {
            OnnxImportException e = refused(model(7, 13, oneLayer(c[0])), ImportLimits.DEFAULTS);
            assertMessage(e, "initializer '" + c[0] + "' has a path-like name (" + c[1] + ")",
                    "expected a tensor name");
        }
        // A Constant node's tensor name is checked too.
        TensorProto named = raw("../b", B, 2);
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", 3L)).addInitializer(raw("W", W, 2, 3))
                .addNode(node("Constant", "bias", new String[0], "b", tensorAttr("value", named)))
                .addNode(node("Gemm", "fc", new String[] {"x", "W", "b"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
        assertMessage(refused(model(7, 13, g), ImportLimits.DEFAULTS),
                "the value of node 0 'bias' (Constant) has a path-like name ('..' at index 0)");
    }

    @Test
    void tensorFlowScopedNamesAreNotPaths() throws OnnxImportException {
        // tf2onnx / keras2onnx name weights like this; a '/' inside a name is a scope, not a path.
        ImportedModel m = OnnxImporter.read(model(7, 13, oneLayer("model/dense_1/MatMul/ReadVariableOp:0"))
                .toByteArray());
        assertEquals(3, m.featureCount());
    }

    @Test
    void aNulInANodeNameOrValueNameIsRefused() {
        GraphProto.Builder g = oneLayer("W");
        g.setNode(0, node("Gemm", "fc\u0000evil", new String[] {"x", "W", "b"}, "y", intAttr("transB", 1)));
        assertMessage(refused(model(7, 13, g), ImportLimits.DEFAULTS), "(Gemm) has a NUL character in its name");
        GraphProto.Builder out = oneLayer("W");
        out.setNode(0, node("Gemm", "fc", new String[] {"x", "W", "b"}, "y\u0000", intAttr("transB", 1)));
        assertMessage(refused(model(7, 13, out), ImportLimits.DEFAULTS),
                "node 0 'fc' (Gemm) has a NUL character in output 0");
    }

    @Test
    void longNameListsInMessagesAreAbbreviated() {
        GraphProto.Builder g = oneLayer("W");
        for (int i = 0; i < 500; i++) {
            g.addInput(value("extra" + i, "N", 1L));
        }
        OnnxImportException e = refused(model(7, 13, g), ImportLimits.DEFAULTS);
        assertMessage(e, "the graph has 501 input(s) that are not initializers [x, extra0, extra1, extra2, extra3,"
                + " extra4, extra5, extra6, extra7, extra8, ... (501 in all)]; expected exactly one");
    }

    /** An input stream without end, counting what it served. */
    private static final class EndlessStream extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return 0x08;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 0x08);
            served += len;
            return len;
        }
    }
}
