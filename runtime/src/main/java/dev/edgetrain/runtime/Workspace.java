package dev.edgetrain.runtime;

/**
 * Every activation and gradient buffer a forward and backward pass needs, allocated once for a maximum
 * batch size; any batch from 1 to {@link #maxBatch()} then runs without allocating.
 *
 * <p>One workspace per thread: it is scratch memory and not thread-safe. Several threads may run
 * inference on one {@link Network} at once, each with its own workspace.
 */
public final class Workspace {
    final NetworkSpec spec;
    final int maxBatch;
    /**
     * {@code hiddenRows[h][b]}: row {@code b} of the output {@code B = ReLU(A)} of hidden layer {@code h},
     * {@code [spec.hidden(h)]}. Activations are kept one array per row because the JIT vectorises the kernels'
     * inner loops only over arrays indexed from 0 (see {@link dev.edgetrain.runtime.kernels.Dense}).
     */
    final float[][][] hiddenRows;
    /** {@code O} per row, {@code [maxBatch][classes]}: the output layer's result before it is copied to {@link #logits}. */
    final float[][] logitRows;
    /** {@code O}: output-layer values before softmax, {@code [maxBatch][classes]}. */
    final float[] logits;
    /** {@code P = softmax(O)}, {@code [maxBatch][classes]}. */
    final float[] probabilities;
    /** The input rows {@code [maxBatch][inputs]}, copied from the caller's array when a kernel needs rows. */
    final float[][] inputRows;
    /** Gradient rows, ping-ponged between layers in the backward pass: {@code [maxBatch][spec.maxWidth()]} each. */
    final float[][] gradRowsA;
    final float[][] gradRowsB;
    /** One gradient row, {@code [spec.maxWidth()]}, for the weight-gradient kernel. */
    final float[] rowScratch;
    /** The optional thread pool large passes are split over, or {@code null}. */
    final ComputePool pool;
    /** With a pool: the forward pass as a task, and one gradient row per part; {@code null} without. */
    final Network.ForwardTask forwardTask;
    final float[][] partRowScratch;
    /** Flat copies of the hidden outputs {@code [maxBatch][hidden(h)]}, filled by {@link #hiddenOutput(int)}. */
    private final float[][] hiddenFlat;

    /** Where the last forward pass read its input: {@code [batch][inputs]} at {@code inputOffset}. */
    float[] input;
    int inputOffset;
    /** Rows held by the last forward pass. */
    int batch;

    public Workspace(NetworkSpec spec, int maxBatch) {
        this(spec, maxBatch, null);
    }

    /**
     * A workspace whose passes over large batches are split over {@code pool}'s threads ({@code null}: the calling
     * thread alone, as {@link #Workspace(NetworkSpec, int)}). The pool may be shared by several workspaces.
     */
    public Workspace(NetworkSpec spec, int maxBatch, ComputePool pool) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        long widest = (long) maxBatch * spec.maxWidth();
        if (maxBatch < 1 || widest > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBatch must be in [1, " + (Integer.MAX_VALUE - 8) / spec.maxWidth()
                    + "] for network " + spec + ", got " + maxBatch);
        }
        this.spec = spec;
        this.maxBatch = maxBatch;
        this.hiddenRows = new float[spec.hiddenLayerCount()][][];
        this.hiddenFlat = new float[spec.hiddenLayerCount()][];
        for (int h = 0; h < hiddenRows.length; h++) {
            hiddenRows[h] = new float[maxBatch][spec.hidden(h)];
            hiddenFlat[h] = new float[maxBatch * spec.hidden(h)];
        }
        this.logitRows = new float[maxBatch][spec.classes()];
        this.logits = new float[maxBatch * spec.classes()];
        this.probabilities = new float[maxBatch * spec.classes()];
        this.inputRows = new float[maxBatch][spec.inputs()];
        this.gradRowsA = new float[maxBatch][spec.maxWidth()];
        this.gradRowsB = new float[maxBatch][spec.maxWidth()];
        this.rowScratch = new float[spec.maxWidth()];
        this.pool = pool;
        this.forwardTask = pool == null ? null : new Network.ForwardTask(this);
        this.partRowScratch = pool == null ? null : new float[pool.threads()][spec.maxWidth()];
    }

    /** Copies {@code batch} rows of the caller's input {@code [batch][inputs]} at {@code offset} into {@link #inputRows}. */
    float[][] copyInputRows(float[] x, int offset, int batch) {
        return copyInputRows(x, offset, 0, batch);
    }

    /** As {@link #copyInputRows(float[], int, int)}, rows {@code [from, to)} only. */
    float[][] copyInputRows(float[] x, int offset, int from, int to) {
        final int n = spec.inputs();
        for (int b = from; b < to; b++) {
            System.arraycopy(x, offset + b * n, inputRows[b], 0, n);
        }
        return inputRows;
    }

    /** The pool this workspace splits large passes over, or {@code null}. */
    public ComputePool pool() {
        return pool;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** Rows computed by the last forward pass. */
    public int batch() {
        return batch;
    }

    /** Live buffer {@code [maxBatch][classes]}: the last pass's softmax output in its first {@link #batch()} rows. */
    public float[] probabilities() {
        return probabilities;
    }

    /** Live buffer {@code [maxBatch][classes]}: the last pass's pre-softmax output in its first {@link #batch()} rows. */
    public float[] logits() {
        return logits;
    }

    /**
     * The last pass's ReLU output of hidden layer {@code h}, in the first {@link #batch()} rows of a buffer
     * {@code [maxBatch][hidden(h)]} owned by this workspace and filled by this call (the pass itself keeps the
     * activations row by row); call it again after the next pass.
     */
    public float[] hiddenOutput(int h) {
        final int width = spec.hidden(h);
        final float[] flat = hiddenFlat[h];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(hiddenRows[h][b], 0, flat, b * width, width);
        }
        return flat;
    }
}
