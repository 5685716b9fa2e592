package dev.edgetrain.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.kernels.DenseWeights;
import dev.edgetrain.runtime.kernels.FiniteScan;
import dev.edgetrain.runtime.kernels.KernelSet;
import dev.edgetrain.runtime.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

/**
 * Each vector kernel against the naive reference, on shapes around the tile edges: widths below, at and just past
 * one and two vectors (the dot-product layers, the last panel that overlaps the one before, the scalar tails), row
 * counts that leave 0–3 rows after the groups of four, row ranges that start inside the batch (a thread's share),
 * flat and row inputs, with and without bias. The plain kernels are held to the same reference in the runtime's
 * tests; here both sets also meet each other.
 */
class VectorKernelsMatchReferenceTest {
    private static final int L = VectorKernels.L;
    private static final int[] WIDTHS = {1, 3, L - 1, L, L + 1, 2 * L - 1, 2 * L, 2 * L + 1, 3 * L + 5, 4 * L,
        5 * L + 3, 100};
    /** Summation order differs (FMA, lane order); this bounds float rounding relative to the terms' scale. */
    private static final float TOLERANCE = 2e-5f;

    private final Rng rng = new Rng(20261203);
    private final KernelSet vector = VectorKernels.create();

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextDouble() < 0.2 ? 0f : (float) rng.nextGaussian();
        }
        return a;
    }

    private int width() {
        return WIDTHS[rng.nextInt(WIDTHS.length)];
    }

    private static float[][] rows(float[] flat, int off, int rows, int width) {
        float[][] r = new float[rows][width];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(flat, off + b * width, r[b], 0, width);
        }
        return r;
    }

    private static void assertClose(float expected, float actual, float scale, String what) {
        assertTrue(Math.abs(expected - actual) <= TOLERANCE * Math.max(1f, scale),
                what + ": expected " + expected + ", got " + actual);
    }

    /** Σ |a_i · b_i|-like scale of a row of products: bounds the rounding of any summation order. */
    private static float scale(float[] x, int xOff, float[] w, int wOff, int n, int xStride, int wStride) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += Math.abs(x[xOff + i * xStride] * w[wOff + i * wStride]);
        }
        return s;
    }

    @Test
    void theSetIsTheVectorOneAndNamedSo() {
        assertTrue(L >= 8, "the preferred species has " + L + " lanes");
        assertTrue(vector.name().startsWith("vector ("), vector.name());
        assertEquals(vector.name(), KernelSet.named("vector").name());
    }

    /**
     * On x86 the lanes follow the widest vectors HotSpot uses: 8 with {@code UseAVX=2} (AVX2, and the build's second
     * test run on AVX-512 machines), 16 with {@code UseAVX=3}; so both tile shapes are the ones tested.
     */
    @Test
    void lanesFollowTheVectorsHotSpotUses() {
        final com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        final String arch = System.getProperty("os.arch");
        if (vm == null || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            assertTrue(L >= 8, "lanes " + L + " on " + arch);
            return;
        }
        final int avx = Integer.parseInt(vm.getVMOption("UseAVX").getValue());
        System.out.println("UseAVX=" + avx + ": " + vector.name() + ", " + (DenseForward.EIGHT_ROW_TILES ? 8 : 4)
                + "-row tiles");
        assertEquals(avx >= 3 ? 16 : 8, L, "UseAVX=" + avx);
        assertEquals(L >= 16, DenseForward.EIGHT_ROW_TILES, "eight-row tiles exactly with 16-float vectors");
    }

    @Test
    void forwardEqualsReference() {
        for (int trial = 0; trial < 300; trial++) {
            final int inDim = width();
            final int outDim = width();
            final int batch = 1 + rng.nextInt(11);
            final int from = rng.nextInt(batch);
            final int to = from + 1 + rng.nextInt(batch - from);
            final boolean withBias = trial % 3 != 0;
            final boolean flatInput = trial % 2 == 0;
            final int wOff = rng.nextInt(7);
            final float[] slab = random(wOff + inDim * outDim + outDim + 3);
            final int biasOff = wOff + inDim * outDim;
            final int inOff = rng.nextInt(5);
            final float[] x = random(inOff + batch * inDim);
            final DenseWeights w = vector.denseWeights(inDim, outDim, true);
            w.refresh(slab, wOff);
            final float[][] out = new float[batch][outDim];
            final boolean rows = !flatInput || w.forwardNeedsInputRows();
            w.forward(out, x, inOff, rows ? rows(x, inOff, batch, inDim) : null, withBias ? slab : null, biasOff,
                    from, to);
            final float[] expected = new float[batch * outDim];
            ReferenceKernels.denseForward(expected, 0, x, inOff, slab, wOff, withBias ? slab : null, biasOff, batch,
                    inDim, outDim);
            final String what = inDim + "→" + outDim + " rows [" + from + ", " + to + ") of " + batch;
            for (int b = 0; b < batch; b++) {
                for (int o = 0; o < outDim; o++) {
                    if (b < from || b >= to) {
                        assertEquals(0f, out[b][o], what + ": row " + b + " is outside the range and must stay 0");
                    } else {
                        assertClose(expected[b * outDim + o], out[b][o],
                                scale(x, inOff + b * inDim, slab, wOff + o * inDim, inDim, 1, 1),
                                what + " at [" + b + "][" + o + "]");
                    }
                }
            }
        }
    }

    @Test
    void forwardSeesEveryWriteOfTheSlabAfterRefresh() {
        final int inDim = 2 * L + 3;
        final int outDim = 3 * L + 1;
        final float[] slab = random(inDim * outDim);
        final DenseWeights w = vector.denseWeights(inDim, outDim, false);
        w.refresh(slab, 0);
        slab[5 * inDim + 2] += 1f; // W[5][2]
        w.refresh(slab, 0);
        final float[] x = new float[inDim];
        x[2] = 1f;
        final float[][] out = new float[1][outDim];
        w.forward(out, x, 0, new float[][] {x}, null, 0, 0, 1);
        for (int o = 0; o < outDim; o++) {
            assertEquals(slab[o * inDim + 2], out[0][o], "output " + o + " of x = e_2 is W[" + o + "][2]");
        }
    }

    @Test
    void wideLayersAskForRowsAndRefuseAFlatInput() {
        final DenseWeights wide = vector.denseWeights(7, 2 * L, false);
        final DenseWeights narrow = vector.denseWeights(7, 3, false);
        assertTrue(wide.forwardNeedsInputRows());
        assertEquals(false, narrow.forwardNeedsInputRows());
        wide.refresh(new float[7 * 2 * L], 0);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> wide.forward(new float[1][2 * L], new float[7], 0, null, null, 0, 0, 1));
        assertEquals("a layer of " + 2 * L + " outputs reads its input as rows (forwardNeedsInputRows), got none",
                e.getMessage());
    }

    @Test
    void backwardEqualsReference() {
        for (int trial = 0; trial < 300; trial++) {
            final int inDim = width();
            final int outDim = width();
            final int batch = 1 + rng.nextInt(11);
            final int wOff = rng.nextInt(7);
            final float[] slab = random(wOff + inDim * outDim);
            final float[] x = random(batch * inDim);
            final float[] dOut = random(batch * outDim);
            final float[][] xRows = rows(x, 0, batch, inDim);
            final float[][] dOutRows = rows(dOut, 0, batch, outDim);
            final String what = inDim + "→" + outDim + ", batch " + batch;

            // input gradient, over a thread's share of the rows
            final int from = rng.nextInt(batch);
            final int to = from + 1 + rng.nextInt(batch - from);
            final DenseWeights w = vector.denseWeights(inDim, outDim, true);
            w.refresh(slab, wOff);
            final float[][] dIn = new float[batch][inDim];
            w.backwardInput(dIn, dOutRows, from, to);
            final float[] expectedDIn = new float[batch * inDim];
            ReferenceKernels.denseBackward(expectedDIn, 0, null, 0, null, 0, dOut, 0, x, 0, slab, wOff, batch, inDim,
                    outDim);
            for (int b = from; b < to; b++) {
                for (int i = 0; i < inDim; i++) {
                    assertClose(expectedDIn[b * inDim + i], dIn[b][i],
                            scale(dOut, b * outDim, slab, wOff + i, outDim, 1, inDim),
                            what + ", dIn[" + b + "][" + i + "]");
                }
            }

            // weight and bias gradients, accumulated onto what is there, over a thread's share of the outputs
            final int oFrom = rng.nextInt(outDim);
            final int oTo = oFrom + 1 + rng.nextInt(outDim - oFrom);
            final float[] grads = random(wOff + inDim * outDim + outDim);
            final float[] expected = grads.clone();
            final int biasOff = wOff + inDim * outDim;
            vector.backwardWeight(grads, wOff, grads, biasOff, new float[inDim], dOutRows, xRows, batch, inDim, oFrom,
                    oTo);
            ReferenceKernels.denseBackward(null, 0, expected, wOff, expected, biasOff, dOut, 0, x, 0, slab, wOff, batch,
                    inDim, outDim);
            for (int o = 0; o < outDim; o++) {
                final boolean inRange = o >= oFrom && o < oTo;
                for (int i = 0; i < inDim; i++) {
                    final int k = wOff + o * inDim + i;
                    if (inRange) {
                        assertClose(expected[k], grads[k], 1f + scale(dOut, o, x, i, batch, outDim, inDim),
                                what + ", dW[" + o + "][" + i + "]");
                    }
                }
                if (inRange) {
                    assertClose(expected[biasOff + o], grads[biasOff + o], batch, what + ", dBias[" + o + "]");
                }
            }
        }
    }

    /**
     * The vector finiteness scan finds NaN, +∞ and -∞ at every position of ranges of every width around the
     * four-vector step (the unrolled loop, the one-vector loop and the scalar tail each see one), from offsets that
     * start inside a vector, and says finite for finite values, -0 and huge ones included; the plain scan agrees.
     */
    @Test
    void theFinitenessScanFindsEveryNonFiniteValueWhereverItLies() {
        float[] chunk = new float[FiniteScan.CHUNK];
        float[] lanes = new float[FiniteScan.CHUNK];
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int checked = 0;
        for (int width : new int[] {0, 1, L - 1, L, L + 1, 4 * L - 1, 4 * L, 4 * L + 1, 9 * L + 3, 1000}) {
            for (int from : new int[] {0, 1, L - 1}) {
                float[] x = new float[from + width + 3];
                Rng rng = new Rng(width * 31L + from);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rng.nextGaussian() * 1e37);
                }
                x[from] = -0f;
                assertTrue(vector.allFinite(x, from, from + width, chunk, lanes), width + " finite from " + from);
                for (int at = from; at < from + width; at++) {
                    for (float v : bad) {
                        final float kept = x[at];
                        x[at] = v;
                        assertEquals(false, vector.allFinite(x, from, from + width, chunk, lanes),
                                v + " at " + at + " of [" + from + ", " + (from + width) + ")");
                        assertEquals(false, KernelSet.plain().allFinite(x, from, from + width, chunk, lanes));
                        x[at] = kept;
                        checked++;
                    }
                }
                // outside the range: not its business
                x[from + width] = Float.NaN;
                assertTrue(vector.allFinite(x, from, from + width, chunk, lanes), "NaN just past the range");
            }
        }
        assertTrue(checked > 3000, "positions checked: " + checked);
    }
}
