package dev.edgetrain.benchmarks.kernels;

import dev.edgetrain.runtime.kernels.ReferenceKernels;

/**
 * The runtime's first dense kernels, on flat arrays addressed by offset ({@code in [batch][inDim]} at
 * {@code inOff}, and so on). Kept here only as the baseline of {@link KernelBench}: on JDK 17 C2 does not
 * vectorise these loops (their rows sit at different offsets of one array), which is why the runtime's
 * {@link dev.edgetrain.runtime.kernels.Dense} works on one array per row. Same results as
 * {@link ReferenceKernels} up to summation order.
 */
public final class FlatDense {
    private FlatDense() {
    }

    /**
     * {@code out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i]}.
     *
     * <p>Reads the weight transposed, {@code Wᵀ [inDim][outDim]}, so the inner loop is an axpy over
     * contiguous outputs ({@code out[b][·] += in[b][i] · Wᵀ[i][·]}) that the JIT vectorises; a dot product
     * over {@code W}'s rows would be a float reduction, which it does not. Inputs are taken four at a
     * time so each pass over {@code out[b]} does four multiply-adds, and a group of four zero inputs
     * (common after ReLU and in sparse pixels) is skipped.
     *
     * @param out     {@code [batch][outDim]} at {@code outOff}; overwritten
     * @param in      {@code [batch][inDim]} at {@code inOff}
     * @param weightT {@code [inDim][outDim]} at {@code wtOff}: the transpose of {@code W [outDim][inDim]}
     * @param bias    {@code [outDim]} at {@code bOff}, or {@code null} for none
     */
    public static void forward(float[] out, int outOff, float[] in, int inOff, float[] weightT, int wtOff,
                               float[] bias, int bOff, int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            final int o0 = outOff + b * outDim;
            if (bias != null) {
                System.arraycopy(bias, bOff, out, o0, outDim);
            } else {
                for (int o = 0; o < outDim; o++) {
                    out[o0 + o] = 0f;
                }
            }
            final int x0 = inOff + b * inDim;
            int i = 0;
            for (; i + 3 < inDim; i += 4) {
                final float a0 = in[x0 + i];
                final float a1 = in[x0 + i + 1];
                final float a2 = in[x0 + i + 2];
                final float a3 = in[x0 + i + 3];
                if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
                    continue;
                }
                final int w0 = wtOff + i * outDim;
                final int w1 = w0 + outDim;
                final int w2 = w1 + outDim;
                final int w3 = w2 + outDim;
                for (int o = 0; o < outDim; o++) {
                    out[o0 + o] += a0 * weightT[w0 + o] + a1 * weightT[w1 + o]
                            + a2 * weightT[w2 + o] + a3 * weightT[w3 + o];
                }
            }
            for (; i < inDim; i++) {
                final float a = in[x0 + i];
                final int w0 = wtOff + i * outDim;
                for (int o = 0; o < outDim; o++) {
                    out[o0 + o] += a * weightT[w0 + o];
                }
            }
        }
    }

    /**
     * Backward pass of the layer, given {@code dOut = ∂L/∂out} of the loss being minimised:
     * <ul>
     *   <li>{@code dWeight[o][i] += Σ_b dOut[b][o] · in[b][i]} (accumulates),</li>
     *   <li>{@code dBias[o] += Σ_b dOut[b][o]} (accumulates),</li>
     *   <li>{@code dIn[b][i] = Σ_o dOut[b][o] · W[o][i]} (overwrites).</li>
     * </ul>
     *
     * <p>Loop order: the weight gradient walks {@code dWeight} one row at a time and folds four batch rows
     * into each pass, the input gradient folds four weight rows into each pass over {@code dIn[b]};
     * both inner loops are axpys over contiguous {@code i}.
     *
     * @param dIn     {@code [batch][inDim]} at {@code dInOff}, overwritten; {@code null} to skip (first layer)
     * @param dWeight {@code [outDim][inDim]} at {@code dwOff}, accumulated; {@code null} to skip (frozen layer)
     * @param dBias   {@code [outDim]} at {@code dbOff}, accumulated; {@code null} for no bias or frozen layer
     * @param dOut    {@code [batch][outDim]} at {@code dOutOff}
     * @param in      {@code [batch][inDim]} at {@code inOff}: the layer's forward input
     * @param weight  {@code [outDim][inDim]} at {@code wOff}
     */
    public static void backward(float[] dIn, int dInOff, float[] dWeight, int dwOff, float[] dBias, int dbOff,
                                float[] dOut, int dOutOff, float[] in, int inOff, float[] weight, int wOff,
                                int batch, int inDim, int outDim) {
        if (dWeight != null) {
            backwardWeight(dWeight, dwOff, dOut, dOutOff, in, inOff, batch, inDim, outDim);
        }
        if (dBias != null) {
            for (int b = 0; b < batch; b++) {
                final int d0 = dOutOff + b * outDim;
                for (int o = 0; o < outDim; o++) {
                    dBias[dbOff + o] += dOut[d0 + o];
                }
            }
        }
        if (dIn != null) {
            backwardInput(dIn, dInOff, dOut, dOutOff, weight, wOff, batch, inDim, outDim);
        }
    }

    /** {@code dWeight[o][i] += Σ_b dOut[b][o] · in[b][i]}; shapes as in {@link #backward}. */
    static void backwardWeight(float[] dWeight, int dwOff, float[] dOut, int dOutOff, float[] in, int inOff,
                               int batch, int inDim, int outDim) {
        for (int o = 0; o < outDim; o++) {
            final int g0 = dwOff + o * inDim;
            int b = 0;
            for (; b + 3 < batch; b += 4) {
                final float d0 = dOut[dOutOff + b * outDim + o];
                final float d1 = dOut[dOutOff + (b + 1) * outDim + o];
                final float d2 = dOut[dOutOff + (b + 2) * outDim + o];
                final float d3 = dOut[dOutOff + (b + 3) * outDim + o];
                if (d0 == 0f && d1 == 0f && d2 == 0f && d3 == 0f) {
                    continue;
                }
                final int x0 = inOff + b * inDim;
                final int x1 = x0 + inDim;
                final int x2 = x1 + inDim;
                final int x3 = x2 + inDim;
                for (int i = 0; i < inDim; i++) {
                    dWeight[g0 + i] += d0 * in[x0 + i] + d1 * in[x1 + i] + d2 * in[x2 + i] + d3 * in[x3 + i];
                }
            }
            for (; b < batch; b++) {
                final float d = dOut[dOutOff + b * outDim + o];
                final int x0 = inOff + b * inDim;
                for (int i = 0; i < inDim; i++) {
                    dWeight[g0 + i] += d * in[x0 + i];
                }
            }
        }
    }

    /** {@code dIn[b][i] = Σ_o dOut[b][o] · W[o][i]}; shapes as in {@link #backward}. */
    static void backwardInput(float[] dIn, int dInOff, float[] dOut, int dOutOff, float[] weight, int wOff,
                              int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            final int x0 = dInOff + b * inDim;
            final int d0 = dOutOff + b * outDim;
            for (int i = 0; i < inDim; i++) {
                dIn[x0 + i] = 0f;
            }
            int o = 0;
            for (; o + 3 < outDim; o += 4) {
                final float g0 = dOut[d0 + o];
                final float g1 = dOut[d0 + o + 1];
                final float g2 = dOut[d0 + o + 2];
                final float g3 = dOut[d0 + o + 3];
                if (g0 == 0f && g1 == 0f && g2 == 0f && g3 == 0f) {
                    continue;
                }
                final int w0 = wOff + o * inDim;
                final int w1 = w0 + inDim;
                final int w2 = w1 + inDim;
                final int w3 = w2 + inDim;
                for (int i = 0; i < inDim; i++) {
                    dIn[x0 + i] += g0 * weight[w0 + i] + g1 * weight[w1 + i]
                            + g2 * weight[w2 + i] + g3 * weight[w3 + i];
                }
            }
            for (; o < outDim; o++) {
                final float g = dOut[d0 + o];
                final int w0 = wOff + o * inDim;
                for (int i = 0; i < inDim; i++) {
                    dIn[x0 + i] += g * weight[w0 + i];
                }
            }
        }
    }

    /**
     * Writes {@code Wᵀ [inDim][outDim]} from {@code W [outDim][inDim]}: the layout {@link #forward} reads.
     * Runs once per optimizer step, {@code O(parameters)}, against {@code O(batch × parameters)} for the pass.
     */
    public static void transpose(float[] weightT, int wtOff, float[] weight, int wOff, int inDim, int outDim) {
        for (int o = 0; o < outDim; o++) {
            final int w0 = wOff + o * inDim;
            for (int i = 0; i < inDim; i++) {
                weightT[wtOff + i * outDim + o] = weight[w0 + i];
            }
        }
    }
}
