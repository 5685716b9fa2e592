package dev.edgetrain.simd;

import static dev.edgetrain.simd.VectorKernels.L;
import static dev.edgetrain.simd.VectorKernels.S;

import jdk.incubator.vector.FloatVector;

/**
 * The dense backward pass on vectors: the input gradient {@code dIn = dOut · W} and the weight gradient
 * {@code dW += dOutᵀ · in}, both tiles of four rows times two vectors along the input dimension. {@code W} and
 * {@code dW} are read and written in the slabs themselves; {@code dOut} and {@code in} are rows.
 *
 * <p>The founding equations are the plain kernels' ({@code dev.edgetrain.runtime.kernels.Dense#backwardWeight}):
 * with {@code dOut = P − y} at the output layer, {@link #weight} computes {@code −∂J/∂V_kj = B_j (P_k − y_k)}; with
 * {@code dOut = 1[A_j > 0] · Σ_k (P_k − y_k) V_kj} (from {@link #input} and the ReLU's backward), it computes
 * {@code −∂J/∂W_ji}.
 */
final class DenseBackward {
    private DenseBackward() {
    }

    // ---- input gradient: dIn[b][i] = Σ_o dOut[b][o] · W[o][i] ----------------------------------------------

    /**
     * {@code dIn[b][i] = Σ_o dOut[b][o] · W[o][i]} (overwritten) for rows {@code [rowFrom, rowTo)}.
     *
     * @param dIn  {@code [≥ rowTo][≥ inDim]}
     * @param dOut {@code [≥ rowTo][≥ outDim]}
     * @param w    the slab holding {@code W [outDim][inDim]} at {@code wOff}
     */
    static void input(float[][] dIn, float[][] dOut, float[] w, int wOff, int rowFrom, int rowTo, int inDim,
                      int outDim) {
        int b = rowFrom;
        for (; b + 3 < rowTo; b += 4) {
            final float[] d0 = dOut[b];
            final float[] d1 = dOut[b + 1];
            final float[] d2 = dOut[b + 2];
            final float[] d3 = dOut[b + 3];
            int i = 0;
            for (; i + 2 * L <= inDim; i += 2 * L) {
                inputTile4x2(dIn, b, d0, d1, d2, d3, w, wOff + i, i, inDim, outDim);
            }
            if (i + L <= inDim) { // each element's arithmetic is the same in every tile shape
                inputTile1x1(dIn[b], d0, w, wOff + i, i, inDim, outDim);
                inputTile1x1(dIn[b + 1], d1, w, wOff + i, i, inDim, outDim);
                inputTile1x1(dIn[b + 2], d2, w, wOff + i, i, inDim, outDim);
                inputTile1x1(dIn[b + 3], d3, w, wOff + i, i, inDim, outDim);
                i += L;
            }
            for (; i < inDim; i++) {
                inputColumn(dIn[b], d0, w, wOff, i, inDim, outDim);
                inputColumn(dIn[b + 1], d1, w, wOff, i, inDim, outDim);
                inputColumn(dIn[b + 2], d2, w, wOff, i, inDim, outDim);
                inputColumn(dIn[b + 3], d3, w, wOff, i, inDim, outDim);
            }
        }
        for (; b < rowTo; b++) {
            final float[] d = dOut[b];
            int i = 0;
            for (; i + L <= inDim; i += L) {
                inputTile1x1(dIn[b], d, w, wOff + i, i, inDim, outDim);
            }
            for (; i < inDim; i++) {
                inputColumn(dIn[b], d, w, wOff, i, inDim, outDim);
            }
        }
    }

    private static void inputTile4x2(float[][] dIn, int b, float[] d0, float[] d1, float[] d2, float[] d3, float[] w,
                                     int p, int i, int inDim, int outDim) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        for (int o = 0; o < outDim; o++, p += inDim) {
            final FloatVector w0 = FloatVector.fromArray(S, w, p);
            final FloatVector w1 = FloatVector.fromArray(S, w, p + L);
            final FloatVector g0 = FloatVector.broadcast(S, d0[o]);
            a00 = w0.fma(g0, a00);
            a01 = w1.fma(g0, a01);
            final FloatVector g1 = FloatVector.broadcast(S, d1[o]);
            a10 = w0.fma(g1, a10);
            a11 = w1.fma(g1, a11);
            final FloatVector g2 = FloatVector.broadcast(S, d2[o]);
            a20 = w0.fma(g2, a20);
            a21 = w1.fma(g2, a21);
            final FloatVector g3 = FloatVector.broadcast(S, d3[o]);
            a30 = w0.fma(g3, a30);
            a31 = w1.fma(g3, a31);
        }
        a00.intoArray(dIn[b], i);
        a01.intoArray(dIn[b], i + L);
        a10.intoArray(dIn[b + 1], i);
        a11.intoArray(dIn[b + 1], i + L);
        a20.intoArray(dIn[b + 2], i);
        a21.intoArray(dIn[b + 2], i + L);
        a30.intoArray(dIn[b + 3], i);
        a31.intoArray(dIn[b + 3], i + L);
    }

    private static void inputTile1x1(float[] y, float[] d, float[] w, int p, int i, int inDim, int outDim) {
        FloatVector a = FloatVector.zero(S);
        for (int o = 0; o < outDim; o++, p += inDim) {
            a = FloatVector.fromArray(S, w, p).fma(FloatVector.broadcast(S, d[o]), a);
        }
        a.intoArray(y, i);
    }

    /** One input column past the last whole vector: {@code y[i] = Σ_o d[o] · W[o][i]}. */
    private static void inputColumn(float[] y, float[] d, float[] w, int wOff, int i, int inDim, int outDim) {
        float s = 0f;
        for (int o = 0, p = wOff + i; o < outDim; o++, p += inDim) {
            s += d[o] * w[p];
        }
        y[i] = s;
    }

    // ---- weight gradient: dW[o][i] += Σ_b dOut[b][o] · in[b][i] ---------------------------------------------

    /**
     * {@code dW[o][i] += Σ_b dOut[b][o] · in[b][i]} and {@code dBias[o] += Σ_b dOut[b][o]} for outputs
     * {@code [outFrom, outTo)}. Two vectors of inputs at a time across all outputs of the range, so the
     * {@code batch × 2L} inputs they read stay in L1 while every output group uses them.
     *
     * @param dW    the gradient slab, {@code dW [outDim][inDim]} at {@code dwOff}
     * @param dBias {@code [outDim]} at {@code dbOff}, or {@code null}
     * @param dOut  {@code [batch][≥ outTo]}
     * @param in    {@code [batch][≥ inDim]}
     */
    static void weight(float[] dW, int dwOff, float[] dBias, int dbOff, float[][] dOut, float[][] in, int batch,
                       int inDim, int outFrom, int outTo) {
        int i = 0;
        for (; i + 2 * L <= inDim; i += 2 * L) {
            int o = outFrom;
            if (DenseForward.EIGHT_ROW_TILES) {
                for (; o + 7 < outTo; o += 8) {
                    weightTile8x2(dW, dwOff + o * inDim + i, inDim, dOut, o, in, i, batch);
                }
            }
            for (; o + 3 < outTo; o += 4) {
                weightTile4x2(dW, dwOff + o * inDim + i, inDim, dOut, o, in, i, batch);
            }
            for (; o < outTo; o++) {
                weightTile1x2(dW, dwOff + o * inDim + i, dOut, o, in, i, batch);
            }
        }
        if (i + L <= inDim) { // one vector left: eight outputs at a time for eight FMA chains; same arithmetic
            int o = outFrom;
            for (; o + 7 < outTo; o += 8) {
                weightTile8x1(dW, dwOff + o * inDim + i, inDim, dOut, o, in, i, batch);
            }
            for (; o < outTo; o++) {
                weightTile1x1(dW, dwOff + o * inDim + i, dOut, o, in, i, batch);
            }
            i += L;
        }
        for (; i < inDim; i++) { // inputs past the last whole vector
            for (int o = outFrom; o < outTo; o++) {
                float s = 0f;
                for (int b = 0; b < batch; b++) {
                    s += dOut[b][o] * in[b][i];
                }
                dW[dwOff + o * inDim + i] += s;
            }
        }
        if (dBias != null) {
            for (int o = outFrom; o < outTo; o++) {
                float s = 0f;
                for (int b = 0; b < batch; b++) {
                    s += dOut[b][o];
                }
                dBias[dbOff + o] += s;
            }
        }
    }

    /** Eight outputs × two vectors of inputs (AVX-512's 32 registers hold the 16 accumulators). */
    private static void weightTile8x2(float[] dW, int p, int inDim, float[][] dOut, int o, float[][] in, int i,
                                      int batch) {
        final int p1 = p + inDim;
        final int p2 = p1 + inDim;
        final int p3 = p2 + inDim;
        final int p4 = p3 + inDim;
        final int p5 = p4 + inDim;
        final int p6 = p5 + inDim;
        final int p7 = p6 + inDim;
        FloatVector a00 = FloatVector.fromArray(S, dW, p);
        FloatVector a01 = FloatVector.fromArray(S, dW, p + L);
        FloatVector a10 = FloatVector.fromArray(S, dW, p1);
        FloatVector a11 = FloatVector.fromArray(S, dW, p1 + L);
        FloatVector a20 = FloatVector.fromArray(S, dW, p2);
        FloatVector a21 = FloatVector.fromArray(S, dW, p2 + L);
        FloatVector a30 = FloatVector.fromArray(S, dW, p3);
        FloatVector a31 = FloatVector.fromArray(S, dW, p3 + L);
        FloatVector a40 = FloatVector.fromArray(S, dW, p4);
        FloatVector a41 = FloatVector.fromArray(S, dW, p4 + L);
        FloatVector a50 = FloatVector.fromArray(S, dW, p5);
        FloatVector a51 = FloatVector.fromArray(S, dW, p5 + L);
        FloatVector a60 = FloatVector.fromArray(S, dW, p6);
        FloatVector a61 = FloatVector.fromArray(S, dW, p6 + L);
        FloatVector a70 = FloatVector.fromArray(S, dW, p7);
        FloatVector a71 = FloatVector.fromArray(S, dW, p7 + L);
        for (int b = 0; b < batch; b++) {
            final float[] x = in[b];
            final float[] d = dOut[b];
            final FloatVector x0 = FloatVector.fromArray(S, x, i);
            final FloatVector x1 = FloatVector.fromArray(S, x, i + L);
            FloatVector g = FloatVector.broadcast(S, d[o]);
            a00 = x0.fma(g, a00);
            a01 = x1.fma(g, a01);
            g = FloatVector.broadcast(S, d[o + 1]);
            a10 = x0.fma(g, a10);
            a11 = x1.fma(g, a11);
            g = FloatVector.broadcast(S, d[o + 2]);
            a20 = x0.fma(g, a20);
            a21 = x1.fma(g, a21);
            g = FloatVector.broadcast(S, d[o + 3]);
            a30 = x0.fma(g, a30);
            a31 = x1.fma(g, a31);
            g = FloatVector.broadcast(S, d[o + 4]);
            a40 = x0.fma(g, a40);
            a41 = x1.fma(g, a41);
            g = FloatVector.broadcast(S, d[o + 5]);
            a50 = x0.fma(g, a50);
            a51 = x1.fma(g, a51);
            g = FloatVector.broadcast(S, d[o + 6]);
            a60 = x0.fma(g, a60);
            a61 = x1.fma(g, a61);
            g = FloatVector.broadcast(S, d[o + 7]);
            a70 = x0.fma(g, a70);
            a71 = x1.fma(g, a71);
        }
        a00.intoArray(dW, p);
        a01.intoArray(dW, p + L);
        a10.intoArray(dW, p1);
        a11.intoArray(dW, p1 + L);
        a20.intoArray(dW, p2);
        a21.intoArray(dW, p2 + L);
        a30.intoArray(dW, p3);
        a31.intoArray(dW, p3 + L);
        a40.intoArray(dW, p4);
        a41.intoArray(dW, p4 + L);
        a50.intoArray(dW, p5);
        a51.intoArray(dW, p5 + L);
        a60.intoArray(dW, p6);
        a61.intoArray(dW, p6 + L);
        a70.intoArray(dW, p7);
        a71.intoArray(dW, p7 + L);
    }

    private static void weightTile4x2(float[] dW, int p, int inDim, float[][] dOut, int o, float[][] in, int i,
                                      int batch) {
        final int p1 = p + inDim;
        final int p2 = p1 + inDim;
        final int p3 = p2 + inDim;
        FloatVector a00 = FloatVector.fromArray(S, dW, p);
        FloatVector a01 = FloatVector.fromArray(S, dW, p + L);
        FloatVector a10 = FloatVector.fromArray(S, dW, p1);
        FloatVector a11 = FloatVector.fromArray(S, dW, p1 + L);
        FloatVector a20 = FloatVector.fromArray(S, dW, p2);
        FloatVector a21 = FloatVector.fromArray(S, dW, p2 + L);
        FloatVector a30 = FloatVector.fromArray(S, dW, p3);
        FloatVector a31 = FloatVector.fromArray(S, dW, p3 + L);
        for (int b = 0; b < batch; b++) {
            final float[] x = in[b];
            final float[] d = dOut[b];
            final FloatVector x0 = FloatVector.fromArray(S, x, i);
            final FloatVector x1 = FloatVector.fromArray(S, x, i + L);
            final FloatVector g0 = FloatVector.broadcast(S, d[o]);
            a00 = x0.fma(g0, a00);
            a01 = x1.fma(g0, a01);
            final FloatVector g1 = FloatVector.broadcast(S, d[o + 1]);
            a10 = x0.fma(g1, a10);
            a11 = x1.fma(g1, a11);
            final FloatVector g2 = FloatVector.broadcast(S, d[o + 2]);
            a20 = x0.fma(g2, a20);
            a21 = x1.fma(g2, a21);
            final FloatVector g3 = FloatVector.broadcast(S, d[o + 3]);
            a30 = x0.fma(g3, a30);
            a31 = x1.fma(g3, a31);
        }
        a00.intoArray(dW, p);
        a01.intoArray(dW, p + L);
        a10.intoArray(dW, p1);
        a11.intoArray(dW, p1 + L);
        a20.intoArray(dW, p2);
        a21.intoArray(dW, p2 + L);
        a30.intoArray(dW, p3);
        a31.intoArray(dW, p3 + L);
    }

    private static void weightTile8x1(float[] dW, int p, int inDim, float[][] dOut, int o, float[][] in, int i,
                                      int batch) {
        FloatVector a0 = FloatVector.fromArray(S, dW, p);
        FloatVector a1 = FloatVector.fromArray(S, dW, p + inDim);
        FloatVector a2 = FloatVector.fromArray(S, dW, p + 2 * inDim);
        FloatVector a3 = FloatVector.fromArray(S, dW, p + 3 * inDim);
        FloatVector a4 = FloatVector.fromArray(S, dW, p + 4 * inDim);
        FloatVector a5 = FloatVector.fromArray(S, dW, p + 5 * inDim);
        FloatVector a6 = FloatVector.fromArray(S, dW, p + 6 * inDim);
        FloatVector a7 = FloatVector.fromArray(S, dW, p + 7 * inDim);
        for (int b = 0; b < batch; b++) {
            final float[] d = dOut[b];
            final FloatVector x = FloatVector.fromArray(S, in[b], i);
            a0 = x.fma(FloatVector.broadcast(S, d[o]), a0);
            a1 = x.fma(FloatVector.broadcast(S, d[o + 1]), a1);
            a2 = x.fma(FloatVector.broadcast(S, d[o + 2]), a2);
            a3 = x.fma(FloatVector.broadcast(S, d[o + 3]), a3);
            a4 = x.fma(FloatVector.broadcast(S, d[o + 4]), a4);
            a5 = x.fma(FloatVector.broadcast(S, d[o + 5]), a5);
            a6 = x.fma(FloatVector.broadcast(S, d[o + 6]), a6);
            a7 = x.fma(FloatVector.broadcast(S, d[o + 7]), a7);
        }
        a0.intoArray(dW, p);
        a1.intoArray(dW, p + inDim);
        a2.intoArray(dW, p + 2 * inDim);
        a3.intoArray(dW, p + 3 * inDim);
        a4.intoArray(dW, p + 4 * inDim);
        a5.intoArray(dW, p + 5 * inDim);
        a6.intoArray(dW, p + 6 * inDim);
        a7.intoArray(dW, p + 7 * inDim);
    }

    private static void weightTile1x1(float[] dW, int p, float[][] dOut, int o, float[][] in, int i, int batch) {
        FloatVector a = FloatVector.fromArray(S, dW, p);
        for (int b = 0; b < batch; b++) {
            a = FloatVector.fromArray(S, in[b], i).fma(FloatVector.broadcast(S, dOut[b][o]), a);
        }
        a.intoArray(dW, p);
    }

    private static void weightTile1x2(float[] dW, int p, float[][] dOut, int o, float[][] in, int i, int batch) {
        FloatVector a0 = FloatVector.fromArray(S, dW, p);
        FloatVector a1 = FloatVector.fromArray(S, dW, p + L);
        for (int b = 0; b < batch; b++) {
            final FloatVector g = FloatVector.broadcast(S, dOut[b][o]);
            a0 = FloatVector.fromArray(S, in[b], i).fma(g, a0);
            a1 = FloatVector.fromArray(S, in[b], i + L).fma(g, a1);
        }
        a0.intoArray(dW, p);
        a1.intoArray(dW, p + L);
    }
}
