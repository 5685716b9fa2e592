package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void denseForwardEqualsReference() {
        for (int trial = 0; trial < 300; trial++) {
            int batch = size();
            int in = size();
            int out = size();
            boolean bias = rng.nextInt(2) == 0;
            int inOff = rng.nextInt(5);
            int wOff = rng.nextInt(5);
            int outOff = rng.nextInt(5);
            float[] x = random(inOff + batch * in, trial % 3 == 0 ? 0.6 : 0.0);
            float[] w = random(wOff + out * in, 0);
            float[] bvec = random(3 + out, 0);
            float[] wt = new float[wOff + out * in];
            Dense.transpose(wt, wOff, w, wOff, in, out);

            float[] expected = random(outOff + batch * out, 0);
            float[] actual = expected.clone();
            ReferenceKernels.denseForward(expected, outOff, x, inOff, w, wOff, bias ? bvec : null, 3, batch, in, out);
            Dense.forward(actual, outOff, x, inOff, wt, wOff, bias ? bvec : null, 3, batch, in, out);
            assertClose(expected, actual, (float) Math.sqrt(in), "forward " + batch + "x" + in + "->" + out);
        }
    }

    @Test
    void denseBackwardEqualsReference() {
        for (int trial = 0; trial < 300; trial++) {
            int batch = size();
            int in = size();
            int out = size();
            boolean bias = rng.nextInt(2) == 0;
            boolean wantInput = rng.nextInt(4) != 0;
            boolean wantWeight = rng.nextInt(4) != 0;
            float[] x = random(2 + batch * in, 0.3);
            float[] w = random(1 + out * in, 0);
            float[] dOut = random(batch * out, trial % 2 == 0 ? 0.5 : 0.0);

            float[] dInRef = random(batch * in + 4, 0);
            float[] dInFast = dInRef.clone();
            float[] dWRef = random(out * in + 1, 0); // accumulation onto existing values
            float[] dWFast = dWRef.clone();
            float[] dBRef = random(out + 2, 0);
            float[] dBFast = dBRef.clone();

            ReferenceKernels.denseBackward(wantInput ? dInRef : null, 4, wantWeight ? dWRef : null, 1,
                    bias ? dBRef : null, 2, dOut, 0, x, 2, w, 1, batch, in, out);
            Dense.backward(wantInput ? dInFast : null, 4, wantWeight ? dWFast : null, 1,
                    bias ? dBFast : null, 2, dOut, 0, x, 2, w, 1, batch, in, out);
            String what = "backward " + batch + "x" + in + "->" + out;
            assertClose(dInRef, dInFast, (float) Math.sqrt(out), what + " dIn");
            assertClose(dWRef, dWFast, (float) Math.sqrt(batch), what + " dWeight");
            assertClose(dBRef, dBFast, (float) Math.sqrt(batch), what + " dBias");
        }
    }

    @Test
    void reluForwardAndBackwardEqualReference() {
        for (int trial = 0; trial < 50; trial++) {
            int n = size() * size();
            float[] a = random(n, 0.1);
            float[] refOut = new float[n];
            float[] fastOut = new float[n];
            ReferenceKernels.reluForward(refOut, 0, a, 0, n);
            Relu.forward(fastOut, 0, a, 0, n);
            assertClose(refOut, fastOut, 0f, "relu forward");

            float[] dOut = random(n, 0);
            float[] refIn = new float[n];
            float[] fastIn = new float[n];
            ReferenceKernels.reluBackward(refIn, 0, dOut, 0, a, 0, n); // gate on A
            Relu.backward(fastIn, 0, dOut, 0, fastOut, 0, n);          // gate on B = ReLU(A)
            assertClose(refIn, fastIn, 0f, "relu backward");
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

            float scale = 1f / batch;
            float[] refD = new float[batch * classes];
            float[] fastD = new float[batch * classes];
            ReferenceKernels.softmaxCrossEntropyBackward(refD, 0, refP, 0, labels, 0, batch, classes, scale);
            SoftmaxCrossEntropy.backward(fastD, 0, refP, 0, labels, 0, batch, classes, scale);
            assertClose(refD, fastD, 0f, "backward (P - y)");
        }
    }
}
