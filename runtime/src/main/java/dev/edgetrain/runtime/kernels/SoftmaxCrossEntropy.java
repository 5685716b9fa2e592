package dev.edgetrain.runtime.kernels;

/**
 * {@code P = softmax(O)} and the cross-entropy {@code −J = −log P_c}, with the fused backward {@code P − y}.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /**
     * Row-wise softmax, numerically stable: {@code P[b][k] = exp(O[b][k] − m_b) / Σ_j exp(O[b][j] − m_b)}
     * with {@code m_b = max_k O[b][k]}, so no exponent overflows. {@code probs} may be {@code logits}.
     *
     * @param probs  {@code [batch][classes]} at {@code pOff}
     * @param pOff index of row 0's first probability in {@code probs}
     * @param logits {@code [batch][classes]} at {@code lOff}
     * @param lOff index of row 0's first logit in {@code logits}
     * @param batch rows, from 0
     * @param classes values per row, at least 1
     */
    public static void softmax(float[] probs, int pOff, float[] logits, int lOff, int batch, int classes) {
        for (int b = 0; b < batch; b++) {
            final int p0 = pOff + b * classes;
            final int l0 = lOff + b * classes;
            float max = logits[l0];
            for (int k = 1; k < classes; k++) {
                max = Math.max(max, logits[l0 + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                final float e = (float) Math.exp(logits[l0 + k] - max);
                probs[p0 + k] = e;
                sum += e;
            }
            final float inv = (float) (1.0 / sum);
            for (int k = 0; k < classes; k++) {
                probs[p0 + k] *= inv;
            }
        }
    }

    /**
     * Softmax of every row and the summed cross-entropy {@code Σ_b −log P[b][c_b]}, the loss taken by
     * log-sum-exp, {@code −log P_c = m + log Σ_j exp(O_j − m) − O_c}, so it stays finite where {@code P_c}
     * underflows to 0.
     *
     * @param probs  {@code [batch][classes]} at {@code pOff}, written
     * @param pOff index of row 0's first probability in {@code probs}
     * @param logits {@code [batch][classes]} at {@code lOff}
     * @param lOff index of row 0's first logit in {@code logits}
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}, not checked here
     * @param yOff index of row 0's label in {@code labels}
     * @param batch rows, from 0
     * @param classes values per row, at least 1
     * @return the sum over the batch of {@code −log P_c} (the caller divides by the batch for the mean)
     */
    public static double forward(float[] probs, int pOff, float[] logits, int lOff, int[] labels, int yOff,
                                 int batch, int classes) {
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            final int p0 = pOff + b * classes;
            final int l0 = lOff + b * classes;
            float max = logits[l0];
            for (int k = 1; k < classes; k++) {
                max = Math.max(max, logits[l0 + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                final float e = (float) Math.exp(logits[l0 + k] - max);
                probs[p0 + k] = e;
                sum += e;
            }
            final float inv = (float) (1.0 / sum);
            for (int k = 0; k < classes; k++) {
                probs[p0 + k] *= inv;
            }
            loss += max + Math.log(sum) - logits[l0 + labels[yOff + b]];
        }
        return loss;
    }

    /**
     * The fused softmax + cross-entropy backward: {@code dO[b][k] = scale · (P[b][k] − y[b][k])}, with
     * {@code y} the one-hot label. This is {@code −∂J/∂O_k = P_k − y_k} of the founding objective
     * {@code J = log P_c}; with {@code scale = 1/batch} it is the gradient of the mean loss.
     *
     * @param dLogits {@code [batch][≥ classes]}, overwritten
     * @param probs   {@code [batch][classes]} at {@code pOff}
     * @param pOff index of row 0's first probability in {@code probs}
     * @param labels  {@code [batch]} at {@code yOff}
     * @param yOff index of row 0's label in {@code labels}
     * @param batch rows, from 0
     * @param classes values per row
     * @param scale the factor on every gradient: {@code 1/batch} for the mean loss
     */
    public static void backward(float[][] dLogits, float[] probs, int pOff, int[] labels, int yOff, int batch,
                                int classes, float scale) {
        for (int b = 0; b < batch; b++) {
            final float[] d = dLogits[b];
            final int p0 = pOff + b * classes;
            for (int k = 0; k < classes; k++) {
                d[k] = scale * probs[p0 + k];
            }
            d[labels[yOff + b]] -= scale;
        }
    }

    /**
     * Softmax of every row and the summed weighted, smoothed cross-entropy, PyTorch's
     * {@code cross_entropy(weight=w, label_smoothing=ε)} before its division by {@link #weightSum}:
     * <pre>
     *   ℓ_b = (1 − ε) · w_c · (−log P_c) + (ε / K) · Σ_k w_k · (−log P_k)      c = labels[b], K = classes
     * </pre>
     * with {@code −log P_k = m + log Σ_j exp(O_j − m) − O_k} (log-sum-exp). {@code weights == null} means all 1;
     * with no weights and {@code ε = 0} this is {@link #forward(float[], int, float[], int, int[], int, int, int)}.
     *
     * @param probs {@code [batch][classes]} at {@code pOff}, written
     * @param pOff index of row 0's first probability in {@code probs}
     * @param logits {@code [batch][classes]} at {@code lOff}
     * @param lOff index of row 0's first logit in {@code logits}
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}, not checked here
     * @param yOff index of row 0's label in {@code labels}
     * @param batch rows, from 0
     * @param classes values per row K, at least 1
     * @param weights {@code [classes]} or {@code null}
     * @param smoothing the label smoothing ε, in [0, 1)
     * @return {@code Σ_b ℓ_b}, in double (the caller divides by {@link #weightSum} for the mean)
     */
    public static double forward(float[] probs, int pOff, float[] logits, int lOff, int[] labels, int yOff,
                                 int batch, int classes, float[] weights, float smoothing) {
        if (weights == null && smoothing == 0f) {
            return forward(probs, pOff, logits, lOff, labels, yOff, batch, classes);
        }
        softmax(probs, pOff, logits, lOff, batch, classes);
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            final int l0 = lOff + b * classes;
            float max = logits[l0];
            for (int k = 1; k < classes; k++) {
                max = Math.max(max, logits[l0 + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[l0 + k] - max);
            }
            final double logSum = max + Math.log(sum);
            final int c = labels[yOff + b];
            final double wc = weights == null ? 1.0 : weights[c];
            double smooth = 0;
            if (smoothing != 0f) {
                for (int k = 0; k < classes; k++) {
                    smooth += (weights == null ? 1.0 : weights[k]) * (logSum - logits[l0 + k]);
                }
            }
            loss += (1.0 - smoothing) * wc * (logSum - logits[l0 + c]) + smoothing / classes * smooth;
        }
        return loss;
    }

    /**
     * {@code Σ_b w[labels[b]]}, PyTorch's divisor of a weighted mean; {@code batch} without weights.
     *
     * @param labels {@code [batch]} at {@code yOff}: class indices into {@code weights}
     * @param yOff index of row 0's label in {@code labels}
     * @param batch rows, from 0
     * @param weights {@code [classes]} or {@code null}
     * @return the summed weights of the rows' classes, or {@code batch}
     */
    public static double weightSum(int[] labels, int yOff, int batch, float[] weights) {
        if (weights == null) {
            return batch;
        }
        double s = 0;
        for (int b = 0; b < batch; b++) {
            s += weights[labels[yOff + b]];
        }
        return s;
    }

    /**
     * The backward of {@link #forward(float[], int, float[], int, int[], int, int, int, float[], float)}:
     * <pre>
     *   dO[b][k] = scale · ((1 − ε) · w_c · (P_k − y_k) + (ε / K) · (W · P_k − w_k)),   W = Σ_j w_j
     * </pre>
     * Without weights this is {@code scale · (P_k − ((1 − ε) · y_k + ε / K))}: the fused {@code P − y} against the
     * smoothed one-hot label; with neither, exactly
     * {@link #backward(float[][], float[], int, int[], int, int, int, float)}.
     *
     * @param dLogits {@code [batch][≥ classes]}, overwritten
     * @param probs {@code [batch][classes]} at {@code pOff}, from the forward
     * @param pOff index of row 0's first probability in {@code probs}
     * @param labels {@code [batch]} at {@code yOff}: class indices in {@code [0, classes)}
     * @param yOff index of row 0's label in {@code labels}
     * @param batch rows, from 0
     * @param classes values per row K
     * @param scale the factor on every gradient: 1 / the {@link #weightSum} for the weighted mean
     * @param weights {@code [classes]} or {@code null} for all 1
     * @param smoothing the label smoothing ε, in [0, 1)
     */
    public static void backward(float[][] dLogits, float[] probs, int pOff, int[] labels, int yOff, int batch,
                                int classes, float scale, float[] weights, float smoothing) {
        if (weights == null && smoothing == 0f) {
            backward(dLogits, probs, pOff, labels, yOff, batch, classes, scale);
            return;
        }
        double total = classes;
        if (weights != null) {
            total = 0;
            for (int k = 0; k < classes; k++) {
                total += weights[k];
            }
        }
        final float eps = smoothing;
        final float perClass = eps / classes;
        for (int b = 0; b < batch; b++) {
            final float[] d = dLogits[b];
            final int p0 = pOff + b * classes;
            final int c = labels[yOff + b];
            final float wc = weights == null ? 1f : weights[c];
            for (int k = 0; k < classes; k++) {
                final float p = probs[p0 + k];
                final float wk = weights == null ? 1f : weights[k];
                final float y = k == c ? 1f : 0f;
                d[k] = scale * ((1f - eps) * wc * (p - y) + perClass * ((float) total * p - wk));
            }
        }
    }

    /**
     * Index of the largest value in row {@code b} of {@code values [batch][classes]}; the first on ties.
     *
     * @param values {@code [batch][classes]} at {@code off}
     * @param off index of row 0's first value in {@code values}
     * @param b the row
     * @param classes values per row, at least 1
     * @return a class index in {@code [0, classes)}
     */
    public static int argmax(float[] values, int off, int b, int classes) {
        final int r0 = off + b * classes;
        int best = 0;
        float max = values[r0];
        for (int k = 1; k < classes; k++) {
            if (values[r0 + k] > max) {
                max = values[r0 + k];
                best = k;
            }
        }
        return best;
    }
}
