package dev.edgetrain.transfer;

import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.runtime.Rng;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cutting openWakeWord's shipped heads (npm, fetched by the build) at an intermediate tensor gives that tensor's
 * values: a head cut at its Sigmoid's input gives the logit, and sigmoid(logit) is the whole head's score.
 */
class ShippedModelPrefixTest {
    static final int ROWS = 32;

    /** The input of the graph's Sigmoid node (the head's logit). */
    private static String sigmoidInput(File model) throws IOException {
        for (NodeProto node : ModelProto.parseFrom(Files.readAllBytes(model.toPath())).getGraph().getNodeList()) {
            if (node.getOpType().equals("Sigmoid")) {
                return node.getInput(0);
            }
        }
        throw new AssertionError(model + " has no Sigmoid");
    }

    private static double worstSigmoidOfLogitVsScore(File head, String scoreTensor) throws IOException {
        String logitTensor = sigmoidInput(head);
        Rng rng = new Rng(17);
        double worst = 0;
        int fired = 0;
        try (FrozenBackbone whole = FrozenBackbone.open(head, scoreTensor);
             FrozenBackbone logit = FrozenBackbone.open(head, logitTensor)) {
            assertEquals(logitTensor, logit.outputName());
            long[] shape = whole.inputShape();
            float[] x = new float[(int) (shape[1] * shape[2])];
            for (int r = 0; r < ROWS; r++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rng.nextGaussian() * (r % 4 + 1)); // wider rows for scores near 1 too
                }
                float score = whole.run(x, shape)[0];
                float z = logit.run(x, shape)[0];
                worst = Math.max(worst, Math.abs(1 / (1 + Math.exp(-z)) - score));
                fired += score >= 0.5f ? 1 : 0;
            }
        }
        System.out.printf("[prefix] %s cut at '%s' vs %s: max |sigmoid(logit) - score| %.3g over %d rows (%d >= 0.5)%n",
                head.getName(), logitTensor, scoreTensor == null ? "its output" : "'" + scoreTensor + "'", worst, ROWS,
                fired);
        return worst;
    }

    @Test
    void aHeadCutAtItsSigmoidInputGivesTheLogitOfItsScore() throws IOException {
        Path models = TransferTestSupport.npmModels("alexa_v0.1", "hey_jarvis_v0.1", "weather_v0.1");
        assertTrue(worstSigmoidOfLogitVsScore(models.resolve("alexa_v0.1.onnx").toFile(), null) <= 1e-6);
        assertTrue(worstSigmoidOfLogitVsScore(models.resolve("weather_v0.1.onnx").toFile(), null) <= 1e-6);
        // hey_jarvis goes on past its Sigmoid 'p1.1' (GreaterOrEqual, Cast, If): both ends are cuts.
        assertTrue(worstSigmoidOfLogitVsScore(models.resolve("hey_jarvis_v0.1.onnx").toFile(), "p1.1") <= 1e-6);
    }

    @Test
    void anUnknownTensorOfTheEmbeddingModelListsItsNodeOutputs() throws IOException {
        Path models = TransferTestSupport.npmModels("embedding_model");
        BackboneException e = assertThrows(BackboneException.class,
                () -> FrozenBackbone.open(models.resolve("embedding_model.onnx").toFile(), "x"));
        System.out.println("[prefix] " + e.getMessage());
        assertTrue(e.getMessage().startsWith("no tensor 'x' in embedding_model.onnx; node outputs are ["),
                e.getMessage());
    }
}
