package dev.edgetrain.benchmarks.kernels;

/** Experimental kernel variants, measured side by side before one goes into the runtime. */
final class Variants {
    private Variants() {
    }

    /** out[b][:] = bias + Σ_i in[b][i]·Wᵀ[i][:], 8 inputs a pass, no blocking. */
    static void fwd8(float[] out, float[] in, float[] wt, float[] bias, int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            final int o0 = b * outDim;
            System.arraycopy(bias, 0, out, o0, outDim);
            fwdRows(out, o0, in, b * inDim, wt, 0, inDim, outDim);
        }
    }

    /** in-block of kb rows of Wᵀ kept in L1 while every batch row passes over it. */
    static void fwd8Blocked(float[] out, float[] in, float[] wt, float[] bias, int batch, int inDim, int outDim,
                            int kb) {
        for (int b = 0; b < batch; b++) {
            System.arraycopy(bias, 0, out, b * outDim, outDim);
        }
        for (int i0 = 0; i0 < inDim; i0 += kb) {
            final int n = Math.min(kb, inDim - i0);
            for (int b = 0; b < batch; b++) {
                fwdRows(out, b * outDim, in, b * inDim + i0, wt, i0 * outDim, n, outDim);
            }
        }
    }

    /** out[o0 + :outDim] += Σ_{i<n} in[x0+i]·wt[w0 + i·outDim + :], eight rows of wt a pass. */
    static void fwdRows(float[] out, int o0, float[] in, int x0, float[] wt, int w0, int n, int outDim) {
        int i = 0;
        for (; i + 7 < n; i += 8) {
            final float a0 = in[x0 + i];
            final float a1 = in[x0 + i + 1];
            final float a2 = in[x0 + i + 2];
            final float a3 = in[x0 + i + 3];
            final float a4 = in[x0 + i + 4];
            final float a5 = in[x0 + i + 5];
            final float a6 = in[x0 + i + 6];
            final float a7 = in[x0 + i + 7];
            final int r0 = w0 + i * outDim;
            final int r1 = r0 + outDim;
            final int r2 = r1 + outDim;
            final int r3 = r2 + outDim;
            final int r4 = r3 + outDim;
            final int r5 = r4 + outDim;
            final int r6 = r5 + outDim;
            final int r7 = r6 + outDim;
            for (int o = 0; o < outDim; o++) {
                out[o0 + o] += a0 * wt[r0 + o] + a1 * wt[r1 + o] + a2 * wt[r2 + o] + a3 * wt[r3 + o]
                        + a4 * wt[r4 + o] + a5 * wt[r5 + o] + a6 * wt[r6 + o] + a7 * wt[r7 + o];
            }
        }
        for (; i + 3 < n; i += 4) {
            final float a0 = in[x0 + i];
            final float a1 = in[x0 + i + 1];
            final float a2 = in[x0 + i + 2];
            final float a3 = in[x0 + i + 3];
            final int r0 = w0 + i * outDim;
            final int r1 = r0 + outDim;
            final int r2 = r1 + outDim;
            final int r3 = r2 + outDim;
            for (int o = 0; o < outDim; o++) {
                out[o0 + o] += a0 * wt[r0 + o] + a1 * wt[r1 + o] + a2 * wt[r2 + o] + a3 * wt[r3 + o];
            }
        }
        for (; i < n; i++) {
            final float a = in[x0 + i];
            final int r0 = w0 + i * outDim;
            for (int o = 0; o < outDim; o++) {
                out[o0 + o] += a * wt[r0 + o];
            }
        }
    }

    /** Two batch rows a pass (stores into two rows of the same array: does C2 still vectorise?). */
    static void fwd2x4(float[] out, float[] in, float[] wt, float[] bias, int batch, int inDim, int outDim) {
        int b = 0;
        for (; b + 1 < batch; b += 2) {
            final int o0 = b * outDim;
            final int o1 = o0 + outDim;
            System.arraycopy(bias, 0, out, o0, outDim);
            System.arraycopy(bias, 0, out, o1, outDim);
            final int x0 = b * inDim;
            final int x1 = x0 + inDim;
            for (int i = 0; i + 3 < inDim; i += 4) {
                final float a0 = in[x0 + i];
                final float a1 = in[x0 + i + 1];
                final float a2 = in[x0 + i + 2];
                final float a3 = in[x0 + i + 3];
                final float c0 = in[x1 + i];
                final float c1 = in[x1 + i + 1];
                final float c2 = in[x1 + i + 2];
                final float c3 = in[x1 + i + 3];
                final int r0 = i * outDim;
                final int r1 = r0 + outDim;
                final int r2 = r1 + outDim;
                final int r3 = r2 + outDim;
                for (int o = 0; o < outDim; o++) {
                    final float w0 = wt[r0 + o];
                    final float w1 = wt[r1 + o];
                    final float w2 = wt[r2 + o];
                    final float w3 = wt[r3 + o];
                    out[o0 + o] += a0 * w0 + a1 * w1 + a2 * w2 + a3 * w3;
                    out[o1 + o] += c0 * w0 + c1 * w1 + c2 * w2 + c3 * w3;
                }
            }
        }
    }

    /** dW[o][:] += Σ_b dOut[b][o]·in[b][:], eight batch rows a pass. */
    static void bwdW8(float[] dw, float[] dOut, float[] in, int batch, int inDim, int outDim) {
        for (int o = 0; o < outDim; o++) {
            bwdWRow(dw, o * inDim, dOut, o, in, 0, batch, inDim, outDim, inDim);
        }
    }

    /** As bwdW8, blocked over i so in[:, block] stays in L1 across all o. */
    static void bwdW8Blocked(float[] dw, float[] dOut, float[] in, int batch, int inDim, int outDim, int ib) {
        for (int i0 = 0; i0 < inDim; i0 += ib) {
            final int n = Math.min(ib, inDim - i0);
            for (int o = 0; o < outDim; o++) {
                bwdWRow(dw, o * inDim + i0, dOut, o, in, i0, batch, n, outDim, inDim);
            }
        }
    }

    static void bwdWRow(float[] dw, int g0, float[] dOut, int o, float[] in, int x0, int batch, int n, int outDim,
                        int inDim) {
        int b = 0;
        for (; b + 7 < batch; b += 8) {
            final float d0 = dOut[b * outDim + o];
            final float d1 = dOut[(b + 1) * outDim + o];
            final float d2 = dOut[(b + 2) * outDim + o];
            final float d3 = dOut[(b + 3) * outDim + o];
            final float d4 = dOut[(b + 4) * outDim + o];
            final float d5 = dOut[(b + 5) * outDim + o];
            final float d6 = dOut[(b + 6) * outDim + o];
            final float d7 = dOut[(b + 7) * outDim + o];
            final int r0 = x0 + b * inDim;
            final int r1 = r0 + inDim;
            final int r2 = r1 + inDim;
            final int r3 = r2 + inDim;
            final int r4 = r3 + inDim;
            final int r5 = r4 + inDim;
            final int r6 = r5 + inDim;
            final int r7 = r6 + inDim;
            for (int i = 0; i < n; i++) {
                dw[g0 + i] += d0 * in[r0 + i] + d1 * in[r1 + i] + d2 * in[r2 + i] + d3 * in[r3 + i]
                        + d4 * in[r4 + i] + d5 * in[r5 + i] + d6 * in[r6 + i] + d7 * in[r7 + i];
            }
        }
        for (; b < batch; b++) {
            final float d = dOut[b * outDim + o];
            final int r0 = x0 + b * inDim;
            for (int i = 0; i < n; i++) {
                dw[g0 + i] += d * in[r0 + i];
            }
        }
    }

    /** dWᵀ[i][:] = Σ_b in[b][i]·dOut[b][:] (the forward kernel's shape) into scratch, then dW += transpose. */
    static void bwdWViaTranspose(float[] dw, float[] dOut, float[] in, int batch, int inDim, int outDim,
                                 float[] scratch, float[] inT) {
        // inT [inDim][batch]
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < inDim; i++) {
                inT[i * batch + b] = in[b * inDim + i];
            }
        }
        for (int i = 0; i < inDim; i++) {
            final int s0 = i * outDim;
            for (int o = 0; o < outDim; o++) {
                scratch[s0 + o] = 0f;
            }
            fwdRows(scratch, s0, inT, i * batch, dOut, 0, batch, outDim);
        }
        for (int o = 0; o < outDim; o++) {
            final int g0 = o * inDim;
            for (int i = 0; i < inDim; i++) {
                dw[g0 + i] += scratch[i * outDim + o];
            }
        }
    }

    /** Row arrays everywhere: every vector loop indexes its arrays from 0, which C2 (JDK 17) vectorises. */
    static void fwdRowArrays(float[][] out, float[] in, float[][] wt, float[] bias, int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            final float[] y = out[b];
            System.arraycopy(bias, 0, y, 0, outDim);
            final int x0 = b * inDim;
            int i = 0;
            for (; i + 7 < inDim; i += 8) {
                axpy8(y, outDim, in[x0 + i], wt[i], in[x0 + i + 1], wt[i + 1], in[x0 + i + 2], wt[i + 2],
                        in[x0 + i + 3], wt[i + 3], in[x0 + i + 4], wt[i + 4], in[x0 + i + 5], wt[i + 5],
                        in[x0 + i + 6], wt[i + 6], in[x0 + i + 7], wt[i + 7]);
            }
            for (; i < inDim; i++) {
                final float a = in[x0 + i];
                final float[] w = wt[i];
                for (int o = 0; o < outDim; o++) {
                    y[o] += a * w[o];
                }
            }
        }
    }

    static void axpy8(float[] y, int n, float a0, float[] w0, float a1, float[] w1, float a2, float[] w2, float a3,
                      float[] w3, float a4, float[] w4, float a5, float[] w5, float a6, float[] w6, float a7,
                      float[] w7) {
        for (int o = 0; o < n; o++) {
            y[o] += a0 * w0[o] + a1 * w1[o] + a2 * w2[o] + a3 * w3[o] + a4 * w4[o] + a5 * w5[o] + a6 * w6[o]
                    + a7 * w7[o];
        }
    }

    static void axpy4(float[] y, int n, float a0, float[] w0, float a1, float[] w1, float a2, float[] w2, float a3,
                      float[] w3) {
        for (int o = 0; o < n; o++) {
            y[o] += a0 * w0[o] + a1 * w1[o] + a2 * w2[o] + a3 * w3[o];
        }
    }

    /** dW[o][:] += Σ_b dOut[b][o]·in[b][:] with in rows as arrays and the dW row copied through a row buffer. */
    static void bwdWRowArrays(float[] dw, float[] dOut, float[][] in, float[] acc, int batch, int inDim, int outDim) {
        for (int o = 0; o < outDim; o++) {
            final int g0 = o * inDim;
            System.arraycopy(dw, g0, acc, 0, inDim);
            int b = 0;
            for (; b + 7 < batch; b += 8) {
                axpy8(acc, inDim, dOut[b * outDim + o], in[b], dOut[(b + 1) * outDim + o], in[b + 1],
                        dOut[(b + 2) * outDim + o], in[b + 2], dOut[(b + 3) * outDim + o], in[b + 3],
                        dOut[(b + 4) * outDim + o], in[b + 4], dOut[(b + 5) * outDim + o], in[b + 5],
                        dOut[(b + 6) * outDim + o], in[b + 6], dOut[(b + 7) * outDim + o], in[b + 7]);
            }
            for (; b < batch; b++) {
                final float d = dOut[b * outDim + o];
                final float[] x = in[b];
                for (int i = 0; i < inDim; i++) {
                    acc[i] += d * x[i];
                }
            }
            System.arraycopy(acc, 0, dw, g0, inDim);
        }
    }

    /** Row arrays, four rows of Wᵀ a pass (JDK 17's C2 stops vectorising a normal compile beyond ~5 terms). */
    static void fwdRA4(float[][] out, float[] in, float[][] wt, float[] bias, int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            final float[] y = out[b];
            System.arraycopy(bias, 0, y, 0, outDim);
            final int x0 = b * inDim;
            int i = 0;
            for (; i + 3 < inDim; i += 4) {
                axpy4(y, outDim, in[x0 + i], wt[i], in[x0 + i + 1], wt[i + 1], in[x0 + i + 2], wt[i + 2],
                        in[x0 + i + 3], wt[i + 3]);
            }
            for (; i < inDim; i++) {
                final float a = in[x0 + i];
                final float[] w = wt[i];
                for (int o = 0; o < outDim; o++) {
                    y[o] += a * w[o];
                }
            }
        }
    }

    /** Row arrays, two batch rows by two rows of Wᵀ a pass. */
    static void fwdRA2x2(float[][] out, float[] in, float[][] wt, float[] bias, int batch, int inDim, int outDim) {
        int b = 0;
        for (; b + 1 < batch; b += 2) {
            final float[] y0 = out[b];
            final float[] y1 = out[b + 1];
            System.arraycopy(bias, 0, y0, 0, outDim);
            System.arraycopy(bias, 0, y1, 0, outDim);
            final int x0 = b * inDim;
            final int x1 = x0 + inDim;
            int i = 0;
            for (; i + 1 < inDim; i += 2) {
                tile2x2(y0, y1, outDim, in[x0 + i], in[x0 + i + 1], in[x1 + i], in[x1 + i + 1], wt[i], wt[i + 1]);
            }
            for (; i < inDim; i++) {
                tile2x2(y0, y1, outDim, in[x0 + i], 0f, in[x1 + i], 0f, wt[i], wt[i]);
            }
        }
        if (b < batch) {
            fwdRA4(new float[][] {out[b]}, java.util.Arrays.copyOfRange(in, b * inDim, (b + 1) * inDim), wt, bias, 1,
                    inDim, outDim);
        }
    }

    static void tile2x2(float[] y0, float[] y1, int n, float a00, float a01, float a10, float a11, float[] w0,
                        float[] w1) {
        for (int o = 0; o < n; o++) {
            final float v0 = w0[o];
            final float v1 = w1[o];
            y0[o] += a00 * v0 + a01 * v1;
            y1[o] += a10 * v0 + a11 * v1;
        }
    }

    /** Row arrays, two batch rows by three rows of Wᵀ a pass. */
    static void fwdRA2x3(float[][] out, float[] in, float[][] wt, float[] bias, int batch, int inDim, int outDim) {
        int b = 0;
        for (; b + 1 < batch; b += 2) {
            final float[] y0 = out[b];
            final float[] y1 = out[b + 1];
            System.arraycopy(bias, 0, y0, 0, outDim);
            System.arraycopy(bias, 0, y1, 0, outDim);
            final int x0 = b * inDim;
            final int x1 = x0 + inDim;
            int i = 0;
            for (; i + 2 < inDim; i += 3) {
                tile2x3(y0, y1, outDim, in[x0 + i], in[x0 + i + 1], in[x0 + i + 2], in[x1 + i], in[x1 + i + 1],
                        in[x1 + i + 2], wt[i], wt[i + 1], wt[i + 2]);
            }
            for (; i < inDim; i++) {
                tile2x2(y0, y1, outDim, in[x0 + i], 0f, in[x1 + i], 0f, wt[i], wt[i]);
            }
        }
    }

    static void tile2x3(float[] y0, float[] y1, int n, float a00, float a01, float a02, float a10, float a11, float a12,
                        float[] w0, float[] w1, float[] w2) {
        for (int o = 0; o < n; o++) {
            final float v0 = w0[o];
            final float v1 = w1[o];
            final float v2 = w2[o];
            y0[o] += a00 * v0 + a01 * v1 + a02 * v2;
            y1[o] += a10 * v0 + a11 * v1 + a12 * v2;
        }
    }

    /** As bwdWRowArrays with four batch rows a pass. */
    static void bwdWRA4(float[] dw, float[] dOut, float[][] in, float[] acc, int batch, int inDim, int outDim) {
        for (int o = 0; o < outDim; o++) {
            final int g0 = o * inDim;
            System.arraycopy(dw, g0, acc, 0, inDim);
            int b = 0;
            for (; b + 3 < batch; b += 4) {
                axpy4(acc, inDim, dOut[b * outDim + o], in[b], dOut[(b + 1) * outDim + o], in[b + 1],
                        dOut[(b + 2) * outDim + o], in[b + 2], dOut[(b + 3) * outDim + o], in[b + 3]);
            }
            for (; b < batch; b++) {
                final float d = dOut[b * outDim + o];
                final float[] x = in[b];
                for (int i = 0; i < inDim; i++) {
                    acc[i] += d * x[i];
                }
            }
            System.arraycopy(acc, 0, dw, g0, inDim);
        }
    }

    /** dW rows as arrays too (no copy), two dW rows by two batch rows a pass. */
    static void bwdWRA2x2(float[][] dw, float[] dOut, float[][] in, int batch, int inDim, int outDim) {
        int o = 0;
        for (; o + 1 < outDim; o += 2) {
            final float[] g0 = dw[o];
            final float[] g1 = dw[o + 1];
            int b = 0;
            for (; b + 1 < batch; b += 2) {
                tile2x2(g0, g1, inDim, dOut[b * outDim + o], dOut[(b + 1) * outDim + o], dOut[b * outDim + o + 1],
                        dOut[(b + 1) * outDim + o + 1], in[b], in[b + 1]);
            }
        }
    }

    /** Forward, 2 batch rows x 3 rows of Wᵀ a pass (t23), i-blocked like the runtime kernel. */
    static void fwdT23(float[][] out, float[] in, float[][] wt, float[] bias, int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            System.arraycopy(bias, 0, out[b], 0, outDim);
        }
        final int block = Math.max(6, (8192 / outDim) / 6 * 6);
        for (int i0 = 0; i0 < inDim; i0 += block) {
            final int i1 = Math.min(inDim, i0 + block);
            int b = 0;
            for (; b + 1 < batch; b += 2) {
                final float[] y0 = out[b];
                final float[] y1 = out[b + 1];
                final int x0 = b * inDim;
                final int x1 = x0 + inDim;
                int i = i0;
                for (; i + 2 < i1; i += 3) {
                    t23(y0, y1, outDim, in[x0 + i], in[x0 + i + 1], in[x0 + i + 2], in[x1 + i], in[x1 + i + 1],
                            in[x1 + i + 2], wt[i], wt[i + 1], wt[i + 2]);
                }
                for (; i < i1; i++) {
                    axpy1(y0, outDim, in[x0 + i], wt[i]);
                    axpy1(y1, outDim, in[x1 + i], wt[i]);
                }
            }
            for (; b < batch; b++) {
                for (int i = i0; i < i1; i++) {
                    axpy1(out[b], outDim, in[b * inDim + i], wt[i]);
                }
            }
        }
    }

    static void axpy1(float[] y, int n, float a, float[] w) {
        for (int o = 0; o < n; o++) {
            y[o] += a * w[o];
        }
    }

    static void t23(float[] y0, float[] y1, int n, float a00, float a01, float a02, float a10, float a11, float a12,
                    float[] w0, float[] w1, float[] w2) {
        for (int o = 0; o < n; o++) {
            final float v0 = w0[o];
            final float v1 = w1[o];
            final float v2 = w2[o];
            y0[o] += a00 * v0 + a01 * v1 + a02 * v2;
            y1[o] += a10 * v0 + a11 * v1 + a12 * v2;
        }
    }

    static void t22(float[] y0, float[] y1, int n, float a00, float a01, float a10, float a11, float[] w0, float[] w1) {
        for (int o = 0; o < n; o++) {
            final float v0 = w0[o];
            final float v1 = w1[o];
            y0[o] += a00 * v0 + a01 * v1;
            y1[o] += a10 * v0 + a11 * v1;
        }
    }

    /** Forward, 2 batch rows x 2 rows of Wᵀ a pass (t22). */
    static void fwdT22(float[][] out, float[] in, float[][] wt, float[] bias, int batch, int inDim, int outDim) {
        for (int b = 0; b < batch; b++) {
            System.arraycopy(bias, 0, out[b], 0, outDim);
        }
        final int block = Math.max(4, (8192 / outDim) & ~3);
        for (int i0 = 0; i0 < inDim; i0 += block) {
            final int i1 = Math.min(inDim, i0 + block);
            int b = 0;
            for (; b + 1 < batch; b += 2) {
                final float[] y0 = out[b];
                final float[] y1 = out[b + 1];
                final int x0 = b * inDim;
                final int x1 = x0 + inDim;
                int i = i0;
                for (; i + 1 < i1; i += 2) {
                    t22(y0, y1, outDim, in[x0 + i], in[x0 + i + 1], in[x1 + i], in[x1 + i + 1], wt[i], wt[i + 1]);
                }
                for (; i < i1; i++) {
                    axpy1(y0, outDim, in[x0 + i], wt[i]);
                    axpy1(y1, outDim, in[x1 + i], wt[i]);
                }
            }
        }
    }

    /** dW, 2 gradient rows x 3 batch rows a pass (t23), rows copied through two scratch rows. */
    static void bwdWT23(float[] dw, float[] dOut, float[][] in, float[] acc0, float[] acc1, int batch, int inDim,
                        int outDim) {
        int o = 0;
        for (; o + 1 < outDim; o += 2) {
            System.arraycopy(dw, o * inDim, acc0, 0, inDim);
            System.arraycopy(dw, (o + 1) * inDim, acc1, 0, inDim);
            int b = 0;
            for (; b + 2 < batch; b += 3) {
                t23(acc0, acc1, inDim, dOut[b * outDim + o], dOut[(b + 1) * outDim + o], dOut[(b + 2) * outDim + o],
                        dOut[b * outDim + o + 1], dOut[(b + 1) * outDim + o + 1], dOut[(b + 2) * outDim + o + 1],
                        in[b], in[b + 1], in[b + 2]);
            }
            for (; b < batch; b++) {
                axpy1(acc0, inDim, dOut[b * outDim + o], in[b]);
                axpy1(acc1, inDim, dOut[b * outDim + o + 1], in[b]);
            }
            System.arraycopy(acc0, 0, dw, o * inDim, inDim);
            System.arraycopy(acc1, 0, dw, (o + 1) * inDim, inDim);
        }
    }

    /** dW, 2 gradient rows x 2 batch rows a pass (t22). */
    static void bwdWT22(float[] dw, float[] dOut, float[][] in, float[] acc0, float[] acc1, int batch, int inDim,
                        int outDim) {
        int o = 0;
        for (; o + 1 < outDim; o += 2) {
            System.arraycopy(dw, o * inDim, acc0, 0, inDim);
            System.arraycopy(dw, (o + 1) * inDim, acc1, 0, inDim);
            int b = 0;
            for (; b + 1 < batch; b += 2) {
                t22(acc0, acc1, inDim, dOut[b * outDim + o], dOut[(b + 1) * outDim + o], dOut[b * outDim + o + 1],
                        dOut[(b + 1) * outDim + o + 1], in[b], in[b + 1]);
            }
            System.arraycopy(acc0, 0, dw, o * inDim, inDim);
            System.arraycopy(acc1, 0, dw, (o + 1) * inDim, inDim);
        }
    }

    /** Transpose walking each Wᵀ row: contiguous stores, strided loads that stay in L1 for 16 rows. */
    static void transposeByRow(float[][] weightT, float[] weight, int wOff, int inDim, int outDim) {
        for (int i = 0; i < inDim; i++) {
            final float[] t = weightT[i];
            int p = wOff + i;
            for (int o = 0; o < outDim; o++) {
                t[o] = weight[p];
                p += inDim;
            }
        }
    }

    /** As transposeByRow, four Wᵀ rows a pass (four neighbouring floats of each W row). */
    static void transposeByRow4(float[][] weightT, float[] weight, int wOff, int inDim, int outDim) {
        int i = 0;
        for (; i + 3 < inDim; i += 4) {
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
        for (; i < inDim; i++) {
            final float[] t = weightT[i];
            int p = wOff + i;
            for (int o = 0; o < outDim; o++) {
                t[o] = weight[p];
                p += inDim;
            }
        }
    }
}
