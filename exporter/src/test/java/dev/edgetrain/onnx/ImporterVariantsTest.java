package dev.edgetrain.onnx;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.edgetrain.onnx.Models.floatAttr;
import static dev.edgetrain.onnx.Models.floatData;
import static dev.edgetrain.onnx.Models.floatsAttr;
import static dev.edgetrain.onnx.Models.int64s;
import static dev.edgetrain.onnx.Models.intAttr;
import static dev.edgetrain.onnx.Models.intsAttr;
import static dev.edgetrain.onnx.Models.model;
import static dev.edgetrain.onnx.Models.node;
import static dev.edgetrain.onnx.Models.random;
import static dev.edgetrain.onnx.Models.raw;
import static dev.edgetrain.onnx.Models.tensorAttr;
import static dev.edgetrain.onnx.Models.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer patterns of other exporters, built by hand: each model is imported and its {@code predict}
 * compared with onnxruntime running the very same bytes (rtol 1e-5, atol 1e-6).
 */
class ImporterVariantsTest {
    private final Random r = new Random(42);

    /** keras2onnx: MatMul + Add with packed float_data weights, no tail (logits). */
    @Test
    void kerasMatMulAddChainWithFloatData() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("x", "N", 4L))
                .addInitializer(floatData("k1", random(r, 4 * 6, 0.7), 4, 6))
                .addInitializer(floatData("b1", random(r, 6, 0.3), 6))
                .addInitializer(floatData("k2", random(r, 6 * 3, 0.7), 6, 3))
                .addInitializer(floatData("b2", random(r, 3, 0.3), 3))
                .addNode(node("MatMul", "mm1", new String[] {"x", "k1"}, "h1"))
                .addNode(node("Add", "add1", new String[] {"h1", "b1"}, "a1"))
                .addNode(node("Relu", "relu1", new String[] {"a1"}, "r1"))
                .addNode(node("MatMul", "mm2", new String[] {"r1", "k2"}, "h2"))
                .addNode(node("Add", "add2", new String[] {"b2", "h2"}, "y")) // bias first: Add commutes
                .addOutput(value("y", "N", 3L));
        ImportedModel m = assertMatchesOnnxruntime(model(7, 13, g), 5, 4);
        assertEquals(OutputKind.LOGITS, m.outputKind());
        assertEquals("4-6-3", m.spec().toString());
    }

    /** Gemm without transB, any alpha/beta, biases [1, n] and scalar; opset 11 Softmax with its default axis. */
    @Test
    void gemmAlphaBetaTransBZeroAndBiasShapes() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("x", "batch", 3L))
                .addInitializer(raw("B1", random(r, 3 * 5, 0.8), 3, 5))
                .addInitializer(raw("C1", random(r, 5, 0.5), 1, 5))
                .addInitializer(raw("B2", random(r, 4 * 5, 0.8), 4, 5))
                .addInitializer(raw("C2", new float[] {0.25f}))
                .addNode(node("Gemm", "", new String[] {"x", "B1", "C1"}, "g1", floatAttr("alpha", 0.5f),
                        floatAttr("beta", 2f)))
                .addNode(node("Relu", "", new String[] {"g1"}, "r1"))
                .addNode(node("Gemm", "", new String[] {"r1", "B2", "C2"}, "g2", intAttr("transB", 1),
                        floatAttr("beta", -1.5f)))
                .addNode(node("Softmax", "", new String[] {"g2"}, "p"))
                .addOutput(value("p", "batch", 4L));
        ImportedModel m = assertMatchesOnnxruntime(model(6, 11, g), 7, 3);
        assertEquals(OutputKind.PROBABILITIES, m.outputKind());
        assertEquals(11, m.opsetVersion());
    }

    /** Weights from Constant nodes (tensor and value_floats), a Transpose of a constant, LogSoftmax then Identity. */
    @Test
    void constantNodesTransposeAndLogSoftmaxIdentityTail() throws Exception {
        float[] w1 = random(r, 6 * 2, 0.9); // [out=6][in=2], transposed by the graph before MatMul
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("x", "N", 2L))
                .addNode(node("Constant", "w1c", new String[0], "w1", tensorAttr("value", raw("", w1, 6, 2))))
                .addNode(node("Transpose", "w1t", new String[] {"w1"}, "w1T", intsAttr("perm", 1, 0)))
                .addNode(node("Constant", "b1c", new String[0], "b1", floatsAttr("value_floats", random(r, 6, 0.2))))
                .addNode(node("MatMul", "mm1", new String[] {"x", "w1T"}, "h"))
                .addNode(node("Add", "bias1", new String[] {"h", "b1"}, "hb"))
                .addNode(node("Relu", "relu", new String[] {"hb"}, "hr"))
                .addNode(node("Constant", "w2c", new String[0], "w2",
                        tensorAttr("value", floatData("", random(r, 3 * 6, 0.9), 3, 6))))
                .addNode(node("Gemm", "out", new String[] {"hr", "w2"}, "logits", intAttr("transB", 1)))
                .addNode(node("LogSoftmax", "ls", new String[] {"logits"}, "lp", intAttr("axis", -1)))
                .addNode(node("Identity", "id", new String[] {"lp"}, "y"))
                .addOutput(value("y", "N", 3L));
        ImportedModel m = assertMatchesOnnxruntime(model(7, 13, g), 6, 2);
        assertEquals(OutputKind.LOG_PROBABILITIES, m.outputKind());
        assertEquals("2-6-3 (bias: layer 0)", m.spec().toString());
        assertEquals("y", m.outputName());
    }

    /** A leading Flatten of an image-like input [N, 1, 2, 3]; the imported network takes rows of 6. */
    @Test
    void leadingFlatten() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("img", "N", 1L, 2L, 3L))
                .addInitializer(raw("w", random(r, 4 * 6, 0.5), 4, 6))
                .addInitializer(raw("b", random(r, 4, 0.5), 4))
                .addNode(node("Flatten", "flat", new String[] {"img"}, "f", intAttr("axis", 1)))
                .addNode(node("Gemm", "fc", new String[] {"f", "w", "b"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 4L));
        ImportedModel m = assertMatchesOnnxruntime(model(7, 13, g), 3, 1, 2, 3);
        assertArrayEquals(new long[] {-1, 1, 2, 3}, m.inputShape());
        assertEquals(6, m.featureCount());
    }

    /** A leading Reshape with a Constant shape [0, -1] (PyTorch style) and one with an INT64 initializer [-1, 6]. */
    @Test
    void leadingReshapeWithConstantShapes() throws Exception {
        for (long[] shape : new long[][] {{0, -1}, {-1, 6}}) {
            GraphProto.Builder g = GraphProto.newBuilder()
                    .addInput(value("img", "N", 2L, 3L))
                    .addInitializer(raw("w", random(r, 6 * 5, 0.5), 6, 5))
                    .addInitializer(int64s("shape", shape, 2))
                    .addNode(node("Reshape", "rs", new String[] {"img", "shape"}, "f"))
                    .addNode(node("MatMul", "mm", new String[] {"f", "w"}, "h"))
                    .addNode(node("Relu", "relu", new String[] {"h"}, "hr"))
                    .addInitializer(raw("w2", random(r, 5 * 2, 0.5), 5, 2))
                    .addNode(node("MatMul", "mm2", new String[] {"hr", "w2"}, "y"))
                    .addNode(node("Softmax", "sm", new String[] {"y"}, "p", intAttr("axis", 1)))
                    .addOutput(value("p", "N", 2L));
            ImportedModel m = assertMatchesOnnxruntime(model(7, 13, g), 4, 2, 3);
            assertEquals("6-5-2 (no bias)", m.spec().toString());
        }
    }

    /** IR 3 style: every initializer also listed in graph.input; they are constants, not feeds. */
    @Test
    void initializersListedAsGraphInputsAreConstants() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("x", 2L, 3L))
                .addInput(value("W", 2L, 3L))
                .addInput(value("c", 2L))
                .addInitializer(raw("W", random(r, 6, 0.5), 2, 3))
                .addInitializer(raw("c", random(r, 2, 0.5), 2))
                .addNode(node("Gemm", "", new String[] {"x", "W", "c"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", 2L, 2L));
        // Opset 7: onnxruntime has no Gemm-6 kernel (pytorch/test_Linear covers Gemm-6 with broadcast=1).
        ImportedModel m = assertMatchesOnnxruntime(model(3, 7, g), 2, 3);
        assertEquals("x", m.inputName());
        assertArrayEquals(new long[] {2, 3}, m.inputShape());
    }

    /** A Gemm without C followed by an Add, and a middle layer without any bias. */
    @Test
    void perLayerBiasAndAddAfterGemmWithoutC() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("x", "N", 5L))
                .addInitializer(raw("w0", random(r, 8 * 5, 0.5), 8, 5))
                .addInitializer(raw("b0", random(r, 8, 0.5), 8))
                .addInitializer(raw("w1", random(r, 8 * 7, 0.5), 8, 7))
                .addInitializer(raw("w2", random(r, 3 * 7, 0.5), 3, 7))
                .addInitializer(raw("b2", random(r, 3, 0.5), 1, 3))
                .addNode(node("Gemm", "l0", new String[] {"x", "w0", ""}, "g0", intAttr("transB", 1)))
                .addNode(node("Add", "l0b", new String[] {"g0", "b0"}, "a0"))
                .addNode(node("Relu", "r0", new String[] {"a0"}, "h0"))
                .addNode(node("Gemm", "l1", new String[] {"h0", "w1"}, "g1"))
                .addNode(node("Relu", "r1", new String[] {"g1"}, "h1"))
                .addNode(node("Gemm", "l2", new String[] {"h1", "w2", "b2"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 3L));
        ImportedModel m = assertMatchesOnnxruntime(model(7, 13, g), 9, 5);
        assertTrue(m.spec().hasBias(0));
        assertFalse(m.spec().hasBias(1));
        assertTrue(m.spec().hasBias(2));
    }

    static ImportedModel assertMatchesOnnxruntime(ModelProto model, long... inputShape) throws Exception {
        return assertMatchesOnnxruntime(model, ImportOptions.DEFAULTS, inputShape);
    }

    /** Imported as {@code options} say; onnxruntime reads the output the import ended in. */
    static ImportedModel assertMatchesOnnxruntime(ModelProto model, ImportOptions options, long... inputShape)
            throws Exception {
        byte[] bytes = model.toByteArray();
        ImportedModel m = OnnxImporter.read(bytes, options);
        int batch = (int) inputShape[0];
        int features = 1;
        for (int i = 1; i < inputShape.length; i++) {
            features *= (int) inputShape[i];
        }
        assertEquals(features, m.featureCount());
        float[] x = random(new Random(batch * 31L + features), batch * features, 1.5);
        float[] ours = new float[batch * m.classCount()];
        m.predict(new Workspace(m.spec(), batch), x, 0, batch, ours, 0);
        float[] ort = TestSupport.runOrt(bytes, m.inputName(), x, inputShape).get(m.outputName());
        int bad = TestSupport.firstMismatch(ours, ort, 1e-5, 1e-6);
        assertEquals(-1, bad, () -> "element " + bad + ": ours " + ours[bad] + ", onnxruntime " + ort[bad]);
        return m;
    }
}
