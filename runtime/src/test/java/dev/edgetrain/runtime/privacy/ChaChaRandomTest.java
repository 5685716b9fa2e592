package dev.edgetrain.runtime.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChaChaRandomTest {
    /** RFC 8439 §2.3.2: key 00 01 … 1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, block counter 1. */
    @Test
    void blockFunctionMatchesRfc8439TestVector() {
        int[] key = new int[8];
        for (int i = 0; i < 8; i++) {
            key[i] = (4 * i) | (4 * i + 1) << 8 | (4 * i + 2) << 16 | (4 * i + 3) << 24; // little-endian bytes
        }
        ChaChaRandom random = new ChaChaRandom(key, new int[] {0x09000000, 0x4a000000, 0x00000000});
        random.setCounter(1);
        int[] expected = {0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033, 0x9aaa2204,
            0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9, 0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
        int[] actual = new int[16];
        for (int i = 0; i < 16; i++) {
            actual[i] = random.nextInt();
        }
        assertArrayEquals(expected, actual);
        assertNotEquals(expected[0], random.nextInt(), "the next block follows with the counter advanced");
    }

    @Test
    void normalsHaveMeanZeroVarianceOneAndGaussianTails() {
        ChaChaRandom random = ChaChaRandom.seeded(7);
        int n = 1_000_000;
        double sum = 0;
        double sumSq = 0;
        double sumFourth = 0;
        int beyondTwo = 0;
        for (int i = 0; i < n; i++) {
            double z = random.nextGaussian();
            sum += z;
            sumSq += z * z;
            sumFourth += z * z * z * z;
            if (Math.abs(z) > 2) {
                beyondTwo++;
            }
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        assertEquals(0, mean, 5 / Math.sqrt(n)); // 5 standard errors
        assertEquals(1, variance, 5 * Math.sqrt(2.0 / n));
        assertEquals(3, sumFourth / n, 5 * Math.sqrt(96.0 / n)); // E z⁴ = 3, Var z⁴ = 96
        assertEquals(0.0455003, (double) beyondTwo / n, 5 * Math.sqrt(0.0455 * 0.9545 / n)); // P(|z| > 2)
    }

    @Test
    void seededGeneratorsRepeatAndDifferentSeedsDiffer() {
        ChaChaRandom a = ChaChaRandom.seeded(42);
        ChaChaRandom b = ChaChaRandom.seeded(42);
        ChaChaRandom c = ChaChaRandom.seeded(43);
        boolean differs = false;
        for (int i = 0; i < 100; i++) {
            long x = a.nextLong();
            assertEquals(x, b.nextLong());
            differs |= x != c.nextLong();
        }
        assertTrue(differs);
        assertNotEquals(ChaChaRandom.fromSecureRandom().nextLong(), ChaChaRandom.fromSecureRandom().nextLong());
    }

    @Test
    void uniformDoublesFillTheUnitInterval() {
        ChaChaRandom random = ChaChaRandom.seeded(3);
        int[] deciles = new int[10];
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            assertTrue(u >= 0 && u < 1);
            deciles[(int) (u * 10)]++;
        }
        for (int d = 0; d < 10; d++) {
            assertEquals(n / 10.0, deciles[d], 5 * Math.sqrt(n * 0.1 * 0.9), "decile " + d);
        }
    }

    @Test
    void badKeyOrNonceIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ChaChaRandom(new int[7], new int[3]));
        assertThrows(IllegalArgumentException.class, () -> new ChaChaRandom(new int[8], null));
    }
}
