package dev.edgetrain.runtime.kernels;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Rng;

/**
 * Naive kernels, written for obviousness, not speed: the definitions the fast kernels are tested against.
 * Flat arrays addressed by offset (the fast {@link Dense} works on one array per row), {@code W} in its
 * stored layout {@code [outDim][inDim]}. Every twin of a kernel added with the layer core (activations and
 * their derivatives, layer norm, dropout, the sigmoid, regression and weighted softmax losses) computes in
 * double straight from the definition, with its own {@link #erf} (not {@link Activations#erf}), and writes
 * {@code double[]} results, so a test can tell the fast kernel's float rounding from a mistake.
 *
 * <p>The two founding-equation kernels compute the gradients of {@code J = log P_c} for one sample of the
 * one-hidden-layer, bias-free network literally as the founding document writes them.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {
    }

    /**
     * {@code out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i]}, with {@code W [outDim][inDim]}; bias may be null.
     *
     * @param out {@code [batch][outDim]} at {@code outOff}, overwritten
     * @param outOff offset of {@code out}'s first value
     * @param in {@code [batch][inDim]} at {@code inOff}
     * @param inOff offset of {@code in}'s first value
     * @param weight {@code W [outDim][inDim]} at {@code wOff}
     * @param wOff offset of {@code weight}'s first value
     * @param bias {@code [outDim]} at {@code bOff}, or null for none
     * @param bOff offset of {@code bias}'s first value
     * @param batch rows, from 0
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     */
    public static void denseForward(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                    float[] bias, int bOff, int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outDim; o++) {
                float s = bias == null ? 0f : bias[bOff + o];
                for (int i = 0; i < inDim; i++) {
                    s += in[inOff + b * inDim + i] * weight[wOff + o * inDim + i];
                }
                out[outOff + b * outDim + o] = s;
            }
        }
    }

    /**
     * {@code dWeight[o][i] += Σ_b dOut[b][o]·in[b][i]}, {@code dBias[o] += Σ_b dOut[b][o]} (accumulate) and
     * {@code dIn[b][i] = Σ_o dOut[b][o]·W[o][i]} (overwritten); any output may be null.
     *
     * @param dIn {@code [batch][inDim]} at {@code dInOff}, overwritten; or null
     * @param dInOff offset of {@code dIn}'s first value
     * @param dWeight {@code [outDim][inDim]} at {@code dwOff}, accumulated; or null
     * @param dwOff offset of {@code dWeight}'s first value
     * @param dBias {@code [outDim]} at {@code dbOff}, accumulated; or null
     * @param dbOff offset of {@code dBias}'s first value
     * @param dOut {@code [batch][outDim]} at {@code dOutOff}: the gradient of the layer's output
     * @param dOutOff offset of {@code dOut}'s first value
     * @param in {@code [batch][inDim]} at {@code inOff}: the forward input
     * @param inOff offset of {@code in}'s first value
     * @param weight {@code W [outDim][inDim]} at {@code wOff}
     * @param wOff offset of {@code weight}'s first value
     * @param batch rows, from 0
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     */
    public static void denseBackward(float[] dIn, int dInOff, float[] dWeight, int dwOff, float[] dBias, int dbOff,
                                     float[] dOut, int dOutOff, float[] in, int inOff, float[] weight, int wOff,
                                     int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outDim; o++) {
                final float d = dOut[dOutOff + b * outDim + o];
                if (dBias != null) {
                    dBias[dbOff + o] += d;
                }
                if (dWeight != null) {
                    for (int i = 0; i < inDim; i++) {
                        dWeight[dwOff + o * inDim + i] += d * in[inOff + b * inDim + i];
                    }
                }
            }
            if (dIn != null) {
                for (int i = 0; i < inDim; i++) {
                    float s = 0f;
                    for (int o = 0; o < outDim; o++) {
                        s += dOut[dOutOff + b * outDim + o] * weight[wOff + o * inDim + i];
                    }
                    dIn[dInOff + b * inDim + i] = s;
                }
            }
        }
    }

    /**
     * {@code out[i] = max(0, in[i])} for {@code n} values.
     *
     * @param out {@code [n]} at {@code outOff}, overwritten
     * @param outOff offset of {@code out}'s first value
     * @param in {@code [n]} at {@code inOff}
     * @param inOff offset of {@code in}'s first value
     * @param n values per row: the layer's width
     */
    public static void reluForward(float[] out, int outOff, float[] in, int inOff, int n) {
        for (int i = 0; i < n; i++) {
            final float a = in[inOff + i];
            out[outOff + i] = a > 0f ? a : 0f;
        }
    }

    /**
     * {@code dIn[i] = 1[A_i > 0] · dOut[i]}, tested on the pre-activation {@code A} itself.
     *
     * @param dIn {@code [n]} at {@code dInOff}, overwritten
     * @param dInOff offset of {@code dIn}'s first value
     * @param dOut {@code [n]} at {@code dOutOff}
     * @param dOutOff offset of {@code dOut}'s first value
     * @param preActivation {@code A [n]} at {@code aOff}
     * @param aOff offset of {@code preActivation}'s first value
     * @param n values per row: the layer's width
     */
    public static void reluBackward(float[] dIn, int dInOff, float[] dOut, int dOutOff, float[] preActivation,
                                    int aOff, int n) {
        for (int i = 0; i < n; i++) {
            dIn[dInOff + i] = preActivation[aOff + i] > 0f ? dOut[dOutOff + i] : 0f;
        }
    }

    /**
     * Softmax and summed cross-entropy in double precision, straight from the definitions.
     *
     * @param probs {@code [batch][classes]} at {@code pOff}, written
     * @param pOff offset of {@code probs}'s first value
     * @param logits {@code [batch][classes]} at {@code lOff}
     * @param lOff offset of {@code logits}'s first value
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}
     * @param yOff offset of {@code labels}'s first value
     * @param batch rows, from 0
     * @param classes values per row K, at least 1
     * @return {@code Σ_b −log P[b][c_b]}
     */
    public static double softmaxCrossEntropyForward(float[] probs, int pOff, float[] logits, int lOff, int[] labels,
                                                    int yOff, int batch, int classes) {
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[lOff + b * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[lOff + b * classes + k] - max);
            }
            for (int k = 0; k < classes; k++) {
                probs[pOff + b * classes + k] = (float) (Math.exp(logits[lOff + b * classes + k] - max) / sum);
            }
            loss -= logits[lOff + b * classes + labels[yOff + b]] - max - Math.log(sum);
        }
        return loss;
    }

    /**
     * {@code dO[b][k] = scale · (P[b][k] − y[b][k])} with an explicit one-hot {@code y}.
     *
     * @param dLogits {@code [batch][classes]} at {@code dOff}, overwritten
     * @param dOff offset of {@code dLogits}'s first value
     * @param probs {@code [batch][classes]} at {@code pOff}
     * @param pOff offset of {@code probs}'s first value
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}
     * @param yOff offset of {@code labels}'s first value
     * @param batch rows, from 0
     * @param classes values per row K, at least 1
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     */
    public static void softmaxCrossEntropyBackward(float[] dLogits, int dOff, float[] probs, int pOff, int[] labels,
                                                   int yOff, int batch, int classes, float scale) {
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < classes; k++) {
                final float y = labels[yOff + b] == k ? 1f : 0f;
                dLogits[dOff + b * classes + k] = scale * (probs[pOff + b * classes + k] - y);
            }
        }
    }

    // ---- the error function, independent of Activations.erf --------------------------------------------------

    /** Below this the series, above it the continued fraction: each converges fast on its side. */
    private static final double ERF_SERIES_LIMIT = 1.5;
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    /**
     * The error function in double: {@code 1 − }{@link #erfc} for {@code |x| ≥ 1.5}, below that the series
     * {@code erf(z) = (2/√π)·e^(−z²)·Σ_n (2z²)^n·z / (1·3·…·(2n + 1))} (Abramowitz and Stegun 7.1.6), whose terms
     * are all positive, so nothing cancels.
     *
     * @param x any value
     * @return erf(x), in [−1, 1]
     */
    public static double erf(double x) {
        final double z = Math.abs(x);
        final double e = z < ERF_SERIES_LIMIT ? erfSeries(z) : 1.0 - erfcContinuedFraction(z);
        return x < 0 ? -e : e;
    }

    /**
     * The complementary error function {@code 1 − erf(x)} in double, accurate relative to its own value where it
     * is tiny: {@code 1 − } the series below {@code x = 1.5}, Laplace's continued fraction
     * {@code erfc(z) = (e^(−z²)/√π) / (z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …)))))} above it, and
     * {@code 2 − erfc(−x)} for negative {@code x}.
     *
     * @param x any value
     * @return {@code 1 − erf(x)}, in [0, 2]
     */
    public static double erfc(double x) {
        if (x < 0) {
            return 2.0 - erfc(-x);
        }
        return x < ERF_SERIES_LIMIT ? 1.0 - erfSeries(x) : erfcContinuedFraction(x);
    }

    private static double erfSeries(double z) {
        final double twoZ2 = 2 * z * z;
        double term = z;
        double sum = z;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= twoZ2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
    }

    /** For {@code z ≥ 1.5}, evaluated from the 80th level up (converged to double precision there). */
    private static double erfcContinuedFraction(double z) {
        double tail = z;
        for (int k = 80; k >= 1; k--) {
            tail = z + (k / 2.0) / tail;
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / tail;
    }

    /**
     * The standard normal CDF {@code Φ(x) = ½·erfc(−x/√2)}, accurate where it is tiny.
     *
     * @param x any value
     * @return Φ(x), in [0, 1]
     */
    public static double gaussianCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2.0));
    }

    /**
     * The standard normal density {@code φ(x) = e^(−x²/2) / √(2π)}.
     *
     * @param x any value
     * @return φ(x), positive
     */
    public static double gaussianPdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    // ---- activations, in double, from their definitions ------------------------------------------------------

    /** The tanh-GELU's {@code u = √(2/π)·(x + 0.044715·x³)}. */
    private static double geluTanhInner(double x) {
        return Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
    }

    /** The logistic function {@code 1 / (1 + e^−x)}. */
    private static double logistic(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /**
     * {@code f(x)} in double: identity; {@code x > 0 ? x : 0}; LeakyReLU {@code x ≥ 0 ? x : α·x}; {@code tanh x};
     * {@code 1 / (1 + e^−x)}; GELU {@code x·Φ(x)} ({@link #gaussianCdf}); the tanh-GELU written as
     * {@code x·σ(2u)}, since {@code ½(1 + tanh u) = σ(2u)}, with {@code u = √(2/π)(x + 0.044715x³)}.
     *
     * @param f the activation
     * @param x any value
     * @return {@code f(x)}
     */
    public static double activationForward(Activation f, double x) {
        switch (f.kind()) {
            case IDENTITY:
                return x;
            case RELU:
                return x > 0 ? x : 0.0;
            case LEAKY_RELU:
                return x >= 0 ? x : (double) f.alpha() * x;
            case TANH:
                return Math.tanh(x);
            case SIGMOID:
                return logistic(x);
            case GELU:
                return x * gaussianCdf(x);
            default:
                return x * logistic(2 * geluTanhInner(x));
        }
    }

    /**
     * {@code f'(x)} in double, as a function of the input: 1; {@code 1[x > 0]}; {@code x > 0 ? 1 : α} (the
     * values PyTorch takes at the kink, 0); {@code 1/cosh²x}; {@code σ(x)·σ(−x)}; {@code Φ(x) + x·φ(x)}; and
     * {@code σ(2u) + x·σ(2u)·σ(−2u)·2u'} with {@code u' = √(2/π)(1 + 3·0.044715x²)}.
     *
     * @param f the activation
     * @param x any value
     * @return {@code f'(x)}
     */
    public static double activationDerivative(Activation f, double x) {
        switch (f.kind()) {
            case IDENTITY:
                return 1.0;
            case RELU:
                return x > 0 ? 1.0 : 0.0;
            case LEAKY_RELU:
                return x > 0 ? 1.0 : f.alpha();
            case TANH: {
                final double c = Math.cosh(x);
                return 1.0 / (c * c);
            }
            case SIGMOID:
                return logistic(x) * logistic(-x);
            case GELU:
                return gaussianCdf(x) + x * gaussianPdf(x);
            default: {
                final double u = geluTanhInner(x);
                final double du = Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * x * x);
                final double s = logistic(2 * u);
                return s + x * s * logistic(-2 * u) * 2 * du;
            }
        }
    }

    // ---- layer norm ----------------------------------------------------------------------------------------

    /**
     * Layer norm of {@code batch} rows of {@code in [batch][n]} at {@code inOff}, in double:
     * {@code out[b][i] = γ_i · (z_i − mean) / sqrt(var + ε) + β_i}, {@code var} the biased variance. {@code mean}
     * and {@code rstd} ({@code [batch]}, either may be null) get each row's mean and {@code 1/sqrt(var + ε)}.
     *
     * @param out   {@code [batch][n]}
     * @param mean {@code [batch]}, written; or null
     * @param rstd {@code [batch]}, written; or null
     * @param in {@code z [batch][n]} at {@code inOff}
     * @param inOff offset of {@code in}'s first value
     * @param gamma γ {@code [n]} at {@code gOff}
     * @param gOff offset of {@code gamma}'s first value
     * @param beta  β {@code [n]} at {@code bOff}
     * @param bOff offset of {@code beta}'s first value
     * @param batch rows, from 0
     * @param n values per row: the layer's width
     * @param epsilon ε added to the variance, positive
     */
    public static void layerNormForward(double[] out, double[] mean, double[] rstd, float[] in, int inOff,
                                        float[] gamma, int gOff, float[] beta, int bOff, int batch, int n,
                                        double epsilon) {
        for (int b = 0; b < batch; b++) {
            final int r0 = inOff + b * n;
            double m = 0;
            for (int i = 0; i < n; i++) {
                m += in[r0 + i];
            }
            m /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (in[r0 + i] - m) * (in[r0 + i] - m);
            }
            var /= n;
            final double r = 1.0 / Math.sqrt(var + epsilon);
            for (int i = 0; i < n; i++) {
                out[b * n + i] = gamma[gOff + i] * ((in[r0 + i] - m) * r) + beta[bOff + i];
            }
            if (mean != null) {
                mean[b] = m;
            }
            if (rstd != null) {
                rstd[b] = r;
            }
        }
    }

    /**
     * The layer norm's backward in double through its Jacobian {@code ∂ẑ_i/∂z_j = rstd·(δ_ij − 1/n − ẑ_i·ẑ_j/n)}
     * (ẑ the normalised row before γ, β): {@code dIn[b][j] = Σ_i dOut[b][i]·γ_i·∂ẑ_i/∂z_j} (overwritten),
     * {@code dGamma[i] += Σ_b dOut[b][i]·ẑ_i} and {@code dBeta[i] += Σ_b dOut[b][i]} (accumulated; either may be null).
     *
     * @param dIn  {@code [batch][n]}
     * @param dGamma {@code [n]}, accumulated; or null
     * @param dBeta {@code [n]}, accumulated; or null
     * @param dOut {@code [batch][n]} at {@code dOff}
     * @param dOff offset of {@code dOut}'s first value
     * @param in   the forward input {@code z [batch][n]} at {@code inOff}
     * @param inOff offset of {@code in}'s first value
     * @param gamma γ {@code [n]} at {@code gOff}
     * @param gOff offset of {@code gamma}'s first value
     * @param batch rows, from 0
     * @param n values per row: the layer's width
     * @param epsilon ε added to the variance, positive
     */
    public static void layerNormBackward(double[] dIn, double[] dGamma, double[] dBeta, float[] dOut, int dOff,
                                         float[] in, int inOff, float[] gamma, int gOff, int batch, int n,
                                         double epsilon) {
        final double[] xhat = new double[n];
        for (int b = 0; b < batch; b++) {
            final int r0 = inOff + b * n;
            double m = 0;
            for (int i = 0; i < n; i++) {
                m += in[r0 + i];
            }
            m /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (in[r0 + i] - m) * (in[r0 + i] - m);
            }
            final double r = 1.0 / Math.sqrt(var / n + epsilon);
            for (int i = 0; i < n; i++) {
                xhat[i] = (in[r0 + i] - m) * r;
            }
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    final double jacobian = r * ((i == j ? 1 : 0) - 1.0 / n - xhat[i] * xhat[j] / n);
                    s += dOut[dOff + b * n + i] * (double) gamma[gOff + i] * jacobian;
                }
                dIn[b * n + j] = s;
            }
            for (int i = 0; i < n; i++) {
                if (dGamma != null) {
                    dGamma[i] += dOut[dOff + b * n + i] * xhat[i];
                }
                if (dBeta != null) {
                    dBeta[i] += dOut[dOff + b * n + i];
                }
            }
        }
    }

    // ---- dropout -------------------------------------------------------------------------------------------

    /**
     * An inverted-dropout mask of {@code count} values in order: for each, {@code u} uniform in [0, 1) from
     * {@code rng}; dropped ({@code 0}) when {@code u < rate}, which happens with probability {@code rate}, else
     * kept and scaled by {@code 1/(1 − rate)} so the expected output is the input.
     *
     * @param mask {@code [count]} at {@code off}, overwritten with 0 or {@code 1/(1 − rate)}
     * @param off offset of {@code mask}'s first value
     * @param count values to compute
     * @param rate the dropout rate p, in [0, 1)
     * @param rng the generator; {@code count} floats are drawn from it, in order
     */
    public static void dropoutMask(float[] mask, int off, int count, float rate, Rng rng) {
        for (int i = 0; i < count; i++) {
            final boolean dropped = rng.nextFloat() < rate;
            mask[off + i] = dropped ? 0f : (float) (1.0 / (1.0 - rate));
        }
    }

    /**
     * {@code out[i] = in[i] · mask[i]} for {@code count} values: the forward pass of dropout, and its backward too
     * (the gradient passes where the value passed, scaled alike).
     *
     * @param out {@code [count]} at {@code outOff}, overwritten
     * @param outOff offset of {@code out}'s first value
     * @param in {@code [count]} at {@code inOff}
     * @param inOff offset of {@code in}'s first value
     * @param mask {@code [count]} at {@code mOff}, from {@link #dropoutMask}
     * @param mOff offset of {@code mask}'s first value
     * @param count values to compute
     */
    public static void dropoutApply(float[] out, int outOff, float[] in, int inOff, float[] mask, int mOff,
                                    int count) {
        for (int i = 0; i < count; i++) {
            out[outOff + i] = (float) ((double) in[inOff + i] * mask[mOff + i]);
        }
    }

    // ---- sigmoid + binary cross-entropy --------------------------------------------------------------------

    /**
     * {@code −log σ(z) = log(1 + e^−z)}, as {@code −z + log(1 + e^z)} for negative {@code z} so no exponent
     * overflows.
     */
    private static double minusLogSigmoid(double z) {
        return z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    }

    /**
     * Binary cross-entropy of {@code count} logits in double:
     * {@code Σ_i w₁·t_i·(−log σ(z_i)) + w₀·(1 − t_i)·(−log(1 − σ(z_i)))}, with {@code 1 − σ(z) = σ(−z)}.
     * {@code probs} ({@code [count]}, may be null) gets {@code σ(z)}.
     *
     * @param probs {@code [count]}, written; or null
     * @param logits {@code [count]} at {@code lOff}
     * @param lOff offset of {@code logits}'s first value
     * @param targets {@code [count]} at {@code tOff}, each in [0, 1]
     * @param tOff offset of {@code targets}'s first value
     * @param count values to compute
     * @param negativeWeight w₀, the weight of a target's {@code 1 − t} part; 1 for the plain loss
     * @param positiveWeight w₁, the weight of a target's {@code t} part; 1 for the plain loss
     * @return the summed loss
     */
    public static double sigmoidCrossEntropyForward(double[] probs, float[] logits, int lOff, float[] targets,
                                                    int tOff, int count, double negativeWeight,
                                                    double positiveWeight) {
        double loss = 0;
        for (int i = 0; i < count; i++) {
            final double z = logits[lOff + i];
            final double t = targets[tOff + i];
            if (probs != null) {
                probs[i] = logistic(z);
            }
            loss += positiveWeight * t * minusLogSigmoid(z) + negativeWeight * (1 - t) * minusLogSigmoid(-z);
        }
        return loss;
    }

    /**
     * {@code dZ[i] = scale · ∂ℓ_i/∂z_i} of {@link #sigmoidCrossEntropyForward}, from {@code ∂(−log σ(z))/∂z = σ(z) − 1}
     * and {@code ∂(−log(1 − σ(z)))/∂z = σ(z)}: {@code scale · (w₁·t·(σ − 1) + w₀·(1 − t)·σ)}.
     *
     * @param dLogits {@code [count]}, overwritten
     * @param logits {@code [count]} at {@code lOff}
     * @param lOff offset of {@code logits}'s first value
     * @param targets {@code [count]} at {@code tOff}, each in [0, 1]
     * @param tOff offset of {@code targets}'s first value
     * @param count values to compute
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     * @param negativeWeight w₀, the weight of a target's {@code 1 − t} part; 1 for the plain loss
     * @param positiveWeight w₁, the weight of a target's {@code t} part; 1 for the plain loss
     */
    public static void sigmoidCrossEntropyBackward(double[] dLogits, float[] logits, int lOff, float[] targets,
                                                   int tOff, int count, double scale, double negativeWeight,
                                                   double positiveWeight) {
        for (int i = 0; i < count; i++) {
            final double s = logistic(logits[lOff + i]);
            final double t = targets[tOff + i];
            dLogits[i] = scale * (positiveWeight * t * (s - 1) + negativeWeight * (1 - t) * s);
        }
    }

    // ---- regression losses ---------------------------------------------------------------------------------

    /**
     * {@code Σ (o − t)²} over {@code count} values, in double.
     *
     * @param out {@code [count]} at {@code oOff}
     * @param oOff offset of {@code out}'s first value
     * @param targets {@code [count]} at {@code tOff}
     * @param tOff offset of {@code targets}'s first value
     * @param count values to compute
     * @return the sum of squared residuals
     */
    public static double squaredErrorSum(float[] out, int oOff, float[] targets, int tOff, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            final double r = (double) out[oOff + i] - targets[tOff + i];
            sum += r * r;
        }
        return sum;
    }

    /**
     * {@code dO[i] = scale · ∂(o − t)²/∂o = scale · 2(o − t)}, in double.
     *
     * @param dOut {@code [count]}, overwritten
     * @param out {@code [count]} at {@code oOff}
     * @param oOff offset of {@code out}'s first value
     * @param targets {@code [count]} at {@code tOff}
     * @param tOff offset of {@code targets}'s first value
     * @param count values to compute
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     */
    public static void squaredErrorBackward(double[] dOut, float[] out, int oOff, float[] targets, int tOff,
                                            int count, double scale) {
        for (int i = 0; i < count; i++) {
            dOut[i] = scale * 2 * ((double) out[oOff + i] - targets[tOff + i]);
        }
    }

    /**
     * {@code Σ huber_δ(o − t)}, {@code huber_δ(r) = |r| ≤ δ ? r²/2 : δ·(|r| − δ/2)}, in double.
     *
     * @param out {@code [count]} at {@code oOff}
     * @param oOff offset of {@code out}'s first value
     * @param targets {@code [count]} at {@code tOff}
     * @param tOff offset of {@code targets}'s first value
     * @param count values to compute
     * @param delta the Huber threshold δ, positive
     * @return the summed Huber loss
     */
    public static double huberSum(float[] out, int oOff, float[] targets, int tOff, int count, double delta) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            final double r = (double) out[oOff + i] - targets[tOff + i];
            sum += Math.abs(r) <= delta ? r * r / 2 : delta * (Math.abs(r) - delta / 2);
        }
        return sum;
    }

    /**
     * {@code dO[i] = scale · huber_δ'(o − t)}: {@code r} within δ, else {@code δ·sign(r)}, in double.
     *
     * @param dOut {@code [count]}, overwritten
     * @param out {@code [count]} at {@code oOff}
     * @param oOff offset of {@code out}'s first value
     * @param targets {@code [count]} at {@code tOff}
     * @param tOff offset of {@code targets}'s first value
     * @param count values to compute
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     * @param delta the Huber threshold δ, positive
     */
    public static void huberBackward(double[] dOut, float[] out, int oOff, float[] targets, int tOff, int count,
                                     double scale, double delta) {
        for (int i = 0; i < count; i++) {
            final double r = (double) out[oOff + i] - targets[tOff + i];
            dOut[i] = scale * (Math.abs(r) <= delta ? r : delta * Math.signum(r));
        }
    }

    // ---- weighted, label-smoothed softmax cross-entropy -----------------------------------------------------

    /**
     * Softmax and PyTorch's {@code cross_entropy(weight=w, label_smoothing=ε)} summed over the rows, before its
     * division by {@link #classWeightSum}, in double:
     * {@code Σ_b [(1 − ε)·w_c·(−log p_c) + (ε/K)·Σ_k w_k·(−log p_k)]}, {@code c = labels[b]}, {@code K = classes},
     * {@code −log p_k = log Σ_j e^(O_j − m) + m − O_k} with {@code m} the row's largest logit.
     *
     * @param probs   {@code [batch][classes]}, or null
     * @param logits {@code [batch][classes]} at {@code lOff}
     * @param lOff offset of {@code logits}'s first value
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}
     * @param yOff offset of {@code labels}'s first value
     * @param batch rows, from 0
     * @param classes values per row K, at least 1
     * @param weights {@code [classes]}, or null for all 1
     * @param smoothing the label smoothing ε, in [0, 1)
     * @return the summed loss, before the division by {@link #classWeightSum}
     */
    public static double weightedSoftmaxCrossEntropyForward(double[] probs, float[] logits, int lOff, int[] labels,
                                                            int yOff, int batch, int classes, float[] weights,
                                                            double smoothing) {
        final double[] minusLogP = new double[classes];
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            softmaxRow(probs, minusLogP, logits, lOff + b * classes, b * classes, classes);
            final int c = labels[yOff + b];
            double smooth = 0;
            for (int k = 0; k < classes; k++) {
                smooth += weight(weights, k) * minusLogP[k];
            }
            loss += (1 - smoothing) * weight(weights, c) * minusLogP[c] + smoothing / classes * smooth;
        }
        return loss;
    }

    /**
     * PyTorch's divisor of the weighted mean: {@code Σ_b w[labels[b]]} ({@code batch} without weights).
     *
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}
     * @param yOff offset of {@code labels}'s first value
     * @param batch rows, from 0
     * @param weights {@code [classes]}, or null for all 1
     * @return the summed weights of the rows' classes, or {@code batch}
     */
    public static double classWeightSum(int[] labels, int yOff, int batch, float[] weights) {
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            sum += weight(weights, labels[yOff + b]);
        }
        return sum;
    }

    /**
     * {@code scale ·} the gradient of {@link #weightedSoftmaxCrossEntropyForward} with respect to the logits, in
     * double, from the definitions: row {@code b}'s loss is {@code Σ_j a_j·(−log p_j)} with the target weights
     * {@code a_j = (1 − ε)·w_c·1[j = c] + (ε/K)·w_j}, and {@code ∂(−log p_j)/∂O_k = p_k − 1[j = k]}, so
     * {@code dO[b][k] = scale · Σ_j a_j·(p_k − 1[j = k])}.
     *
     * @param dLogits {@code [batch][classes]}
     * @param logits {@code [batch][classes]} at {@code lOff}
     * @param lOff offset of {@code logits}'s first value
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}
     * @param yOff offset of {@code labels}'s first value
     * @param batch rows, from 0
     * @param classes values per row K, at least 1
     * @param weights {@code [classes]}, or null for all 1
     * @param smoothing the label smoothing ε, in [0, 1)
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     */
    public static void weightedSoftmaxCrossEntropyBackward(double[] dLogits, float[] logits, int lOff, int[] labels,
                                                           int yOff, int batch, int classes, float[] weights,
                                                           double smoothing, double scale) {
        final double[] p = new double[classes];
        final double[] minusLogP = new double[classes];
        for (int b = 0; b < batch; b++) {
            softmaxRow(p, minusLogP, logits, lOff + b * classes, 0, classes);
            final int c = labels[yOff + b];
            for (int k = 0; k < classes; k++) {
                double s = 0;
                for (int j = 0; j < classes; j++) {
                    final double a = (1 - smoothing) * weight(weights, c) * (j == c ? 1 : 0)
                            + smoothing / classes * weight(weights, j);
                    s += a * (p[k] - (j == k ? 1 : 0));
                }
                dLogits[b * classes + k] = scale * s;
            }
        }
    }

    private static double weight(float[] weights, int k) {
        return weights == null ? 1.0 : weights[k];
    }

    /** One row's softmax into {@code probs} at {@code pOff} (unless null), {@code −log p_k} into {@code minusLogP}. */
    private static void softmaxRow(double[] probs, double[] minusLogP, float[] logits, int l0, int pOff, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, logits[l0 + k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(logits[l0 + k] - max);
        }
        final double logSum = max + Math.log(sum);
        for (int k = 0; k < classes; k++) {
            minusLogP[k] = logSum - logits[l0 + k];
            if (probs != null) {
                probs[pOff + k] = Math.exp(logits[l0 + k] - max) / sum;
            }
        }
    }

    /**
     * Founding equation for the output weights: <b>{@code ∂J/∂V_kj = B_j (y_k − P_k)}</b>, one sample.
     *
     * @param dV {@code [classes][hidden]}, overwritten with the gradient of {@code J} (ascent direction)
     * @param hiddenOut {@code B [hidden]}
     * @param label the true class {@code c}; {@code y_k = 1[k = c]}
     * @param probs {@code P [classes]}
     * @param hidden the hidden layer's width
     * @param classes the output layer's width
     */
    public static void foundingOutputWeightGradient(float[] dV, float[] hiddenOut, int label, float[] probs,
                                                    int hidden, int classes) {
        for (int k = 0; k < classes; k++) {
            final float y = k == label ? 1f : 0f;
            for (int j = 0; j < hidden; j++) {
                dV[k * hidden + j] = hiddenOut[j] * (y - probs[k]);
            }
        }
    }

    /**
     * Founding equation for the hidden weights:
     * <b>{@code ∂J/∂W_ji = x_i · 1[A_j > 0] · Σ_k (y_k − P_k) V_kj}</b>, one sample.
     *
     * @param dW {@code [hidden][inputs]}, overwritten with the gradient of {@code J} (ascent direction)
     * @param x {@code [inputs]}
     * @param preActivation {@code A [hidden]}
     * @param label the true class {@code c}
     * @param probs {@code P [classes]}
     * @param v {@code V [classes][hidden]}
     * @param inputs the input width
     * @param hidden the hidden layer's width
     * @param classes the output layer's width
     */
    public static void foundingHiddenWeightGradient(float[] dW, float[] x, float[] preActivation, int label,
                                                    float[] probs, float[] v, int inputs, int hidden, int classes) {
        for (int j = 0; j < hidden; j++) {
            float back = 0f;
            for (int k = 0; k < classes; k++) {
                final float y = k == label ? 1f : 0f;
                back += (y - probs[k]) * v[k * hidden + j];
            }
            final float gate = preActivation[j] > 0f ? 1f : 0f;
            for (int i = 0; i < inputs; i++) {
                dW[j * inputs + i] = x[i] * gate * back;
            }
        }
    }
}
