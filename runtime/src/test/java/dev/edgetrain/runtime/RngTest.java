package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void theSequenceIsSplitMix64() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        Rng rng = new Rng(0);
        assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
        assertEquals(0x06C45D188009454FL, rng.nextLong());
    }

    @Test
    void savedStateReplaysTheSameNumbers() {
        Rng a = new Rng(42);
        a.nextLong();
        long state = a.state();
        long[] first = {a.nextLong(), a.nextInt(100), Double.doubleToLongBits(a.nextGaussian())};
        Rng b = new Rng(7);
        b.setState(state);
        long[] second = {b.nextLong(), b.nextInt(100), Double.doubleToLongBits(b.nextGaussian())};
        assertArrayEquals(first, second);
    }

    @Test
    void boundedIntsAreInRangeAndRoughlyUniform() {
        Rng rng = new Rng(3);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[rng.nextInt(7)]++;
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 10_000) < 500, "count " + c);
        }
    }

    @Test
    void shuffleIsAPermutation() {
        int[] a = new int[50];
        for (int i = 0; i < 50; i++) {
            a[i] = i;
        }
        new Rng(1).shuffle(a, 50);
        int[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted[i]);
        }
        assertTrue(a[0] != 0 || a[1] != 1 || a[2] != 2, "shuffled");
    }

    @Test
    void gaussiansHaveUnitVariance() {
        Rng rng = new Rng(5);
        double sum = 0;
        double sq = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            sum += g;
            sq += g * g;
        }
        assertEquals(0, sum / n, 0.02);
        assertEquals(1, sq / n, 0.02);
    }
}
