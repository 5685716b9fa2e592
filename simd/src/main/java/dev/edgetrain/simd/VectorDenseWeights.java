package dev.edgetrain.simd;

import dev.edgetrain.runtime.kernels.DenseWeights;

/**
 * One dense layer's weights for the vector kernels. A layer of at least one vector of outputs keeps {@code Wᵀ}
 * packed in panels of two vectors of outputs ({@link DenseForward#panels}), rebuilt from the slab on every write;
 * a narrower layer (a classifier's ten outputs) and the input gradient read {@code W} in the slab itself.
 */
final class VectorDenseWeights extends DenseWeights {
    /**
     * {@code [panels][inDim][2L]}: panel {@code p} holds {@code W[p·2L + j][i]} at {@code (p·inDim + i)·2L + j},
     * 0 past the last output; {@code null} for a narrow layer.
     */
    private final float[] panels;
    /** The network's parameter slab (the same array for the network's life) and where {@code W} starts in it. */
    private float[] params;
    private int weightOffset;

    VectorDenseWeights(int inDim, int outDim) {
        super(inDim, outDim);
        this.panels = DenseForward.usesPanels(outDim) ? new float[DenseForward.panelFloats(inDim, outDim)] : null;
    }

    @Override
    public void refresh(float[] slab, int offset, int part, int parts) {
        this.params = slab; // the same for every part
        this.weightOffset = offset;
        if (panels != null) {
            final int count = DenseForward.panelCount(outDim);
            DenseForward.pack(panels, slab, offset, inDim, outDim, share(count, part, parts),
                    share(count, part + 1, parts));
        }
    }

    /**
     * A wide layer reads its input as rows: one array per row keeps the eight-row tile's addresses in eight
     * registers (flat input needs eight offsets too, which spills: 165 against 250 GFLOP/s at 784-128, batch 256).
     */
    @Override
    public boolean forwardNeedsInputRows() {
        return panels != null;
    }

    @Override
    public void forward(float[][] out, float[] in, int inOff, float[][] inRows, float[] bias, int biasOff,
                        int rowFrom, int rowTo) {
        if (panels != null) {
            if (inRows == null) {
                throw new IllegalArgumentException("a layer of " + outDim + " outputs reads its input as rows "
                        + "(forwardNeedsInputRows), got none");
            }
            DenseForward.panels(out, inRows, panels, bias, biasOff, rowFrom, rowTo, inDim, outDim);
        } else {
            DenseForward.dots(out, in, inOff, inRows, params, weightOffset, bias, biasOff, rowFrom, rowTo, inDim,
                    outDim);
        }
    }

    @Override
    public void backwardInput(float[][] dIn, float[][] dOut, int rowFrom, int rowTo) {
        DenseBackward.input(dIn, dOut, params, weightOffset, rowFrom, rowTo, inDim, outDim);
    }
}
