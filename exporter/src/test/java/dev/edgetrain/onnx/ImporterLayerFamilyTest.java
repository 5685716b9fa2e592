package dev.edgetrain.onnx;

import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.edgetrain.onnx.ImporterVariantsTest.assertMatchesOnnxruntime;
import static dev.edgetrain.onnx.Models.floatAttr;
import static dev.edgetrain.onnx.Models.intAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model family beyond ReLU classifiers, built by hand as PyTorch exports it (activations on any layer,
 * GELU and layer norms as ops and decomposed, BatchNorm folding, Dropout, sigmoid and regression heads, a fixed
 * batch of 1, importing up to a tensor): each model is imported and its {@code predict} compared with
 * onnxruntime running the same bytes (rtol 1e-5, atol 1e-6).
 */
class ImporterLayerFamilyTest {
    /** x [N, 5] → Linear(5, 8) → f → Linear(8, 3) → f → Softmax: f on a hidden and on the output layer. */
    @Test
    void everyActivationOnAHiddenAndOnTheOutputLayer() throws Exception {
        Object[][] cases = {
                {"Relu", Activation.RELU, 13, new dev.edgetrain.onnx.proto.AttributeProto[0]},
                {"LeakyRelu", Activation.leakyRelu(0.01f), 13, new dev.edgetrain.onnx.proto.AttributeProto[0]},
                {"LeakyRelu", Activation.leakyRelu(0.2f), 13, new dev.edgetrain.onnx.proto.AttributeProto[] {
                        floatAttr("alpha", 0.2f)}},
                {"Tanh", Activation.TANH, 13, new dev.edgetrain.onnx.proto.AttributeProto[0]},
                {"Sigmoid", Activation.SIGMOID, 13, new dev.edgetrain.onnx.proto.AttributeProto[0]},
                {"Gelu", Activation.GELU, 20, new dev.edgetrain.onnx.proto.AttributeProto[0]},
                {"Gelu", Activation.GELU_TANH, 20, new dev.edgetrain.onnx.proto.AttributeProto[] {
                        Sketch.stringAttr("approximate", "tanh")}}};
        for (Object[] c : cases) {
            dev.edgetrain.onnx.proto.AttributeProto[] attrs = (dev.edgetrain.onnx.proto.AttributeProto[]) c[3];
            Sketch s = new Sketch(1, "x", "N", 5L).linear(5, 8, true).then((String) c[0], attrs)
                    .linear(8, 3, true).then((String) c[0], attrs).then("Softmax", intAttr("axis", -1));
            ImportedModel m = assertMatchesOnnxruntime(s.model((int) c[2], 3), 6, 5);
            assertEquals(c[1], m.spec().activation(0), c[0] + " on the hidden layer");
            assertEquals(c[1], m.spec().activation(1), c[0] + " on the output layer");
            assertEquals(Task.CLASSIFY, m.task());
            assertEquals(OutputKind.PROBABILITIES, m.outputKind());
        }
    }

    @Test
    void geluOpAndPyTorchsDecompositionsMatch() throws Exception {
        float beta = (float) Math.sqrt(2 / Math.PI);
        Sketch[] exact = {
                new Sketch(2, "x", "N", 4L).linear(4, 6, true).geluExact().linear(6, 2, true),
                // Mul by 1/√2 instead of Div, 0.5·x first, constants as the left operands.
                new Sketch(3, "x", "N", 4L).linear(4, 6, true)};
        Sketch alt = exact[1];
        String x = alt.v;
        String erf = alt.node("Erf", new String[] {alt.node("Mul", new String[] {alt.scalar(0.70710677f), x})});
        String half = alt.node("Mul", new String[] {alt.scalar(0.5f), x});
        alt.v = alt.node("Mul", new String[] {half, alt.node("Add", new String[] {alt.scalar(1f), erf})});
        alt.linear(6, 2, true);
        for (Sketch s : exact) {
            ImportedModel m = assertMatchesOnnxruntime(s.model(13, 2), 7, 4);
            assertEquals(Activation.GELU, m.spec().activation(0));
            assertEquals("4-6[gelu]-2", m.spec().toString());
        }
        ImportedModel tanh = assertMatchesOnnxruntime(new Sketch(4, "x", "N", 4L).linear(4, 6, true)
                .geluTanh(beta, 0.044715f).linear(6, 2, true).model(13, 2), 7, 4);
        assertEquals(Activation.GELU_TANH, tanh.spec().activation(0));
        // The tanh GELU with Pow(x, 3), as Hugging Face's NewGELU is exported.
        Sketch pow = new Sketch(5, "x", "N", 4L).linear(4, 6, true);
        String px = pow.v;
        String cube = pow.node("Pow", new String[] {px, pow.scalar(3f)});
        String inner = pow.node("Add", new String[] {px, pow.node("Mul", new String[] {pow.scalar(0.044715f), cube})});
        String t = pow.node("Tanh", new String[] {pow.node("Mul", new String[] {pow.scalar(beta), inner})});
        pow.v = pow.node("Mul", new String[] {pow.node("Mul", new String[] {pow.scalar(0.5f), px}),
                pow.node("Add", new String[] {pow.scalar(1f), t})});
        assertEquals(Activation.GELU_TANH, assertMatchesOnnxruntime(pow.linear(6, 2, true).model(13, 2), 7, 4)
                .spec().activation(0));
    }

    @Test
    void layerNormalizationOpAndPyTorchsDecomposition() throws Exception {
        for (boolean bias : new boolean[] {true, false}) {
            Sketch s = new Sketch(6, "x", "N", 5L).linear(5, 8, true);
            String gamma = s.constant(Models.random(s.r, 8, 1), 8);
            String[] more = bias ? new String[] {gamma, s.constant(Models.random(s.r, 8, 1), 8)} : new String[] {gamma};
            s.then("LayerNormalization", more, floatAttr("epsilon", 1e-3f)).then("Relu").linear(8, 3, true);
            ImportedModel m = assertMatchesOnnxruntime(s.model(17, 3), 9, 5);
            assertTrue(m.spec().hasLayerNorm(0));
            assertEquals(1e-3f, m.spec().layer(0).normEpsilon());
        }
        // opset 13 (axes an attribute) and 18 (axes an input), over axis -1 and 1 (the same on [N, 8]).
        for (int opset : new int[] {13, 18}) {
            for (long axis : new long[] {-1, 1}) {
                Sketch s = new Sketch(7, "x", "N", 5L).linear(5, 8, true);
                s.layerNormDecomposed(8, axis, 2f, s.scalar(1e-5f), opset >= 18).then("Relu").linear(8, 3, true);
                ImportedModel m = assertMatchesOnnxruntime(s.model(opset, 3), 9, 5);
                assertEquals("5-8[layer_norm]-3", m.spec().toString(), "opset " + opset);
            }
        }
    }

    @Test
    void batchNormalizationFoldsIntoTheDenseLayerBeforeIt() throws Exception {
        // Gemm with bias, and MatMul without (PyTorch's Linear(bias=False) + BatchNorm1d gets a bias from the fold).
        Sketch gemm = new Sketch(8, "x", "N", 6L).linear(6, 5, true).batchNorm(5, floatAttr("epsilon", 1e-3f))
                .then("Relu").linear(5, 2, true);
        ImportedModel m = assertMatchesOnnxruntime(gemm.model(9, 2), 8, 6);
        assertEquals("6-5-2", m.spec().toString());
        Sketch matMul = new Sketch(9, "x", "N", 6L);
        matMul.then("MatMul", new String[] {matMul.constant(Models.random(matMul.r, 30, 0.5), 6, 5)})
                .batchNorm(5, intAttr("training_mode", 0)).then("Relu").linear(5, 2, true);
        ImportedModel folded = assertMatchesOnnxruntime(matMul.model(15, 2), 8, 6);
        assertTrue(folded.spec().hasBias(0), "the fold gives the bias-less layer a bias");
    }

    /** {@code nn.Sequential(Linear, BatchNorm1d, ReLU, Dropout(0.3), Linear)} exported in eval mode, opset 13. */
    @Test
    void pytorchsLinearBatchNormReluDropoutInEvalMode() throws Exception {
        Sketch s = new Sketch(10, "x", "N", 7L).linear(7, 6, true).batchNorm(6).then("Relu");
        s.then("Dropout", new String[] {s.scalar(0.3f), s.bool(false)}).linear(6, 3, true).then("Softmax");
        ImportedModel m = assertMatchesOnnxruntime(s.model(13, 3), 10, 7);
        assertEquals("7-6[dropout 0.3]-3", m.spec().toString(), "the ratio is kept for fine-tuning");
    }

    @Test
    void dropoutInOldAndNewOpsets() throws Exception {
        // Opset 10: ratio an attribute, mask output present but unused.
        Sketch old = new Sketch(11, "x", "N", 4L).linear(4, 5, true).then("Relu");
        String mask = old.fresh("mask");
        old.g.addNode(Models.node("Dropout", "drop", new String[] {old.v}, "dropped", floatAttr("ratio", 0.25f))
                .toBuilder().addOutput(mask).build());
        old.v = "dropped";
        ImportedModel m10 = assertMatchesOnnxruntime(old.linear(5, 2, true).model(10, 2), 5, 4);
        assertEquals(0.25f, m10.spec().dropout(0));
        // Opset 13: ratio an input, no training_mode (the identity at inference).
        Sketch now = new Sketch(12, "x", "N", 4L).linear(4, 5, true).then("Relu");
        now.then("Dropout", new String[] {now.scalar(0.1f)}).linear(5, 2, true);
        assertEquals(0.1f, assertMatchesOnnxruntime(now.model(13, 2), 5, 4).spec().dropout(0));
        // Opset 6 (is_test=1; onnxruntime runs opset 7 and later): the same network as without the Dropout.
        // (Gemm without C: with one, opset 6 needs broadcast=1.)
        Sketch six = new Sketch(13, "x", "N", 4L).linear(4, 5, false).then("Relu");
        Sketch none = new Sketch(13, "x", "N", 4L).linear(4, 5, false).then("Relu").linear(5, 2, false);
        six.then("Dropout", intAttr("is_test", 1), floatAttr("ratio", 0.4f)).linear(5, 2, false);
        ImportedModel withDropout = OnnxImporter.read(six.model(6, 2));
        ImportedModel without = OnnxImporter.read(none.model(6, 2));
        assertEquals(0.4f, withDropout.spec().dropout(0));
        assertEquals(without.spec().withLayer(0, without.spec().layer(0).withDropout(0.4f)), withDropout.spec());
        assertArrayEquals(without.network().copyParameters(), withDropout.network().copyParameters());
    }

    @Test
    void sigmoidHeadsAreBinaryOrMultiLabel() throws Exception {
        for (int outputs : new int[] {1, 4}) {
            Sketch s = new Sketch(14, "x", "N", 5L).linear(5, 6, true).then("Tanh").linear(6, outputs, true)
                    .then("Sigmoid");
            ImportedModel m = assertMatchesOnnxruntime(s.model(13, outputs), 9, 5);
            assertEquals(outputs == 1 ? Task.BINARY : Task.MULTILABEL, m.task());
            assertEquals(OutputKind.PROBABILITIES, m.outputKind());
            assertEquals(Activation.IDENTITY, m.spec().activation(1), "the Sigmoid is the head");
        }
        // After the output layer's own activation a Sigmoid can only be the head.
        Sketch s = new Sketch(15, "x", "N", 5L).linear(5, 3, true).then("Relu").then("Sigmoid");
        ImportedModel m = assertMatchesOnnxruntime(s.model(13, 3), 4, 5);
        assertEquals("5-3[relu] multilabel", m.spec().toString());
    }

    @Test
    void regressionWithoutAHead() throws Exception {
        ImportedModel one = assertMatchesOnnxruntime(new Sketch(16, "x", "N", 3L).linear(3, 4, true).then("Relu")
                .linear(4, 1, true).model(13, 1), 6, 3);
        assertEquals(Task.REGRESS, one.task());
        assertEquals(OutputKind.PREDICTIONS, one.outputKind());
        ImportedModel three = assertMatchesOnnxruntime(new Sketch(17, "x", "N", 3L).linear(3, 4, true).then("Relu")
                .linear(4, 3, true).model(13, 3, ModelMetadata.TASK, "regress"), 6, 3);
        assertEquals(Task.REGRESS, three.task(), "edgetrain.task names the task of a graph without a head");
        // A regressor whose output layer ends in a Sigmoid (the metadata says it is not a head).
        ImportedModel bounded = assertMatchesOnnxruntime(new Sketch(18, "x", "N", 3L).linear(3, 2, true)
                .then("Sigmoid").model(13, 2, ModelMetadata.TASK, "regress"), 6, 3);
        assertEquals("3-2[sigmoid] regress", bounded.spec().toString());
        assertEquals(OutputKind.PREDICTIONS, bounded.outputKind());
    }

    /** openWakeWord's shape: [1, 16, 96] → Flatten. onnxruntime takes one row at a time; predict takes any number. */
    @Test
    void rankThreeInputWithItsBatchFixedAtOne() throws Exception {
        Sketch s = new Sketch(19, "x", 1L, 4L, 3L).then("Flatten", intAttr("axis", 1)).linear(12, 6, true)
                .then("Relu").linear(6, 1, true).then("Sigmoid");
        byte[] bytes = s.model(13, new Object[] {1L, 1L}).toByteArray();
        ImportedModel m = OnnxImporter.read(bytes);
        assertArrayEquals(new long[] {1, 4, 3}, m.inputShape());
        assertArrayEquals(new long[] {-1, 4, 3}, m.exportOptions().build().inputShape());
        int rows = 5;
        float[] x = TestSupport.randomInputs(new Random(3), rows, 12, 1.5);
        float[] ours = new float[rows];
        m.predict(new Workspace(m.spec(), rows), x, 0, rows, ours, 0);
        for (int r = 0; r < rows; r++) {
            float[] ort = TestSupport.runOrt(bytes, "x", Arrays.copyOfRange(x, r * 12, r * 12 + 12), 1, 4, 3)
                    .get(m.outputName());
            assertEquals(ort[0], ours[r], 1e-6 + 1e-5 * Math.abs(ort[0]), "row " + r);
        }
    }

    /** A graph that post-processes its Sigmoid (GreaterOrEqual → Cast), imported up to the Sigmoid's output. */
    @Test
    void importUpToANamedTensor() throws Exception {
        Sketch s = new Sketch(20, "x", "N", 4L).linear(4, 5, true).then("Relu").linear(5, 1, true).then("Sigmoid");
        String score = s.v;
        s.then("GreaterOrEqual", new String[] {s.scalar(0.5f)}).then("Cast", intAttr("to", 1));
        ModelProto model = s.model(13, 1);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(model));
        assertTrue(e.getMessage().endsWith("the graph goes on past its head (GreaterOrEqual, Cast: post-processing the"
                + " network does not compute); expected the chain to end there; import up to a tensor with"
                + " ImportOptions.outputTensor(\"" + score + "\")"), e.getMessage());
        // onnxruntime only returns graph outputs: the same bytes with the Sigmoid's output listed as one more.
        ModelProto withScore = model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addOutput(Models.value(score, "N", 1L))).build();
        ImportOptions upToScore = ImportOptions.builder().outputTensor(score).build();
        ImportedModel m = assertMatchesOnnxruntime(withScore, upToScore, 6, 4);
        assertEquals(score, m.outputName());
        assertEquals(Task.BINARY, m.task());
        ImportedModel fromOriginal = OnnxImporter.read(model, ImportOptions.builder().outputTensor(score).build());
        assertArrayEquals(m.network().copyParameters(), fromOriginal.network().copyParameters());
        assertFalse(fromOriginal.spec().hasDropout());
    }

    /**
     * hey_jarvis's shape in small: an If after the head whose branch reads the graph's input by capture. Imported up
     * to the Sigmoid, the If is outside what is read; without, the message lists the post-processing.
     */
    @Test
    void anIfCapturingTheInputIsLeftOutWhenImportingUpToTheHead() throws Exception {
        Sketch s = new Sketch(22, "x", "N", 4L).linear(4, 3, true).then("Relu").linear(3, 1, true).then("Sigmoid");
        String p = s.v;
        ModelProto plain = s.model(13, 1);
        s.then("GreaterOrEqual", new String[] {s.scalar(0.5f)}).then("Cast", intAttr("to", 9));
        dev.edgetrain.onnx.proto.GraphProto then = dev.edgetrain.onnx.proto.GraphProto.newBuilder()
                .addNode(Models.node("ReduceSum", "verifier", new String[] {"x"}, "v"))
                .addOutput(Models.value("v", "N", 1L)).build();
        dev.edgetrain.onnx.proto.GraphProto otherwise = dev.edgetrain.onnx.proto.GraphProto.newBuilder()
                .addNode(Models.node("Identity", "pass", new String[] {p}, "q"))
                .addOutput(Models.value("q", "N", 1L)).build();
        s.then("If", dev.edgetrain.onnx.proto.AttributeProto.newBuilder().setName("then_branch")
                .setType(dev.edgetrain.onnx.proto.AttributeProto.AttributeType.GRAPH).setG(then).build(),
                dev.edgetrain.onnx.proto.AttributeProto.newBuilder().setName("else_branch")
                        .setType(dev.edgetrain.onnx.proto.AttributeProto.AttributeType.GRAPH).setG(otherwise).build());
        ModelProto withIf = s.model(13, 1);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(withIf));
        assertTrue(e.getMessage().contains("follows the Sigmoid head '" + p + "': the graph goes on past its head"
                + " (GreaterOrEqual, Cast, If: post-processing"), e.getMessage());
        ImportedModel upToP = OnnxImporter.read(withIf, ImportOptions.builder().outputTensor(p).build());
        ImportedModel reference = OnnxImporter.read(plain);
        assertEquals(reference.spec(), upToP.spec());
        assertArrayEquals(reference.network().copyParameters(), upToP.network().copyParameters());
        assertEquals(p, upToP.outputName());
    }

    @Test
    void aLoneSigmoidIsAnIdentityLayerUnderASigmoidHead() throws Exception {
        ImportedModel m = assertMatchesOnnxruntime(new Sketch(21, "x", "N", 3L).then("Sigmoid").model(13, 3), 4, 3);
        assertEquals("3-3 multilabel (no bias)", m.spec().toString());
        float[] w = new float[9];
        m.network().copyWeight(0, w, 0);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, w);
    }
}
