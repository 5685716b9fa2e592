package dev.edgetrain.runtime.kernels;

/**
 * Layer normalisation over a layer's outputs (the last axis), with a learnable scale γ and shift β:
 * <pre>
 *   mean = Σ_i z_i / n,   var = Σ_i (z_i − mean)² / n   (biased, as PyTorch and ONNX)
 *   rstd = 1 / sqrt(var + ε),   ẑ_i = (z_i − mean) · rstd,   out_i = γ_i · ẑ_i + β_i
 * </pre>
 * The forward keeps {@code mean} and {@code rstd} per row for the backward (llm.c's {@code layernorm_forward} /
 * {@code layernorm_backward}). Row sums are taken in double. {@link ReferenceKernels#layerNormForward} is the
 * naive definition the tests hold these to.
 */
public final class LayerNorm {
    private LayerNorm() {
    }

    /**
     * Rows {@code [from, to)}: {@code out[b] = γ · (in[b] − mean_b) · rstd_b + β}.
     *
     * @param out    {@code [≥ to][≥ n]} (not {@code in})
     * @param mean   {@code [≥ to]}, written
     * @param rstd   {@code [≥ to]}, written
     * @param in     {@code [≥ to][≥ n]} the dense layer's output {@code z}
     * @param params the parameter slab: γ {@code [n]} at {@code gOff}, β {@code [n]} at {@code bOff}
     * @param gOff offset of γ {@code [n]} in {@code params}
     * @param bOff offset of β {@code [n]} in {@code params}
     * @param from first batch row to normalise
     * @param to end (exclusive) of the rows to normalise
     * @param n values per row: the layer's width
     * @param epsilon ε added to the variance, in (0, 1]
     */
    public static void forward(float[][] out, float[] mean, float[] rstd, float[][] in, float[] params, int gOff,
                               int bOff, int from, int to, int n, float epsilon) {
        for (int b = from; b < to; b++) {
            final float[] x = in[b];
            final float[] y = out[b];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += x[i];
            }
            final double m = sum / n;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                final double c = x[i] - m;
                sq += c * c;
            }
            final float r = (float) (1.0 / Math.sqrt(sq / n + epsilon));
            final float mf = (float) m;
            mean[b] = mf;
            rstd[b] = r;
            for (int i = 0; i < n; i++) {
                y[i] = (x[i] - mf) * r * params[gOff + i] + params[bOff + i];
            }
        }
    }

    /**
     * Rows {@code [from, to)}: with {@code g_i = dOut_i · γ_i},
     * {@code dIn_i = rstd · (g_i − mean(g) − ẑ_i · mean(g · ẑ))}, and the parameter gradients
     * {@code dγ_i += Σ_b dOut_i · ẑ_i}, {@code dβ_i += Σ_b dOut_i} (accumulated, so one thread takes all rows).
     *
     * @param dIn    {@code [≥ to][≥ n]}, overwritten; may be {@code dOut} (each row's sums are taken first)
     * @param grads  the gradient slab: dγ at {@code gOff}, dβ at {@code bOff}, or {@code null} to skip them
     * @param dOut   {@code [≥ to][≥ n]}
     * @param in     {@code [≥ to][≥ n]} the forward input {@code z}
     * @param params the parameter slab, γ at {@code gOff}
     * @param gOff offset of γ {@code [n]} in {@code params} (and of dγ in {@code grads})
     * @param bOff offset of dβ {@code [n]} in {@code grads}
     * @param mean   {@code [≥ to]} from the forward
     * @param rstd   {@code [≥ to]} from the forward
     * @param from first batch row
     * @param to end (exclusive) of the rows
     * @param n values per row: the layer's width
     */
    public static void backward(float[][] dIn, float[] grads, float[][] dOut, float[][] in, float[] params, int gOff,
                                int bOff, float[] mean, float[] rstd, int from, int to, int n) {
        for (int b = from; b < to; b++) {
            final float[] d = dOut[b];
            final float[] x = in[b];
            final float m = mean[b];
            final float r = rstd[b];
            double sumG = 0;
            double sumGx = 0;
            for (int i = 0; i < n; i++) {
                final float xhat = (x[i] - m) * r;
                final float g = d[i] * params[gOff + i];
                sumG += g;
                sumGx += g * xhat;
                if (grads != null) {
                    grads[gOff + i] += d[i] * xhat;
                    grads[bOff + i] += d[i];
                }
            }
            final float meanG = (float) (sumG / n);
            final float meanGx = (float) (sumGx / n);
            final float[] y = dIn[b];
            for (int i = 0; i < n; i++) {
                final float xhat = (x[i] - m) * r;
                y[i] = r * (d[i] * params[gOff + i] - meanG - xhat * meanGx);
            }
        }
    }
}
