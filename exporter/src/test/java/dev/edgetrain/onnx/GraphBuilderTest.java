package dev.edgetrain.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.onnx.graph.GraphBuilder;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The graph builder owns names and checks arity and wiring. */
class GraphBuilderTest {
    @Test
    void uniqueNamesAreSuffixedAndReservedNamesAreExclusive() {
        GraphBuilder g = new GraphBuilder("g");
        assertEquals("x", g.uniqueValueName("x"));
        assertEquals("x_1", g.uniqueValueName("x"));
        assertEquals("x_2", g.uniqueValueName("x"));
        assertEquals("n", g.uniqueNodeName("n"));
        assertEquals("x", g.uniqueNodeName("x"), "nodes and values are separate namespaces");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.reserveValueName("x_1"));
        assertEquals("value name 'x_1' is already used in graph 'g'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.uniqueValueName(""));
    }

    @Test
    void initializersOfTheSameBaseNameGetDistinctNames() {
        GraphBuilder g = new GraphBuilder("g");
        String a = g.addFloatInitializer("w", new float[] {1, 2}, 0, 2);
        String b = g.addFloatInitializer("w", new float[] {3, 4}, 0, 2);
        assertEquals("w", a);
        assertEquals("w_1", b);
    }

    @Test
    void nodesCheckArityInputsAndSingleAssignment() {
        GraphBuilder g = new GraphBuilder("g");
        String in = g.addFloatInput("input", "N", 2);
        String w = g.addFloatInitializer("w", new float[] {1, 2, 3, 4}, 0, 2, 2);
        String out = g.reserveValueName("out");

        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
                () -> g.addNode(OnnxOp.GEMM, "gemm", new String[] {in}, out));
        assertEquals("Gemm takes 2 to 3 inputs, got 1", arity.getMessage());
        IllegalArgumentException undefined = assertThrows(IllegalArgumentException.class,
                () -> g.addNode(OnnxOp.GEMM, "gemm", new String[] {in, "nope"}, out));
        assertTrue(undefined.getMessage().startsWith("Gemm input 'nope' is not defined in graph 'g'"),
                undefined.getMessage());
        IllegalArgumentException unreserved = assertThrows(IllegalArgumentException.class,
                () -> g.addNode(OnnxOp.RELU, "relu", new String[] {in}, "made_up"));
        assertTrue(unreserved.getMessage().contains("was not reserved"), unreserved.getMessage());

        g.addNode(OnnxOp.GEMM, "gemm", new String[] {in, w}, out, GraphBuilder.intAttribute("transB", 1));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> g.addNode(OnnxOp.RELU, "relu", new String[] {in}, out));
        assertTrue(twice.getMessage().contains("already defined"), twice.getMessage());
        g.addFloatOutput(out, "N", 2);
        assertEquals(13, g.opsetVersion());
        GraphProto built = g.build();
        assertEquals(1, built.getNodeCount());
        assertEquals("gemm", built.getNode(0).getName());
    }

    @Test
    void opsCarryTheirOpsetAndArity() {
        for (OnnxOp op : OnnxOp.values()) {
            assertTrue(op.firstVersion() >= 1 && op.firstVersion() <= op.sinceVersion()
                    && op.sinceVersion() <= OnnxOp.MAX_KNOWN_OPSET, op + " versions");
            assertTrue(op.minInputs() >= 0 && op.minInputs() <= op.maxInputs(), op + " inputs");
            assertTrue(op.minOutputs() >= 1 && op.minOutputs() <= op.maxOutputs(), op + " outputs");
            assertEquals(op, OnnxOp.forType(op.opType()), op + " is found by its type");
        }
        assertEquals(-1L, OnnxOp.SOFTMAX.attribute("axis", 13).defaultValue());
        assertEquals(1L, OnnxOp.SOFTMAX.attribute("axis", 12).defaultValue());
        assertEquals(null, OnnxOp.GEMM.attribute("broadcast", 7), "Gemm's broadcast went away in opset 7");
    }

    /**
     * The op table against an independent source: every node of the models ONNX, PyTorch, Keras and TensorFlow
     * wrote (the conformance cases under {@code onnx-tests/}) has an input and output count within its op's arity,
     * an opset at or after the op's first one, and only attributes the table knows at that opset, of that type.
     */
    @Test
    void theOpTableAdmitsEveryNodeOfTheModelsOnnxAndExportersWrote() throws IOException {
        Set<OnnxOp> seen = EnumSet.noneOf(OnnxOp.class);
        for (String folder : ConformanceSuiteTest.FOLDERS) {
            for (Path dir : ConformanceSuiteTest.caseDirs(folder)) {
                ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
                int opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty()
                        || o.getDomain().equals("ai.onnx")).mapToInt(o -> (int) o.getVersion()).findFirst().orElse(1);
                for (NodeProto node : model.getGraph().getNodeList()) {
                    OnnxOp op = OnnxOp.forType(node.getOpType());
                    if (op == null || !node.getDomain().isEmpty()) {
                        continue;
                    }
                    String where = folder + "/" + dir.getFileName() + " " + node.getOpType() + " at opset " + opset;
                    seen.add(op);
                    assertTrue(opset >= op.firstVersion(), where + ": the op exists from opset " + op.firstVersion());
                    assertTrue(node.getInputCount() >= op.minInputs() && node.getInputCount() <= op.maxInputs(),
                            where + ": " + node.getInputCount() + " inputs, table says " + op.minInputs() + " to "
                                    + op.maxInputs());
                    assertTrue(node.getOutputCount() >= op.minOutputs() && node.getOutputCount() <= op.maxOutputs(),
                            where + ": " + node.getOutputCount() + " outputs, table says " + op.minOutputs() + " to "
                                    + op.maxOutputs());
                    for (AttributeProto a : node.getAttributeList()) {
                        OnnxOp.Attribute known = op.attribute(a.getName(), opset);
                        assertNotNull(known, where + ": attribute '" + a.getName() + "' missing from the table");
                        assertEquals(a.getType(), known.type(), where + ": type of attribute '" + a.getName() + "'");
                    }
                }
            }
        }
        assertEquals(EnumSet.of(OnnxOp.GEMM, OnnxOp.MAT_MUL, OnnxOp.ADD, OnnxOp.FLATTEN, OnnxOp.RESHAPE,
                OnnxOp.TRANSPOSE, OnnxOp.IDENTITY, OnnxOp.CONSTANT, OnnxOp.RELU, OnnxOp.SIGMOID, OnnxOp.TANH,
                OnnxOp.SOFTMAX, OnnxOp.LOG_SOFTMAX), seen, "the ops the cases cover");
    }

    @Test
    void builderForATargetOpsetRefusesNewerOpsAndAttributesTheOpLacksThere() {
        GraphBuilder g = new GraphBuilder("g", 13);
        String in = g.addFloatInput("input", "N", 4);
        IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
                () -> g.addNode(OnnxOp.GELU, "act", new String[] {in}, g.uniqueValueName("y")));
        assertEquals("Gelu (node 'act') needs opset 20, graph 'g' is built for opset 13; expected only ops of opset 13 "
                + "or older", newer.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> g.addNode(OnnxOp.RELU, "relu", new String[] {in}, g.uniqueValueName("r"),
                        GraphBuilder.intAttribute("alpha", 1)));
        assertEquals("Relu (node 'relu') has no attribute 'alpha' at opset 13; expected one of []",
                unknown.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> g.addNode(OnnxOp.LEAKY_RELU, "leaky", new String[] {in}, g.uniqueValueName("l"),
                        GraphBuilder.intAttribute("alpha", 1)));
        assertEquals("LeakyRelu (node 'leaky') attribute 'alpha' is INT; expected FLOAT", type.getMessage());
        g.addNode(OnnxOp.REDUCE_MEAN, "mean", new String[] {in}, g.uniqueValueName("m"),
                GraphBuilder.intsAttribute("axes", -1));
        assertEquals(13, g.modelOpset());
        assertEquals(1, g.build().getNodeCount());

        GraphBuilder at18 = new GraphBuilder("h", 18);
        String x = at18.addFloatInput("input", "N", 4);
        IllegalArgumentException moved = assertThrows(IllegalArgumentException.class,
                () -> at18.addNode(OnnxOp.REDUCE_MEAN, "mean", new String[] {x}, at18.uniqueValueName("m"),
                        GraphBuilder.intsAttribute("axes", -1)));
        assertEquals("ReduceMean (node 'mean') has no attribute 'axes' at opset 18; expected one of [keepdims, "
                + "noop_with_empty_axes]", moved.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GraphBuilder("g", 12));
    }

    /** Without a target, the model's opset is what its ops need, and attributes are checked against it at build. */
    @Test
    void builderWithoutATargetDeclaresWhatItsOpsNeedAndChecksAttributesThen() {
        GraphBuilder g = new GraphBuilder("g");
        String in = g.addFloatInput("input", "N", 4);
        String mean = g.uniqueValueName("mean");
        g.addNode(OnnxOp.REDUCE_MEAN, "mean", new String[] {in}, mean, GraphBuilder.intsAttribute("axes", -1));
        assertEquals(13, g.modelOpset());
        g.addNode(OnnxOp.GELU, "gelu", new String[] {mean}, g.uniqueValueName("y"),
                GraphBuilder.stringAttribute("approximate", "tanh"));
        assertEquals(20, g.opsetVersion());
        assertEquals(20, g.modelOpset());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
        assertTrue(e.getMessage().startsWith("ReduceMean (node 'mean') has no attribute 'axes' at opset 20"),
                e.getMessage());
    }

    @Test
    void inputOfAnyRankHasASymbolicBatchAndItsDimensions() {
        GraphBuilder g = new GraphBuilder("g");
        g.addFloatInput("input", "N", 16, 96);
        var dims = g.build().getInput(0).getType().getTensorType().getShape().getDimList();
        assertEquals(3, dims.size());
        assertEquals("N", dims.get(0).getDimParam());
        assertEquals(16, dims.get(1).getDimValue());
        assertEquals(96, dims.get(2).getDimValue());
        assertThrows(IllegalArgumentException.class, () -> new GraphBuilder("h").addFloatInput("input", "N", 4, 0));
    }

    @Test
    void scalarInitializerHasNoDimensions() {
        GraphBuilder g = new GraphBuilder("g");
        g.addFloatInitializer("eps", new float[] {1e-5f}, 0);
        var t = g.build().getInitializer(0);
        assertEquals(0, t.getDimsCount());
        assertEquals(4, t.getRawData().size());
    }

    @Test
    void adoptedOutsideNamesAreReadableAndNeverHandedOut() {
        // A backbone merged with a head: its values and nodes exist outside this builder.
        GraphBuilder g = new GraphBuilder("g", 13);
        g.adoptValue("features");
        g.adoptValue("features");
        g.adoptNodeName("reshape");
        assertEquals("features_1", g.uniqueValueName("features"));
        assertEquals("reshape_1", g.uniqueNodeName("reshape"));
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> g.reserveValueName("features"));
        assertEquals("value name 'features' is already used in graph 'g'", reserved.getMessage());

        String shape = g.addInt64Initializer("shape", new long[] {1, 16, -1}, 3);
        String out = g.reserveValueName("rows");
        assertEquals("reshape_2", g.addNode(OnnxOp.RESHAPE, "reshape", new String[] {"features", shape}, out),
                "Reshape at opset 13 reads the adopted value");
        g.addFloatOutput(out, GraphBuilder.fixedDimension(1), 16);
        GraphProto built = g.build();
        var t = built.getInitializer(0);
        assertEquals(dev.edgetrain.onnx.proto.TensorProto.DataType.INT64_VALUE, t.getDataType());
        java.nio.ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(java.util.List.of(1L, 16L, -1L), java.util.List.of(raw.getLong(), raw.getLong(), raw.getLong()));
        assertEquals(1, built.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimValue());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> g.addInt64Initializer("s", new long[] {1, 2}, 3));
        assertEquals("initializer 's' of shape [3] holds 3 values, got 2", count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GraphBuilder.fixedDimension(0));
    }
}
