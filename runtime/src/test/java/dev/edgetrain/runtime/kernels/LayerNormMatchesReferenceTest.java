package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Rng;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@link LayerNorm} forward and backward against {@link ReferenceKernels#layerNormForward} and
 * {@link ReferenceKernels#layerNormBackward} (double, the backward through the Jacobian) on random shapes, row
 * ranges, rows whose mean is far larger than their spread, γ and β at offsets into a slab, accumulation onto
 * existing parameter gradients, and the workspace's in-place backward ({@code dIn == dOut}).
 *
 * <p>Tolerances, with {@code u = 2^−24}: the forward rounds the mean and {@code rstd} to float and then takes
 * four float steps ({@code x − mean}, {@code ·rstd}, {@code ·γ}, {@code +β}), each off by {@code u} of the
 * scale it works at, {@code S_i = |γ_i|·rstd·(|x_i| + |mean|) + |β_i|}: bound {@code 8u·S_i}. The backward
 * recomputes {@code ẑ} in float (off by {@code 2u·X_i}, {@code X_i = rstd·(|x_i| + |mean|)}) and combines
 * {@code g = dOut·γ} with the row means of {@code g} and {@code g·ẑ} in about eight float steps: bound
 * {@code 16u·rstd·(|g_i| + mean|g| + X_i·mean(|g|·X))}. The parameter gradients add one float term per row to
 * what was there: {@code (rows + 4)·u} of the sum of magnitudes, doubled.
 */
class LayerNormMatchesReferenceTest {
    private static final double U = 0x1p-24;
    private static final int[] WIDTHS = {1, 2, 3, 5, 7, 8, 9, 16, 17, 31, 33, 64, 65, 130};

    private final Rng rng = new Rng(31);

    private float gaussian(double scale) {
        return (float) (rng.nextGaussian() * scale);
    }

    @Test
    void forwardAndBackwardMatchTheReference() {
        double worstForward = 0;
        double worstBackward = 0;
        for (int trial = 0; trial < 300; trial++) {
            final int rows = 1 + rng.nextInt(6);
            final int n = WIDTHS[rng.nextInt(WIDTHS.length)];
            final int from = rng.nextInt(rows);
            final int to = from + 1 + rng.nextInt(rows - from);
            final float epsilon = trial % 3 == 0 ? 1e-3f : 1e-5f;
            final double offset = trial % 4 == 0 ? 100 * rng.nextGaussian() : 0; // mean far above the spread
            final double spread = new double[] {1e-2, 1, 30}[rng.nextInt(3)];
            float[][] z = new float[rows][n + 1];
            float[] flat = new float[rows * n];
            for (int b = 0; b < rows; b++) {
                for (int i = 0; i < n; i++) {
                    z[b][i] = (float) (offset + rng.nextGaussian() * spread);
                    flat[b * n + i] = z[b][i];
                }
                z[b][n] = Float.NaN; // beyond the width: must not be read
            }
            // the slab: some other parameters, then γ [n], then β [n]
            final int gOff = 3 + rng.nextInt(4);
            final int bOff = gOff + n;
            float[] params = new float[bOff + n + 2];
            for (int i = 0; i < params.length; i++) {
                params[i] = gaussian(1);
            }
            float[][] out = filled(rows, n, 7f);
            float[] mean = filledVector(rows, 7f);
            float[] rstd = filledVector(rows, 7f);
            LayerNorm.forward(out, mean, rstd, z, params, gOff, bOff, from, to, n, epsilon);

            double[] refOut = new double[rows * n];
            double[] refMean = new double[rows];
            double[] refRstd = new double[rows];
            ReferenceKernels.layerNormForward(refOut, refMean, refRstd, flat, 0, params, gOff, params, bOff, rows, n,
                    epsilon);
            String shape = rows + "x" + n + " rows [" + from + ", " + to + "), eps " + epsilon + ", offset "
                    + (float) offset + ", spread " + spread;
            for (int b = 0; b < rows; b++) {
                boolean inside = b >= from && b < to;
                if (!inside) {
                    assertEquals(7f, mean[b], 0f, shape + ": mean of row " + b + " outside the range");
                    assertEquals(7f, rstd[b], 0f, shape + ": rstd of row " + b + " outside the range");
                }
                for (int i = 0; i < n; i++) {
                    if (!inside) {
                        assertEquals(7f, out[b][i], 0f, shape + ": row " + b + " outside the range");
                        continue;
                    }
                    double scale = Math.abs(params[gOff + i]) * refRstd[b] * (Math.abs(z[b][i]) + Math.abs(refMean[b]))
                            + Math.abs(params[bOff + i]);
                    double error = Math.abs(out[b][i] - refOut[b * n + i]);
                    assertTrue(error <= 8 * U * scale, shape + " at [" + b + "][" + i + "]: " + out[b][i]
                            + ", reference " + refOut[b * n + i]);
                    worstForward = Math.max(worstForward, error / scale);
                }
                if (inside) {
                    assertEquals(refMean[b], mean[b], U * Math.abs(refMean[b]) + 1e-30, shape + ": mean of row " + b);
                    assertEquals(refRstd[b], rstd[b], 2 * U * refRstd[b], shape + ": rstd of row " + b);
                }
            }

            worstBackward = Math.max(worstBackward, checkBackward(z, flat, params, gOff, bOff, mean, rstd, rows, n,
                    from, to, epsilon, shape));
        }
        System.out.printf(Locale.ROOT, "layer norm: worst forward error %.2e, backward %.2e (of their bounds' "
                + "scales)%n", worstForward, worstBackward);
    }

    /** Runs the backward twice (separate dIn, in place), holds both to the reference; returns the worst error ratio. */
    private double checkBackward(float[][] z, float[] flat, float[] params, int gOff, int bOff, float[] mean,
                                 float[] rstd, int rows, int n, int from, int to, float epsilon, String shape) {
        float[][] dOut = new float[rows][n];
        float[] dOutFlat = new float[rows * n];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < n; i++) {
                dOut[b][i] = gaussian(rng.nextInt(2) == 0 ? 1 : 1e-3);
                dOutFlat[b * n + i] = dOut[b][i];
            }
        }
        float[] grads = new float[params.length];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = gaussian(0.5); // accumulation onto what is there
        }
        float[] gradsBefore = grads.clone();
        float[] gradsInPlace = grads.clone();
        float[][] dIn = filled(rows, n, 7f);
        LayerNorm.backward(dIn, grads, dOut, z, params, gOff, bOff, mean, rstd, from, to, n);
        float[][] inPlace = new float[rows][];
        for (int b = 0; b < rows; b++) {
            inPlace[b] = dOut[b].clone();
        }
        LayerNorm.backward(inPlace, gradsInPlace, inPlace, z, params, gOff, bOff, mean, rstd, from, to, n);
        assertTrue(java.util.Arrays.equals(grads, gradsInPlace), shape + ": parameter gradients, in place");

        // the reference over the rows in range only
        int count = to - from;
        double[] refDIn = new double[count * n];
        double[] refDGamma = new double[n];
        double[] refDBeta = new double[n];
        ReferenceKernels.layerNormBackward(refDIn, refDGamma, refDBeta, dOutFlat, from * n, flat, from * n, params,
                gOff, count, n, epsilon);
        double worst = 0;
        double[] gammaScale = new double[n];
        double[] betaScale = new double[n];
        for (int b = 0; b < rows; b++) {
            if (b < from || b >= to) {
                for (int i = 0; i < n; i++) {
                    assertEquals(7f, dIn[b][i], 0f, shape + ": dIn row " + b + " outside the range");
                    assertEquals(dOut[b][i], inPlace[b][i], 0f, shape + ": in-place row " + b + " outside the range");
                }
                continue;
            }
            double r = rstd[b];
            double m = Math.abs(mean[b]);
            double meanG = 0;
            double meanGX = 0;
            for (int i = 0; i < n; i++) {
                double g = Math.abs(dOut[b][i] * params[gOff + i]);
                double x = r * (Math.abs(z[b][i]) + m);
                meanG += g / n;
                meanGX += g * x / n;
                gammaScale[i] += Math.abs(dOut[b][i]) * x;
                betaScale[i] += Math.abs(dOut[b][i]);
            }
            for (int i = 0; i < n; i++) {
                double g = Math.abs(dOut[b][i] * params[gOff + i]);
                double x = r * (Math.abs(z[b][i]) + m);
                double bound = 16 * U * r * (g + meanG + x * meanGX) + Float.MIN_VALUE;
                double ref = refDIn[(b - from) * n + i];
                double error = Math.abs(dIn[b][i] - ref);
                assertTrue(error <= bound, shape + ": dIn[" + b + "][" + i + "] " + dIn[b][i] + ", reference " + ref
                        + ", bound " + bound);
                assertEquals(dIn[b][i], inPlace[b][i], 0f, shape + ": in place (dIn == dOut) at [" + b + "][" + i
                        + "]");
                worst = Math.max(worst, error / bound * 16 * U);
            }
        }
        for (int i = 0; i < n; i++) {
            double gammaRef = gradsBefore[gOff + i] + refDGamma[i];
            double betaRef = gradsBefore[bOff + i] + refDBeta[i];
            double gammaBound = 2 * (count + 4) * U * (Math.abs(gradsBefore[gOff + i]) + gammaScale[i]);
            double betaBound = 2 * (count + 4) * U * (Math.abs(gradsBefore[bOff + i]) + betaScale[i]);
            assertEquals(gammaRef, grads[gOff + i], gammaBound, shape + ": dγ[" + i + "]");
            assertEquals(betaRef, grads[bOff + i], betaBound, shape + ": dβ[" + i + "]");
        }
        for (int i = 0; i < grads.length; i++) {
            if (i < gOff || i >= bOff + n) {
                assertEquals(gradsBefore[i], grads[i], 0f, shape + ": gradient " + i + " outside γ and β");
            }
        }
        return worst;
    }

    @Test
    void aConstantRowNormalisesToBetaWithoutDividingByZero() {
        float[][] z = {{3f, 3f, 3f, 3f}};
        float[] params = {2f, 2f, 2f, 2f, 0.5f, -0.5f, 1f, 0f};
        float[][] out = new float[1][4];
        float[] mean = new float[1];
        float[] rstd = new float[1];
        LayerNorm.forward(out, mean, rstd, z, params, 0, 4, 0, 1, 4, 1e-5f);
        assertEquals(3f, mean[0], 0f);
        assertEquals(1 / Math.sqrt(1e-5f), rstd[0], 2 * U / Math.sqrt(1e-5f), "rstd = 1/sqrt(0 + eps)");
        for (int i = 0; i < 4; i++) {
            assertEquals(params[4 + i], out[0][i], 0f, "β where every value equals the mean");
        }
        float[][] d = {{1f, -2f, 0.5f, 4f}};
        LayerNorm.backward(d, new float[8], d, z, params, 0, 4, mean, rstd, 0, 1, 4);
        double[] ref = new double[4];
        ReferenceKernels.layerNormBackward(ref, null, null, new float[] {1f, -2f, 0.5f, 4f}, 0,
                new float[] {3f, 3f, 3f, 3f}, 0, params, 0, 1, 4, 1e-5f);
        for (int i = 0; i < 4; i++) {
            assertTrue(Float.isFinite(d[0][i]), "finite gradient at " + i);
            assertEquals(ref[i], d[0][i], 1e-5 * Math.abs(ref[i]), "gradient at " + i);
        }
    }

    private static float[][] filled(int rows, int width, float value) {
        float[][] a = new float[rows][width];
        for (float[] row : a) {
            java.util.Arrays.fill(row, value);
        }
        return a;
    }

    private static float[] filledVector(int n, float value) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
