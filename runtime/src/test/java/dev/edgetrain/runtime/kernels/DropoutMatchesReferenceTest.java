package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link Dropout} against {@link ReferenceKernels#dropoutMask} and {@link ReferenceKernels#dropoutApply}: the same
 * generator state gives the same dropped positions and consumes the same draws; the kept scale {@code 1/(1 − p)}
 * is computed in float ({@code 1f − p}, then the reciprocal: two roundings, so within {@code 2^−23} of the
 * double-precision value); applying the mask is one float product, so forward and backward equal the reference
 * bit for bit.
 */
class DropoutMatchesReferenceTest {
    private static final int[] WIDTHS = {1, 2, 3, 5, 8, 9, 17, 33, 64, 65};
    private static final float[] RATES = {0f, 0.01f, 0.1f, 0.25f, 0.5f, 0.9f, 0.999f};

    private final Rng rng = new Rng(8);

    @Test
    void drawMaskForwardAndBackwardMatchTheReference() {
        for (int trial = 0; trial < 200; trial++) {
            int rows = 1 + rng.nextInt(6);
            int n = WIDTHS[rng.nextInt(WIDTHS.length)];
            float rate = RATES[rng.nextInt(RATES.length)];
            long seed = rng.nextLong();
            String what = rows + "x" + n + " rate " + rate;

            float[][] mask = new float[rows + 1][n + 1];
            for (float[] row : mask) {
                java.util.Arrays.fill(row, 7f);
            }
            Rng fastRng = new Rng(seed);
            Dropout.drawMask(mask, rows, n, rate, fastRng);
            float[] refMask = new float[rows * n];
            Rng refRng = new Rng(seed);
            ReferenceKernels.dropoutMask(refMask, 0, rows * n, rate, refRng);
            assertEquals(refRng.state(), fastRng.state(), what + ": one draw per value");
            for (int b = 0; b <= rows; b++) {
                for (int i = 0; i <= n; i++) {
                    if (b == rows || i == n) {
                        assertEquals(7f, mask[b][i], 0f, what + ": outside [" + rows + "][" + n + "] left alone");
                        continue;
                    }
                    float expected = refMask[b * n + i];
                    if (expected == 0f) {
                        assertEquals(0f, mask[b][i], 0f, what + ": dropped at [" + b + "][" + i + "]");
                    } else {
                        assertEquals(expected, mask[b][i], 0x1p-23 * expected, what + ": kept scale at [" + b + "]["
                                + i + "]");
                    }
                }
            }

            float[][] in = new float[rows][n];
            float[][] d = new float[rows][n];
            float[] inFlat = new float[rows * n];
            float[] dFlat = new float[rows * n];
            float[] maskFlat = new float[rows * n];
            for (int b = 0; b < rows; b++) {
                for (int i = 0; i < n; i++) {
                    in[b][i] = (float) rng.nextGaussian();
                    d[b][i] = (float) rng.nextGaussian();
                    inFlat[b * n + i] = in[b][i];
                    dFlat[b * n + i] = d[b][i];
                    maskFlat[b * n + i] = mask[b][i];
                }
            }
            int from = rng.nextInt(rows);
            int to = from + 1 + rng.nextInt(rows - from);
            float[][] out = new float[rows][n];
            for (float[] row : out) {
                java.util.Arrays.fill(row, 7f);
            }
            Dropout.forward(out, mask, in, from, to, n);
            Dropout.backward(d, mask, from, to, n);
            float[] refOut = new float[rows * n];
            float[] refD = new float[rows * n];
            ReferenceKernels.dropoutApply(refOut, 0, inFlat, 0, maskFlat, 0, rows * n);
            ReferenceKernels.dropoutApply(refD, 0, dFlat, 0, maskFlat, 0, rows * n);
            for (int b = 0; b < rows; b++) {
                boolean inside = b >= from && b < to;
                for (int i = 0; i < n; i++) {
                    assertEquals(inside ? refOut[b * n + i] : 7f, out[b][i], 0f, what + " forward at [" + b + "][" + i
                            + "], rows [" + from + ", " + to + ")");
                    assertEquals(inside ? refD[b * n + i] : dFlat[b * n + i], d[b][i], 0f, what + " backward at [" + b
                            + "][" + i + "], rows [" + from + ", " + to + ")");
                }
            }
        }
    }

    @Test
    void rateZeroKeepsEverythingUnscaled() {
        float[][] mask = new float[3][10];
        Dropout.drawMask(mask, 3, 10, 0f, new Rng(1));
        for (float[] row : mask) {
            for (float m : row) {
                assertEquals(1f, m, 0f);
            }
        }
    }

    @Test
    void theKeptFractionAndTheMeanOfTheMaskFollowTheRate() {
        // 1000 × 1000 draws: the dropped fraction's standard deviation is sqrt(p(1−p)/n) ≈ 4.6e-4 and the mask
        // mean's sqrt(p/(1−p)/n) ≈ 6.5e-4 at p = 0.3; five of them bound both, and a mask that forgot the
        // 1/(1 − p) scale (mean 0.7) or dropped with 1 − p (fraction 0.7) fails by hundreds.
        int rows = 1000;
        int n = 1000;
        float rate = 0.3f;
        float[][] mask = new float[rows][n];
        Dropout.drawMask(mask, rows, n, rate, new Rng(42));
        double sum = 0;
        long dropped = 0;
        for (float[] row : mask) {
            for (float m : row) {
                sum += m;
                dropped += m == 0f ? 1 : 0;
            }
        }
        double count = (double) rows * n;
        assertEquals(rate, dropped / count, 5 * Math.sqrt(rate * (1 - rate) / count), "dropped fraction");
        assertEquals(1.0, sum / count, 5 * Math.sqrt(rate / (1 - rate) / count), "mean of the mask (inverted dropout)");
        assertTrue(dropped > 0 && dropped < count, "some dropped, some kept");
    }
}
