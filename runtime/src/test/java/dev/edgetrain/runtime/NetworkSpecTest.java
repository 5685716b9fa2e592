package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NetworkSpecTest {
    @Test
    void theParameterSlabIsLaidOutLayerByLayerWeightThenBias() {
        ParameterLayout layout = new Network(NetworkSpec.of(64, 32, 10), 1).layout();
        assertEquals(0, layout.weightOffset(0));
        assertEquals(32 * 64, layout.biasOffset(0));
        assertEquals(32 * 64 + 32, layout.weightOffset(1));
        assertEquals(32 * 64 + 32 + 10 * 32, layout.biasOffset(1));
        assertEquals(32 * 64 + 32 + 10 * 32 + 10, layout.size());
        assertEquals("layer1.weight[2][5]", layout.describe(layout.weightOffset(1) + 2 * 32 + 5));
        assertEquals("layer0.bias[31]", layout.describe(layout.biasOffset(0) + 31));
    }

    @Test
    void withoutBiasesTheSlabHoldsOnlyWeights() {
        NetworkSpec founding = NetworkSpec.of(2, 3, 2).withBias(false);
        ParameterLayout layout = new Network(founding, 1).layout();
        assertEquals(-1, layout.biasOffset(0));
        assertEquals(6, layout.weightOffset(1));
        assertEquals(12, layout.size());
        assertEquals("2-3-2 (no bias)", founding.toString());
    }

    @Test
    void biasCanBeChosenPerLayer() {
        NetworkSpec spec = NetworkSpec.of(4, new int[] {8, 6}, 3).withLayerBias(new boolean[] {true, false, true});
        assertTrue(spec.hasBias(0));
        assertFalse(spec.hasBias(1));
        assertFalse(spec.hasBias());
        assertEquals("4-8-6-3 (bias: layer 0, 2)", spec.toString());
        ParameterLayout layout = new Network(spec, 1).layout();
        assertEquals(4 * 8 + 8 + 8 * 6 + 6 * 3 + 3, layout.size());
        assertEquals(-1, layout.biasOffset(1));
    }

    @Test
    void heInitialisationHasTheExpectedSpreadAndIsSeeded() {
        Network a = new Network(NetworkSpec.of(400, 300, 10), 7);
        float[] p = a.copyParameters();
        double sum = 0;
        double sq = 0;
        int n = 400 * 300;
        for (int i = 0; i < n; i++) {
            sum += p[i];
            sq += p[i] * p[i];
        }
        double std = Math.sqrt(sq / n - (sum / n) * (sum / n));
        assertEquals(Math.sqrt(2.0 / 400), std, 0.01 * Math.sqrt(2.0 / 400), "He std sqrt(2/fan_in)");
        assertEquals(0f, p[a.layout().biasOffset(0)], "biases start at zero");
        assertTrue(java.util.Arrays.equals(p, new Network(NetworkSpec.of(400, 300, 10), 7).copyParameters()));
    }

    @Test
    void invalidSpecsAreRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(0, 3, 2)).getMessage()
                .contains("inputs must be in [1, 65536], got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(3, 3, 1)).getMessage()
                .contains("classes must be in [2, 65536], got 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(3, new int[] {4, -1}, 2))
                .getMessage().contains("hidden[1] must be in [1, 65536], got -1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.of(65536, new int[] {65536}, 2)).getMessage()
                .contains("parameters, expected at most"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.of(3, 4, 2).withLayerBias(new boolean[] {true})).getMessage()
                .contains("one entry per dense layer (2), got 1"));
    }

    @Test
    void specsWithEqualShapeAreEqual() {
        assertEquals(NetworkSpec.of(3, 4, 2), NetworkSpec.of(3, new int[] {4}, 2));
        assertEquals(NetworkSpec.of(3, 4, 2).hashCode(), NetworkSpec.of(3, new int[] {4}, 2).hashCode());
        assertNotEquals(NetworkSpec.of(3, 4, 2), NetworkSpec.of(3, 4, 2).withBias(false));
    }

    @Test
    void inferenceAgreesAcrossBatchSizesAndWithTheCopy() {
        NetworkSpec spec = NetworkSpec.of(7, new int[] {9, 5}, 4);
        Network network = new Network(spec, 3);
        Rng rng = new Rng(1);
        float[] x = new float[6 * 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        Workspace ws = new Workspace(spec, 6);
        float[] batched = new float[6 * 4];
        network.predictProbabilities(ws, x, 0, 6, batched, 0);
        Network copy = network.copy();
        for (int r = 0; r < 6; r++) {
            float[] one = new float[4];
            copy.predictProbabilities(new Workspace(spec, 1), x, r * 7, 1, one, 0);
            float sum = 0;
            for (int k = 0; k < 4; k++) {
                assertEquals(batched[r * 4 + k], one[k], 0f, "row " + r + " alone and in a batch");
                sum += one[k];
            }
            assertEquals(1f, sum, 1e-6f, "probabilities sum to 1");
            int[] cls = new int[1];
            network.predictClasses(ws, x, r * 7, 1, cls, 0);
            int best = 0;
            for (int k = 1; k < 4; k++) {
                if (one[k] > one[best]) {
                    best = k;
                }
            }
            assertEquals(best, cls[0], "argmax of the probabilities");
        }
    }
}
