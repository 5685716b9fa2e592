package dev.edgetrain.runtime.kernels;

/**
 * The sigmoid head and binary cross-entropy, per output: {@code P = σ(O)} and, for a target {@code t ∈ [0, 1]},
 * <pre>
 *   ℓ = −(w₁ · t · log σ(O) + w₀ · (1 − t) · log(1 − σ(O))) = w₁ · t · softplus(−O) + w₀ · (1 − t) · softplus(O)
 * </pre>
 * with {@code softplus(x) = max(x, 0) + log(1 + e^−|x|)}, so it stays finite where σ saturates (PyTorch's
 * {@code BCEWithLogitsLoss}). {@code w₀}, {@code w₁} weight the negative and positive targets (1 and 1 for the
 * plain loss). The fused backward is {@code σ(O) − t} when both weights are 1.
 */
public final class SigmoidCrossEntropy {
    private SigmoidCrossEntropy() {
    }

    /**
     * {@code probs = σ(logits)} for {@code count} values and the summed loss.
     *
     * @param probs   {@code [count]} at {@code pOff}, written
     * @param pOff index of the first probability written in {@code probs}
     * @param logits  {@code [count]} at {@code lOff}
     * @param lOff index of the first logit in {@code logits}
     * @param targets {@code [count]} at {@code tOff}, each in [0, 1] (not checked here)
     * @param tOff index of the first target in {@code targets}
     * @param count values (rows × outputs) to compute
     * @param negativeWeight w₀, the weight of a target's {@code 1 − t} part; 1 for the plain loss
     * @param positiveWeight w₁, the weight of a target's {@code t} part; 1 for the plain loss
     * @return {@code Σ ℓ} over the {@code count} values (the caller divides for the mean)
     */
    public static double forward(float[] probs, int pOff, float[] logits, int lOff, float[] targets, int tOff,
                                 int count, float negativeWeight, float positiveWeight) {
        double loss = 0;
        for (int i = 0; i < count; i++) {
            final float z = logits[lOff + i];
            final float t = targets[tOff + i];
            probs[pOff + i] = Activations.sigmoid(z);
            final double tail = Math.log1p(Math.exp(-Math.abs(z)));
            final double softplusPos = Math.max(z, 0f) + tail; // −log(1 − σ(z))
            final double softplusNeg = Math.max(-z, 0f) + tail; // −log σ(z)
            loss += positiveWeight * t * softplusNeg + negativeWeight * (1.0 - t) * softplusPos;
        }
        return loss;
    }

    /**
     * {@code dO[b][k] = scale · (σ_k · (w₁·t_k + w₀·(1 − t_k)) − w₁·t_k)}, which is {@code scale · (P_k − t_k)} for
     * unit weights, for rows {@code [0, batch)} of {@code width} outputs.
     *
     * @param dLogits {@code [batch][≥ width]}, overwritten
     * @param probs   {@code [batch][width]} at {@code pOff}
     * @param pOff index of row 0's first probability in {@code probs}
     * @param targets {@code [batch][width]} at {@code tOff}
     * @param tOff index of row 0's first target in {@code targets}
     * @param batch rows, from 0
     * @param width outputs per row
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     * @param negativeWeight w₀, the weight of a target's {@code 1 − t} part; 1 for the plain loss
     * @param positiveWeight w₁, the weight of a target's {@code t} part; 1 for the plain loss
     */
    public static void backward(float[][] dLogits, float[] probs, int pOff, float[] targets, int tOff, int batch,
                                int width, float scale, float negativeWeight, float positiveWeight) {
        for (int b = 0; b < batch; b++) {
            final float[] d = dLogits[b];
            final int p0 = pOff + b * width;
            final int t0 = tOff + b * width;
            for (int k = 0; k < width; k++) {
                final float p = probs[p0 + k];
                final float t = targets[t0 + k];
                if (negativeWeight == 1f && positiveWeight == 1f) {
                    d[k] = scale * (p - t);
                } else {
                    d[k] = scale * (p * (positiveWeight * t + negativeWeight * (1f - t)) - positiveWeight * t);
                }
            }
        }
    }
}
