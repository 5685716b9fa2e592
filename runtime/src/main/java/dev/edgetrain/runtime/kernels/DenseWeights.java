package dev.edgetrain.runtime.kernels;

/**
 * One dense layer's weights {@code W [outDim][inDim]} as a {@link KernelSet}'s kernels read them, with the two
 * kernels that read them: the forward product and the input gradient. A {@code Network} owns one per layer and
 * calls {@link #refresh} from every writer of its parameter slab, so the copy is never stale; a kernel set whose
 * kernels read the slab itself keeps no copy at all.
 *
 * <p>Made by {@link KernelSet#denseWeights}; all buffers are allocated there. The kernels take row ranges, so a
 * pass can be split over threads; rows are independent, so the split changes no result.
 */
public abstract class DenseWeights {
    /** The layer's input width: columns of {@code W}. */
    protected final int inDim;
    /** The layer's output width: rows of {@code W}. */
    protected final int outDim;

    /**
     * Weights of a layer from {@code inDim} inputs to {@code outDim} outputs.
     *
     * @param inDim  columns of {@code W}, at least 1
     * @param outDim rows of {@code W}, at least 1
     */
    protected DenseWeights(int inDim, int outDim) {
        if (inDim < 1 || outDim < 1) {
            throw new IllegalArgumentException("a dense layer needs at least one input and one output, got " + inDim
                    + " inputs and " + outDim + " outputs");
        }
        this.inDim = inDim;
        this.outDim = outDim;
    }

    /**
     * Rebuilds whatever this layer's kernels read from {@code W [outDim][inDim]} at {@code weightOffset} of the
     * parameter slab {@code params}. Called after every change of the layer's parameters.
     *
     * @param params       the network's parameter slab; always the same array for one network
     * @param weightOffset where {@code W} starts in it
     */
    public final void refresh(float[] params, int weightOffset) {
        refresh(params, weightOffset, 0, 1);
    }

    /**
     * Part {@code part} of {@code parts} of {@link #refresh(float[], int)}: the parts write disjoint pieces of the
     * copy, so threads can rebuild it together (the optimizer step of a session with a {@code ComputePool}).
     *
     * @param params       the network's parameter slab
     * @param weightOffset where {@code W} starts in it
     * @param part         this thread's part, in {@code [0, parts)}
     * @param parts        how many parts the work is split into
     */
    public abstract void refresh(float[] params, int weightOffset, int part, int parts);

    /**
     * Rows {@code [from(k), from(k + 1))} of {@code count}, split into {@code parts} nearly equal shares.
     *
     * @param count what is split
     * @param k     the share, in {@code [0, parts]}
     * @param parts how many shares
     * @return where share {@code k} starts
     */
    protected static int share(int count, int k, int parts) {
        return (int) ((long) count * k / parts);
    }

    /**
     * Whether {@link #forward} needs its input as rows ({@code inRows}); when {@code false} it also reads a flat
     * input {@code [batch][inDim]}.
     *
     * @return {@code true} when the caller must pass {@code inRows}
     */
    public abstract boolean forwardNeedsInputRows();

    /**
     * {@code out[b][o] = bias[o] + Σ_i in[b][i] · W[o][i]} for batch rows {@code [rowFrom, rowTo)}: the layer's
     * {@code z = W·x + b}.
     *
     * @param out     {@code [≥ rowTo][≥ outDim]}, rows {@code [rowFrom, rowTo)} overwritten
     * @param in      flat input {@code [batch][inDim]} at {@code inOff}; read when {@code inRows} is {@code null}
     * @param inOff   where row 0 of {@code in} starts
     * @param inRows  input rows {@code [≥ rowTo][≥ inDim]}, or {@code null} to read {@code in}
     * @param bias    {@code [outDim]} at {@code biasOff}, or {@code null} for none
     * @param biasOff where the bias starts in {@code bias}
     * @param rowFrom first batch row
     * @param rowTo   one past the last batch row
     */
    public abstract void forward(float[][] out, float[] in, int inOff, float[][] inRows, float[] bias, int biasOff,
                                 int rowFrom, int rowTo);

    /**
     * {@code dIn[b][i] = Σ_o dOut[b][o] · W[o][i]} (overwritten) for batch rows {@code [rowFrom, rowTo)}: the
     * gradient passed to the layer below.
     *
     * @param dIn     {@code [≥ rowTo][≥ inDim]}
     * @param dOut    {@code [≥ rowTo][≥ outDim]}
     * @param rowFrom first batch row
     * @param rowTo   one past the last batch row
     * @throws IllegalStateException when the weights were made without {@code inputGradient}
     */
    public abstract void backwardInput(float[][] dIn, float[][] dOut, int rowFrom, int rowTo);

    /**
     * The layer's input width.
     *
     * @return columns of {@code W}
     */
    public final int inputs() {
        return inDim;
    }

    /**
     * The layer's output width.
     *
     * @return rows of {@code W}
     */
    public final int outputs() {
        return outDim;
    }
}
