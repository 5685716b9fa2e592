package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Rng;
import org.junit.jupiter.api.Test;

/**
 * The reference twins themselves: the error function against published values (computed to 20 digits with
 * mpmath), the activations against known values, and every reference backward against central differences of
 * its own reference forward, so a test that holds a fast kernel to a reference holds it to the definition.
 */
class ReferenceKernelsTest {
    /** Central-difference step for the scalar checks; the truncation error is about H² times the third derivative. */
    private static final double H = 1e-5;

    private final Rng rng = new Rng(77);

    @Test
    void erfAndErfcMatchPublishedValuesToDoublePrecision() {
        // x, erf(x), erfc(x)
        double[][] table = {
            {-4.5, -0.99999999980338395585, 1.9999999998033839558},
            {-2, -0.99532226501895273416, 1.9953222650189527342},
            {-0.75, -0.7111556336535151316, 1.7111556336535151316},
            {-0.1, -0.1124629160182848922, 1.1124629160182848922},
            {0, 0, 1},
            {1e-3, 0.0011283787909692363799, 0.99887162120903076362},
            {0.3, 0.32862675945912742764, 0.67137324054087257236},
            {0.5, 0.52049987781304653768, 0.47950012218695346232},
            {1, 0.84270079294971486934, 0.15729920705028513066},
            {2, 0.99532226501895273416, 0.0046777349810472658379},
            {2.5, 0.99959304798255504106, 0.00040695201744495893956},
            {3, 0.99997790950300141456, 0.000022090496998585441373},
            {3.5, 0.99999925690162765859, 7.4309837234141274552e-7},
            {4.5, 0.99999999980338395585, 1.9661604415428874763e-10},
            {5.5, 0.99999999999999264215, 7.3578479179743980631e-15},
            {6, 0.99999999999999997848, 2.1519736712498913117e-17},
        };
        for (double[] row : table) {
            double x = row[0];
            assertEquals(row[1], ReferenceKernels.erf(x), 4e-16, "erf(" + x + ")");
            // relative to erfc itself: the point of a separate erfc is accuracy where it is tiny
            assertEquals(row[2], ReferenceKernels.erfc(x), 4e-15 * row[2], "erfc(" + x + ")");
        }
    }

    @Test
    void activationsMatchKnownValues() {
        // x, GELU(x) = x·Φ(x), tanh-GELU(x), both to 20 digits (mpmath)
        double[][] table = {
            {-3, -0.00404969409489028358, -0.0036373920817730188378},
            {-1, -0.15865525393145705141, -0.15880800939172329522},
            {1, 0.84134474606854294859, 0.84119199060827670478},
            {2.5, 2.4844758366855596621, 2.4849157339100014179},
        };
        for (double[] row : table) {
            assertEquals(row[1], ReferenceKernels.activationForward(Activation.GELU, row[0]), 1e-15,
                    "gelu(" + row[0] + ")");
            assertEquals(row[2], ReferenceKernels.activationForward(Activation.GELU_TANH, row[0]), 1e-15,
                    "gelu_tanh(" + row[0] + ")");
        }
        assertEquals(0.7310585786300049, ReferenceKernels.activationForward(Activation.SIGMOID, 1), 1e-16);
        assertEquals(-0.7615941559557649, ReferenceKernels.activationForward(Activation.TANH, -1), 1e-16);
        assertEquals(-0.4, ReferenceKernels.activationForward(Activation.leakyRelu(0.2f), -2), 1e-8);
        assertEquals(0.0, ReferenceKernels.activationForward(Activation.RELU, -2), 0.0);
        assertEquals(2.0, ReferenceKernels.activationForward(Activation.RELU, 2), 0.0);
        assertEquals(-2.0, ReferenceKernels.activationForward(Activation.IDENTITY, -2), 0.0);
        // at the kink, PyTorch's choice: ReLU'(0) = 0, LeakyReLU'(0) = α
        assertEquals(0.0, ReferenceKernels.activationDerivative(Activation.RELU, 0), 0.0);
        assertEquals(0.2f, ReferenceKernels.activationDerivative(Activation.leakyRelu(0.2f), 0), 0.0);
    }

    @Test
    void activationDerivativesAreTheSlopesOfTheForwards() {
        Activation[] all = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.1f), Activation.TANH,
            Activation.SIGMOID, Activation.GELU, Activation.GELU_TANH};
        for (Activation f : all) {
            for (int i = 0; i < 400; i++) {
                double x = rng.nextGaussian() * 3;
                if (Math.abs(x) < 10 * H) {
                    continue; // the kink of the rectifiers
                }
                double numeric = (ReferenceKernels.activationForward(f, x + H)
                        - ReferenceKernels.activationForward(f, x - H)) / (2 * H);
                assertEquals(numeric, ReferenceKernels.activationDerivative(f, x), 1e-8, f + "'(" + x + ")");
            }
        }
    }

    @Test
    void layerNormBackwardIsTheGradientOfTheForward() {
        for (int trial = 0; trial < 20; trial++) {
            int batch = 1 + rng.nextInt(3);
            int n = 2 + rng.nextInt(9);
            float[] z = gaussian(batch * n, 2);
            float[] gamma = gaussian(n, 1);
            float[] beta = gaussian(n, 1);
            float[] dOut = gaussian(batch * n, 1);
            double epsilon = trial % 2 == 0 ? 1e-5 : 0.5;
            double[] dIn = new double[batch * n];
            double[] dGamma = new double[n];
            double[] dBeta = new double[n];
            ReferenceKernels.layerNormBackward(dIn, dGamma, dBeta, dOut, 0, z, 0, gamma, 0, batch, n, epsilon);
            // L = Σ dOut · out: its gradient with respect to z, γ and β is what the backward computes
            for (int i = 0; i < batch * n; i++) {
                float saved = z[i];
                double step = Math.max(1e-3, Math.abs(saved) * 1e-3);
                z[i] = (float) (saved + step);
                double plusStep = z[i] - saved;
                double plus = layerNormDot(dOut, z, gamma, beta, batch, n, epsilon);
                z[i] = (float) (saved - step);
                double minusStep = saved - z[i];
                double minus = layerNormDot(dOut, z, gamma, beta, batch, n, epsilon);
                z[i] = saved;
                // float steps: divide by the steps actually taken; the curvature term stays below 1e-4 relative
                double numeric = (plus - minus) / (plusStep + minusStep);
                assertEquals(numeric, dIn[i], 2e-4 * Math.max(1, Math.abs(numeric)), "dIn[" + i + "]");
            }
            double[] out = new double[batch * n];
            ReferenceKernels.layerNormForward(out, null, null, z, 0, gamma, 0, beta, 0, batch, n, epsilon);
            double[] unitOut = new double[batch * n];
            ReferenceKernels.layerNormForward(unitOut, null, null, z, 0, ones(n), 0, new float[n], 0, batch, n,
                    epsilon);
            for (int i = 0; i < n; i++) {
                double expectGamma = 0;
                double expectBeta = 0;
                for (int b = 0; b < batch; b++) {
                    expectGamma += dOut[b * n + i] * unitOut[b * n + i]; // out is linear in γ and β
                    expectBeta += dOut[b * n + i];
                    assertEquals(gamma[i] * unitOut[b * n + i] + beta[i], out[b * n + i], 1e-12, "γ·ẑ + β");
                }
                assertEquals(expectGamma, dGamma[i], 1e-12, "dγ[" + i + "]");
                assertEquals(expectBeta, dBeta[i], 1e-12, "dβ[" + i + "]");
            }
        }
    }

    private static double layerNormDot(float[] dOut, float[] z, float[] gamma, float[] beta, int batch, int n,
                                       double epsilon) {
        double[] out = new double[batch * n];
        ReferenceKernels.layerNormForward(out, null, null, z, 0, gamma, 0, beta, 0, batch, n, epsilon);
        double s = 0;
        for (int i = 0; i < out.length; i++) {
            s += dOut[i] * out[i];
        }
        return s;
    }

    @Test
    void lossBackwardsAreTheGradientsOfTheirForwards() {
        for (int trial = 0; trial < 30; trial++) {
            int count = 1 + rng.nextInt(12);
            float[] logits = gaussian(count, 3);
            float[] targets = new float[count];
            for (int i = 0; i < count; i++) {
                targets[i] = i % 3 == 0 ? (float) rng.nextDouble() : (float) rng.nextInt(2);
            }
            double w0 = 0.5 + rng.nextDouble();
            double w1 = 0.5 + rng.nextDouble();
            double scale = 0.3;
            double[] bce = new double[count];
            ReferenceKernels.sigmoidCrossEntropyBackward(bce, logits, 0, targets, 0, count, scale, w0, w1);
            double[] mse = new double[count];
            ReferenceKernels.squaredErrorBackward(mse, logits, 0, targets, 0, count, scale);
            double delta = 0.7;
            double[] huber = new double[count];
            ReferenceKernels.huberBackward(huber, logits, 0, targets, 0, count, scale, delta);
            for (int i = 0; i < count; i++) {
                final int at = i;
                assertSlope(bce[i], v -> scale * ReferenceKernels.sigmoidCrossEntropyForward(null, v, 0, targets, 0,
                        count, w0, w1), logits, at, "bce");
                assertSlope(mse[i], v -> scale * ReferenceKernels.squaredErrorSum(v, 0, targets, 0, count), logits, at,
                        "mse");
                if (Math.abs(Math.abs(logits[i] - targets[i]) - delta) > 1e-2) {
                    assertSlope(huber[i], v -> scale * ReferenceKernels.huberSum(v, 0, targets, 0, count, delta),
                            logits, at, "huber");
                }
            }

            int batch = 1 + rng.nextInt(4);
            int classes = 2 + rng.nextInt(6);
            float[] o = gaussian(batch * classes, 2);
            int[] labels = new int[batch];
            for (int b = 0; b < batch; b++) {
                labels[b] = rng.nextInt(classes);
            }
            float[] weights = trial % 2 == 0 ? null : gaussianPositive(classes);
            double smoothing = trial % 3 == 0 ? 0 : 0.15;
            double[] dO = new double[batch * classes];
            ReferenceKernels.weightedSoftmaxCrossEntropyBackward(dO, o, 0, labels, 0, batch, classes, weights,
                    smoothing, scale);
            String what = "softmax cross-entropy " + (weights != null ? "weighted " : "") + "smoothing " + smoothing;
            for (int i = 0; i < batch * classes; i++) {
                assertSlope(dO[i], v -> scale * ReferenceKernels.weightedSoftmaxCrossEntropyForward(null, v, 0, labels,
                        0, batch, classes, weights, smoothing), o, i, what);
            }
        }
    }

    @Test
    void weightedSoftmaxCrossEntropyFollowsPyTorchsDefinition() {
        // Two classes, one row of label 0, weights [2, 1], smoothing 0.2: by hand from the definition.
        float[] o = {1f, -0.5f};
        double lse = Math.log(Math.exp(1) + Math.exp(-0.5));
        double nll0 = lse - 1;
        double nll1 = lse + 0.5;
        double expected = 0.8 * 2 * nll0 + 0.2 / 2 * (2 * nll0 + 1 * nll1);
        float[] w = {2f, 1f};
        assertEquals(expected, ReferenceKernels.weightedSoftmaxCrossEntropyForward(null, o, 0, new int[] {0}, 0, 1, 2,
                w, 0.2), 1e-12);
        assertEquals(2.0, ReferenceKernels.classWeightSum(new int[] {0}, 0, 1, w), 0.0);
        assertEquals(3.0, ReferenceKernels.classWeightSum(new int[] {0, 1, 1}, 0, 3, null), 0.0);
    }

    @Test
    void theDropoutMaskKeepsWithProbabilityOneMinusTheRateAndScales() {
        float[] mask = new float[200_000];
        float rate = 0.3f;
        ReferenceKernels.dropoutMask(mask, 0, mask.length, rate, new Rng(5));
        int dropped = 0;
        for (float m : mask) {
            if (m == 0f) {
                dropped++;
            } else {
                assertEquals(1 / (1 - 0.3), m, 1e-7);
            }
        }
        // binomial: standard deviation sqrt(n·p·(1−p)) ≈ 205 drops; 5 of them is a bound a wrong rate fails
        assertEquals(rate * mask.length, dropped, 5 * Math.sqrt(mask.length * 0.3 * 0.7), "dropped values");
    }

    interface Loss {
        double of(float[] values);
    }

    /** {@code analytic} against the central difference of {@code loss} in {@code values[i]}, taken with float steps. */
    private static void assertSlope(double analytic, Loss loss, float[] values, int i, String what) {
        float saved = values[i];
        float step = 1e-3f;
        values[i] = saved + step;
        double plusStep = (double) values[i] - saved;
        double plus = loss.of(values);
        values[i] = saved - step;
        double minusStep = saved - (double) values[i];
        double minus = loss.of(values);
        values[i] = saved;
        double numeric = (plus - minus) / (plusStep + minusStep);
        assertTrue(Math.abs(numeric - analytic) <= 1e-5 * Math.max(1, Math.abs(numeric)),
                what + " at " + i + ": analytic " + analytic + ", numeric " + numeric);
    }

    private float[] gaussian(int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * scale);
        }
        return a;
    }

    private float[] gaussianPositive(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (0.2 + 2 * rng.nextDouble());
        }
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
