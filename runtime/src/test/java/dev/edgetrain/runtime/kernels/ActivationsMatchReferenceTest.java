package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Rng;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Activations} forward and backward against {@link ReferenceKernels#activationForward} and
 * {@link ReferenceKernels#activationDerivative} for every kind, on random rows of odd widths and row ranges, and
 * on special values: ±0, subnormals, the smallest normal, large and huge magnitudes, ±{@code Float.MAX_VALUE}.
 *
 * <p>Tolerances follow from float rounding, with {@code u = 2^−24} (half an ulp, relative):
 * <ul>
 *   <li>identity and ReLU are exact, forward and backward; LeakyReLU rounds {@code α·x} once ({@code u});</li>
 *   <li>tanh and sigmoid are computed in double (within a double ulp) and rounded once: {@code 2u};</li>
 *   <li>GELU carries {@link Activations#erf}'s documented error, below 1.2e-7 of {@code erfc}, which is exactly
 *       1.2e-7 of the result for either sign of {@code x}; both GELUs compute {@code 1 ± tanh} or {@code 1 + erf}
 *       in double, which loses {@code 2^−52·|x|} absolutely where the result is far below that;</li>
 *   <li>backward: tanh and sigmoid take {@code f'} from the float output {@code y} (2u off): {@code 1 − y²} is then
 *       up to {@code 6u} off and {@code y(1 − y)} up to {@code 4u}, absolutely; GELU's {@code Φ} is up to
 *       {@code ½·1.2e-7} off; each product {@code d·f'} rounds once more ({@code u} of the result).</li>
 * </ul>
 * Subnormal results may round by half the smallest subnormal more.
 */
class ActivationsMatchReferenceTest {
    private static final double U = 0x1p-24;
    private static final double ERFC_RELATIVE_ERROR = 1.2e-7;
    private static final double SUBNORMAL = Float.MIN_VALUE / 2.0;
    private static final int[] WIDTHS = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 130};
    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f,
        Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-20f, -1e-20f, 1e-7f, -1e-7f, 0.5f, -0.5f, 1f, -1f, 3f, -3f, 5.5f,
        -5.5f, 10f, -10f, 20f, -20f, 1e4f, -1e4f, 1e30f, -1e30f, 3e38f, -3e38f, Float.MAX_VALUE, -Float.MAX_VALUE};

    private final Rng rng = new Rng(1234);

    static Stream<Activation> activations() {
        return Stream.of(Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.01f), Activation.leakyRelu(0.2f),
                Activation.leakyRelu(-0.3f), Activation.TANH, Activation.SIGMOID, Activation.GELU,
                Activation.GELU_TANH);
    }

    /** Bound on |fast − reference| of {@code f(x)}. */
    private static double forwardTolerance(Activation f, double x, double ref) {
        switch (f.kind()) {
            case IDENTITY:
            case RELU:
                return 0;
            case LEAKY_RELU:
                return U * Math.abs(ref) + SUBNORMAL;
            case TANH:
            case SIGMOID:
                return 2 * U * Math.abs(ref) + SUBNORMAL;
            case GELU:
                return (ERFC_RELATIVE_ERROR + 2 * U) * Math.abs(ref) + 0x1p-52 * Math.abs(x) + SUBNORMAL;
            default:
                return 2 * U * Math.abs(ref) + 0x1p-52 * Math.abs(x) + SUBNORMAL;
        }
    }

    /** Bound on |fast − reference| of {@code d·f'(x)}. */
    private static double backwardTolerance(Activation f, double d, double ref) {
        final double product = U * Math.abs(ref) + SUBNORMAL;
        switch (f.kind()) {
            case IDENTITY:
            case RELU:
                return 0;
            case LEAKY_RELU: // α + (1 − α)·gate rounds twice
                return 2 * U * Math.abs(d) * (1 + Math.abs(f.alpha())) + product;
            case TANH:
                return 6 * U * Math.abs(d) + product;
            case SIGMOID:
                return 4 * U * Math.abs(d) + product;
            case GELU:
                return (ERFC_RELATIVE_ERROR / 2 + 2 * U) * Math.abs(d) + product;
            default:
                return 3 * U * Math.abs(d) + product;
        }
    }

    private float[][] randomRows(int rows, int width) {
        float[][] a = new float[rows][width];
        double scale = new double[] {0.1, 1, 4}[rng.nextInt(3)];
        for (float[] row : a) {
            for (int i = 0; i < width; i++) {
                row[i] = rng.nextInt(5) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)]
                        : (float) (rng.nextGaussian() * scale);
            }
        }
        return a;
    }

    private static float[][] filled(int rows, int width, float value) {
        float[][] a = new float[rows][width];
        for (float[] row : a) {
            java.util.Arrays.fill(row, value);
        }
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void forwardAndBackwardMatchTheReferenceOnRandomRowsAndRanges(Activation f) {
        double worstForward = 0;
        double worstBackward = 0;
        for (int trial = 0; trial < 150; trial++) {
            int rows = 1 + rng.nextInt(6);
            int width = WIDTHS[rng.nextInt(WIDTHS.length)];
            int from = rng.nextInt(rows);
            int to = from + 1 + rng.nextInt(rows - from);
            float[][] in = randomRows(rows, width + 1); // one spare column the kernel must not touch either
            float[][] out = filled(rows, width + 1, 7f);
            Activations.forward(f, out, in, from, to, width);
            float[][] d = randomRows(rows, width + 1);
            for (float[] row : d) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = Math.abs(row[i]) > 1e6f ? (float) rng.nextGaussian() : row[i]; // gradients stay finite
                }
            }
            float[][] dIn = new float[rows][];
            for (int b = 0; b < rows; b++) {
                dIn[b] = d[b].clone();
            }
            Activations.backward(f, dIn, in, out, from, to, width);
            for (int b = 0; b < rows; b++) {
                for (int i = 0; i <= width; i++) {
                    boolean inside = b >= from && b < to && i < width;
                    String at = f + " row " + b + " of [" + from + ", " + to + "), column " + i + " of " + width
                            + ", x = " + in[b][i];
                    if (!inside) {
                        assertEquals(7f, out[b][i], 0f, at + ": outside the range, left alone");
                        assertEquals(d[b][i], dIn[b][i], 0f, at + ": gradient outside the range, left alone");
                        continue;
                    }
                    double x = in[b][i];
                    double ref = ReferenceKernels.activationForward(f, x);
                    double error = Math.abs(out[b][i] - ref);
                    double bound = forwardTolerance(f, x, ref);
                    assertTrue(error <= bound, at + ": f(x) " + out[b][i] + ", reference " + ref);
                    if (Math.abs(ref) >= Float.MIN_NORMAL) { // subnormal results sit at half a subnormal by design
                        worstForward = Math.max(worstForward, bound == 0 ? 0 : error / bound);
                    }
                    double refGrad = d[b][i] * ReferenceKernels.activationDerivative(f, x);
                    double gradError = Math.abs(dIn[b][i] - refGrad);
                    double gradBound = backwardTolerance(f, d[b][i], refGrad);
                    assertTrue(gradError <= gradBound, at + ", d = " + d[b][i] + ": d·f'(x) " + dIn[b][i]
                            + ", reference " + refGrad);
                    if (Math.abs(refGrad) >= Float.MIN_NORMAL) {
                        worstBackward = Math.max(worstBackward, gradBound == 0 ? 0 : gradError / gradBound);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: worst error as a fraction of its bound (normal results): forward %.3f, "
                + "backward %.3f%n", f, worstForward, worstBackward);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void inPlaceForwardEqualsTheOutOfPlaceOneAndBackwardReadsWhatTheWorkspaceKeeps(Activation f) {
        for (int trial = 0; trial < 40; trial++) {
            int rows = 1 + rng.nextInt(4);
            int width = WIDTHS[rng.nextInt(WIDTHS.length)];
            float[][] in = randomRows(rows, width);
            float[][] out = new float[rows][width];
            Activations.forward(f, out, in, 0, rows, width);
            float[][] inPlace = new float[rows][];
            for (int b = 0; b < rows; b++) {
                inPlace[b] = in[b].clone();
            }
            Activations.forward(f, inPlace, inPlace, 0, rows, width);
            for (int b = 0; b < rows; b++) {
                assertTrue(java.util.Arrays.equals(out[b], inPlace[b]), f + ": in place, row " + b);
            }
            // The workspace keeps one buffer when the derivative comes from the output: backward then gets the
            // output as both arguments, and must give what it gives with the input beside the output.
            if (f.derivativeFromOutput()) {
                float[][] d = randomRows(rows, width);
                float[][] a = new float[rows][];
                float[][] c = new float[rows][];
                for (int b = 0; b < rows; b++) {
                    a[b] = d[b].clone();
                    c[b] = d[b].clone();
                }
                Activations.backward(f, a, in, out, 0, rows, width);
                Activations.backward(f, c, inPlace, inPlace, 0, rows, width);
                for (int b = 0; b < rows; b++) {
                    assertTrue(java.util.Arrays.equals(a[b], c[b]), f + ": backward from the output alone, row " + b);
                }
            }
        }
    }

    @Test
    void rectifiersAtZeroTakePyTorchsSubgradient() {
        float[][] x = {{0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE}};
        for (Activation f : new Activation[] {Activation.RELU, Activation.leakyRelu(0.25f)}) {
            float[][] y = new float[1][4];
            Activations.forward(f, y, x, 0, 1, 4);
            float[][] d = {{1f, 1f, 1f, 1f}};
            Activations.backward(f, d, x, y, 0, 1, 4);
            float below = f.kind() == Activation.Kind.RELU ? 0f : 0.25f;
            assertEquals(below, d[0][0], 0f, f + "'(0)");
            assertEquals(below, d[0][1], 0f, f + "'(-0)");
            assertEquals(1f, d[0][2], 0f, f + "'(smallest subnormal)");
            assertEquals(below, d[0][3], 0f, f + "'(-smallest subnormal)");
            assertEquals(0f, y[0][0], 0f, f + "(0)");
            assertEquals(Float.MIN_VALUE, y[0][2], 0f, f + "(smallest subnormal)");
        }
    }

    @Test
    void erfMeetsItsDocumentedErrorOverMinusSixToSix() {
        // Documented: below 1.2e-7 relative on erfc; erf = ±(1 − erfc) then rounds by at most 2^−53.
        // Where erfc is above 1e-6 the rounding term is below 1e-9 of the bound, so the relative error on erfc
        // is measured there on its own.
        double worst = 0;
        double worstAt = 0;
        for (int k = -60_000; k <= 60_000; k++) {
            double x = k * 1e-4;
            double ref = ReferenceKernels.erf(x);
            double erfc = ReferenceKernels.erfc(Math.abs(x));
            double error = Math.abs(Activations.erf(x) - ref);
            assertTrue(error <= ERFC_RELATIVE_ERROR * erfc + 0x1p-53, "erf(" + x + ") = " + Activations.erf(x)
                    + ", reference " + ref + ": error " + error + " is more than 1.2e-7 of erfc = " + erfc);
            if (erfc > 1e-6 && error / erfc > worst) {
                worst = error / erfc;
                worstAt = x;
            }
        }
        System.out.printf(Locale.ROOT, "Activations.erf over [-6, 6]: worst error %.3e of erfc(|x|) "
                + "(where erfc > 1e-6), at x = %.4f%n", worst, worstAt);
        assertTrue(worst > 1e-8, "the check sees the fit's error (it is not comparing erf with itself): " + worst);
    }

    @Test
    void sigmoidIsFiniteAndMonotoneAtTheExtremes() {
        assertEquals(1f, Activations.sigmoid(Float.MAX_VALUE), 0f);
        assertEquals(0f, Activations.sigmoid(-Float.MAX_VALUE), 0f);
        assertEquals(0.5f, Activations.sigmoid(0f), 0f);
        assertEquals(0.5f, Activations.sigmoid(-0f), 0f);
        float previous = 0f;
        for (float x = -100f; x <= 100f; x += 0.25f) {
            float s = Activations.sigmoid(x);
            assertTrue(s >= previous, "sigmoid(" + x + ") = " + s + " below sigmoid(" + (x - 0.25f) + ")");
            double ref = ReferenceKernels.activationForward(Activation.SIGMOID, x);
            assertTrue(Math.abs(s - ref) <= 2 * U * ref + SUBNORMAL, "sigmoid(" + x + ") = " + s + ", reference "
                    + ref);
            previous = s;
        }
    }
}
