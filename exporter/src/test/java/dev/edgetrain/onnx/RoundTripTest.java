package dev.edgetrain.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Export and import are inverse: weights survive bit for bit, and imported models can be fine-tuned. */
class RoundTripTest {
    @Test
    void ownExportsImportBitIdenticallyAndReExportToTheSameBytes() throws Exception {
        Random r = new Random(5);
        for (int trial = 0; trial < 12; trial++) {
            int[] hidden = new int[1 + r.nextInt(3)];
            for (int h = 0; h < hidden.length; h++) {
                hidden[h] = 1 + r.nextInt(40);
            }
            boolean[] bias = new boolean[hidden.length + 1];
            for (int l = 0; l < bias.length; l++) {
                bias[l] = r.nextBoolean();
            }
            NetworkSpec spec = NetworkSpec.of(1 + r.nextInt(30), hidden, 2 + r.nextInt(9)).withLayerBias(bias);
            Network network = TestSupport.randomNetwork(spec, trial);
            // Special values must survive too: -0.0, subnormals, extremes.
            float[] p = network.copyParameters();
            p[0] = -0.0f;
            p[p.length - 1] = Float.MIN_VALUE;
            p[p.length / 2] = -Float.MAX_VALUE;
            network.setParameters(p);
            OutputKind kind = OutputKind.values()[trial % 3];
            String[] labels = new String[spec.classes()];
            for (int k = 0; k < labels.length; k++) {
                labels[k] = "class " + k + (k == 1 ? ", with comma" : "");
            }
            ExportOptions options = ExportOptions.builder().output(kind).classLabels(labels).modelVersion(trial)
                    .metadata("edgetrain.training_summary", "trial " + trial).build();
            byte[] bytes = OnnxExporter.toBytes(network, options);

            ImportedModel imported = OnnxImporter.read(bytes);
            assertEquals(spec, imported.spec());
            assertEquals(kind, imported.outputKind());
            assertEquals(kind.outputName(), imported.outputName());
            assertEquals("input", imported.inputName());
            assertArrayEquals(new long[] {-1, spec.inputs()}, imported.inputShape());
            assertArrayEquals(labels, imported.classLabels());
            assertNull(imported.featureNames());
            assertEquals("edgetrain", imported.producerName());
            assertEquals(Long.valueOf(trial), imported.modelVersion());
            assertEquals(13, imported.opsetVersion());
            assertEquals(7, imported.irVersion());
            assertEquals("trial " + trial, imported.metadata().get("edgetrain.training_summary"));
            assertArrayEquals(ExporterGraphTest.bits(network.copyParameters()),
                    ExporterGraphTest.bits(imported.network().copyParameters()), spec + ": weights bit-identical");
            assertArrayEquals(bytes, OnnxExporter.toBytes(imported.network(), imported.exportOptions().build()),
                    "re-exporting an import gives the same file");
        }
    }

    @Test
    void realModelsImportExportImportBitIdentically() throws Exception {
        for (Path dir : ConformanceSuiteTest.realModels()) {
            ImportedModel first = OnnxImporter.read(Files.readAllBytes(dir.resolve("model.onnx")));
            byte[] exported = OnnxExporter.toBytes(first.network(), first.exportOptions().build());
            ImportedModel second = OnnxImporter.read(exported);
            assertEquals(first.spec(), second.spec(), dir.toString());
            assertEquals(first.outputKind(), second.outputKind());
            assertArrayEquals(ExporterGraphTest.bits(first.network().copyParameters()),
                    ExporterGraphTest.bits(second.network().copyParameters()), dir + ": weights bit-identical");
            // And onnxruntime computes the same thing from the original file and from ours.
            TestSupport.Tensor in = TestSupport.readTensor(dir.resolve("test_data_set_0/input_0.pb"));
            int batch = (int) in.dims[0];
            float[] original = TestSupport.runOrt(Files.readAllBytes(dir.resolve("model.onnx")), first.inputName(),
                    in.values, in.dims).get(first.outputName());
            // Our export keeps a rank > 2 input (a leading Flatten) once the exporter writes input shapes.
            float[] ours = TestSupport.runOrt(exported, "input", in.values,
                    TestSupport.feedShape(exported, batch, first.featureCount())).get(first.outputKind().outputName());
            int bad = TestSupport.firstMismatch(ours, original, 1e-5, 1e-6);
            assertEquals(-1, bad, () -> dir + ": element " + bad);
        }
    }

    /** A PyTorch MNIST-shaped model comes in, is fine-tuned on the device, and goes out for onnxruntime. */
    @Test
    void importFineTuneExport() throws Exception {
        Path dir = TestSupport.onnxTests().resolve("real/pytorch_marabou_softmax_last_layer");
        ImportedModel imported = OnnxImporter.read(dir.resolve("model.onnx").toFile());
        Network network = imported.network();
        float[] before = network.copyParameters();
        assertEquals("784-32-32-10", network.spec().toString());

        // Fine-tune the last layer to a new labelling of a small synthetic set.
        Random r = new Random(3);
        int rows = 64;
        float[] x = new float[rows * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = i % 10;
        }
        TrainingSession session = new TrainingSession(network, rows, OptimizerConfig.adam(1e-2f));
        float firstLoss = session.evalStep(x, y, rows);
        float loss = firstLoss;
        for (int step = 0; step < 60; step++) {
            session.zeroGrad();
            loss = session.trainStep(x, y, rows);
            session.optimizerStep();
        }
        assertTrue(loss < firstLoss * 0.5, "fine-tuning lowers the loss: " + firstLoss + " -> " + loss);
        assertFalse(Arrays.equals(before, network.copyParameters()));

        byte[] exported = OnnxExporter.toBytes(network, imported.exportOptions().build());
        float[] probs = new float[rows * 10];
        network.predictProbabilities(new Workspace(network.spec(), rows), x, 0, rows, probs, 0);
        float[] ort = TestSupport.runOrt(exported, "input", x, TestSupport.feedShape(exported, rows, 784))
                .get("probabilities");
        double d = TestSupport.maxAbsDiff(ort, probs);
        assertTrue(d <= OnnxRuntimeRefereeTest.TOLERANCE, "fine-tuned export: max |Δp| = " + d);
        assertArrayEquals(ExporterGraphTest.bits(network.copyParameters()),
                ExporterGraphTest.bits(OnnxImporter.read(exported).network().copyParameters()));
    }

    /**
     * The new layer kinds come back as they went out: import a hand-built PyTorch-style model, export it with
     * {@link ImportedModel#exportOptions()}, import again: same spec, task, output kind and parameters, and
     * onnxruntime computes from the export what the network computes.
     */
    @Test
    void newLayerKindsReExportTheWayTheyCameIn() throws Exception {
        Sketch norm = new Sketch(31, "x", 1L, 2L, 3L).then("Flatten").linear(6, 8, true);
        norm.layerNormDecomposed(8, -1, 2f, norm.scalar(1e-5f), false).geluExact().then("Dropout",
                new String[] {norm.scalar(0.2f)}).linear(8, 1, true).then("Sigmoid");
        ModelProto[] models = {
                norm.model(13, new Object[] {1L, 1L}),
                new Sketch(32, "x", "N", 4L).linear(4, 5, true).then("LeakyRelu", Models.floatAttr("alpha", 0.2f))
                        .linear(5, 3, true).then("Tanh").model(13, 3, ModelMetadata.TASK, "regress"),
                new Sketch(33, "x", "N", 4L).linear(4, 5, true).batchNorm(5).then("Sigmoid").linear(5, 3, true)
                        .then("Relu").then("Softmax").model(13, 3),
                new Sketch(34, "x", "N", 4L).linear(4, 6, true).then("Gelu", Sketch.stringAttr("approximate", "tanh"))
                        .linear(6, 4, true).then("Sigmoid").model(20, 4)};
        for (ModelProto model : models) {
            ImportedModel first = OnnxImporter.read(model);
            byte[] exported = OnnxExporter.toBytes(first.network(), first.exportOptions().build());
            ImportedModel second = OnnxImporter.read(exported);
            // Dropout is training-only: the export writes no node for it, so it reads back without (same function).
            assertEquals(TestSupport.withoutDropout(first.spec()), second.spec());
            assertEquals(first.task(), second.task());
            assertEquals(first.outputKind(), second.outputKind());
            assertArrayEquals(first.inputShape().length > 2 ? first.exportOptions().build().inputShape()
                    : second.inputShape(), second.inputShape());
            assertArrayEquals(ExporterGraphTest.bits(first.network().copyParameters()),
                    ExporterGraphTest.bits(second.network().copyParameters()), first.spec() + ": parameters");
            int rows = 9;
            float[] x = TestSupport.randomInputs(new Random(rows), rows, first.featureCount(), 1.2);
            float[] ours = new float[rows * first.classCount()];
            first.predict(new Workspace(first.spec(), rows), x, 0, rows, ours, 0);
            long[] shape = second.inputShape().clone();
            shape[0] = rows;
            float[] ort = TestSupport.runOrt(exported, second.inputName(), x, shape).get(second.outputName());
            int bad = TestSupport.firstMismatch(ours, ort, 1e-5, 1e-6);
            assertEquals(-1, bad, () -> first.spec() + ": element " + bad);
        }
    }

    @Test
    void streamAndFileReadersGiveTheSameModel() throws Exception {
        Path model = TestSupport.onnxTests().resolve("real/tf2onnx_marabou_fc1/model.onnx");
        ImportedModel fromFile = OnnxImporter.read(model.toFile());
        ImportedModel fromStream = OnnxImporter.read(new ByteArrayInputStream(Files.readAllBytes(model)));
        assertArrayEquals(ExporterGraphTest.bits(fromFile.network().copyParameters()),
                ExporterGraphTest.bits(fromStream.network().copyParameters()));
        assertEquals("tf2onnx", fromFile.producerName());
        assertEquals("Placeholder:0", fromFile.inputName());
        assertEquals("y_out:0", fromFile.outputName());
    }

    /**
     * Fields outside the subset (ModelProto.training_info/functions, GraphProto.quantization_annotation, a
     * NodeProto field from the future) are kept by the parser, written back unchanged, and ignored by import.
     */
    @Test
    void unknownFieldsSurviveReserializationAndDoNotDisturbImport() throws Exception {
        Network network = TestSupport.randomNetwork(NetworkSpec.of(3, 4, 2), 8);
        ModelProto model = OnnxExporter.toModel(network, null);
        byte[] modelExtra = concat(field(20, new byte[] {0x0a, 0x00}), field(25, "fn".getBytes()), varint(999, 7));
        byte[] graphExtra = field(14, new byte[] {0x0a, 0x01, 0x78});
        byte[] nodeExtra = varint(100, 1);

        NodeProto node = NodeProto.parseFrom(concat(model.getGraph().getNode(0).toByteArray(), nodeExtra));
        GraphProto graph = GraphProto.parseFrom(concat(model.getGraph().toBuilder().setNode(0, node).build()
                .toByteArray(), graphExtra));
        byte[] bytes = concat(model.toBuilder().setGraph(graph).build().toByteArray(), modelExtra);

        ModelProto parsed = ModelProto.parseFrom(bytes);
        byte[] reserialized = parsed.toByteArray();
        for (byte[] extra : new byte[][] {modelExtra, graphExtra, nodeExtra}) {
            assertTrue(indexOf(reserialized, extra) >= 0, "unknown field bytes are written back");
        }
        ImportedModel imported = OnnxImporter.read(bytes);
        assertArrayEquals(ExporterGraphTest.bits(network.copyParameters()),
                ExporterGraphTest.bits(imported.network().copyParameters()));
    }

    // ---- protobuf wire helpers ----

    private static byte[] field(int number, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, ((long) number << 3) | 2);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] varint(int number, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) number << 3);
        writeVarint(out, value);
        return out.toByteArray();
    }

    static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
