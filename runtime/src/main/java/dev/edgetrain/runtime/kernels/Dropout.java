package dev.edgetrain.runtime.kernels;

import dev.edgetrain.runtime.Rng;

/**
 * Inverted dropout, training only: each value is kept with probability {@code 1 − p} and scaled by
 * {@code 1 / (1 − p)}, or zeroed, so the expected output equals the input and inference needs nothing (the
 * exported graph has no dropout node). The mask is drawn first, for the whole batch on one thread, so the
 * result is the same however the pass is split over threads.
 */
public final class Dropout {
    private Dropout() {
    }

    /**
     * Draws the mask for rows {@code [0, batch)}: {@code mask[b][i] = u < p ? 0 : 1/(1 − p)}, {@code u} uniform
     * in [0, 1) from {@code rng}, row by row.
     *
     * @param mask {@code [≥ batch][≥ n]}, written
     * @param batch rows to draw, from 0
     * @param n values per row: the layer's width
     * @param rate the dropout rate p, in [0, 1)
     * @param rng the generator; {@code batch × n} floats are drawn from it
     */
    public static void drawMask(float[][] mask, int batch, int n, float rate, Rng rng) {
        final float scale = 1f / (1f - rate);
        for (int b = 0; b < batch; b++) {
            final float[] m = mask[b];
            for (int i = 0; i < n; i++) {
                m[i] = rng.nextFloat() < rate ? 0f : scale;
            }
        }
    }

    /**
     * {@code out[b][i] = in[b][i] · mask[b][i]} for rows {@code [from, to)}.
     *
     * @param out  {@code [≥ to][≥ n]}
     * @param mask {@code [≥ to][≥ n]} from {@link #drawMask}
     * @param in   {@code [≥ to][≥ n]}
     * @param from first batch row
     * @param to end (exclusive) of the rows
     * @param n values per row: the layer's width
     */
    public static void forward(float[][] out, float[][] mask, float[][] in, int from, int to, int n) {
        for (int b = from; b < to; b++) {
            final float[] y = out[b];
            final float[] m = mask[b];
            final float[] x = in[b];
            for (int i = 0; i < n; i++) {
                y[i] = x[i] * m[i];
            }
        }
    }

    /**
     * {@code d[b][i] *= mask[b][i]}, in place, for rows {@code [from, to)}.
     *
     * @param d {@code [≥ to][≥ n]} gradient with respect to the dropout's output, in place
     * @param mask {@code [≥ to][≥ n]} the forward's mask
     * @param from first batch row
     * @param to end (exclusive) of the rows
     * @param n values per row: the layer's width
     */
    public static void backward(float[][] d, float[][] mask, int from, int to, int n) {
        for (int b = from; b < to; b++) {
            final float[] g = d[b];
            final float[] m = mask[b];
            for (int i = 0; i < n; i++) {
                g[i] *= m[i];
            }
        }
    }
}
