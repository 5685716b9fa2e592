package dev.edgetrain.onnx;

import dev.edgetrain.onnx.graph.ModelEnvelope;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The structure of exported graphs: ops, wiring, names, weights, shapes, envelope and metadata. */
class ExporterGraphTest {
    private final NetworkSpec spec = NetworkSpec.of(4, new int[] {8, 6}, 3);
    private final Network network = TestSupport.randomNetwork(spec, 3);

    @Test
    void graphIsGemmReluChainEndingInSoftmaxOverTheLastAxis() {
        GraphProto g = OnnxExporter.toModel(network, ExportOptions.defaults()).getGraph();
        assertEquals(List.of("Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"), opTypes(g));
        assertEquals(List.of("layer0.gemm", "layer0.relu", "layer1.gemm", "layer1.relu", "layer2.gemm", "softmax"),
                nodeNames(g));
        String previous = "input";
        for (NodeProto n : g.getNodeList()) {
            assertEquals(previous, n.getInput(0), "each node reads the previous node's output");
            previous = n.getOutput(0);
            if (n.getOpType().equals("Gemm")) {
                assertEquals(3, n.getInputCount(), "weight and bias");
                assertEquals(1, attribute(n, "transB").getI());
                assertEquals(AttributeProto.AttributeType.INT, attribute(n, "transB").getType());
            }
        }
        NodeProto softmax = g.getNode(5);
        assertEquals(-1, attribute(softmax, "axis").getI());
        assertEquals("logits", softmax.getInput(0));
        assertEquals("probabilities", softmax.getOutput(0));
    }

    @Test
    void weightsAreLittleEndianRawDataBitIdenticalToTheRuntimesSlab() {
        GraphProto g = OnnxExporter.toModel(network, ExportOptions.defaults()).getGraph();
        Map<String, TensorProto> init = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            init.put(t.getName(), t);
        }
        assertEquals(Set.of("layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias", "layer2.weight",
                "layer2.bias"), init.keySet());
        for (int l = 0; l < spec.layerCount(); l++) {
            TensorProto w = init.get("layer" + l + ".weight");
            assertEquals(TensorProto.DataType.FLOAT_VALUE, w.getDataType());
            assertEquals(List.of((long) spec.layerOutputs(l), (long) spec.layerInputs(l)), w.getDimsList());
            assertEquals(0, w.getFloatDataCount(), "raw_data only");
            float[] expected = new float[spec.layerOutputs(l) * spec.layerInputs(l)];
            network.copyWeight(l, expected, 0);
            assertArrayEquals(bits(expected), bits(littleEndian(w)));
            float[] bias = new float[spec.layerOutputs(l)];
            network.copyBias(l, bias, 0);
            assertArrayEquals(bits(bias), bits(littleEndian(init.get("layer" + l + ".bias"))));
        }
    }

    @Test
    void inputAndOutputAreFloatWithASymbolicBatchDimension() {
        GraphProto g = OnnxExporter.toModel(network, ExportOptions.defaults()).getGraph();
        assertEquals(1, g.getInputCount());
        assertShape(g.getInput(0), "input", 4);
        assertEquals(1, g.getOutputCount());
        assertShape(g.getOutput(0), "probabilities", 3);
    }

    @Test
    void envelopeCarriesProducerVersionsDocStringAndMetadata() {
        ModelProto m = OnnxExporter.toModel(network, ExportOptions.builder()
                .classLabels(new String[] {"cat", "dog", "bird"})
                .featureNames(new String[] {"a", "b", "c", "d"})
                .modelVersion(42)
                .docString("trained on the device")
                .metadata("edgetrain.training_summary", "epochs=5 accuracy=0.97")
                .build());
        assertEquals(ModelEnvelope.IR_VERSION, m.getIrVersion());
        assertEquals(7, m.getIrVersion(), "IR 7 is read by every onnxruntime since 1.3");
        assertEquals(1, m.getOpsetImportCount());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(13, m.getOpsetImport(0).getVersion());
        assertEquals("edgetrain", m.getProducerName());
        assertTrue(m.getProducerVersion().matches("\\d+\\.\\d+\\.\\d+.*"), "the build's version, got "
                + m.getProducerVersion());
        assertEquals(42, m.getModelVersion());
        assertEquals("trained on the device", m.getDocString());
        Map<String, String> meta = new HashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        assertEquals("cat,dog,bird", meta.get(ModelMetadata.CLASS_LABELS));
        assertEquals("a,b,c,d", meta.get(ModelMetadata.FEATURE_NAMES));
        assertEquals("probabilities", meta.get(ModelMetadata.OUTPUT));
        assertEquals("4-8-6-3", meta.get(ModelMetadata.ARCHITECTURE));
        assertEquals("1", meta.get(ModelMetadata.METADATA_VERSION));
        assertEquals("classify", meta.get(ModelMetadata.TASK));
        assertEquals("epochs=5 accuracy=0.97", meta.get("edgetrain.training_summary"));
        assertFalse(meta.containsKey(ModelMetadata.STANDARDIZATION));
        List<String> keys = new ArrayList<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            keys.add(e.getKey());
        }
        assertEquals(List.of(ModelMetadata.METADATA_VERSION, ModelMetadata.ARCHITECTURE, ModelMetadata.TASK,
                ModelMetadata.OUTPUT, ModelMetadata.CLASS_LABELS, ModelMetadata.FEATURE_NAMES,
                "edgetrain.training_summary"), keys, "the exporter's keys first, in a fixed order, then the caller's");
    }

    @Test
    void defaultDocStringDescribesTheGraphAndModelVersionIsUnsetByDefault() {
        ModelProto m = OnnxExporter.toModel(network, null);
        assertEquals("edgetrain feed-forward classifier 4-8-6-3: Gemm -> Relu -> Gemm -> Relu -> Gemm -> Softmax",
                m.getDocString());
        assertFalse(m.hasModelVersion());
    }

    @Test
    void layerWithoutBiasIsAGemmWithoutC() {
        NetworkSpec s = NetworkSpec.of(4, new int[] {5}, 2).withLayerBias(new boolean[] {false, true});
        GraphProto g = OnnxExporter.toModel(TestSupport.randomNetwork(s, 1), null).getGraph();
        assertEquals(2, g.getNode(0).getInputCount());
        assertEquals(3, g.getNode(2).getInputCount());
        assertEquals(List.of("layer0.weight", "layer1.weight", "layer1.bias"), initializerNames(g));
    }

    @Test
    void logitsOutputHasNoSoftmax() {
        GraphProto g = OnnxExporter.toModel(network, ExportOptions.builder().output(OutputKind.LOGITS)
                .includeLogits(true).build()).getGraph();
        assertEquals(List.of("Gemm", "Relu", "Gemm", "Relu", "Gemm"), opTypes(g));
        assertEquals(1, g.getOutputCount(), "includeLogits adds nothing when the output already is the logits");
        assertShape(g.getOutput(0), "logits", 3);
    }

    @Test
    void logProbabilitiesEndInLogSoftmax() {
        GraphProto g = OnnxExporter.toModel(network, ExportOptions.builder().output(OutputKind.LOG_PROBABILITIES)
                .build()).getGraph();
        NodeProto last = g.getNode(g.getNodeCount() - 1);
        assertEquals("LogSoftmax", last.getOpType());
        assertEquals(-1, attribute(last, "axis").getI());
        assertShape(g.getOutput(0), "log_probabilities", 3);
    }

    @Test
    void includeLogitsAddsASecondOutput() {
        GraphProto g = OnnxExporter.toModel(network, ExportOptions.builder().includeLogits(true).build()).getGraph();
        assertEquals(2, g.getOutputCount());
        assertShape(g.getOutput(0), "probabilities", 3);
        assertShape(g.getOutput(1), "logits", 3);
    }

    @Test
    void everyValueAndNodeNameIsUnique() {
        GraphProto g = OnnxExporter.toModel(network, ExportOptions.builder().includeLogits(true)
                .standardizer(new float[] {1, 2, 3, 4}, new float[] {1, 1, 2, 2}).build()).getGraph();
        List<String> values = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            values.add(v.getName());
        }
        values.addAll(initializerNames(g));
        for (NodeProto n : g.getNodeList()) {
            values.addAll(n.getOutputList());
        }
        assertEquals(values.size(), new HashSet<>(values).size(), "value names " + values);
        assertEquals(g.getNodeCount(), new HashSet<>(nodeNames(g)).size());
    }

    /** W' = W / std per input column and b' = b − W'·mean, with the graph unchanged otherwise. */
    @Test
    void standardizationIsFoldedIntoTheFirstGemm() {
        float[] mean = {10f, -3f, 0.5f, 200f};
        float[] std = {2f, 0.25f, 1f, 50f};
        NetworkSpec s = NetworkSpec.of(4, new int[] {3}, 2).withLayerBias(new boolean[] {false, true});
        Network n = TestSupport.randomNetwork(s, 9);
        ModelProto m = OnnxExporter.toModel(n, ExportOptions.builder().standardizer(mean, std).build());
        GraphProto g = m.getGraph();
        assertEquals(List.of("Gemm", "Relu", "Gemm", "Softmax"), opTypes(g), "still a plain chain on raw features");
        assertEquals(3, g.getNode(0).getInputCount(), "a non-zero mean gives the first Gemm a bias");
        float[] w = new float[12];
        n.copyWeight(0, w, 0);
        float[] folded = littleEndian(initializer(g, "layer0.weight"));
        float[] foldedBias = littleEndian(initializer(g, "layer0.bias"));
        for (int o = 0; o < 3; o++) {
            double shift = 0;
            for (int i = 0; i < 4; i++) {
                assertEquals(Float.floatToRawIntBits(w[o * 4 + i] / std[i]),
                        Float.floatToRawIntBits(folded[o * 4 + i]));
                shift += (double) folded[o * 4 + i] * mean[i];
            }
            assertEquals((float) -shift, foldedBias[o]);
        }
        assertEquals("folded", metadata(m).get(ModelMetadata.STANDARDIZATION));
        // The layers after the first are untouched.
        float[] w1 = new float[6];
        n.copyWeight(1, w1, 0);
        assertArrayEquals(bits(w1), bits(littleEndian(initializer(g, "layer1.weight"))));
    }

    @Test
    void centredStandardizationOfABiaslessLayerAddsNoBias() {
        NetworkSpec s = NetworkSpec.of(2, new int[] {3}, 2).withBias(false);
        GraphProto g = OnnxExporter.toModel(TestSupport.randomNetwork(s, 2), ExportOptions.builder()
                .standardizer(new float[] {0, 0}, new float[] {2, 3}).build()).getGraph();
        assertEquals(2, g.getNode(0).getInputCount());
    }

    @Test
    void optionsThatDoNotFitTheNetworkAreRefusedWithWhatWasExpected() {
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(
                network, ExportOptions.builder().classLabels(new String[] {"a", "b"}).build()));
        assertEquals("2 class labels given, network 4-8-6-3 has 3 classes", labels.getMessage());
        IllegalArgumentException features = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(
                network, ExportOptions.builder().featureNames(new String[] {"a"}).build()));
        assertEquals("1 feature names given, network 4-8-6-3 has 4 inputs", features.getMessage());
        IllegalArgumentException std = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(
                network, ExportOptions.builder().standardizer(new float[] {0, 0}, new float[] {1, 1}).build()));
        assertTrue(std.getMessage().startsWith("standardizer has 2 features"), std.getMessage());
        IllegalArgumentException zeroStd = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().standardizer(new float[] {0}, new float[] {0}));
        assertTrue(zeroStd.getMessage().contains("std > 0"), zeroStd.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().metadata(ModelMetadata.CLASS_LABELS, "x"));
        assertTrue(reserved.getMessage().contains("written by the exporter"), reserved.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().classLabels(new String[] {"a", null, "c"}));
    }

    /**
     * A network can only hold a non-finite parameter by training (setParameters refuses one): one SGD step at the
     * largest learning rate overflows the first layer's weights, and the export names the first of them.
     */
    @Test
    void divergedNetworkIsRefusedNamingTheParameter() {
        Network diverged = network.copy();
        TrainingSession session = new TrainingSession(diverged, 8, OptimizerConfig.sgd(Float.MAX_VALUE));
        float[] x = TestSupport.randomInputs(new java.util.Random(5), 8, 4, 10.0);
        session.trainStep(x, new int[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);
        session.optimizerStep();
        int bad = diverged.firstNonFiniteParameter();
        assertTrue(bad >= 0, "the step should have overflowed a weight");
        String name = diverged.layout().describe(bad);
        assertTrue(name.matches("layer0\\.weight\\[\\d\\]\\[\\d\\]"), name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toBytes(diverged, null));
        assertEquals("parameter " + name + " is " + diverged.parameter(bad)
                + "; expected finite weights (has training diverged?)", e.getMessage());
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    }

    @Test
    void exportIsDeterministic() {
        ExportOptions o = ExportOptions.builder().classLabels(new String[] {"x", "y", "z"}).build();
        assertArrayEquals(OnnxExporter.toBytes(network, o), OnnxExporter.toBytes(network, o));
        assertNotEquals(0, OnnxExporter.toBytes(network, o).length);
    }

    // ---- helpers ----

    static List<String> opTypes(GraphProto g) {
        List<String> ops = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            ops.add(n.getOpType());
        }
        return ops;
    }

    static List<String> nodeNames(GraphProto g) {
        List<String> names = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            names.add(n.getName());
        }
        return names;
    }

    static List<String> initializerNames(GraphProto g) {
        List<String> names = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            names.add(t.getName());
        }
        return names;
    }

    static TensorProto initializer(GraphProto g, String name) {
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no initializer " + name);
    }

    static AttributeProto attribute(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        throw new AssertionError(n.getName() + " has no attribute " + name);
    }

    static Map<String, String> metadata(ModelProto m) {
        Map<String, String> meta = new HashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        return meta;
    }

    static float[] littleEndian(TensorProto t) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[t.getRawData().size() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat(i * 4);
        }
        return v;
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    static void assertShape(ValueInfoProto v, String name, long width) {
        assertEquals(name, v.getName());
        assertEquals(TensorProto.DataType.FLOAT_VALUE, v.getType().getTensorType().getElemType());
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        assertEquals(2, dims.size());
        assertEquals("N", dims.get(0).getDimParam());
        assertEquals(width, dims.get(1).getDimValue());
    }
}
