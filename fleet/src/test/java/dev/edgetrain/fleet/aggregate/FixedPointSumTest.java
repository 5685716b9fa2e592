package dev.edgetrain.fleet.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Rng;
import org.junit.jupiter.api.Test;

class FixedPointSumTest {
    private static final int PARTS = 40;
    private static final int LENGTH = 500;

    private static float[][] randomParts(long seed) {
        Rng rng = new Rng(seed);
        float[][] parts = new float[PARTS][LENGTH];
        for (float[] p : parts) {
            for (int i = 0; i < LENGTH; i++) {
                p[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 4));
            }
        }
        return parts;
    }

    private static float[] sumInOrder(float[][] parts, double[] weights, int[] order, int treeFanIn) {
        // leaves in the given order, merged in groups of treeFanIn, then the groups merged back to front
        FixedPointSum[] groups = new FixedPointSum[(order.length + treeFanIn - 1) / treeFanIn];
        for (int k = 0; k < order.length; k++) {
            FixedPointSum leaf = new FixedPointSum();
            leaf.add(parts[order[k]], weights[order[k]], "part " + order[k]);
            int g = k / treeFanIn;
            groups[g] = groups[g] == null ? leaf : groups[g].merge(leaf);
        }
        FixedPointSum total = new FixedPointSum();
        for (int g = groups.length - 1; g >= 0; g--) {
            total.merge(groups[g]);
        }
        float[] out = new float[LENGTH];
        total.copyTo(out, 1.0);
        return out;
    }

    @Test
    void theSumIsBitIdenticalWhateverTheOrderAndTreeShape() {
        float[][] parts = randomParts(1);
        double[] weights = new double[PARTS];
        for (int k = 0; k < PARTS; k++) {
            weights[k] = 1.0 / PARTS;
        }
        int[] order = new int[PARTS];
        for (int k = 0; k < PARTS; k++) {
            order[k] = k;
        }
        float[] reference = sumInOrder(parts, weights, order, 1);
        Rng rng = new Rng(2);
        for (int trial = 0; trial < 10; trial++) {
            rng.shuffle(order, PARTS);
            assertArrayEquals(reference, sumInOrder(parts, weights, order, 1 + trial % 5), "trial " + trial);
        }
    }

    @Test
    void aPlainFloatSumDoesDependOnTheOrder() {
        // Why the fixed-point sum exists: the same data summed as floats in two orders disagrees somewhere.
        float[][] parts = randomParts(1);
        float[] forward = new float[LENGTH];
        float[] backward = new float[LENGTH];
        for (int k = 0; k < PARTS; k++) {
            for (int i = 0; i < LENGTH; i++) {
                forward[i] += parts[k][i] / PARTS;
                backward[i] += parts[PARTS - 1 - k][i] / PARTS;
            }
        }
        boolean differ = false;
        for (int i = 0; i < LENGTH; i++) {
            differ |= forward[i] != backward[i];
        }
        assertTrue(differ);
    }

    @Test
    void theSumIsTheRealSumToWithinTheRoundingOfEachPart() {
        float[][] parts = randomParts(3);
        FixedPointSum sum = new FixedPointSum();
        double[] exact = new double[LENGTH];
        for (int k = 0; k < PARTS; k++) {
            double w = (k + 1.0) / (PARTS * (PARTS + 1) / 2.0);
            sum.add(parts[k], w, "part " + k);
            for (int i = 0; i < LENGTH; i++) {
                exact[i] += (double) parts[k][i] * w;
            }
        }
        for (int i = 0; i < LENGTH; i++) {
            assertEquals(exact[i], sum.value(i), PARTS * 0x1p-41, "element " + i);
        }
    }

    @Test
    void nonFiniteOrTooLargeValuesAreRefusedNamingTheElementAndLeaveTheSumUnchanged() {
        FixedPointSum sum = new FixedPointSum();
        sum.add(new float[] {1f, 2f, 3f}, 0.5, "client 0");
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> sum.add(new float[] {1f, Float.NaN, 3f}, 0.5, "client 7's update"));
        assertTrue(nan.getMessage().contains("client 7's update, element 1"), nan.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> sum.add(new float[] {1f, 2f, 1e8f}, 0.5, "client 8's update"));
        assertTrue(big.getMessage().contains("element 2") && big.getMessage().contains("too large"), big.getMessage());
        assertEquals(0.5, sum.value(0));
        assertEquals(1.0, sum.value(1));
        assertEquals(1.5, sum.value(2));
        assertTrue(FixedPointSum.accepts(new float[] {1f, 1e6f}, 1.0));
        assertTrue(!FixedPointSum.accepts(new float[] {1f, 1e7f}, 1.0));
    }

    @Test
    void overflowOfTheTotalIsDetectedNotWrapped() {
        // 4e6 · 2^40 ≈ 4.4e18: two fit in a long (≤ 9.2e18), a third does not
        FixedPointSum twice = new FixedPointSum();
        twice.add(new float[] {4e6f}, 1.0, "a");
        twice.add(new float[] {4e6f}, 1.0, "b");
        assertEquals(8e6, twice.value(0));
        IllegalArgumentException added = assertThrows(IllegalArgumentException.class,
                () -> twice.add(new float[] {4e6f}, 1.0, "c"));
        assertTrue(added.getMessage().contains("overflows"), added.getMessage());
        FixedPointSum other = new FixedPointSum();
        other.add(new float[] {4e6f}, 1.0, "d");
        IllegalArgumentException merged = assertThrows(IllegalArgumentException.class, () -> twice.merge(other));
        assertTrue(merged.getMessage().contains("element 0"), merged.getMessage());
    }
}
