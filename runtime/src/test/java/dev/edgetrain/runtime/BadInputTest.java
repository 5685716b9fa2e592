package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every rejected call says what was expected and what came, and leaves weights, gradients and optimizer
 * state exactly as they were.
 */
class BadInputTest {
    private Network network;
    private TrainingSession session;
    private float[] x;
    private int[] y;
    private float[] paramsBefore;
    private float[] gradsBefore;

    @BeforeEach
    void trainedALittle() {
        network = new Network(NetworkSpec.of(4, 5, 3), 1);
        session = new TrainingSession(network, 8, OptimizerConfig.adam(0.01f));
        x = new float[8 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3;
        }
        y = new int[] {0, 1, 2, 0, 1, 2, 0, 1};
        session.trainStep(x, y, 8);
        session.optimizerStep();
        session.trainStep(x, y, 8); // leave non-zero gradients to protect
        paramsBefore = network.copyParameters();
        gradsBefore = network.gradients().clone();
    }

    private void assertRejected(Class<? extends RuntimeException> type, Executable call, String... messageParts) {
        RuntimeException e = assertThrows(type, call);
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        }
        assertArrayEquals(paramsBefore, network.copyParameters(), 0f, "parameters unchanged");
        assertArrayEquals(gradsBefore, network.gradients(), 0f, "gradients unchanged");
        assertEquals(1, session.optimizer().steps(), "optimizer step count unchanged");
    }

    @Test
    void batchLargerThanTheWorkspace() {
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(new float[9 * 4], new int[9], 9),
                "batch must be in [1, 8]", "got 9");
    }

    @Test
    void emptyBatch() {
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(x, y, 0), "got 0");
    }

    @Test
    void inputArrayTooShort() {
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(new float[4 * 4 - 1], y, 4),
                "input needs 16 values [4][4]", "length 15");
    }

    @Test
    void inputOffsetPastTheEnd() {
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(x, 30, y, 0, 1),
                "from offset 30", "length 32");
    }

    @Test
    void labelsTooShort() {
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(x, 0, new int[3], 0, 4),
                "labels needs 4 values");
    }

    @Test
    void labelOutsideTheClasses() {
        int[] bad = y.clone();
        bad[5] = 3;
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(x, bad, 8),
                "label of row 5 is 3", "[0, 3)");
        bad[5] = -1;
        assertRejected(IllegalArgumentException.class, () -> session.evalStep(x, bad, 8), "is -1");
    }

    @Test
    void nanOrInfinityInTheInput() {
        float[] bad = x.clone();
        bad[2 * 4 + 3] = Float.NaN;
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(bad, y, 8),
                "input row 2, column 3 is NaN");
        bad[2 * 4 + 3] = 1f;
        bad[7 * 4] = Float.NEGATIVE_INFINITY;
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(bad, y, 8),
                "input row 7, column 0 is -Infinity");
        Workspace ws = new Workspace(network.spec(), 8);
        assertRejected(IllegalArgumentException.class,
                () -> network.predictClasses(ws, bad, 0, 8, new int[8], 0), "row 7, column 0");
    }

    @Test
    void nullArrays() {
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(null, y, 8), "input must not be null");
        assertRejected(IllegalArgumentException.class, () -> session.trainStep(x, (int[]) null, 8),
                "labels must not be null");
    }

    @Test
    void aWorkspaceForAnotherNetwork() {
        Workspace other = new Workspace(NetworkSpec.of(4, 6, 3), 8);
        assertRejected(IllegalArgumentException.class,
                () -> network.predictProbabilities(other, x, 0, 1, new float[3], 0),
                "workspace was made for network 4-6-3", "expected one for 4-5-3");
    }

    @Test
    void outputArrayTooShort() {
        Workspace ws = new Workspace(network.spec(), 8);
        assertRejected(IllegalArgumentException.class,
                () -> network.predictProbabilities(ws, x, 0, 2, new float[5], 0), "output needs 6 values [2][3]");
    }

    @Test
    void aNonFiniteLossStopsTheStepBeforeTheGradients() {
        // Finite but enormous inputs overflow the logits to infinity: the loss is NaN.
        float[] huge = x.clone();
        java.util.Arrays.fill(huge, 3e38f);
        assertRejected(IllegalStateException.class, () -> session.trainStep(huge, y, 8),
                "loss is NaN", "diverged", "gradients left unchanged");
    }

    @Test
    void aNonFiniteGradientStopsTheOptimizerStep() {
        int at = network.layout().weightOffset(1) + 4;
        network.gradients()[at] = Float.POSITIVE_INFINITY;
        gradsBefore = network.gradients().clone();
        assertRejected(IllegalStateException.class, session::optimizerStep,
                "non-finite gradient at layer1.weight[0][4]", "left unchanged");
    }

    @Test
    void nonFiniteParametersAreRefused() {
        float[] bad = network.copyParameters();
        bad[network.layout().biasOffset(0) + 2] = Float.NaN;
        assertRejected(IllegalArgumentException.class, () -> network.setParameters(bad),
                "parameter layer0.bias[2] is NaN");
        assertRejected(IllegalArgumentException.class, () -> network.setParameters(new float[3]),
                "must have length " + paramsBefore.length, "got 3");
    }

    @Test
    void badLayerIndexForFreezing() {
        assertRejected(IllegalArgumentException.class, () -> session.setTrainable(2, false),
                "layer must be in [0, 2)", "got 2");
    }
}
