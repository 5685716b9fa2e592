package dev.edgetrain.runtime.kernels;

/**
 * The plain Java kernels of {@link Dense}: axpys and dot products shaped for HotSpot's auto-vectoriser, on derived
 * copies of the weights ({@code Wᵀ} rows for wide layers, {@code W} rows for the rest and for input gradients).
 */
final class PlainKernels extends KernelSet {
    @Override
    public String name() {
        return "plain";
    }

    @Override
    public DenseWeights denseWeights(int inDim, int outDim, boolean inputGradient) {
        return new PlainDenseWeights(inDim, outDim, inputGradient);
    }

    @Override
    public void backwardWeight(float[] dWeight, int dwOff, float[] dBias, int dbOff, float[] scratch,
                               float[][] dOut, float[][] in, int batch, int inDim, int outFrom, int outTo) {
        Dense.backwardWeight(dWeight, dwOff, dBias, dbOff, scratch, dOut, in, batch, inDim, outFrom, outTo);
    }

    /** {@code Wᵀ} rows for the axpy forward of a wide layer, {@code W} rows for dot products and input gradients. */
    private static final class PlainDenseWeights extends DenseWeights {
        /** {@code Wᵀ [inDim][outDim]} for a layer of at least {@link Dense#MIN_AXPY_OUTPUTS} outputs, else null. */
        private final float[][] weightT;
        /** {@code W [outDim][inDim]} when a kernel reads it (narrow forward, input gradient), else null. */
        private final float[][] weightRows;

        PlainDenseWeights(int inDim, int outDim, boolean inputGradient) {
            super(inDim, outDim);
            final boolean wide = outDim >= Dense.MIN_AXPY_OUTPUTS;
            this.weightT = wide ? new float[inDim][outDim] : null;
            this.weightRows = inputGradient || !wide ? new float[outDim][inDim] : null;
        }

        @Override
        public void refresh(float[] params, int weightOffset, int part, int parts) {
            if (weightT != null) {
                Dense.transpose(weightT, params, weightOffset, inDim, outDim, share(inDim, part, parts),
                        share(inDim, part + 1, parts));
            }
            if (weightRows != null) {
                Dense.copyRows(weightRows, params, weightOffset, inDim, share(outDim, part, parts),
                        share(outDim, part + 1, parts));
            }
        }

        @Override
        public boolean forwardNeedsInputRows() {
            return weightT == null;
        }

        @Override
        public void forward(float[][] out, float[] in, int inOff, float[][] inRows, float[] bias, int biasOff,
                            int rowFrom, int rowTo) {
            if (weightT != null) {
                Dense.forward(out, in, inOff, inRows, weightT, bias, biasOff, rowFrom, rowTo, inDim, outDim);
            } else {
                Dense.forwardDot(out, inRows, weightRows, bias, biasOff, rowFrom, rowTo, inDim, outDim);
            }
        }

        @Override
        public void backwardInput(float[][] dIn, float[][] dOut, int rowFrom, int rowTo) {
            if (weightRows == null) {
                throw new IllegalStateException("these weights were made without input gradients");
            }
            Dense.backwardInput(dIn, dOut, weightRows, rowFrom, rowTo, inDim, outDim);
        }
    }
}
