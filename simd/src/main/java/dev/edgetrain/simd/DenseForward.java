package dev.edgetrain.simd;

import static dev.edgetrain.simd.VectorKernels.L;
import static dev.edgetrain.simd.VectorKernels.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The dense forward pass {@code out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i]} on vectors. Inputs come as rows
 * ({@code inRows[b]}) or flat ({@code in [batch][inDim]} at {@code inOff}); every tile takes one array and offset per
 * input row, so both are read in place.
 */
final class DenseForward {
    private DenseForward() {
    }

    /** Outputs per panel: two vectors. */
    static final int PANEL = 2 * L;

    /** Whether a layer of {@code outDim} outputs uses panels (else dot products along rows of {@code W}). */
    static boolean usesPanels(int outDim) {
        return outDim >= PANEL;
    }

    /** Panels of a layer: {@code ceil(outDim / 2L)}. */
    static int panelCount(int outDim) {
        return (outDim + PANEL - 1) / PANEL;
    }

    /**
     * The first output of panel {@code p}: {@code p·2L}, except that the last panel ends at {@code outDim} (it then
     * overlaps the one before and computes some outputs again, with the same arithmetic), so every store is a
     * whole vector inside the row.
     */
    static int panelStart(int p, int outDim) {
        return Math.min(p * PANEL, outDim - PANEL);
    }

    /** Floats of the panels of a layer: {@code [ceil(outDim / 2L)][inDim][2L]}. */
    static int panelFloats(int inDim, int outDim) {
        return panelCount(outDim) * inDim * PANEL;
    }

    /**
     * Packs {@code W [outDim][inDim]} at {@code wOff} into panels:
     * {@code panels[(p·inDim + i)·2L + j] = W[panelStart(p) + j][i]}. Reads rows of {@code W} in order; each panel's
     * lines stay in cache while its 2L rows are written into them.
     *
     * @param panels {@code [ceil(outDim / 2L)][inDim][2L]}
     * @param w      the slab holding {@code W [outDim][inDim]} at {@code wOff}
     */
    static void pack(float[] panels, float[] w, int wOff, int inDim, int outDim) {
        final int count = panelCount(outDim);
        for (int p = 0; p < count; p++) {
            final int base = p * inDim * PANEL;
            final int o0 = panelStart(p, outDim);
            for (int j = 0; j < PANEL; j++) {
                final int row = wOff + (o0 + j) * inDim;
                for (int i = 0, d = base + j; i < inDim; i++, d += PANEL) {
                    panels[d] = w[row + i];
                }
            }
        }
    }

    // ---- wide layers: panels of Wᵀ, 4 rows × 2 vectors a tile ----------------------------------------------

    /**
     * The forward pass of a wide layer for rows {@code [rowFrom, rowTo)}, panel by panel; within a panel four input
     * rows at a time share every loaded panel vector.
     *
     * @param out    {@code [≥ rowTo][≥ outDim]}
     * @param panels {@code [ceil(outDim / 2L)][inDim][2L]} from {@link #pack}
     */
    static void panels(float[][] out, float[] in, int inOff, float[][] inRows, float[] panels, float[] bias,
                       int biasOff, int rowFrom, int rowTo, int inDim, int outDim) {
        final int count = panelCount(outDim);
        for (int p = 0; p < count; p++) {
            final int base = p * inDim * PANEL;
            final int o0 = panelStart(p, outDim);
            final float[] bv = bias != null ? bias : ZERO_BIAS;
            final int bo = bias != null ? biasOff + o0 : 0;
            int b = rowFrom;
            for (; b + 3 < rowTo; b += 4) {
                if (inRows != null) {
                    panelTile4(out, b, inRows[b], 0, inRows[b + 1], 0, inRows[b + 2], 0, inRows[b + 3], 0, panels,
                            base, inDim, o0, bv, bo);
                } else {
                    final int s = inOff + b * inDim;
                    panelTile4(out, b, in, s, in, s + inDim, in, s + 2 * inDim, in, s + 3 * inDim, panels, base, inDim,
                            o0, bv, bo);
                }
            }
            for (; b < rowTo; b++) {
                if (inRows != null) {
                    panelTile1(out[b], inRows[b], 0, panels, base, inDim, o0, bv, bo);
                } else {
                    panelTile1(out[b], in, inOff + b * inDim, panels, base, inDim, o0, bv, bo);
                }
            }
        }
    }

    /** Two vectors of zeros: the bias of a layer without one. */
    private static final float[] ZERO_BIAS = new float[PANEL];

    private static void panelTile4(float[][] out, int b, float[] x0, int s0, float[] x1, int s1, float[] x2, int s2,
                                   float[] x3, int s3, float[] panels, int base, int inDim, int o0, float[] bias,
                                   int bo) {
        final FloatVector bias0 = FloatVector.fromArray(S, bias, bo);
        final FloatVector bias1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector a00 = bias0;
        FloatVector a01 = bias1;
        FloatVector a10 = bias0;
        FloatVector a11 = bias1;
        FloatVector a20 = bias0;
        FloatVector a21 = bias1;
        FloatVector a30 = bias0;
        FloatVector a31 = bias1;
        for (int i = 0, w = base; i < inDim; i++, w += PANEL) {
            final FloatVector w0 = FloatVector.fromArray(S, panels, w);
            final FloatVector w1 = FloatVector.fromArray(S, panels, w + L);
            final FloatVector v0 = FloatVector.broadcast(S, x0[s0 + i]);
            a00 = w0.fma(v0, a00);
            a01 = w1.fma(v0, a01);
            final FloatVector v1 = FloatVector.broadcast(S, x1[s1 + i]);
            a10 = w0.fma(v1, a10);
            a11 = w1.fma(v1, a11);
            final FloatVector v2 = FloatVector.broadcast(S, x2[s2 + i]);
            a20 = w0.fma(v2, a20);
            a21 = w1.fma(v2, a21);
            final FloatVector v3 = FloatVector.broadcast(S, x3[s3 + i]);
            a30 = w0.fma(v3, a30);
            a31 = w1.fma(v3, a31);
        }
        a00.intoArray(out[b], o0);
        a01.intoArray(out[b], o0 + L);
        a10.intoArray(out[b + 1], o0);
        a11.intoArray(out[b + 1], o0 + L);
        a20.intoArray(out[b + 2], o0);
        a21.intoArray(out[b + 2], o0 + L);
        a30.intoArray(out[b + 3], o0);
        a31.intoArray(out[b + 3], o0 + L);
    }

    /**
     * One row of a panel, with the arithmetic of {@link #panelTile4} (one FMA chain per vector from the bias), so a
     * row's result does not depend on whether it was computed in a group of four: splitting a batch over threads
     * changes no bit.
     */
    private static void panelTile1(float[] y, float[] x, int s, float[] panels, int base, int inDim, int o0,
                                   float[] bias, int bo) {
        FloatVector a0 = FloatVector.fromArray(S, bias, bo);
        FloatVector a1 = FloatVector.fromArray(S, bias, bo + L);
        for (int i = 0, w = base; i < inDim; i++, w += PANEL) {
            final FloatVector v = FloatVector.broadcast(S, x[s + i]);
            a0 = FloatVector.fromArray(S, panels, w).fma(v, a0);
            a1 = FloatVector.fromArray(S, panels, w + L).fma(v, a1);
        }
        a0.intoArray(y, o0);
        a1.intoArray(y, o0 + L);
    }

    // ---- narrow layers: dot products along rows of W in the slab -------------------------------------------

    /**
     * The forward pass of a narrow layer for rows {@code [rowFrom, rowTo)}: per row, dot products with four rows
     * of {@code W} at a time (then one), vectors along the input.
     *
     * @param w    the slab holding {@code W [outDim][inDim]} at {@code wOff}
     */
    static void dots(float[][] out, float[] in, int inOff, float[][] inRows, float[] w, int wOff, float[] bias,
                     int biasOff, int rowFrom, int rowTo, int inDim, int outDim) {
        for (int b = rowFrom; b < rowTo; b++) {
            final float[] x = inRows != null ? inRows[b] : in;
            final int s = inRows != null ? 0 : inOff + b * inDim;
            final float[] y = out[b];
            int o = 0;
            for (; o + 3 < outDim; o += 4) {
                dotTile4(y, o, x, s, w, wOff + o * inDim, inDim);
            }
            for (; o < outDim; o++) {
                y[o] = dot(x, s, w, wOff + o * inDim, inDim);
            }
            if (bias != null) {
                for (int k = 0; k < outDim; k++) {
                    y[k] += bias[biasOff + k];
                }
            }
        }
    }

    private static void dotTile4(float[] y, int o, float[] x, int s, float[] w, int r0, int inDim) {
        final int r1 = r0 + inDim;
        final int r2 = r1 + inDim;
        final int r3 = r2 + inDim;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= inDim; i += L) {
            final FloatVector v = FloatVector.fromArray(S, x, s + i);
            a0 = FloatVector.fromArray(S, w, r0 + i).fma(v, a0);
            a1 = FloatVector.fromArray(S, w, r1 + i).fma(v, a1);
            a2 = FloatVector.fromArray(S, w, r2 + i).fma(v, a2);
            a3 = FloatVector.fromArray(S, w, r3 + i).fma(v, a3);
        }
        float t0 = a0.reduceLanes(VectorOperators.ADD);
        float t1 = a1.reduceLanes(VectorOperators.ADD);
        float t2 = a2.reduceLanes(VectorOperators.ADD);
        float t3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < inDim; i++) {
            final float xi = x[s + i];
            t0 += xi * w[r0 + i];
            t1 += xi * w[r1 + i];
            t2 += xi * w[r2 + i];
            t3 += xi * w[r3 + i];
        }
        y[o] = t0;
        y[o + 1] = t1;
        y[o + 2] = t2;
        y[o + 3] = t3;
    }

    /** {@code Σ_i x[s + i] · w[r + i]} over {@code n} values. */
    static float dot(float[] x, int s, float[] w, int r, int n) {
        FloatVector a = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            a = FloatVector.fromArray(S, w, r + i).fma(FloatVector.fromArray(S, x, s + i), a);
        }
        float t = a.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            t += x[s + i] * w[r + i];
        }
        return t;
    }
}
