package dev.edgetrain.runtime.kernels;

import dev.edgetrain.runtime.Activation;

/**
 * The activation layer {@code a = f(n)} and its backward pass {@code dN = f'(n) · dA}, one pair per
 * {@link Activation.Kind}, over batch rows {@code [from, to)} of one-array-per-row buffers. The switch is on the
 * row loop's outside, so each kind's inner loop is its own compiled loop.
 *
 * <p>{@code out} may be {@code in} for the kinds whose derivative is a function of the output
 * ({@link Activation#derivativeFromOutput()}: identity, ReLU, tanh, sigmoid): the workspace then keeps one
 * buffer and {@code backward} reads only {@code out}. The others (LeakyReLU, both GELUs) read the input
 * {@code in} in {@code backward}. {@link ReferenceKernels#activationForward} and
 * {@link ReferenceKernels#activationDerivative} are the double-precision definitions the tests hold these to.
 */
public final class Activations {
    private Activations() {
    }

    /** √(2/π), the tanh-GELU's inner scale. */
    static final double SQRT_2_OVER_PI = 0.7978845608028654;
    /** The tanh-GELU's cubic coefficient. */
    static final double GELU_CUBIC = 0.044715;
    private static final double INV_SQRT_2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    /**
     * {@code out[b][i] = f(in[b][i])} for rows {@code [from, to)}, {@code i < n}.
     *
     * @param f the activation
     * @param out {@code [≥ to][≥ n]}, may be {@code in}
     * @param in  {@code [≥ to][≥ n]}
     * @param from first batch row
     * @param to end (exclusive) of the rows
     * @param n values per row: the layer's width
     */
    public static void forward(Activation f, float[][] out, float[][] in, int from, int to, int n) {
        switch (f.kind()) {
            case IDENTITY:
                if (out != in) {
                    for (int b = from; b < to; b++) {
                        System.arraycopy(in[b], 0, out[b], 0, n);
                    }
                }
                break;
            case RELU:
                for (int b = from; b < to; b++) {
                    Relu.forward(out[b], in[b], n);
                }
                break;
            case LEAKY_RELU:
                for (int b = from; b < to; b++) {
                    leakyReluForward(out[b], in[b], n, f.alpha());
                }
                break;
            case TANH:
                for (int b = from; b < to; b++) {
                    tanhForward(out[b], in[b], n);
                }
                break;
            case SIGMOID:
                for (int b = from; b < to; b++) {
                    sigmoidForward(out[b], in[b], n);
                }
                break;
            case GELU:
                for (int b = from; b < to; b++) {
                    geluForward(out[b], in[b], n);
                }
                break;
            default:
                for (int b = from; b < to; b++) {
                    geluTanhForward(out[b], in[b], n);
                }
                break;
        }
    }

    /**
     * {@code d[b][i] *= f'(in[b][i])}, in place, for rows {@code [from, to)}: the gradient with respect to the
     * activation's output becomes the gradient with respect to its input.
     *
     * @param f the activation of the forward pass
     * @param d   {@code [≥ to][≥ n]} gradient, in place
     * @param in  {@code [≥ to][≥ n]} the forward input (read by LeakyReLU and the GELUs)
     * @param out {@code [≥ to][≥ n]} the forward output (read by ReLU, tanh, sigmoid)
     * @param from first batch row
     * @param to end (exclusive) of the rows
     * @param n values per row: the layer's width
     */
    public static void backward(Activation f, float[][] d, float[][] in, float[][] out, int from, int to, int n) {
        switch (f.kind()) {
            case IDENTITY:
                break;
            case RELU:
                for (int b = from; b < to; b++) {
                    Relu.backward(d[b], out[b], n);
                }
                break;
            case LEAKY_RELU:
                for (int b = from; b < to; b++) {
                    leakyReluBackward(d[b], in[b], n, f.alpha());
                }
                break;
            case TANH:
                for (int b = from; b < to; b++) {
                    tanhBackward(d[b], out[b], n);
                }
                break;
            case SIGMOID:
                for (int b = from; b < to; b++) {
                    sigmoidBackward(d[b], out[b], n);
                }
                break;
            case GELU:
                for (int b = from; b < to; b++) {
                    geluBackward(d[b], in[b], n);
                }
                break;
            default:
                for (int b = from; b < to; b++) {
                    geluTanhBackward(d[b], in[b], n);
                }
                break;
        }
    }

    // ---- LeakyReLU: x ≥ 0 ? x : α·x -------------------------------------------------------------------------

    /** Branch-free: {@code max(x, 0) + α·min(x, 0)}. */
    static void leakyReluForward(float[] out, float[] in, int n, float alpha) {
        for (int i = 0; i < n; i++) {
            final float x = in[i];
            out[i] = Math.max(x, 0f) + alpha * Math.min(x, 0f);
        }
    }

    /** {@code d *= x > 0 ? 1 : α}, branch-free with {@link Relu}'s gate. */
    static void leakyReluBackward(float[] d, float[] in, int n, float alpha) {
        final float rest = 1f - alpha;
        for (int i = 0; i < n; i++) {
            d[i] *= alpha + rest * Relu.gate(in[i]);
        }
    }

    // ---- tanh ----------------------------------------------------------------------------------------------

    static void tanhForward(float[] out, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.tanh(in[i]);
        }
    }

    /** {@code d *= 1 − y²}. */
    static void tanhBackward(float[] d, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            final float y = out[i];
            d[i] *= 1f - y * y;
        }
    }

    // ---- sigmoid -------------------------------------------------------------------------------------------

    static void sigmoidForward(float[] out, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = sigmoid(in[i]);
        }
    }

    /** {@code d *= y·(1 − y)}. */
    static void sigmoidBackward(float[] d, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            final float y = out[i];
            d[i] *= y * (1f - y);
        }
    }

    /**
     * {@code 1 / (1 + e^−x)}, computed without overflow for either sign ({@code e^x / (1 + e^x)} below 0).
     *
     * @param x any float; ±∞ give 1 and 0
     * @return the logistic function of {@code x}, in [0, 1]
     */
    public static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        final double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    // ---- GELU, exact: x·Φ(x) ---------------------------------------------------------------------------------

    static void geluForward(float[] out, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            final double x = in[i];
            out[i] = (float) (0.5 * x * (1.0 + erf(x * INV_SQRT_2)));
        }
    }

    /** {@code d *= Φ(x) + x·φ(x)}. */
    static void geluBackward(float[] d, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            final double x = in[i];
            final double cdf = 0.5 * (1.0 + erf(x * INV_SQRT_2));
            final double pdf = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            d[i] *= (float) (cdf + x * pdf);
        }
    }

    /**
     * The error function, by the Chebyshev fit of {@code erfc} in Numerical Recipes (fractional error below
     * 1.2e-7 everywhere): float accuracy, which is what onnxruntime's float {@code Erf}/{@code Gelu} give too.
     *
     * @param x any value
     * @return erf(x) in [−1, 1], to a fractional error below 1.2e-7
     */
    public static double erf(double x) {
        final double z = Math.abs(x);
        final double t = 1.0 / (1.0 + 0.5 * z);
        final double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }

    // ---- GELU, tanh approximation ------------------------------------------------------------------------------

    static void geluTanhForward(float[] out, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            final double x = in[i];
            final double u = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
            out[i] = (float) (0.5 * x * (1.0 + Math.tanh(u)));
        }
    }

    /** {@code d *= ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)}, {@code t = tanh(√(2/π)(x + 0.044715x³))}. */
    static void geluTanhBackward(float[] d, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            final double x = in[i];
            final double t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x));
            final double du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * x * x);
            d[i] *= (float) (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du);
        }
    }
}
