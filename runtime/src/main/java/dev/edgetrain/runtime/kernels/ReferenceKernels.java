package dev.edgetrain.runtime.kernels;

/**
 * Naive kernels, written for obviousness, not speed: the definitions the fast kernels are tested against.
 * Flat arrays addressed by offset (the fast {@link Dense} works on one array per row), {@code W} in its
 * stored layout {@code [outDim][inDim]}.
 *
 * <p>The two founding-equation kernels compute the gradients of {@code J = log P_c} for one sample of the
 * one-hidden-layer, bias-free network literally as the founding document writes them.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {
    }

    /** {@code out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i]}, with {@code W [outDim][inDim]}; bias may be null. */
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

    public static void reluForward(float[] out, int outOff, float[] in, int inOff, int n) {
        for (int i = 0; i < n; i++) {
            final float a = in[inOff + i];
            out[outOff + i] = a > 0f ? a : 0f;
        }
    }

    /** {@code dIn[i] = 1[A_i > 0] · dOut[i]}, tested on the pre-activation {@code A} itself. */
    public static void reluBackward(float[] dIn, int dInOff, float[] dOut, int dOutOff, float[] preActivation,
                                    int aOff, int n) {
        for (int i = 0; i < n; i++) {
            dIn[dInOff + i] = preActivation[aOff + i] > 0f ? dOut[dOutOff + i] : 0f;
        }
    }

    /** Softmax and summed cross-entropy in double precision, straight from the definitions. */
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

    /** {@code dO[b][k] = scale · (P[b][k] − y[b][k])} with an explicit one-hot {@code y}. */
    public static void softmaxCrossEntropyBackward(float[] dLogits, int dOff, float[] probs, int pOff, int[] labels,
                                                   int yOff, int batch, int classes, float scale) {
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < classes; k++) {
                final float y = labels[yOff + b] == k ? 1f : 0f;
                dLogits[dOff + b * classes + k] = scale * (probs[pOff + b * classes + k] - y);
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
