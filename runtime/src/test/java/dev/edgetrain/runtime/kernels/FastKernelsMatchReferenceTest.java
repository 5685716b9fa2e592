package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Rng;
import org.junit.jupiter.api.Test;

/**
 * Each fast kernel against its naive reference on random shapes, odd sizes (tails of the 4-wide unrolled
 * loops), offsets into larger arrays, zero rows (the skipped groups) and with and without bias.
 */
class FastKernelsMatchReferenceTest {
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64, 65, 130};
    /** Summation order differs between the kernels; this bounds float rounding relative to the terms' scale. */
    private static final float TOLERANCE = 2e-5f;

    private final Rng rng = new Rng(2024);

    private float[] random(int n, double zeroFraction) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextDouble() < zeroFraction ? 0f : (float) rng.nextGaussian();
        }
        return a;
    }

    private int size() {
        return SIZES[rng.nextInt(SIZES.length)];
    }

    private static void assertClose(float[] expected, float[] actual, float scale, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float tol = TOLERANCE * Math.max(1f, scale);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void softmaxCrossEntropyEqualsReference() {
        for (int trial = 0; trial < 200; trial++) {
            int batch = size();
            int classes = 2 + rng.nextInt(12);
            float[] logits = random(batch * classes, 0);
            if (trial % 4 == 0) {
                for (int i = 0; i < logits.length; i++) {
                    logits[i] *= 200f; // large logits: the stable forms must not overflow
                }
            }
            int[] labels = new int[batch];
            for (int b = 0; b < batch; b++) {
                labels[b] = rng.nextInt(classes);
            }
            float[] refP = new float[batch * classes];
            float[] fastP = new float[batch * classes];
            double refLoss = ReferenceKernels.softmaxCrossEntropyForward(refP, 0, logits, 0, labels, 0, batch, classes);
            double fastLoss = SoftmaxCrossEntropy.forward(fastP, 0, logits, 0, labels, 0, batch, classes);
            assertTrue(Double.isFinite(fastLoss), "loss must stay finite for large logits");
            assertEquals(refLoss, fastLoss, 1e-4 * Math.max(1, Math.abs(refLoss)), "loss");
            assertClose(refP, fastP, 1f, "probabilities");

            float[] soft = new float[batch * classes];
            SoftmaxCrossEntropy.softmax(soft, 0, logits, 0, batch, classes);
            assertClose(refP, soft, 1f, "softmax");

        }
    }

    private static float[][] rows(float[] flat, int off, int rows, int width, int extra) {
        float[][] r = new float[rows][width + extra];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(flat, off + b * width, r[b], 0, width);
        }
        return r;
    }

    private static float[] flat(float[][] rows, int count, int width) {
        float[] f = new float[count * width];
        for (int b = 0; b < count; b++) {
            System.arraycopy(rows[b], 0, f, b * width, width);
        }
        return f;
    }

    /** Inputs wide enough to cross the forward kernel's cache blocks (block = 8 KiB floats / outDim). */
    private int inputSize() {
        return rng.nextInt(8) == 0 ? 300 + rng.nextInt(500) : size();
    }

    @Test
    void denseForwardEqualsReference() {
        for (int trial = 0; trial < 300; trial++) {
            int batch = size();
            int in = inputSize();
            int out = Math.max(Dense.MIN_AXPY_OUTPUTS, size());
            int dotOut = size();
            boolean bias = rng.nextInt(2) == 0;
            boolean relu = rng.nextInt(2) == 0;
            Activation act = relu ? Activation.RELU : Activation.IDENTITY;
            int inOff = rng.nextInt(5);
            float[] x = random(inOff + batch * in, trial % 3 == 0 ? 0.6 : 0.0);
            float[] w = random(out * in, 0);
            float[] bvec = random(3 + Math.max(out, dotOut), 0);
            String what = batch + "x" + in + "->" + out + (bias ? " bias" : "") + (relu ? " relu" : "");

            float[] expected = new float[batch * out];
            ReferenceKernels.denseForward(expected, 0, x, inOff, w, 0, bias ? bvec : null, 3, batch, in, out);
            if (relu) {
                ReferenceKernels.reluForward(expected, 0, expected, 0, expected.length);
            }
            float[][] wt = new float[in][out + 2];
            Dense.transpose(wt, w, 0, in, out);
            float[][] y = rows(random(batch * (out + 1), 0), 0, batch, out + 1, 0); // stale values must be overwritten
            Dense.forward(y, x, inOff, null, wt, bias ? bvec : null, 3, 0, batch, in, out);
            Activations.forward(act, y, y, 0, batch, out);
            assertClose(expected, flat(y, batch, out), (float) Math.sqrt(in), "forward (flat input) " + what);
            float[][] y2 = new float[batch][out];
            Dense.forward(y2, null, 0, rows(x, inOff, batch, in, 1), wt, bias ? bvec : null, 3, 0, batch, in, out);
            Activations.forward(act, y2, y2, 0, batch, out);
            assertClose(expected, flat(y2, batch, out), (float) Math.sqrt(in), "forward (row input) " + what);

            // a row range computes exactly those rows and leaves the others alone
            int from = rng.nextInt(batch);
            int to = from + 1 + rng.nextInt(batch - from);
            float[][] y3 = new float[batch][out];
            for (float[] r : y3) {
                java.util.Arrays.fill(r, 7f);
            }
            Dense.forward(y3, x, inOff, null, wt, bias ? bvec : null, 3, from, to, in, out);
            Activations.forward(act, y3, y3, from, to, out);
            for (int b = 0; b < batch; b++) {
                for (int o = 0; o < out; o++) {
                    if (b >= from && b < to) {
                        assertEquals(y[b][o], y3[b][o], 0f, what + " range [" + from + ", " + to + ") row " + b);
                    } else {
                        assertEquals(7f, y3[b][o], 0f, what + " row " + b + " outside [" + from + ", " + to + ")");
                    }
                }
            }

            float[] wd = random(dotOut * in, 0);
            float[] dotExpected = new float[batch * dotOut];
            ReferenceKernels.denseForward(dotExpected, 0, x, inOff, wd, 0, bias ? bvec : null, 3, batch, in, dotOut);
            if (relu) {
                ReferenceKernels.reluForward(dotExpected, 0, dotExpected, 0, dotExpected.length);
            }
            float[][] wRows = new float[dotOut][in + 1];
            Dense.copyRows(wRows, wd, 0, in, dotOut);
            float[][] yd = new float[batch][dotOut + 3];
            Dense.forwardDot(yd, rows(x, inOff, batch, in, 0), wRows, bias ? bvec : null, 3, 0, batch, in, dotOut);
            Activations.forward(act, yd, yd, 0, batch, dotOut);
            assertClose(dotExpected, flat(yd, batch, dotOut), (float) Math.sqrt(in), "forwardDot " + batch + "x" + in
                    + "->" + dotOut);
        }
    }

    @Test
    void denseBackwardEqualsReference() {
        for (int trial = 0; trial < 300; trial++) {
            int batch = size();
            int in = inputSize();
            int out = size();
            boolean bias = rng.nextInt(2) == 0;
            boolean gated = rng.nextInt(2) == 0;
            float[] x = random(batch * in, 0.3);
            float[] w = random(2 + out * in, 0);
            float[] dOut = random(batch * out, trial % 2 == 0 ? 0.5 : 0.0);
            float[] preActivation = random(batch * in, 0.1); // the layer below's A; its output B = ReLU(A)
            float[] below = new float[batch * in];
            ReferenceKernels.reluForward(below, 0, preActivation, 0, below.length);

            float[] dInRef = new float[batch * in];
            float[] dWRef = random(out * in + 1, 0); // accumulation onto existing values
            float[] dWFast = dWRef.clone();
            float[] dBRef = random(out + 2, 0);
            float[] dBFast = dBRef.clone();
            ReferenceKernels.denseBackward(dInRef, 0, dWRef, 1, bias ? dBRef : null, 2, dOut, 0, x, 0, w, 2, batch, in,
                    out);
            if (gated) {
                ReferenceKernels.reluBackward(dInRef, 0, dInRef, 0, preActivation, 0, dInRef.length);
            }
            float[][] dOutRows = rows(dOut, 0, batch, out, 2);
            Dense.backwardWeight(dWFast, 1, bias ? dBFast : null, 2, new float[in + 5], dOutRows,
                    rows(x, 0, batch, in, 0), batch, in, 0, out);
            float[][] wRows = new float[out][in];
            Dense.copyRows(wRows, w, 2, in, out);
            float[][] dInRows = rows(random(batch * in, 0), 0, batch, in, 1); // stale values must be overwritten
            Dense.backwardInput(dInRows, dOutRows, wRows, 0, batch, in, out);
            if (gated) {
                Activations.backward(Activation.RELU, dInRows, null, rows(below, 0, batch, in, 0), 0, batch, in);
            }
            String what = "row backward " + batch + "x" + in + "->" + out + (gated ? " through ReLU" : "");
            assertClose(dWRef, dWFast, (float) Math.sqrt(batch), what + " dWeight");
            assertClose(dBRef, dBFast, (float) Math.sqrt(batch), what + " dBias");
            assertClose(dInRef, flat(dInRows, batch, in), (float) Math.sqrt(out), what + " dIn");

            // weight-gradient rows split in two ranges give the same result as one call
            float[] dWSplit = new float[out * in];
            float[] dWWhole = new float[out * in];
            int mid = rng.nextInt(out + 1);
            float[][] xRows = rows(x, 0, batch, in, 0);
            Dense.backwardWeight(dWSplit, 0, null, 0, new float[in], dOutRows, xRows, batch, in, 0, mid);
            Dense.backwardWeight(dWSplit, 0, null, 0, new float[in], dOutRows, xRows, batch, in, mid, out);
            Dense.backwardWeight(dWWhole, 0, null, 0, new float[in], dOutRows, xRows, batch, in, 0, out);
            assertClose(dWWhole, dWSplit, 0f, what + " split at output " + mid);
        }
    }

    @Test
    void transposeRowsAndCopyRowsMoveEveryValueExactly() {
        for (int trial = 0; trial < 50; trial++) {
            int in = inputSize();
            int out = size();
            int off = rng.nextInt(4);
            float[] w = random(off + out * in, 0);
            float[][] wt = new float[in][out];
            float[][] wr = new float[out][in];
            Dense.transpose(wt, w, off, in, out);
            Dense.copyRows(wr, w, off, in, out);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    assertEquals(w[off + o * in + i], wt[i][o], 0f,
                            "transpose " + in + "x" + out + " at [" + i + "][" + o + "]");
                    assertEquals(w[off + o * in + i], wr[o][i], 0f,
                            "copy " + in + "x" + out + " at [" + o + "][" + i + "]");
                }
            }
        }
    }

    @Test
    void reluBackwardEqualsTheReferenceIncludingSubnormalOutputs() {
        float[] special = {0f, Float.MIN_VALUE, Float.MIN_NORMAL, 1e-40f, 1e-30f, 0.5f, 1f, 3e38f, Float.MAX_VALUE};
        for (int trial = 0; trial < 50; trial++) {
            int n = size() * size();
            float[] a = random(n, 0.3);
            for (int i = 0; i < n; i += 7) {
                a[i] = special[rng.nextInt(special.length)] * (rng.nextInt(2) == 0 ? 1 : -1);
            }
            float[] b = new float[n];
            ReferenceKernels.reluForward(b, 0, a, 0, n);
            float[] d = random(n, 0);
            float[] expected = new float[n];
            ReferenceKernels.reluBackward(expected, 0, d, 0, a, 0, n);
            float[] actual = d.clone();
            Relu.backward(actual, b, n);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], actual[i], 0f, "gate at " + i + " for B = " + b[i]);
            }
        }
    }

    @Test
    void softmaxCrossEntropyBackwardEqualsReference() {
        for (int trial = 0; trial < 100; trial++) {
            int batch = size();
            int classes = 2 + rng.nextInt(12);
            float[] p = random(batch * classes, 0);
            int[] labels = new int[batch];
            for (int b = 0; b < batch; b++) {
                labels[b] = rng.nextInt(classes);
            }
            float scale = 1f / batch;
            float[] expected = new float[batch * classes];
            ReferenceKernels.softmaxCrossEntropyBackward(expected, 0, p, 0, labels, 0, batch, classes, scale);
            float[][] actual = new float[batch][classes + 2];
            SoftmaxCrossEntropy.backward(actual, p, 0, labels, 0, batch, classes, scale);
            assertClose(expected, flat(actual, batch, classes), 0f, "softmax + cross-entropy backward (P - y)");
        }
    }
}
