package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Rng;
import org.junit.jupiter.api.Test;

/**
 * The heads' losses and their fused backwards against the double-precision references, on random shapes, odd
 * sizes, offsets, large logits (where σ and softmax saturate) and with and without weights and smoothing:
 * {@link SigmoidCrossEntropy}, {@link RegressionLoss} (MSE, Huber on both sides of δ), and the weighted,
 * label-smoothed {@link SoftmaxCrossEntropy}.
 *
 * <p>Tolerances, with {@code u = 2^−24}: a value computed in double and rounded to float is within {@code 2u} of
 * itself; each float operation adds {@code u} of the magnitudes it combines, so a backward of {@code k} float
 * steps is held to {@code 2k·u} of the sum of its terms' magnitudes. The losses are summed in double from terms
 * that each carry one or two float roundings: {@code 4u} of the sum of the terms.
 */
class LossKernelsMatchReferenceTest {
    private static final double U = 0x1p-24;
    private static final double SUBNORMAL = Float.MIN_VALUE / 2.0;
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64};

    private final Rng rng = new Rng(606);

    private int size() {
        return SIZES[rng.nextInt(SIZES.length)];
    }

    private float[] logits(int n, int trial) {
        float[] a = new float[n];
        double scale = trial % 5 == 0 ? 200 : trial % 5 == 1 ? 1e4 : 3;
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * scale);
        }
        return a;
    }

    @Test
    void sigmoidCrossEntropyMatchesTheReference() {
        for (int trial = 0; trial < 300; trial++) {
            int batch = size();
            int width = 1 + rng.nextInt(5);
            int count = batch * width;
            int lOff = rng.nextInt(3);
            int tOff = rng.nextInt(3);
            float[] z = new float[lOff + count];
            System.arraycopy(logits(count, trial), 0, z, lOff, count);
            if (trial == 7) {
                z[lOff] = Float.MAX_VALUE;
                z[lOff + count - 1] = -Float.MAX_VALUE;
            }
            float[] t = new float[tOff + count];
            for (int i = 0; i < count; i++) {
                t[tOff + i] = rng.nextInt(3) == 0 ? (float) rng.nextDouble() : rng.nextInt(2);
            }
            boolean weighted = trial % 2 == 1;
            float w0 = weighted ? (float) (0.1 + 3 * rng.nextDouble()) : 1f;
            float w1 = weighted ? (float) (0.1 + 3 * rng.nextDouble()) : 1f;
            String what = batch + "x" + width + (weighted ? " weights [" + w0 + ", " + w1 + "]" : "");

            float[] probs = new float[count + 2];
            double loss = SigmoidCrossEntropy.forward(probs, 2, z, lOff, t, tOff, count, w0, w1);
            double[] refProbs = new double[count];
            double refLoss = ReferenceKernels.sigmoidCrossEntropyForward(refProbs, z, lOff, t, tOff, count, w0, w1);
            assertTrue(Double.isFinite(loss), what + ": loss stays finite where σ saturates");
            assertEquals(refLoss, loss, 4 * U * refLoss + 1e-300, what + ": summed loss");
            for (int i = 0; i < count; i++) {
                assertEquals(refProbs[i], probs[2 + i], 2 * U * refProbs[i] + SUBNORMAL, what + ": σ at " + i);
            }

            float scale = 1f / count;
            float[][] d = new float[batch][width + 1];
            SigmoidCrossEntropy.backward(d, probs, 2, t, tOff, batch, width, scale, w0, w1);
            double[] refD = new double[count];
            ReferenceKernels.sigmoidCrossEntropyBackward(refD, z, lOff, t, tOff, count, scale, w0, w1);
            for (int b = 0; b < batch; b++) {
                for (int k = 0; k < width; k++) {
                    int i = b * width + k;
                    double p = refProbs[i];
                    double tt = t[tOff + i];
                    double magnitude = scale * (p * (w1 * tt + w0 * (1 - tt)) + w1 * tt);
                    // subnormal σ: its rounding is carried through the weights, then two more steps round
                    double subnormal = SUBNORMAL * (2 + w0 + w1);
                    assertEquals(refD[i], d[b][k], 8 * U * magnitude + subnormal, what + ": dZ[" + b + "][" + k
                            + "], z = " + z[lOff + i] + ", t = " + tt);
                }
            }
        }
    }

    @Test
    void squaredErrorAndHuberMatchTheReferenceOnBothSidesOfDelta() {
        for (int trial = 0; trial < 300; trial++) {
            int batch = size();
            int width = 1 + rng.nextInt(5);
            int count = batch * width;
            float delta = new float[] {0.1f, 1f, 2.5f}[rng.nextInt(3)];
            float[] out = new float[1 + count];
            float[] t = new float[3 + count];
            for (int i = 0; i < count; i++) {
                t[3 + i] = (float) (rng.nextGaussian() * 3);
                // residuals well inside, well outside, and exactly at δ
                double r = rng.nextInt(8) == 0 ? delta * (rng.nextInt(2) == 0 ? 1 : -1)
                        : rng.nextGaussian() * delta * 2;
                out[1 + i] = (float) (t[3 + i] + r);
            }
            float scale = 1f / count;
            String what = batch + "x" + width + " delta " + delta;

            double mse = RegressionLoss.squaredError(out, 1, t, 3, count);
            double refMse = ReferenceKernels.squaredErrorSum(out, 1, t, 3, count);
            assertEquals(refMse, mse, 1e-15 * refMse, what + ": squared error (both in double)");
            double huber = RegressionLoss.huber(out, 1, t, 3, count, delta);
            double refHuber = ReferenceKernels.huberSum(out, 1, t, 3, count, delta);
            assertEquals(refHuber, huber, 1e-15 * refHuber, what + ": Huber (both in double)");

            float[][] dMse = new float[batch][width + 1];
            RegressionLoss.squaredErrorBackward(dMse, out, 1, t, 3, batch, width, scale);
            double[] refDMse = new double[count];
            ReferenceKernels.squaredErrorBackward(refDMse, out, 1, t, 3, count, scale);
            float[][] dHuber = new float[batch][width + 1];
            RegressionLoss.huberBackward(dHuber, out, 1, t, 3, batch, width, scale, delta);
            double[] refDHuber = new double[count];
            ReferenceKernels.huberBackward(refDHuber, out, 1, t, 3, count, scale, delta);
            for (int b = 0; b < batch; b++) {
                for (int k = 0; k < width; k++) {
                    int i = b * width + k;
                    // (o − t) rounds once, the product once
                    assertEquals(refDMse[i], dMse[b][k], 2 * U * Math.abs(refDMse[i]) + SUBNORMAL,
                            what + ": MSE at " + i);
                    // as MSE, and where the rounded residual crosses δ the clamp moves it by at most that rounding
                    assertEquals(refDHuber[i], dHuber[b][k], 3 * U * Math.abs(refDHuber[i]) + SUBNORMAL,
                            what + ": Huber at " + i + ", residual " + ((double) out[1 + i] - t[3 + i]));
                }
            }
        }
    }

    @Test
    void weightedAndSmoothedSoftmaxCrossEntropyMatchesTheReference() {
        for (int trial = 0; trial < 400; trial++) {
            int batch = size();
            int classes = 2 + rng.nextInt(12);
            float[] z = new float[2 + batch * classes];
            System.arraycopy(logits(batch * classes, trial), 0, z, 2, batch * classes);
            int[] labels = new int[1 + batch];
            for (int b = 0; b < batch; b++) {
                labels[1 + b] = rng.nextInt(classes);
            }
            float[] weights = null;
            if (trial % 2 == 1) {
                weights = new float[classes];
                for (int k = 0; k < classes; k++) {
                    weights[k] = rng.nextInt(6) == 0 ? 0f : (float) (0.05 + 4 * rng.nextDouble());
                }
                weights[labels[1]] = 1.5f; // the divisor is not 0
            }
            float smoothing = new float[] {0f, 0.1f, 0.4f}[trial % 3];
            String what = batch + "x" + classes + (weights != null ? " weighted" : "") + " smoothing " + smoothing
                    + (trial % 5 < 2 ? " large logits" : "");

            float[] probs = new float[batch * classes + 1];
            double loss = SoftmaxCrossEntropy.forward(probs, 1, z, 2, labels, 1, batch, classes, weights, smoothing);
            double[] refProbs = new double[batch * classes];
            double refLoss = ReferenceKernels.weightedSoftmaxCrossEntropyForward(refProbs, z, 2, labels, 1, batch,
                    classes, weights, smoothing);
            assertTrue(Double.isFinite(loss), what + ": the loss stays finite");
            double weightSum = SoftmaxCrossEntropy.weightSum(labels, 1, batch, weights);
            assertEquals(ReferenceKernels.classWeightSum(labels, 1, batch, weights), weightSum, 1e-15 * weightSum,
                    what + ": PyTorch's divisor Σ w_c");

            double totalWeight = classes;
            if (weights != null) {
                totalWeight = 0;
                for (float w : weights) {
                    totalWeight += w;
                }
            }
            double lossBound = 2 * U * refLoss; // ε/K is a float quotient: u of every smoothed term
            for (int b = 0; b < batch; b++) {
                double rowWeight = (1 - smoothing) * (weights == null ? 1 : weights[labels[1 + b]])
                        + smoothing / classes * totalWeight;
                double largest = 0;
                for (int k = 0; k < classes; k++) {
                    largest = Math.max(largest, Math.abs(z[2 + b * classes + k]));
                }
                // log Σ exp from float exponents and float terms: (K + 2)·u, plus double rounding of the log-sum
                lossBound += rowWeight * ((classes + 2) * U + 0x1p-50 * largest);
            }
            assertEquals(refLoss, loss, lossBound, what + ": summed loss");
            for (int i = 0; i < batch * classes; i++) {
                assertEquals(refProbs[i], probs[1 + i], U * (1 + refProbs[i] * (classes + 4)) + SUBNORMAL,
                        what + ": P at " + i);
            }

            float scale = (float) (1 / weightSum);
            float[][] d = new float[batch][classes + 2];
            SoftmaxCrossEntropy.backward(d, probs, 1, labels, 1, batch, classes, scale, weights, smoothing);
            double[] refD = new double[batch * classes];
            ReferenceKernels.weightedSoftmaxCrossEntropyBackward(refD, z, 2, labels, 1, batch, classes, weights,
                    smoothing, scale);
            for (int b = 0; b < batch; b++) {
                int c = labels[1 + b];
                double wc = weights == null ? 1 : weights[c];
                for (int k = 0; k < classes; k++) {
                    double p = refProbs[b * classes + k];
                    double wk = weights == null ? 1 : weights[k];
                    double y = k == c ? 1 : 0;
                    double pError = U * (1 + p * (classes + 4));
                    double bound = scale * (((1 - smoothing) * wc + smoothing / classes * totalWeight) * pError
                            + 12 * U * ((1 - smoothing) * wc * (p + y) + smoothing / classes * (totalWeight * p + wk)))
                            + SUBNORMAL;
                    assertEquals(refD[b * classes + k], d[b][k], bound, what + ": dO[" + b + "][" + k + "]");
                }
            }
        }
    }
}
