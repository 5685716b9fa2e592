package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.FiniteScan;

/**
 * Every activation and gradient buffer a forward and backward pass needs, allocated once for a maximum
 * batch size; any batch from 1 to {@link #maxBatch()} then runs without allocating. Plain buffers, plus the
 * record of the last pass (which input, how many rows); the passes themselves are in {@link Passes}.
 *
 * <p>Activations are kept one array per row, {@code float[rows][width]}, because the JIT vectorises the
 * kernels' inner loops only over arrays indexed from 0 (see {@link dev.edgetrain.runtime.kernels.Dense}). Where a
 * step of a layer is the identity, or computes in place, its buffer is the previous step's (the same array).
 *
 * <p>One workspace per thread: it is scratch memory and not thread-safe. Several threads may run
 * inference on one {@link Network} at once, each with its own workspace.
 */
public final class Workspace {
    final NetworkSpec spec;
    final int maxBatch;
    /** Per layer {@code l}: {@code z = W·x + b}, {@code [maxBatch][outputs(l)]}. */
    final float[][][] linear;
    /**
     * Per layer: {@code n = LayerNorm(z)}, {@code [maxBatch][outputs(l)]}; the same array as {@link #linear} without
     * a norm.
     */
    final float[][][] normed;
    /**
     * Per layer: {@code a = f(n)}, {@code [maxBatch][outputs(l)]}; the same array as {@link #normed} when
     * {@link Activation#derivativeFromOutput()} (the activation is computed in place).
     */
    final float[][][] activated;
    /** Per layer with dropout: the mask {@code [maxBatch][outputs(l)]} (0 or 1/(1−p)); {@code null} without. */
    final float[][][] dropMask;
    /**
     * Per layer with dropout: {@code y = a · mask} in training, {@code [maxBatch][outputs(l)]}; {@code null}
     * without.
     */
    final float[][][] dropped;
    /** Per layer with a layer norm: each row's mean and 1/std, {@code [maxBatch]}; {@code null} without. */
    final float[][] normMean;
    final float[][] normRstd;
    /**
     * The output layer's activations {@code a[last]} as one flat array, {@code [maxBatch][outputs]}: the head's
     * input.
     */
    final float[] logits;
    /** The head applied: softmax, sigmoid or identity of {@link #logits}, {@code [maxBatch][outputs]}. */
    final float[] predictions;
    /** Training targets as floats, {@code [maxBatch][outputs]}, when a binary network is given class labels. */
    final float[] targets;
    /** The input rows {@code [maxBatch][inputs]}, copied from the caller's array when a kernel needs rows. */
    final float[][] inputRows;
    /** Gradient rows, ping-ponged between layers in the backward pass: {@code [maxBatch][spec.maxWidth()]} each. */
    final float[][] gradRowsA;
    final float[][] gradRowsB;
    /** One gradient row, {@code [spec.maxWidth()]}, for the weight-gradient kernel. */
    final float[] rowScratch;
    /** Scratch of the input check ({@link FiniteScan}): a chunk of the input and one sum per position. */
    final float[] checkChunk = new float[FiniteScan.CHUNK];
    final float[] checkLanes = new float[FiniteScan.CHUNK];
    /** The optional thread pool large passes are split over, or {@code null}. */
    final ComputePool pool;
    /** With a pool: one gradient row per part, {@code [threads][spec.maxWidth()]}; {@code null} without. */
    final float[][] partRowScratch;
    /** Flat copies of layer outputs {@code [maxBatch][outputs(l)]}, filled by {@link #layerOutput(int)}. */
    private final float[][] layerFlat;

    /** The network of the pass in flight and whether it computes the head (read by the pool's threads). */
    Network passNetwork;
    boolean passHead;
    /** Where the last forward pass read its input: {@code [batch][inputs]} at {@code inputOffset}. */
    float[] input;
    int inputOffset;
    /** Rows held by the last forward pass. */
    int batch;
    /** Whether the last forward pass was a training pass (dropout applied). */
    boolean training;

    /**
     * Buffers for {@code spec}'s forward and backward passes on up to {@code maxBatch} rows.
     *
     * @param spec the network's shape, not null
     * @param maxBatch the most rows one pass takes, at least 1
     * @throws IllegalArgumentException when {@code spec} is null or {@code maxBatch} is below 1 or too large for an
     *                                  array
     */
    public Workspace(NetworkSpec spec, int maxBatch) {
        this(spec, maxBatch, null);
    }

    /**
     * A workspace whose passes over large batches are split over {@code pool}'s threads ({@code null}: the calling
     * thread alone, as {@link #Workspace(NetworkSpec, int)}). The pool may be shared by several workspaces.
     *
     * @param spec the network's shape, not null
     * @param maxBatch the most rows one pass takes, at least 1
     * @param pool the threads to split large passes over, or {@code null}
     * @throws IllegalArgumentException when {@code spec} is null or {@code maxBatch} is below 1 or too large for an
     *                                  array
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
        final int layers = spec.layerCount();
        this.linear = new float[layers][][];
        this.normed = new float[layers][][];
        this.activated = new float[layers][][];
        this.dropMask = new float[layers][][];
        this.dropped = new float[layers][][];
        this.normMean = new float[layers][];
        this.normRstd = new float[layers][];
        this.layerFlat = new float[layers][];
        for (int l = 0; l < layers; l++) {
            final int width = spec.layerOutputs(l);
            final LayerSpec s = spec.layer(l);
            linear[l] = new float[maxBatch][width];
            if (s.layerNorm()) {
                normed[l] = new float[maxBatch][width];
                normMean[l] = new float[maxBatch];
                normRstd[l] = new float[maxBatch];
            } else {
                normed[l] = linear[l];
            }
            activated[l] = s.activation().derivativeFromOutput() ? normed[l] : new float[maxBatch][width];
            if (s.dropout() > 0) {
                dropMask[l] = new float[maxBatch][width];
                dropped[l] = new float[maxBatch][width];
            }
            layerFlat[l] = new float[maxBatch * width];
        }
        final int outputs = spec.outputs();
        this.logits = new float[maxBatch * outputs];
        this.predictions = new float[maxBatch * outputs];
        this.targets = new float[maxBatch * outputs];
        this.inputRows = new float[maxBatch][spec.inputs()];
        this.gradRowsA = new float[maxBatch][spec.maxWidth()];
        this.gradRowsB = new float[maxBatch][spec.maxWidth()];
        this.rowScratch = new float[spec.maxWidth()];
        this.pool = pool;
        this.partRowScratch = pool == null ? null : new float[pool.threads()][spec.maxWidth()];
    }

    /**
     * Copies rows {@code [from, to)} of the caller's input {@code [batch][inputs]} at {@code offset} into
     * {@link #inputRows}.
     */
    float[][] copyInputRows(float[] x, int offset, int from, int to) {
        final int n = spec.inputs();
        for (int b = from; b < to; b++) {
            System.arraycopy(x, offset + b * n, inputRows[b], 0, n);
        }
        return inputRows;
    }

    /** Layer {@code l}'s output rows as the next layer reads them: after dropout in training, else {@code a}. */
    float[][] layerOutputRows(int l) {
        return training && dropped[l] != null ? dropped[l] : activated[l];
    }

    /**
     * The pool this workspace splits large passes over, or {@code null}.
     *
     * @return the pool given to the constructor, or {@code null}
     */
    public ComputePool pool() {
        return pool;
    }

    /**
     * Most rows a pass can take.
     *
     * @return the row capacity, at least 1
     */
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * The architecture the buffers are sized for.
     *
     * @return the spec given to the constructor
     */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * Rows computed by the last forward pass.
     *
     * @return rows in {@code [0, maxBatch()]}; 0 before the first pass
     */
    public int batch() {
        return batch;
    }

    /**
     * Live buffer {@code [maxBatch][outputs]}: the last pass's head output in its first {@link #batch()} rows:
     * class probabilities (softmax) of a classifier, sigmoid probabilities of a binary or multi-label network,
     * the values of a regressor.
     *
     * @return the buffer itself, overwritten by the next pass
     */
    public float[] predictions() {
        return predictions;
    }

    /**
     * {@link #predictions()}, under the name a classifier's output has.
     *
     * @return the buffer itself, overwritten by the next pass
     */
    public float[] probabilities() {
        return predictions;
    }

    /**
     * Live buffer {@code [maxBatch][outputs]}: the last pass's output layer before the head, in its first
     * {@link #batch()} rows.
     *
     * @return the buffer itself, overwritten by the next pass
     */
    public float[] logits() {
        return logits;
    }

    /**
     * The last pass's output of layer {@code l} (after its activation; after dropout too if the pass trained), in
     * the first {@link #batch()} rows of a buffer {@code [maxBatch][outputs(l)]} owned by this workspace and filled
     * by this call (the pass itself keeps activations row by row); call it again after the next pass.
     *
     * @param l a layer, in {@code [0, spec().layerCount())}; the last is the output layer before the head
     * @return the workspace's buffer, rows {@code [0, batch())} filled
     */
    public float[] layerOutput(int l) {
        final int width = spec.layerOutputs(l);
        final float[] flat = layerFlat[l];
        final float[][] rows = layerOutputRows(l);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(rows[b], 0, flat, b * width, width);
        }
        return flat;
    }

    /**
     * {@link #layerOutput(int)} of hidden layer {@code h}.
     *
     * @param h a hidden layer, in {@code [0, spec().hiddenLayerCount())}
     * @return the workspace's buffer {@code [maxBatch][outputs(h)]}, rows {@code [0, batch())} filled
     * @throws IndexOutOfBoundsException when {@code h} is not a hidden layer
     */
    public float[] hiddenOutput(int h) {
        if (h < 0 || h >= spec.hiddenLayerCount()) {
            throw new IndexOutOfBoundsException("hidden layer " + h + " out of range [0, " + spec.hiddenLayerCount()
                    + ")");
        }
        return layerOutput(h);
    }
}
