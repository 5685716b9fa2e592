package dev.edgetrain.onnx;

import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static dev.edgetrain.onnx.ExporterGraphTest.assertShape;
import static dev.edgetrain.onnx.ExporterGraphTest.attribute;
import static dev.edgetrain.onnx.ExporterGraphTest.bits;
import static dev.edgetrain.onnx.ExporterGraphTest.initializer;
import static dev.edgetrain.onnx.ExporterGraphTest.initializerNames;
import static dev.edgetrain.onnx.ExporterGraphTest.littleEndian;
import static dev.edgetrain.onnx.ExporterGraphTest.metadata;
import static dev.edgetrain.onnx.ExporterGraphTest.nodeNames;
import static dev.edgetrain.onnx.ExporterGraphTest.opTypes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structure of exported graphs of the whole model family: the op of each activation, layer norm and GELU in
 * their native and decomposed forms, the heads per task and output kind, the opset and IR version written, the
 * input shape and Flatten, dropout, names, initializers and metadata. {@link ModelFamilyRefereeTest} checks what
 * the same graphs compute.
 */
class ExporterFamilyGraphTest {
    private static final List<String> DECOMPOSED_NORM = List.of("ReduceMean", "Sub", "Pow", "ReduceMean", "Add", "Sqrt",
            "Div", "Mul", "Add");
    private static final List<String> DECOMPOSED_GELU = List.of("Div", "Erf", "Add", "Mul", "Mul");
    private static final List<String> DECOMPOSED_GELU_TANH = List.of("Mul", "Mul", "Mul", "Add", "Mul", "Tanh", "Add",
            "Mul", "Mul");

    private static ModelProto export(NetworkSpec spec, ExportOptions.Builder options) {
        return OnnxExporter.toModel(FamilyModels.random(spec, 7), options.build());
    }

    private static NetworkSpec hidden(Activation a) {
        return NetworkSpec.builder(5).hidden(6).activation(a).output(3, Task.CLASSIFY).build();
    }

    private static NodeProto node(GraphProto g, String name) {
        for (NodeProto n : g.getNodeList()) {
            if (n.getName().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + nodeNames(g));
    }

    private static float scalar(GraphProto g, String name) {
        TensorProto t = initializer(g, name);
        assertEquals(0, t.getDimsCount(), name + " is a scalar");
        assertEquals(TensorProto.DataType.FLOAT_VALUE, t.getDataType());
        return littleEndian(t)[0];
    }

    // ---- activations -----------------------------------------------------------------------------------------

    @Test
    void eachActivationIsOneNodeNamedAfterItsLayerAndTheIdentityNone() {
        Map<String, List<String>> expected = new HashMap<>();
        expected.put("identity", List.of("Gemm", "Gemm", "Softmax"));
        expected.put("relu", List.of("Gemm", "Relu", "Gemm", "Softmax"));
        expected.put("leaky_relu", List.of("Gemm", "LeakyRelu", "Gemm", "Softmax"));
        expected.put("tanh", List.of("Gemm", "Tanh", "Gemm", "Softmax"));
        expected.put("sigmoid", List.of("Gemm", "Sigmoid", "Gemm", "Softmax"));
        expected.put("gelu", List.of("Gemm", "Gelu", "Gemm", "Softmax"));
        expected.put("gelu_tanh", List.of("Gemm", "Gelu", "Gemm", "Softmax"));
        for (Activation a : FamilyModels.ACTIVATIONS) {
            String id = a.kind().id();
            GraphProto g = export(hidden(a), ExportOptions.builder()).getGraph();
            assertEquals(expected.get(id), opTypes(g), id);
            if (a.kind() != Activation.Kind.IDENTITY) {
                NodeProto n = g.getNode(1);
                assertEquals("layer0." + id, n.getName());
                assertEquals(List.of("layer0.linear"), n.getInputList());
                assertEquals(List.of("layer0." + id), n.getOutputList());
                assertEquals("layer0." + id, g.getNode(2).getInput(0), "the next Gemm reads the activation");
            } else {
                assertEquals("layer0.linear", g.getNode(1).getInput(0), "the next Gemm reads the Gemm");
            }
        }
    }

    @Test
    void leakyReluCarriesItsSlopeAndGeluItsApproximation() {
        NodeProto leaky = export(hidden(Activation.leakyRelu(0.2f)), ExportOptions.builder()).getGraph().getNode(1);
        assertEquals(AttributeProto.AttributeType.FLOAT, attribute(leaky, "alpha").getType());
        assertEquals(0.2f, attribute(leaky, "alpha").getF());
        NodeProto exact = export(hidden(Activation.GELU), ExportOptions.builder()).getGraph().getNode(1);
        assertEquals(AttributeProto.AttributeType.STRING, attribute(exact, "approximate").getType());
        assertEquals("none", attribute(exact, "approximate").getS().toStringUtf8());
        NodeProto tanh = export(hidden(Activation.GELU_TANH), ExportOptions.builder()).getGraph().getNode(1);
        assertEquals("tanh", attribute(tanh, "approximate").getS().toStringUtf8());
        for (Activation a : new Activation[] {Activation.RELU, Activation.TANH, Activation.SIGMOID}) {
            NodeProto n = export(hidden(a), ExportOptions.builder()).getGraph().getNode(1);
            assertEquals(0, n.getAttributeCount(), "" + a);
        }
    }

    /** PyTorch's opset-9 GELU: {@code Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), ½)}, constants as scalar initializers. */
    @Test
    void exactGeluBelowOpset20IsPyTorchsDecomposition() {
        GraphProto g = export(hidden(Activation.GELU), ExportOptions.builder().targetOpset(19)).getGraph();
        List<String> ops = opTypes(g);
        assertEquals(DECOMPOSED_GELU, ops.subList(1, 6));
        assertEquals(List.of("layer0.linear", "gelu.sqrt2"), node(g, "layer0.gelu.scaled").getInputList());
        assertEquals(List.of("layer0.gelu.scaled"), node(g, "layer0.gelu.scaled").getOutputList());
        assertEquals(List.of("layer0.gelu.scaled"), node(g, "layer0.gelu.erf").getInputList());
        assertEquals(List.of("layer0.gelu.erf", "gelu.one"), node(g, "layer0.gelu.erf_plus_one").getInputList());
        assertEquals(List.of("layer0.linear", "layer0.gelu.erf_plus_one"),
                node(g, "layer0.gelu.x_times").getInputList());
        NodeProto last = node(g, "layer0.gelu");
        assertEquals(List.of("layer0.gelu.x_times", "gelu.half"), last.getInputList());
        assertEquals(List.of("layer0.gelu"), last.getOutputList());
        assertEquals(Float.floatToIntBits((float) Math.sqrt(2)), Float.floatToIntBits(scalar(g, "gelu.sqrt2")));
        assertEquals(1f, scalar(g, "gelu.one"));
        assertEquals(0.5f, scalar(g, "gelu.half"));
    }

    /** PyTorch's opset-9 tanh GELU: {@code ½·(x·(1 + tanh(β·(x + κ·(x·(x·x))))))}, operands in its order. */
    @Test
    void tanhGeluBelowOpset20IsPyTorchsDecomposition() {
        GraphProto g = export(hidden(Activation.GELU_TANH), ExportOptions.builder().targetOpset(13)).getGraph();
        assertEquals(DECOMPOSED_GELU_TANH, opTypes(g).subList(1, 10));
        String p = "layer0.gelu_tanh";
        assertEquals(List.of("layer0.linear", "layer0.linear"), node(g, p + ".square").getInputList());
        assertEquals(List.of("layer0.linear", p + ".square"), node(g, p + ".cube").getInputList());
        assertEquals(List.of("gelu.kappa", p + ".cube"), node(g, p + ".cubic_term").getInputList());
        assertEquals(List.of("layer0.linear", p + ".cubic_term"), node(g, p + ".inner_sum").getInputList());
        assertEquals(List.of("gelu.beta", p + ".inner_sum"), node(g, p + ".inner").getInputList());
        assertEquals(List.of(p + ".inner"), node(g, p + ".tanh").getInputList());
        assertEquals(List.of("gelu.one", p + ".tanh"), node(g, p + ".one_plus_tanh").getInputList());
        assertEquals(List.of("layer0.linear", p + ".one_plus_tanh"), node(g, p + ".x_times").getInputList());
        assertEquals(List.of("gelu.half", p + ".x_times"), node(g, p).getInputList());
        assertEquals(List.of(p), node(g, p).getOutputList());
        assertEquals((float) Math.sqrt(2 / Math.PI), scalar(g, "gelu.beta"));
        assertEquals(0.044715f, scalar(g, "gelu.kappa"));
    }

    @Test
    void decomposedConstantsAreSharedAcrossLayers() {
        NetworkSpec spec = NetworkSpec.builder(5).hidden(6).activation(Activation.GELU).hidden(4)
                .activation(Activation.GELU_TANH).output(2, Task.CLASSIFY).activation(Activation.GELU).build();
        GraphProto g = export(spec, ExportOptions.builder().targetOpset(13)).getGraph();
        List<String> constants = new ArrayList<>();
        for (String name : initializerNames(g)) {
            if (!name.startsWith("layer")) {
                constants.add(name);
            }
        }
        assertEquals(List.of("gelu.sqrt2", "gelu.one", "gelu.half", "gelu.kappa", "gelu.beta"), constants);
    }

    // ---- layer norm ------------------------------------------------------------------------------------------

    @Test
    void layerNormIsLayerNormalizationFromOpset17WithItsEpsilonScaleAndBias() {
        NetworkSpec spec = NetworkSpec.builder(5).hidden(6).layerNorm(1e-3f).output(3, Task.CLASSIFY).build();
        Network n = FamilyModels.random(spec, 3);
        ModelProto m = OnnxExporter.toModel(n, null);
        GraphProto g = m.getGraph();
        assertEquals(List.of("Gemm", "LayerNormalization", "Relu", "Gemm", "Softmax"), opTypes(g));
        NodeProto norm = node(g, "layer0.norm");
        assertEquals(List.of("layer0.linear", "layer0.norm.scale", "layer0.norm.bias"), norm.getInputList());
        assertEquals(List.of("layer0.norm"), norm.getOutputList());
        assertEquals(-1, attribute(norm, "axis").getI());
        assertEquals(1e-3f, attribute(norm, "epsilon").getF());
        assertEquals(2, norm.getAttributeCount());
        assertEquals("layer0.norm", node(g, "layer0.relu").getInput(0));
        assertEquals(List.of("layer0.weight", "layer0.bias", "layer0.norm.scale", "layer0.norm.bias",
                "layer1.weight", "layer1.bias"), initializerNames(g));
        float[] scale = new float[6];
        float[] shift = new float[6];
        n.copyNormScale(0, scale, 0);
        n.copyNormShift(0, shift, 0);
        assertEquals(List.of(6L), initializer(g, "layer0.norm.scale").getDimsList());
        assertEquals(List.of(6L), initializer(g, "layer0.norm.bias").getDimsList());
        assertArrayEquals(bits(scale), bits(littleEndian(initializer(g, "layer0.norm.scale"))));
        assertArrayEquals(bits(shift), bits(littleEndian(initializer(g, "layer0.norm.bias"))));
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals(8, m.getIrVersion(), "opset 17 was released with IR 8");
    }

    /** PyTorch's native_layer_norm below opset 17, for every target from 13 to 16. */
    @Test
    void layerNormBelowOpset17IsPyTorchsDecomposition() {
        NetworkSpec spec = NetworkSpec.builder(5).hidden(6).layerNorm(1e-3f).activation(Activation.TANH)
                .output(3, Task.CLASSIFY).build();
        for (int opset = 13; opset <= 16; opset++) {
            ModelProto m = export(spec, ExportOptions.builder().targetOpset(opset));
            GraphProto g = m.getGraph();
            assertEquals(opset, m.getOpsetImport(0).getVersion());
            List<String> ops = opTypes(g);
            assertEquals(DECOMPOSED_NORM, ops.subList(1, 10), "opset " + opset);
            assertFalse(ops.contains("LayerNormalization"));
            String p = "layer0.norm";
            for (String reduce : new String[] {p + ".mean", p + ".variance"}) {
                NodeProto r = node(g, reduce);
                assertEquals(1, r.getAttributeCount(), "axes only; keepdims stays its default 1");
                assertEquals(AttributeProto.AttributeType.INTS, attribute(r, "axes").getType());
                assertEquals(List.of(-1L), attribute(r, "axes").getIntsList());
            }
            assertEquals(List.of("layer0.linear"), node(g, p + ".mean").getInputList());
            assertEquals(List.of("layer0.linear", p + ".mean"), node(g, p + ".centred").getInputList());
            assertEquals(List.of(p + ".centred", "norm.exponent"), node(g, p + ".squared").getInputList());
            assertEquals(List.of(p + ".squared"), node(g, p + ".variance").getInputList());
            assertEquals(List.of(p + ".variance", p + ".epsilon"), node(g, p + ".variance_eps").getInputList());
            assertEquals(List.of(p + ".variance_eps"), node(g, p + ".std").getInputList());
            assertEquals(List.of(p + ".centred", p + ".std"), node(g, p + ".normalized").getInputList());
            assertEquals(List.of(p + ".normalized", p + ".scale"), node(g, p + ".scaled").getInputList());
            assertEquals(List.of(p + ".scaled", p + ".bias"), node(g, p).getInputList());
            assertEquals(List.of(p), node(g, p).getOutputList());
            assertEquals(p, node(g, "layer0.tanh").getInput(0));
            assertEquals(2f, scalar(g, "norm.exponent"));
            assertEquals(1e-3f, scalar(g, p + ".epsilon"));
        }
    }

    @Test
    void eachLayerNormHasItsOwnEpsilon() {
        NetworkSpec spec = NetworkSpec.builder(5).hidden(6).layerNorm(1e-3f).hidden(4).layerNorm()
                .output(3, Task.CLASSIFY).build();
        GraphProto g = export(spec, ExportOptions.builder().targetOpset(13)).getGraph();
        assertEquals(1e-3f, scalar(g, "layer0.norm.epsilon"));
        assertEquals(1e-5f, scalar(g, "layer1.norm.epsilon"));
        GraphProto nativeGraph = export(spec, ExportOptions.builder()).getGraph();
        assertEquals(1e-3f, attribute(node(nativeGraph, "layer0.norm"), "epsilon").getF());
        assertEquals(1e-5f, attribute(node(nativeGraph, "layer1.norm"), "epsilon").getF());
    }

    // ---- opsets ----------------------------------------------------------------------------------------------

    @Test
    void automaticOpsetIsTheLowestWithEveryNativeOpAndTheIrVersionFollowsIt() {
        NetworkSpec plain = hidden(Activation.SIGMOID);
        NetworkSpec norm = NetworkSpec.builder(5).hidden(6).layerNorm().output(3, Task.CLASSIFY).build();
        NetworkSpec gelu = hidden(Activation.GELU_TANH);
        NetworkSpec both = NetworkSpec.builder(5).hidden(6).layerNorm().activation(Activation.GELU)
                .output(3, Task.CLASSIFY).build();
        assertOpsetAndIr(export(plain, ExportOptions.builder()), 13, 7);
        assertOpsetAndIr(export(norm, ExportOptions.builder()), 17, 8);
        assertOpsetAndIr(export(gelu, ExportOptions.builder()), 20, 9);
        assertOpsetAndIr(export(both, ExportOptions.builder()), 20, 9);
        assertEquals(List.of("Gemm", "LayerNormalization", "Gelu", "Gemm", "Softmax"),
                opTypes(export(both, ExportOptions.builder()).getGraph()));
        // A target between the two native ops: the layer norm native, the GELU decomposed.
        List<String> at17 = opTypes(export(both, ExportOptions.builder().targetOpset(17)).getGraph());
        assertEquals("LayerNormalization", at17.get(1));
        assertEquals(DECOMPOSED_GELU, at17.subList(2, 7));
        // A target above what the graph needs is written as asked, with the same graph.
        ModelProto plainAt21 = export(plain, ExportOptions.builder().targetOpset(21));
        assertOpsetAndIr(plainAt21, 21, 10);
        assertEquals(export(plain, ExportOptions.builder()).getGraph(), plainAt21.getGraph());
    }

    private static void assertOpsetAndIr(ModelProto m, int opset, int ir) {
        assertEquals(1, m.getOpsetImportCount());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(opset, m.getOpsetImport(0).getVersion());
        assertEquals(ir, m.getIrVersion());
    }

    /**
     * At every target from 13 to the newest known, for a network with every kind of layer: no op newer than the
     * target, and every attribute one its op has at the target, with its type (the shared op table decides).
     */
    @Test
    void noOpIsNewerThanTheTargetAndEveryAttributeExistsThere() {
        NetworkSpec spec = NetworkSpec.builder(12).hidden(8).layerNorm().activation(Activation.GELU).dropout(0.2f)
                .hidden(6).activation(Activation.leakyRelu(0.1f)).hidden(5).layerNorm().activation(Activation.GELU_TANH)
                .output(3, Task.CLASSIFY).activation(Activation.SIGMOID).build();
        for (int opset = OnnxOp.MIN_OPSET; opset <= OnnxOp.MAX_KNOWN_OPSET; opset++) {
            ModelProto m = export(spec, ExportOptions.builder().targetOpset(opset).inputShape(new long[] {-1, 3, 4})
                    .output(OutputKind.LOG_PROBABILITIES));
            assertEquals(opset, m.getOpsetImport(0).getVersion());
            for (NodeProto n : m.getGraph().getNodeList()) {
                OnnxOp op = OnnxOp.forType(n.getOpType());
                assertTrue(op.sinceVersion() <= opset, n.getName() + " (" + op + ") at opset " + opset);
                for (AttributeProto a : n.getAttributeList()) {
                    OnnxOp.Attribute known = op.attribute(a.getName(), opset);
                    assertTrue(known != null && known.type() == a.getType(), n.getName() + "." + a.getName()
                            + " at opset " + opset);
                }
            }
            assertEquals(opset >= 17, opTypes(m.getGraph()).contains("LayerNormalization"), "opset " + opset);
            assertEquals(opset >= 20, opTypes(m.getGraph()).contains("Gelu"), "opset " + opset);
        }
    }

    // ---- heads -----------------------------------------------------------------------------------------------

    @Test
    void eachTaskAndOutputKindHasItsHeadAndOutputName() {
        assertHead(Task.CLASSIFY, OutputKind.PROBABILITIES, "Softmax", "probabilities");
        assertHead(Task.CLASSIFY, OutputKind.LOG_PROBABILITIES, "LogSoftmax", "log_probabilities");
        assertHead(Task.CLASSIFY, OutputKind.LOGITS, null, "logits");
        assertHead(Task.BINARY, OutputKind.PROBABILITIES, "Sigmoid", "probabilities");
        assertHead(Task.BINARY, OutputKind.LOGITS, null, "logits");
        assertHead(Task.MULTILABEL, OutputKind.PROBABILITIES, "Sigmoid", "probabilities");
        assertHead(Task.MULTILABEL, OutputKind.LOGITS, null, "logits");
        assertHead(Task.REGRESS, OutputKind.PREDICTIONS, null, "predictions");
        assertHead(Task.REGRESS, null, null, "predictions");
        assertHead(Task.BINARY, null, "Sigmoid", "probabilities");
    }

    private static void assertHead(Task task, OutputKind kind, String headOp, String output) {
        int k = FamilyModels.outputsFor(task);
        NetworkSpec spec = NetworkSpec.builder(5).hidden(6).output(k, task).build();
        for (boolean includeLogits : new boolean[] {false, true}) {
            ModelProto m = export(spec, ExportOptions.builder().output(kind).includeLogits(includeLogits));
            GraphProto g = m.getGraph();
            String what = task + " " + kind + (includeLogits ? " + logits" : "");
            NodeProto last = g.getNode(g.getNodeCount() - 1);
            if (headOp == null) {
                assertEquals("Gemm", last.getOpType(), what);
                assertEquals(1, g.getOutputCount(), what + ": includeLogits adds nothing without a head");
            } else {
                assertEquals(headOp, last.getOpType(), what);
                assertEquals(List.of("logits"), last.getInputList(), what);
                assertEquals(headOp.equals("Sigmoid") ? 0 : 1, last.getAttributeCount(), what);
                if (!headOp.equals("Sigmoid")) {
                    assertEquals(-1, attribute(last, "axis").getI(), what);
                }
                assertEquals(includeLogits ? 2 : 1, g.getOutputCount(), what);
                if (includeLogits) {
                    assertShape(g.getOutput(1), "logits", k);
                }
            }
            assertEquals(List.of(output), last.getOutputList(), what);
            assertShape(g.getOutput(0), output, k);
            assertEquals(output, metadata(m).get(ModelMetadata.OUTPUT), what);
            assertEquals(task.id(), metadata(m).get(ModelMetadata.TASK), what);
        }
    }

    @Test
    void outputLayerNormAndActivationComeBeforeTheHead() {
        NetworkSpec spec = NetworkSpec.builder(5).hidden(6).output(3, Task.MULTILABEL).layerNorm()
                .activation(Activation.TANH).build();
        GraphProto g = export(spec, ExportOptions.builder().includeLogits(true)).getGraph();
        assertEquals(List.of("Gemm", "Relu", "Gemm", "LayerNormalization", "Tanh", "Sigmoid"), opTypes(g));
        assertEquals(List.of("layer1.norm"), node(g, "layer1.tanh").getInputList());
        assertEquals(List.of("logits"), node(g, "layer1.tanh").getOutputList(), "the value before the head");
        assertEquals(List.of("probabilities"), node(g, "sigmoid").getOutputList());
        GraphProto regress = export(spec.withTask(Task.REGRESS), ExportOptions.builder()).getGraph();
        assertEquals(List.of("predictions"), node(regress, "layer1.tanh").getOutputList());
    }

    @Test
    void outputKindThatDoesNotSuitTheTaskIsRefusedNamingBoth() {
        NetworkSpec regress = NetworkSpec.builder(5).hidden(6).output(2, Task.REGRESS).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> export(regress, ExportOptions.builder().output(OutputKind.PROBABILITIES)));
        assertEquals("output probabilities does not suit the regress task of network 5-6-2 regress; expected one of "
                + "[predictions]", e.getMessage());
        NetworkSpec binary = NetworkSpec.builder(5).hidden(6).output(1, Task.BINARY).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> export(binary, ExportOptions.builder().output(OutputKind.LOG_PROBABILITIES)));
        assertEquals("output log_probabilities does not suit the binary task of network 5-6-1 binary; expected one of "
                + "[probabilities, logits]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> export(hidden(Activation.RELU), ExportOptions.builder().output(OutputKind.PREDICTIONS)));
        assertEquals("output predictions does not suit the classify task of network 5-6-3; expected one of "
                + "[probabilities, logits, log_probabilities]", e.getMessage());
    }

    // ---- dropout, input shape ---------------------------------------------------------------------------------

    /** Dropout is training-only: the graph is the one of the same parameters without it, to the byte. */
    @Test
    void dropoutWritesNothing() {
        NetworkSpec spec = NetworkSpec.builder(5).hidden(6).layerNorm().dropout(0.5f).hidden(4).dropout(0.1f)
                .output(3, Task.CLASSIFY).build();
        NetworkSpec without = NetworkSpec.builder(5).hidden(6).layerNorm().hidden(4).output(3, Task.CLASSIFY).build();
        Network n = FamilyModels.random(spec, 4);
        Network same = Network.fromParameters(without, n.copyParameters());
        for (int opset : new int[] {0, 13}) {
            ExportOptions o = ExportOptions.builder().targetOpset(opset).build();
            ModelProto m = OnnxExporter.toModel(n, o);
            assertFalse(opTypes(m.getGraph()).contains("Dropout"));
            assertEquals(OnnxExporter.toModel(same, o).getGraph(), m.getGraph());
            assertTrue(m.getDocString().endsWith("; dropout is training-only and not in the graph"), m.getDocString());
            assertEquals(spec.toString(), metadata(m).get(ModelMetadata.ARCHITECTURE));
        }
    }

    @Test
    void inputShapeIsDeclaredWithASymbolicBatchAndFlattened() {
        NetworkSpec spec = NetworkSpec.builder(12).hidden(6).output(1, Task.BINARY).build();
        for (long batch : new long[] {-1, 1}) {
            GraphProto g = export(spec, ExportOptions.builder().inputShape(new long[] {batch, 4, 3})).getGraph();
            List<TensorShapeProto.Dimension> dims = g.getInput(0).getType().getTensorType().getShape().getDimList();
            assertEquals(3, dims.size());
            assertEquals("N", dims.get(0).getDimParam(), "batch " + batch + " is written as the symbolic batch");
            assertEquals(4, dims.get(1).getDimValue());
            assertEquals(3, dims.get(2).getDimValue());
            assertEquals(List.of("Flatten", "Gemm", "Relu", "Gemm", "Sigmoid"), opTypes(g));
            NodeProto flatten = g.getNode(0);
            assertEquals("input.flatten", flatten.getName());
            assertEquals(List.of("input"), flatten.getInputList());
            assertEquals(1, attribute(flatten, "axis").getI());
            assertEquals(flatten.getOutput(0), g.getNode(1).getInput(0));
            assertEquals("input.flat", flatten.getOutput(0));
        }
        GraphProto rank2 = export(spec, ExportOptions.builder().inputShape(new long[] {-1, 12})).getGraph();
        assertEquals("Gemm", rank2.getNode(0).getOpType(), "a rank-2 shape needs no Flatten");
        assertShape(rank2.getInput(0), "input", 12);
    }

    @Test
    void inputShapeThatDoesNotHoldTheFeaturesIsRefused() {
        NetworkSpec spec = NetworkSpec.builder(12).hidden(6).output(1, Task.BINARY).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> export(spec, ExportOptions.builder().inputShape(new long[] {-1, 5, 2})));
        assertEquals("input shape [-1, 5, 2] holds 10 features per row, network 12-6-1 binary has 12 inputs; expected "
                + "the dimensions after the batch to multiply to 12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> export(spec, ExportOptions.builder().inputShape(new long[] {-1, 1L << 40, 1L << 40})));
        assertTrue(e.getMessage().startsWith("input shape [-1, 1099511627776, 1099511627776] holds more than 12 "
                + "features per row"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().inputShape(new long[] {2, 12}));
        assertEquals("input shape [2, 12] has batch dimension 2; expected -1 (any batch) or 1", e.getMessage());
    }

    // ---- names, metadata, doc string -------------------------------------------------------------------------

    @Test
    void everyNameIsUniqueAndReadableInTheLargestGraph() {
        NetworkSpec spec = NetworkSpec.builder(12).hidden(8).layerNorm().activation(Activation.GELU)
                .hidden(6).layerNorm().activation(Activation.GELU_TANH).output(3, Task.CLASSIFY).layerNorm()
                .activation(Activation.GELU).build();
        GraphProto g = export(spec, ExportOptions.builder().targetOpset(13).includeLogits(true)
                .inputShape(new long[] {-1, 2, 6}).standardizer(new float[12], filled(12, 2f))).getGraph();
        List<String> values = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            values.add(v.getName());
        }
        values.addAll(initializerNames(g));
        for (NodeProto n : g.getNodeList()) {
            values.addAll(n.getOutputList());
        }
        assertEquals(values.size(), new HashSet<>(values).size(), "value names " + values);
        assertEquals(g.getNodeCount(), new HashSet<>(nodeNames(g)).size(), "node names " + nodeNames(g));
        for (String name : nodeNames(g)) {
            assertTrue(name.matches("input\\.flatten|layer[0-2]\\.(gemm|norm|gelu|gelu_tanh)(\\.[a-z_]+)?|softmax"),
                    name);
        }
        assertTrue(nodeNames(g).containsAll(List.of("layer0.gemm", "layer0.norm", "layer0.gelu", "layer1.gelu_tanh",
                "layer2.norm.mean", "layer2.gelu")));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void classLabelsCountIsPerTask() {
        NetworkSpec binary = NetworkSpec.builder(5).hidden(6).output(1, Task.BINARY).build();
        ModelProto m = export(binary, ExportOptions.builder().classLabels(new String[] {"no", "yes"}));
        assertEquals("no,yes", metadata(m).get(ModelMetadata.CLASS_LABELS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> export(binary, ExportOptions.builder().classLabels(new String[] {"yes"})));
        assertEquals("1 class labels given, network 5-6-1 binary has 2 classes (negative, positive)", e.getMessage());
        NetworkSpec multi = NetworkSpec.builder(5).hidden(6).output(3, Task.MULTILABEL).build();
        assertEquals("a,b,c", metadata(export(multi, ExportOptions.builder().classLabels(new String[] {"a", "b", "c"})))
                .get(ModelMetadata.CLASS_LABELS));
        e = assertThrows(IllegalArgumentException.class,
                () -> export(multi, ExportOptions.builder().classLabels(new String[] {"a", "b"})));
        assertEquals("2 class labels given, network 5-6-3 multilabel has 3 labels", e.getMessage());
        NetworkSpec regress = NetworkSpec.builder(5).hidden(6).output(2, Task.REGRESS).build();
        assertEquals("x,y", metadata(export(regress, ExportOptions.builder().classLabels(new String[] {"x", "y"})))
                .get(ModelMetadata.CLASS_LABELS));
        e = assertThrows(IllegalArgumentException.class,
                () -> export(regress, ExportOptions.builder().classLabels(new String[] {"x", "y", "z"})));
        assertEquals("3 class labels given, network 5-6-2 regress has 2 targets", e.getMessage());
        assertEquals(2, ModelMetadata.classLabelCount(Task.BINARY, 1));
        assertEquals(4, ModelMetadata.classLabelCount(Task.CLASSIFY, 4));
    }

    @Test
    void metadataNamesTaskAndArchitectureOfEveryNetwork() {
        NetworkSpec spec = NetworkSpec.builder(1536).hidden(32).layerNorm().hidden(32).layerNorm()
                .output(1, Task.BINARY).build();
        Map<String, String> meta = metadata(export(spec, ExportOptions.builder().inputShape(new long[] {-1, 16, 96})));
        assertEquals("binary", meta.get(ModelMetadata.TASK));
        assertEquals("1536-32[layer_norm]-32[layer_norm]-1 binary", meta.get(ModelMetadata.ARCHITECTURE));
        assertEquals("probabilities", meta.get(ModelMetadata.OUTPUT));
        for (Task task : Task.values()) {
            NetworkSpec s = NetworkSpec.builder(5).hidden(6).output(FamilyModels.outputsFor(task), task).build();
            assertEquals(task.id(), metadata(export(s, ExportOptions.builder())).get(ModelMetadata.TASK));
        }
    }

    @Test
    void docStringDescribesTheGraphAsWritten() {
        NetworkSpec spec = NetworkSpec.builder(12).hidden(8).layerNorm().activation(Activation.GELU).dropout(0.1f)
                .hidden(4).activation(Activation.leakyRelu(0.2f)).output(1, Task.BINARY).build();
        assertEquals("edgetrain feed-forward binary classifier " + spec + ": Gemm -> LayerNormalization -> Gelu -> Gemm"
                        + " -> LeakyRelu(alpha=0.2) -> Gemm -> Sigmoid; dropout is training-only and not in the graph",
                export(spec, ExportOptions.builder()).getDocString());
        assertEquals("edgetrain feed-forward binary classifier " + spec + ": Flatten -> Gemm -> "
                        + "LayerNorm(ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add) -> "
                        + "Gelu(Div/Erf/Add/Mul/Mul) -> Gemm -> LeakyRelu(alpha=0.2) -> Gemm; "
                        + "input standardisation folded into the first Gemm, takes raw features; "
                        + "dropout is training-only and not in the graph",
                export(spec, ExportOptions.builder().targetOpset(13).output(OutputKind.LOGITS)
                        .inputShape(new long[] {-1, 3, 4}).standardizer(new float[12], filled(12, 1f)))
                        .getDocString());
        NetworkSpec regress = NetworkSpec.builder(3).hidden(4).activation(Activation.GELU_TANH)
                .output(2, Task.REGRESS).build();
        assertEquals("edgetrain feed-forward regressor 3-4[gelu_tanh]-2 regress: Gemm -> Gelu(approximate=tanh) "
                        + "-> Gemm",
                export(regress, ExportOptions.builder()).getDocString());
        assertEquals("edgetrain feed-forward regressor 3-4[gelu_tanh]-2 regress: Gemm -> "
                        + "GeluTanh(Mul/Mul/Mul/Add/Mul/Tanh/Add/Mul/Mul) -> Gemm",
                export(regress, ExportOptions.builder().targetOpset(13)).getDocString());
        NetworkSpec multi = NetworkSpec.builder(3).hidden(4).output(2, Task.MULTILABEL).build();
        assertTrue(export(multi, ExportOptions.builder()).getDocString()
                .startsWith("edgetrain feed-forward multi-label classifier 3-4-2 multilabel: "));
    }

    @Test
    void familyExportIsDeterministic() {
        NetworkSpec spec = NetworkSpec.builder(6).hidden(8).layerNorm().activation(Activation.GELU)
                .output(2, Task.MULTILABEL).build();
        Network n = FamilyModels.random(spec, 1);
        for (int opset : new int[] {0, 13, 17}) {
            ExportOptions o = ExportOptions.builder().targetOpset(opset).build();
            assertArrayEquals(OnnxExporter.toBytes(n, o), OnnxExporter.toBytes(n, o));
        }
    }
}
