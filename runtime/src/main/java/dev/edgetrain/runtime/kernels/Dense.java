package dev.edgetrain.runtime.kernels;

/**
 * The fully connected layer {@code out = in · Wᵀ + bias}, with {@code W [outDim][inDim]} (ONNX Gemm, transB=1),
 * and its backward pass. In the founding network it computes both {@code A = W·x} (layer 0) and
 * {@code O = V·B} (layer 1), and its backward kernels compute both founding weight gradients:
 * {@link #backwardWeight} and {@link #backwardInput} say how.
 *
 * <p>Activations, gradients and the derived weight copies are one array per row, {@code float[rows][width]}.
 * {@link ReferenceKernels} holds the naive definitions the tests hold these to. The loop shapes are chosen for
 * HotSpot's C2 auto-vectoriser, measured on an AVX-512 machine (Zen 4) with JDK 17 and JDK 25
 * (benchmarks/RESULTS.md):
 * <ul>
 *   <li>C2 vectorises {@code y[o] += a·w[o]} reliably only when every array of the loop is indexed from 0
 *       (or all by one shared loop-invariant offset). Kernels on flat arrays whose rows sit at different offsets
 *       ran as scalar code (about 8 GFLOP/s); these run at 35–47.</li>
 *   <li>Every inner loop stores one row and reads four: {@code y[·] += a0·w0[·] + … + a3·w3[·]}. JDK 17's C2
 *       stops vectorising a normally compiled loop of more than about five such terms, and loops that store
 *       two rows (register tiles that share their loads, 2 rows × 2 or 3 terms, 50–60 GFLOP/s when they are
 *       vectorised) are vectorised or not depending on the method they are inlined into and on the JDK, so
 *       they are not used. Each kernel has its own copy of its inner loop, so the JIT profiles (and compiles)
 *       each in its own context.</li>
 *   <li>Groups of terms that are all zero (inputs after ReLU, gradients gated off) are skipped.</li>
 * </ul>
 * Every kernel takes a range of rows so that a pass can be split over threads
 * ({@code dev.edgetrain.runtime.ComputePool}); rows are independent, so the split changes no result.
 */
public final class Dense {
    private Dense() {
    }

    /** Below this many outputs a layer's forward pass uses dot products ({@link #forwardDot}), not axpys. */
    public static final int MIN_AXPY_OUTPUTS = 16;
    /** Bytes of {@code Wᵀ} rows one block of {@link #forward} keeps in cache while every batch row uses them. */
    private static final int FORWARD_BLOCK_BYTES = 32 * 1024;

    // ---- forward: out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i], axpys over o along rows of Wᵀ -------------

    /**
     * {@code out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i]} for batch rows {@code [rowFrom, rowTo)}: the dense
     * layer's {@code z = W·x + b} (its activation is a kernel pair of its own, {@link Activations}). Inner loops
     * are axpys over contiguous outputs along rows of {@code Wᵀ}, four inputs a pass; the input dimension is cut in
     * blocks of {@code Wᵀ} rows that stay in cache while all batch rows use them.
     *
     * @param out     {@code [≥ rowTo][≥ outDim]}, rows {@code [rowFrom, rowTo)} overwritten
     * @param in      flat input {@code [batch][inDim]} at {@code inOff}; used when {@code inRows} is {@code null}
     * @param inOff index of row 0's first input in {@code in}
     * @param inRows  input rows {@code [≥ rowTo][≥ inDim]}, or {@code null}
     * @param weightT {@code Wᵀ [inDim][≥ outDim]}, one array per input
     * @param bias    {@code [outDim]} at {@code bOff}, or {@code null} for none
     * @param bOff index of the first bias in {@code bias}
     * @param rowFrom first batch row to compute
     * @param rowTo end (exclusive) of the batch rows
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     */
    public static void forward(float[][] out, float[] in, int inOff, float[][] inRows, float[][] weightT,
                               float[] bias, int bOff, int rowFrom, int rowTo, int inDim, int outDim) {
        for (int b = rowFrom; b < rowTo; b++) {
            final float[] y = out[b];
            if (bias != null) {
                System.arraycopy(bias, bOff, y, 0, outDim);
            } else {
                for (int o = 0; o < outDim; o++) {
                    y[o] = 0f;
                }
            }
        }
        final int block = Math.max(4, (FORWARD_BLOCK_BYTES / 4 / outDim) & ~3);
        for (int i0 = 0; i0 < inDim; i0 += block) {
            final int i1 = Math.min(inDim, i0 + block);
            for (int b = rowFrom; b < rowTo; b++) {
                if (inRows != null) {
                    forwardRow(out[b], inRows[b], 0, weightT, i0, i1, outDim);
                } else {
                    forwardRow(out[b], in, inOff + b * inDim, weightT, i0, i1, outDim);
                }
            }
        }
    }

    /** One row {@code y += Σ_{i0 ≤ i < i1} x[s + i] · wt[i]}, four inputs a pass; an all-zero group is skipped. */
    private static void forwardRow(float[] y, float[] x, int s, float[][] wt, int i0, int i1, int n) {
        int i = i0;
        for (; i + 3 < i1; i += 4) {
            final float a0 = x[s + i];
            final float a1 = x[s + i + 1];
            final float a2 = x[s + i + 2];
            final float a3 = x[s + i + 3];
            if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
                continue;
            }
            forwardAxpy4(y, n, a0, wt[i], a1, wt[i + 1], a2, wt[i + 2], a3, wt[i + 3]);
        }
        for (; i < i1; i++) {
            final float a = x[s + i];
            if (a != 0f) {
                forwardAxpy1(y, n, a, wt[i]);
            }
        }
    }

    private static void forwardAxpy4(float[] y, int n, float a0, float[] w0, float a1, float[] w1, float a2,
                                     float[] w2, float a3, float[] w3) {
        for (int o = 0; o < n; o++) {
            y[o] += a0 * w0[o] + a1 * w1[o] + a2 * w2[o] + a3 * w3[o];
        }
    }

    private static void forwardAxpy1(float[] y, int n, float a, float[] w) {
        for (int o = 0; o < n; o++) {
            y[o] += a * w[o];
        }
    }

    // ---- forward for few outputs: dot products along rows of W -------------------------------------------

    /**
     * The same layer as {@link #forward} for few outputs (the classifier): dot products over the input, eight
     * (then four) outputs at a time with independent sums, since a vector loop over ten outputs would be all tail.
     *
     * @param out    {@code [≥ rowTo][≥ outDim]}, rows {@code [rowFrom, rowTo)} overwritten
     * @param in     {@code [≥ rowTo][≥ inDim]}
     * @param weight {@code W [outDim][≥ inDim]}, one array per output
     * @param bias {@code [outDim]} at {@code bOff}, or {@code null} for none
     * @param bOff index of the first bias in {@code bias}
     * @param rowFrom first batch row to compute
     * @param rowTo end (exclusive) of the batch rows
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     */
    public static void forwardDot(float[][] out, float[][] in, float[][] weight, float[] bias, int bOff, int rowFrom,
                                  int rowTo, int inDim, int outDim) {
        for (int b = rowFrom; b < rowTo; b++) {
            final float[] x = in[b];
            final float[] y = out[b];
            int o = 0;
            for (; o + 7 < outDim; o += 8) { // eight independent sums keep both multipliers busy
                final float[] w0 = weight[o];
                final float[] w1 = weight[o + 1];
                final float[] w2 = weight[o + 2];
                final float[] w3 = weight[o + 3];
                final float[] w4 = weight[o + 4];
                final float[] w5 = weight[o + 5];
                final float[] w6 = weight[o + 6];
                final float[] w7 = weight[o + 7];
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                float s4 = 0f;
                float s5 = 0f;
                float s6 = 0f;
                float s7 = 0f;
                for (int i = 0; i < inDim; i++) {
                    final float xi = x[i];
                    s0 += xi * w0[i];
                    s1 += xi * w1[i];
                    s2 += xi * w2[i];
                    s3 += xi * w3[i];
                    s4 += xi * w4[i];
                    s5 += xi * w5[i];
                    s6 += xi * w6[i];
                    s7 += xi * w7[i];
                }
                if (bias != null) {
                    s0 += bias[bOff + o];
                    s1 += bias[bOff + o + 1];
                    s2 += bias[bOff + o + 2];
                    s3 += bias[bOff + o + 3];
                    s4 += bias[bOff + o + 4];
                    s5 += bias[bOff + o + 5];
                    s6 += bias[bOff + o + 6];
                    s7 += bias[bOff + o + 7];
                }
                y[o] = s0;
                y[o + 1] = s1;
                y[o + 2] = s2;
                y[o + 3] = s3;
                y[o + 4] = s4;
                y[o + 5] = s5;
                y[o + 6] = s6;
                y[o + 7] = s7;
            }
            for (; o + 3 < outDim; o += 4) {
                final float[] w0 = weight[o];
                final float[] w1 = weight[o + 1];
                final float[] w2 = weight[o + 2];
                final float[] w3 = weight[o + 3];
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int i = 0; i < inDim; i++) {
                    final float xi = x[i];
                    s0 += xi * w0[i];
                    s1 += xi * w1[i];
                    s2 += xi * w2[i];
                    s3 += xi * w3[i];
                }
                if (bias != null) {
                    s0 += bias[bOff + o];
                    s1 += bias[bOff + o + 1];
                    s2 += bias[bOff + o + 2];
                    s3 += bias[bOff + o + 3];
                }
                y[o] = s0;
                y[o + 1] = s1;
                y[o + 2] = s2;
                y[o + 3] = s3;
            }
            for (; o < outDim; o++) {
                final float[] w0 = weight[o];
                float s0 = 0f;
                float s1 = 0f;
                int i = 0;
                for (; i + 1 < inDim; i += 2) {
                    s0 += x[i] * w0[i];
                    s1 += x[i + 1] * w0[i + 1];
                }
                if (i < inDim) {
                    s0 += x[i] * w0[i];
                }
                y[o] = (s0 + s1) + (bias != null ? bias[bOff + o] : 0f);
            }
        }
    }

    // ---- weight gradient: dW[o][i] += Σ_b dOut[b][o] · in[b][i], axpys over i along input rows ------------

    /**
     * Weight and bias gradients for gradient rows (outputs) {@code [outFrom, outTo)} over all {@code batch}
     * rows: {@code dWeight[o][i] += Σ_b dOut[b][o] · in[b][i]}, {@code dBias[o] += Σ_b dOut[b][o]} (both
     * accumulate), given {@code dOut = ∂L/∂out} of the loss minimised, {@code L = −J}.
     *
     * <p>The founding equations, for {@code A = W·x, B = ReLU(A), O = V·B, P = softmax(O), J = log P_c} with
     * {@code y} the one-hot label (every gradient here is {@code −∂J}, summed over the batch):
     * <ul>
     *   <li>At the output layer, {@code in = B} and {@code dOut = P − y} (from
     *       {@link SoftmaxCrossEntropy#backward}), so {@code dWeight} is
     *       <b>{@code ∂J/∂V_kj = B_j (y_k − P_k)}</b>, negated.</li>
     *   <li>At the hidden layer, {@code in = x} and {@code dOut = 1[A_j > 0] · Σ_k (P_k − y_k) V_kj} (from
     *       {@link #backwardInput} of the output layer, gated by {@link Relu#backward}), so {@code dWeight} is
     *       <b>{@code ∂J/∂W_ji = x_i · 1[A_j > 0] · Σ_k (y_k − P_k) V_kj}</b>, negated.</li>
     * </ul>
     * {@link ReferenceKernels#foundingOutputWeightGradient} and {@link ReferenceKernels#foundingHiddenWeightGradient}
     * compute the two equations literally; the tests hold the runtime's gradients to them. Each gradient row is
     * copied into the scratch row, gets four batch rows a pass, and is copied back. Threads taking disjoint output
     * ranges write disjoint gradients.
     *
     * @param dWeight {@code [outDim][inDim]} at {@code dwOff} (the flat gradient slab)
     * @param dwOff offset of the layer's weight gradient in {@code dWeight}
     * @param dBias   {@code [outDim]} at {@code dbOff}, or {@code null}
     * @param dbOff offset of the layer's bias gradient in {@code dBias}
     * @param scratch one row {@code [≥ inDim]}
     * @param dOut    {@code [batch][≥ outTo]}
     * @param in      {@code [batch][≥ inDim]}: the layer's forward input
     * @param batch rows to sum over, from 0
     * @param inDim the layer's inputs
     * @param outFrom first output (gradient row) to accumulate
     * @param outTo end (exclusive) of the outputs
     */
    public static void backwardWeight(float[] dWeight, int dwOff, float[] dBias, int dbOff, float[] scratch,
                                      float[][] dOut, float[][] in, int batch, int inDim, int outFrom, int outTo) {
        final float[] acc = scratch;
        for (int o = outFrom; o < outTo; o++) {
            final int g0 = dwOff + o * inDim;
            System.arraycopy(dWeight, g0, acc, 0, inDim);
            float sum = 0f;
            int b = 0;
            for (; b + 3 < batch; b += 4) {
                final float d0 = dOut[b][o];
                final float d1 = dOut[b + 1][o];
                final float d2 = dOut[b + 2][o];
                final float d3 = dOut[b + 3][o];
                sum += d0 + d1 + d2 + d3;
                if (d0 == 0f && d1 == 0f && d2 == 0f && d3 == 0f) {
                    continue;
                }
                weightAxpy4(acc, inDim, d0, in[b], d1, in[b + 1], d2, in[b + 2], d3, in[b + 3]);
            }
            for (; b < batch; b++) {
                final float d = dOut[b][o];
                sum += d;
                if (d != 0f) {
                    weightAxpy1(acc, inDim, d, in[b]);
                }
            }
            System.arraycopy(acc, 0, dWeight, g0, inDim);
            if (dBias != null) {
                dBias[dbOff + o] += sum;
            }
        }
    }

    private static void weightAxpy4(float[] y, int n, float a0, float[] x0, float a1, float[] x1, float a2,
                                    float[] x2, float a3, float[] x3) {
        for (int i = 0; i < n; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }
    }

    private static void weightAxpy1(float[] y, int n, float a, float[] x) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }

    // ---- input gradient: dIn[b][i] = Σ_o dOut[b][o] · W[o][i], axpys over i along rows of W ---------------

    /**
     * Input gradient for batch rows {@code [rowFrom, rowTo)}: {@code dIn[b][i] = Σ_o dOut[b][o] · W[o][i]}
     * (overwritten), four weight rows a pass. At the founding network's output layer ({@code W = V},
     * {@code dOut = P − y}) this is {@code Σ_k (P_k − y_k) V_kj}, which the ReLU backward of the hidden layer
     * ({@link Activations}, {@link Relu#backward}) then gates into the factor
     * {@code 1[A_j > 0] · Σ_k (P_k − y_k) V_kj} of {@code ∂J/∂W_ji = x_i · 1[A_j > 0] · Σ_k (y_k − P_k) V_kj}.
     *
     * @param dIn    {@code [≥ rowTo][≥ inDim]}
     * @param dOut   {@code [≥ rowTo][≥ outDim]}
     * @param weight {@code W [outDim][≥ inDim]}, one array per output
     * @param rowFrom first batch row to compute
     * @param rowTo end (exclusive) of the batch rows
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     */
    public static void backwardInput(float[][] dIn, float[][] dOut, float[][] weight, int rowFrom, int rowTo,
                                     int inDim, int outDim) {
        for (int b = rowFrom; b < rowTo; b++) {
            final float[] y = dIn[b];
            final float[] d = dOut[b];
            for (int i = 0; i < inDim; i++) {
                y[i] = 0f;
            }
            int o = 0;
            for (; o + 3 < outDim; o += 4) {
                final float g0 = d[o];
                final float g1 = d[o + 1];
                final float g2 = d[o + 2];
                final float g3 = d[o + 3];
                if (g0 == 0f && g1 == 0f && g2 == 0f && g3 == 0f) {
                    continue;
                }
                inputAxpy4(y, inDim, g0, weight[o], g1, weight[o + 1], g2, weight[o + 2], g3, weight[o + 3]);
            }
            for (; o < outDim; o++) {
                final float g = d[o];
                if (g != 0f) {
                    inputAxpy1(y, inDim, g, weight[o]);
                }
            }
        }
    }

    private static void inputAxpy4(float[] y, int n, float a0, float[] w0, float a1, float[] w1, float a2,
                                   float[] w2, float a3, float[] w3) {
        for (int i = 0; i < n; i++) {
            y[i] += a0 * w0[i] + a1 * w1[i] + a2 * w2[i] + a3 * w3[i];
        }
    }

    private static void inputAxpy1(float[] y, int n, float a, float[] w) {
        for (int i = 0; i < n; i++) {
            y[i] += a * w[i];
        }
    }

    // ---- derived weight layouts ----------------------------------------------------------------------------

    /**
     * Writes {@code Wᵀ} as rows, {@code weightT[i][o] = W[o][i]}, from {@code W [outDim][inDim]} at {@code wOff}:
     * four {@code Wᵀ} rows a pass, each filled front to back from four neighbouring values of every {@code W} row
     * (the lines of {@code W} a pass touches are reused by the next three passes while still in L1).
     *
     * @param weightT {@code Wᵀ [≥ inDim][≥ outDim]}, rows {@code [0, inDim)} overwritten
     * @param weight the parameter slab holding {@code W}
     * @param wOff offset of {@code W} in {@code weight}
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     */
    public static void transpose(float[][] weightT, float[] weight, int wOff, int inDim, int outDim) {
        transpose(weightT, weight, wOff, inDim, outDim, 0, inDim);
    }

    /**
     * {@link #transpose(float[][], float[], int, int, int)} for the rows {@code [iFrom, iTo)} of {@code Wᵀ} only.
     *
     * @param weightT {@code Wᵀ [≥ iTo][≥ outDim]}, rows {@code [iFrom, iTo)} overwritten
     * @param weight the parameter slab holding {@code W}
     * @param wOff offset of {@code W} in {@code weight}
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     * @param iFrom first input (row of {@code Wᵀ}) to write
     * @param iTo end (exclusive) of the inputs
     */
    public static void transpose(float[][] weightT, float[] weight, int wOff, int inDim, int outDim, int iFrom,
                                 int iTo) {
        int i = iFrom;
        for (; i + 3 < iTo; i += 4) {
            final float[] t0 = weightT[i];
            final float[] t1 = weightT[i + 1];
            final float[] t2 = weightT[i + 2];
            final float[] t3 = weightT[i + 3];
            int p = wOff + i;
            for (int o = 0; o < outDim; o++) {
                t0[o] = weight[p];
                t1[o] = weight[p + 1];
                t2[o] = weight[p + 2];
                t3[o] = weight[p + 3];
                p += inDim;
            }
        }
        for (; i < iTo; i++) {
            final float[] t = weightT[i];
            int p = wOff + i;
            for (int o = 0; o < outDim; o++) {
                t[o] = weight[p];
                p += inDim;
            }
        }
    }

    /**
     * Copies {@code W [outDim][inDim]} at {@code wOff} into rows {@code weightRows[o][0, inDim)}.
     *
     * @param weightRows {@code [≥ outDim][≥ inDim]}, rows {@code [0, outDim)} overwritten
     * @param weight the parameter slab holding {@code W}
     * @param wOff offset of {@code W} in {@code weight}
     * @param inDim the layer's inputs
     * @param outDim the layer's outputs
     */
    public static void copyRows(float[][] weightRows, float[] weight, int wOff, int inDim, int outDim) {
        copyRows(weightRows, weight, wOff, inDim, 0, outDim);
    }

    /**
     * Copies rows {@code [oFrom, oTo)} of {@code W [outDim][inDim]} at {@code wOff} into {@code weightRows}.
     *
     * @param weightRows {@code [≥ oTo][≥ inDim]}, rows {@code [oFrom, oTo)} overwritten
     * @param weight the parameter slab holding {@code W}
     * @param wOff offset of {@code W} in {@code weight}
     * @param inDim the layer's inputs
     * @param oFrom first output (row of {@code W}) to copy
     * @param oTo end (exclusive) of the outputs
     */
    public static void copyRows(float[][] weightRows, float[] weight, int wOff, int inDim, int oFrom, int oTo) {
        for (int o = oFrom; o < oTo; o++) {
            System.arraycopy(weight, wOff + o * inDim, weightRows[o], 0, inDim);
        }
    }
}
