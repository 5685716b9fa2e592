package dev.edgetrain.simd;

import static dev.edgetrain.simd.VectorKernels.L;
import static dev.edgetrain.simd.VectorKernels.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The dense forward pass {@code out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i]} on vectors. Wide layers (panels)
 * read their input as rows ({@code inRows[b]}); narrow ones (dot products) read rows or a flat
 * {@code in [batch][inDim]} at {@code inOff} in place.
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
     * {@code panels[(p·inDim + i)·2L + j] = W[panelStart(p) + j][i]}. Writes each panel front to back, four panel
     * rows a pass, reading four neighbouring columns of its 2L rows of {@code W}: those rows advance together, so
     * the lines read stay in L1 (a panel-sized stride on the write side would miss on every store instead).
     *
     * @param panels {@code [ceil(outDim / 2L)][inDim][2L]}
     * @param w      the slab holding {@code W [outDim][inDim]} at {@code wOff}
     */
    static void pack(float[] panels, float[] w, int wOff, int inDim, int outDim) {
        pack(panels, w, wOff, inDim, outDim, 0, panelCount(outDim));
    }

    /** {@link #pack(float[], float[], int, int, int)} for panels {@code [pFrom, pTo)} only. */
    static void pack(float[] panels, float[] w, int wOff, int inDim, int outDim, int pFrom, int pTo) {
        for (int p = pFrom; p < pTo; p++) {
            final int row0 = wOff + panelStart(p, outDim) * inDim;
            final int d0 = p * inDim * PANEL;
            int i = 0;
            for (; i + 3 < inDim; i += 4) { // four columns a pass: each row's line serves four panel rows
                final int d = d0 + i * PANEL;
                for (int j = 0, r = row0 + i; j < PANEL; j++, r += inDim) {
                    panels[d + j] = w[r];
                    panels[d + PANEL + j] = w[r + 1];
                    panels[d + 2 * PANEL + j] = w[r + 2];
                    panels[d + 3 * PANEL + j] = w[r + 3];
                }
            }
            for (; i < inDim; i++) {
                final int d = d0 + i * PANEL;
                for (int j = 0, r = row0 + i; j < PANEL; j++, r += inDim) {
                    panels[d + j] = w[r];
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
    static void panels(float[][] out, float[][] inRows, float[] panels, float[] bias, int biasOff, int rowFrom,
                       int rowTo, int inDim, int outDim) {
        final int count = panelCount(outDim);
        final float[] bv = bias != null ? bias : ZERO_BIAS;
        final int grouped = rowFrom + (rowTo - rowFrom) / 4 * 4; // rows in groups of four (or eight) share panel loads
        for (int p = 0; p < count; p++) {
            final int base = p * inDim * PANEL;
            final int o0 = panelStart(p, outDim);
            final int bo = bias != null ? biasOff + o0 : 0;
            int b = rowFrom;
            if (EIGHT_ROW_TILES) {
                for (; b + 7 < grouped; b += 8) {
                    panelTile8(out, b, inRows, panels, base, inDim, o0, bv, bo);
                }
            }
            for (; b < grouped; b += 4) {
                panelTile4(out, b, inRows, panels, base, inDim, o0, bv, bo);
            }
        }
        // the last rows (a batch of one: latency) one at a time, across four panels at once for eight FMA chains
        for (int b = grouped; b < rowTo; b++) {
            final float[] x = inRows[b];
            int p = 0;
            for (; p + 3 < count; p += 4) {
                rowTile4Panels(out[b], x, 0, panels, p, inDim, outDim, bv, bias != null ? biasOff : -1);
            }
            for (; p < count; p++) {
                final int o0 = panelStart(p, outDim);
                panelTile1(out[b], x, 0, panels, p * inDim * PANEL, inDim, o0, bv, bias != null ? biasOff + o0 : 0);
            }
        }
    }

    /**
     * One row across panels {@code [p, p + 4)}: eight independent FMA chains instead of two, which a single row needs
     * to keep the FMA units busy. Each output's arithmetic is that of {@link #panelTile1}.
     *
     * @param biasOff where the bias starts in {@code bias}, or -1 when {@code bias} is {@link #ZERO_BIAS}
     */
    private static void rowTile4Panels(float[] y, float[] x, int s, float[] panels, int p, int inDim, int outDim,
                                       float[] bias, int biasOff) {
        final int o0 = panelStart(p, outDim);
        final int o1 = panelStart(p + 1, outDim);
        final int o2 = panelStart(p + 2, outDim);
        final int o3 = panelStart(p + 3, outDim);
        final int stride = inDim * PANEL;
        final int b0 = biasOff < 0 ? 0 : biasOff + o0;
        final int b1 = biasOff < 0 ? 0 : biasOff + o1;
        final int b2 = biasOff < 0 ? 0 : biasOff + o2;
        final int b3 = biasOff < 0 ? 0 : biasOff + o3;
        FloatVector a00 = FloatVector.fromArray(S, bias, b0);
        FloatVector a01 = FloatVector.fromArray(S, bias, b0 + L);
        FloatVector a10 = FloatVector.fromArray(S, bias, b1);
        FloatVector a11 = FloatVector.fromArray(S, bias, b1 + L);
        FloatVector a20 = FloatVector.fromArray(S, bias, b2);
        FloatVector a21 = FloatVector.fromArray(S, bias, b2 + L);
        FloatVector a30 = FloatVector.fromArray(S, bias, b3);
        FloatVector a31 = FloatVector.fromArray(S, bias, b3 + L);
        for (int i = 0, w = p * stride; i < inDim; i++, w += PANEL) {
            final FloatVector v = FloatVector.broadcast(S, x[s + i]);
            a00 = FloatVector.fromArray(S, panels, w).fma(v, a00);
            a01 = FloatVector.fromArray(S, panels, w + L).fma(v, a01);
            a10 = FloatVector.fromArray(S, panels, w + stride).fma(v, a10);
            a11 = FloatVector.fromArray(S, panels, w + stride + L).fma(v, a11);
            a20 = FloatVector.fromArray(S, panels, w + 2 * stride).fma(v, a20);
            a21 = FloatVector.fromArray(S, panels, w + 2 * stride + L).fma(v, a21);
            a30 = FloatVector.fromArray(S, panels, w + 3 * stride).fma(v, a30);
            a31 = FloatVector.fromArray(S, panels, w + 3 * stride + L).fma(v, a31);
        }
        // the last panel may overlap the one before it: store front to back, so both write the same values anyway
        a00.intoArray(y, o0);
        a01.intoArray(y, o0 + L);
        a10.intoArray(y, o1);
        a11.intoArray(y, o1 + L);
        a20.intoArray(y, o2);
        a21.intoArray(y, o2 + L);
        a30.intoArray(y, o3);
        a31.intoArray(y, o3 + L);
    }

    /**
     * Whether the forward tile takes eight rows: with 16-float vectors (AVX-512), whose 32 registers hold its 16
     * accumulators, 2 panel vectors and a broadcast; with 8-float vectors (AVX2: 16 registers) four rows.
     */
    static final boolean EIGHT_ROW_TILES = L >= 16;

    /** Two vectors of zeros: the bias of a layer without one. */
    private static final float[] ZERO_BIAS = new float[PANEL];

    /** Rows {@code [b, b + 8)} of a panel; each row's arithmetic is that of {@link #panelTile1}. */
    private static void panelTile8(float[][] out, int b, float[][] inRows, float[] panels, int base, int inDim,
                                   int o0, float[] bias, int bo) {
        final float[] x0 = inRows[b];
        final float[] x1 = inRows[b + 1];
        final float[] x2 = inRows[b + 2];
        final float[] x3 = inRows[b + 3];
        final float[] x4 = inRows[b + 4];
        final float[] x5 = inRows[b + 5];
        final float[] x6 = inRows[b + 6];
        final float[] x7 = inRows[b + 7];
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
        FloatVector a40 = bias0;
        FloatVector a41 = bias1;
        FloatVector a50 = bias0;
        FloatVector a51 = bias1;
        FloatVector a60 = bias0;
        FloatVector a61 = bias1;
        FloatVector a70 = bias0;
        FloatVector a71 = bias1;
        for (int i = 0, w = base; i < inDim; i++, w += PANEL) {
            final FloatVector w0 = FloatVector.fromArray(S, panels, w);
            final FloatVector w1 = FloatVector.fromArray(S, panels, w + L);
            FloatVector v = FloatVector.broadcast(S, x0[i]);
            a00 = w0.fma(v, a00);
            a01 = w1.fma(v, a01);
            v = FloatVector.broadcast(S, x1[i]);
            a10 = w0.fma(v, a10);
            a11 = w1.fma(v, a11);
            v = FloatVector.broadcast(S, x2[i]);
            a20 = w0.fma(v, a20);
            a21 = w1.fma(v, a21);
            v = FloatVector.broadcast(S, x3[i]);
            a30 = w0.fma(v, a30);
            a31 = w1.fma(v, a31);
            v = FloatVector.broadcast(S, x4[i]);
            a40 = w0.fma(v, a40);
            a41 = w1.fma(v, a41);
            v = FloatVector.broadcast(S, x5[i]);
            a50 = w0.fma(v, a50);
            a51 = w1.fma(v, a51);
            v = FloatVector.broadcast(S, x6[i]);
            a60 = w0.fma(v, a60);
            a61 = w1.fma(v, a61);
            v = FloatVector.broadcast(S, x7[i]);
            a70 = w0.fma(v, a70);
            a71 = w1.fma(v, a71);
        }
        a00.intoArray(out[b], o0);
        a01.intoArray(out[b], o0 + L);
        a10.intoArray(out[b + 1], o0);
        a11.intoArray(out[b + 1], o0 + L);
        a20.intoArray(out[b + 2], o0);
        a21.intoArray(out[b + 2], o0 + L);
        a30.intoArray(out[b + 3], o0);
        a31.intoArray(out[b + 3], o0 + L);
        a40.intoArray(out[b + 4], o0);
        a41.intoArray(out[b + 4], o0 + L);
        a50.intoArray(out[b + 5], o0);
        a51.intoArray(out[b + 5], o0 + L);
        a60.intoArray(out[b + 6], o0);
        a61.intoArray(out[b + 6], o0 + L);
        a70.intoArray(out[b + 7], o0);
        a71.intoArray(out[b + 7], o0 + L);
    }

    private static void panelTile4(float[][] out, int b, float[][] inRows, float[] panels, int base, int inDim,
                                   int o0, float[] bias, int bo) {
        final float[] x0 = inRows[b];
        final float[] x1 = inRows[b + 1];
        final float[] x2 = inRows[b + 2];
        final float[] x3 = inRows[b + 3];
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
            final FloatVector v0 = FloatVector.broadcast(S, x0[i]);
            a00 = w0.fma(v0, a00);
            a01 = w1.fma(v0, a01);
            final FloatVector v1 = FloatVector.broadcast(S, x1[i]);
            a10 = w0.fma(v1, a10);
            a11 = w1.fma(v1, a11);
            final FloatVector v2 = FloatVector.broadcast(S, x2[i]);
            a20 = w0.fma(v2, a20);
            a21 = w1.fma(v2, a21);
            final FloatVector v3 = FloatVector.broadcast(S, x3[i]);
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
