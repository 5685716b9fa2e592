package dev.edgetrain.runtime.kernels;

/**
 * Losses of a regression head (identity output), per value with residual {@code r = O − t}:
 * <ul>
 *   <li>squared error {@code r²} (PyTorch's {@code MSELoss}); gradient {@code 2r};</li>
 *   <li>Huber with threshold δ: {@code ½r²} for {@code |r| ≤ δ}, else {@code δ·(|r| − ½δ)} (PyTorch's
 *       {@code HuberLoss}); gradient {@code clamp(r, −δ, δ)}.</li>
 * </ul>
 * Forward passes return the sum over the values; the caller divides by their count for the mean.
 */
public final class RegressionLoss {
    private RegressionLoss() {
    }

    /**
     * {@code Σ (O − t)²} over {@code count} values.
     *
     * @param out the outputs {@code O}, {@code [count]} at {@code oOff}
     * @param oOff index of the first output in {@code out}
     * @param targets {@code [count]} at {@code tOff}
     * @param tOff index of the first target in {@code targets}
     * @param count values (rows × outputs) to sum over
     * @return the sum of squared residuals, in double
     */
    public static double squaredError(float[] out, int oOff, float[] targets, int tOff, int count) {
        double loss = 0;
        for (int i = 0; i < count; i++) {
            final double r = (double) out[oOff + i] - targets[tOff + i];
            loss += r * r;
        }
        return loss;
    }

    /**
     * {@code dO[b][k] = scale · 2 · (O − t)} for rows {@code [0, batch)} of {@code width} values.
     *
     * @param dOut    {@code [batch][≥ width]}, overwritten
     * @param out     {@code [batch][width]} at {@code oOff}
     * @param oOff index of row 0's first output in {@code out}
     * @param targets {@code [batch][width]} at {@code tOff}
     * @param tOff index of row 0's first target in {@code targets}
     * @param batch rows, from 0
     * @param width outputs per row
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     */
    public static void squaredErrorBackward(float[][] dOut, float[] out, int oOff, float[] targets, int tOff,
                                            int batch, int width, float scale) {
        final float twice = 2f * scale;
        for (int b = 0; b < batch; b++) {
            final float[] d = dOut[b];
            final int o0 = oOff + b * width;
            final int t0 = tOff + b * width;
            for (int k = 0; k < width; k++) {
                d[k] = twice * (out[o0 + k] - targets[t0 + k]);
            }
        }
    }

    /**
     * {@code Σ huber_δ(O − t)} over {@code count} values.
     *
     * @param out the outputs {@code O}, {@code [count]} at {@code oOff}
     * @param oOff index of the first output in {@code out}
     * @param targets {@code [count]} at {@code tOff}
     * @param tOff index of the first target in {@code targets}
     * @param count values (rows × outputs) to sum over
     * @param delta the threshold δ between the quadratic and the linear part, positive
     * @return the summed Huber loss, in double
     */
    public static double huber(float[] out, int oOff, float[] targets, int tOff, int count, float delta) {
        double loss = 0;
        for (int i = 0; i < count; i++) {
            final double r = Math.abs((double) out[oOff + i] - targets[tOff + i]);
            loss += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
        }
        return loss;
    }

    /**
     * {@code dO[b][k] = scale · clamp(O − t, −δ, δ)} for rows {@code [0, batch)} of {@code width} values.
     *
     * @param dOut {@code [batch][≥ width]}, overwritten
     * @param out {@code [batch][width]} at {@code oOff}
     * @param oOff index of row 0's first output in {@code out}
     * @param targets {@code [batch][width]} at {@code tOff}
     * @param tOff index of row 0's first target in {@code targets}
     * @param batch rows, from 0
     * @param width outputs per row
     * @param scale the factor on every gradient: 1 / the values the loss is averaged over
     * @param delta the threshold δ the residual is clamped to, positive
     */
    public static void huberBackward(float[][] dOut, float[] out, int oOff, float[] targets, int tOff, int batch,
                                     int width, float scale, float delta) {
        for (int b = 0; b < batch; b++) {
            final float[] d = dOut[b];
            final int o0 = oOff + b * width;
            final int t0 = tOff + b * width;
            for (int k = 0; k < width; k++) {
                final float r = out[o0 + k] - targets[t0 + k];
                d[k] = scale * Math.max(-delta, Math.min(delta, r));
            }
        }
    }
}
