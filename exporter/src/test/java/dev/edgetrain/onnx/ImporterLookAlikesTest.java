package dev.edgetrain.onnx;

import dev.edgetrain.onnx.proto.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.edgetrain.onnx.Models.intAttr;
import static dev.edgetrain.onnx.Models.intsAttr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What looks like a layer the importer reads but computes something else is refused, with a message that names
 * the node and says what it computes and what was expected: never imported as the nearest thing it resembles.
 */
class ImporterLookAlikesTest {
    private static OnnxImportException refused(ModelProto model, String... parts) {
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(model.toByteArray()));
        System.out.println("[look-alike] " + e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
        return e;
    }

    /** x [N, 5] → Linear(5, 8), the start of every case. */
    private static Sketch dense() {
        return new Sketch(1, "x", "N", 5L).linear(5, 8, true);
    }

    @Test
    void aLayerNormWithPowThreeIsNotALayerNorm() {
        Sketch s = dense();
        s.layerNormDecomposed(8, -1, 3f, s.scalar(1e-5f), false).linear(8, 2, true);
        OnnxImportException e = refused(s.model(13, 2),
                "(Pow) raises the deviation to the power 3.0; expected exactly 2");
        assertEquals("Pow", e.opType());
    }

    @Test
    void aLayerNormEpsilonOfTheWrongShape() {
        Sketch s = dense();
        s.layerNormDecomposed(8, -1, 2f, s.constant(new float[8], 8), false).linear(8, 2, true);
        refused(s.model(13, 2), "(Add) adds epsilon initializer", "of shape [8]; expected a single positive value");
    }

    @Test
    void aLayerNormEpsilonThatIsNotPositive() {
        Sketch s = dense();
        s.layerNormDecomposed(8, -1, 2f, s.scalar(0f), false).linear(8, 2, true);
        refused(s.model(13, 2), "(Add) has epsilon 0.0; expected a positive value up to 1");
    }

    @Test
    void aMeanOverAnotherAxisIsNotALayerNorm() {
        Sketch s = dense();
        s.layerNormDecomposed(8, 0, 2f, s.scalar(1e-5f), false).linear(8, 2, true);
        refused(s.model(13, 2), "(ReduceMean) averages over axes [0]; expected [-1]");
        Sketch op = dense();
        op.then("LayerNormalization", new String[] {op.constant(new float[8], 8)}, intAttr("axis", 0))
                .linear(8, 2, true);
        refused(op.model(17, 2), "(LayerNormalization) has axis=0 on data of shape [N, 8]; expected -1 or 1");
    }

    @Test
    void aLayerNormSubtractingSomethingElseIsRefused() {
        Sketch s = dense();
        String x = s.v;
        String mean = s.node("ReduceMean", new String[] {x}, intsAttr("axes", -1));
        String d = s.node("Sub", new String[] {mean, x}); // mean − x: the operands swapped
        String var = s.node("ReduceMean", new String[] {s.node("Pow", new String[] {d, s.scalar(2f)})},
                intsAttr("axes", -1));
        s.v = s.node("Div", new String[] {d, s.node("Sqrt", new String[] {s.node("Add", new String[] {var,
                s.scalar(1e-5f)})})});
        refused(s.linear(8, 2, true).model(13, 2), "(Sub) computes Sub('reducemean_", "expected Sub('gemm_");
    }

    @Test
    void batchNormalizationInTrainingFormIsRefused() {
        refused(dense().batchNorm(8, intAttr("training_mode", 1)).linear(8, 2, true).model(15, 2),
                "(BatchNormalization) has training_mode=1", "expected training_mode=0");
        Sketch three = dense().batchNorm(8);
        three.g.setNode(three.g.getNodeCount() - 1, three.g.getNode(three.g.getNodeCount() - 1).toBuilder()
                .addOutput("running_mean").addOutput("running_var").build());
        refused(three.linear(8, 2, true).model(9, 2), "(BatchNormalization) has 3 outputs", "expected 1");
        refused(dense().then("Relu").batchNorm(8).linear(8, 2, true).model(9, 2),
                "(BatchNormalization) comes after the activation of",
                "expected BatchNormalization right after a dense");
    }

    @Test
    void dropoutInTrainingModeOrWithItsMaskReadIsRefused() {
        Sketch training = dense().then("Relu");
        training.then("Dropout", new String[] {training.scalar(0.5f), training.bool(true)}).linear(8, 2, true);
        refused(training.model(13, 2), "(Dropout) has training_mode initializer", "= true, so it drops values at"
                + " random; expected it absent or false");
        Sketch mask = dense().then("Relu");
        mask.g.addNode(Models.node("Dropout", "drop", new String[] {mask.v}, "dropped").toBuilder().addOutput("mask")
                .build());
        mask.v = "dropped";
        ModelProto withMask = mask.linear(8, 2, true).model(13, 2);
        withMask = withMask.toBuilder().setGraph(withMask.getGraph().toBuilder()
                .addOutput(Models.value("mask", "N", 8L))).build();
        refused(withMask, "(Dropout) has its mask output 'mask' read; expected the mask unused");
        refused(new Sketch(1, "x", "N", 5L).linear(5, 8, false).then("Dropout", intAttr("is_test", 0))
                        .linear(8, 2, false).model(6, 2),
                "(Dropout) has is_test=0 (opset 6)");
    }

    @Test
    void aSigmoidFollowedByMoreNodesNeedsAnOutputTensor() {
        Sketch s = dense().then("Sigmoid");
        String p = s.v;
        s.then("Mul", new String[] {s.scalar(2f)});
        OnnxImportException e = refused(s.model(13, 8), "(Mul) follows the Sigmoid head '" + p
                + "': the graph goes on past its head", "import up to a tensor with ImportOptions.outputTensor(\"" + p
                + "\")");
        assertEquals(List.of(p), assertInstanceOf(OutputTensorNeededException.class, e).suggestedTensors(),
                "the head's output, typed for callers that offer it (the CLI's --output-tensor)");
        Sketch softmax = dense().then("Softmax");
        String probs = softmax.v;
        OnnxImportException argMax = refused(softmax.then("ArgMax").model(13, new Object[] {"N", 1L}),
                "(ArgMax) follows the Softmax head '" + probs + "'");
        assertEquals(List.of(probs), assertInstanceOf(OutputTensorNeededException.class, argMax).suggestedTensors());
    }

    @Test
    void theSuggestedTensorSurvivesReadingFromAFile(@TempDir Path dir) throws Exception {
        Sketch s = dense().then("Sigmoid");
        String p = s.v;
        File file = dir.resolve("post.onnx").toFile();
        Files.write(file.toPath(), s.then("Mul", new String[] {s.scalar(2f)}).model(13, 8).toByteArray());
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.read(file, ImportOptions.DEFAULTS));
        assertTrue(e.getMessage().startsWith("model file '" + file + "': node "), e.getMessage());
        assertEquals(file, e.file());
        assertEquals("Mul", e.opType());
        assertEquals(List.of(p), assertInstanceOf(OutputTensorNeededException.class, e).suggestedTensors());
    }

    @Test
    void aRefusalThatNoInnerTensorAvoidsIsNotAnOutputTensorNeeded() {
        OnnxImportException e = refused(new Sketch(1, "x", "N", 5L).then("Softplus").linear(5, 2, true).model(13, 2),
                "(Softplus) is not supported");
        assertFalse(e instanceof OutputTensorNeededException, "before any layer there is no tensor to read up to: "
                + e.getMessage());
    }

    @Test
    void geluLookAlikesAreRefusedWithWhatTheyCompute() {
        // erf(x / 1.41): not √2.
        Sketch sqrt = dense();
        String x = sqrt.v;
        String erf = sqrt.node("Erf", new String[] {sqrt.node("Div", new String[] {x, sqrt.scalar(1.41f)})});
        sqrt.v = sqrt.node("Mul", new String[] {sqrt.node("Mul", new String[] {x, sqrt.node("Add", new String[] {erf,
                sqrt.scalar(1f)})}), sqrt.scalar(0.5f)});
        refused(sqrt.linear(8, 2, true).model(13, 2), "(Erf) takes erf(0.7092199*x)", "expected erf(0.70710677*x)");
        // 0.6 instead of 0.5.
        Sketch half = dense();
        x = half.v;
        erf = half.node("Erf", new String[] {half.node("Div", new String[] {x, half.scalar((float) Math.sqrt(2))})});
        half.v = half.node("Mul", new String[] {half.node("Mul", new String[] {x, half.node("Add", new String[] {erf,
                half.scalar(1f)})}), half.scalar(0.6f)});
        refused(half.linear(8, 2, true).model(13, 2), "computes 0.6*x + 0.6*x*erf(0.70710677*x): its two terms are"
                + " scaled by 0.6 and 0.6; expected 0.5 and 0.5");
        // κ = 0.04.
        refused(dense().geluTanh((float) Math.sqrt(2 / Math.PI), 0.04f).linear(8, 2, true).model(13, 2),
                "(Tanh) takes tanh(0.7978846*(x + 0.04*x^3))", "expected tanh(0.7978846*(x + 0.044715*x^3))");
        // Gelu with an unknown approximation, and before opset 20.
        refused(dense().then("Gelu", Sketch.stringAttr("approximate", "fast")).linear(8, 2, true).model(20, 2),
                "(Gelu) has approximate='fast'; expected 'none' or 'tanh'");
        refused(dense().then("Gelu").linear(8, 2, true).model(19, 2),
                "(Gelu) does not exist in opset 19 (Gelu is defined from opset 20)");
    }

    @Test
    void aSoftmaxOverOneOutputAndAContradictingTaskAreRefused() {
        refused(new Sketch(2, "x", "N", 3L).linear(3, 1, true).then("Softmax").model(13, 1),
                "(Softmax) normalises the single output of", "(always 1); expected a classifier with at least 2");
        refused(new Sketch(3, "x", "N", 3L).linear(3, 2, true).then("Softmax")
                        .model(13, 2, ModelMetadata.TASK, "regress"),
                "metadata 'edgetrain.task' is 'regress', but node 1", "is a softmax head; expected 'classify'");
        refused(new Sketch(4, "x", "N", 3L).linear(3, 3, true).model(13, 3, ModelMetadata.TASK, "binary"),
                "metadata 'edgetrain.task' is 'binary', but the output layer", "has 3 output(s); expected 1");
        refused(new Sketch(5, "x", "N", 3L).linear(3, 3, true).model(13, 3, ModelMetadata.TASK, "clustering"),
                "metadata 'edgetrain.task' is 'clustering'; expected classify, binary, multilabel or regress");
    }

    @Test
    void anOutputTensorThatIsNoValueOfTheChainIsRefused() {
        ModelProto model = dense().then("Relu").linear(8, 2, true).model(13, 2);
        for (String[] c : Arrays.asList(new String[] {"nowhere", "is not computed by any node of the graph"},
                new String[] {"x", "is the graph's input"})) {
            OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(model,
                    ImportOptions.builder().outputTensor(c[0]).build()));
            assertTrue(e.getMessage().startsWith("ImportOptions.outputTensor '" + c[0] + "' " + c[1]), e.getMessage());
            assertTrue(e.getMessage().contains("expected the output of a node on the chain"), e.getMessage());
        }
    }

    @Test
    void anActivationOnTheRawInputBeforeADenseLayerIsRefused() {
        refused(new Sketch(6, "x", "N", 5L).then("Tanh").linear(5, 2, true).model(13, 2),
                "(Tanh) comes before the first dense layer", "expected Gemm or MatMul first");
    }
}
