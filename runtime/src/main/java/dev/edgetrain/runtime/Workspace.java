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
    /** {@code hidden[h]}: output {@code B = ReLU(A)} of hidden layer {@code h}, {@code [maxBatch][spec.hidden(h)]}. */
    final float[][] hidden;
    /** {@code O}: output-layer values before softmax, {@code [maxBatch][classes]}. */
    final float[] logits;
    /** {@code P = softmax(O)}, {@code [maxBatch][classes]}. */
    final float[] probabilities;
    /** Gradient scratch, ping-ponged between layers in the backward pass: {@code [maxBatch][spec.maxWidth()]} each. */
    final float[] gradA;
    final float[] gradB;

    /** Where the last forward pass read its input: {@code [batch][inputs]} at {@code inputOffset}. */
    float[] input;
    int inputOffset;
    /** Rows held by the last forward pass. */
    int batch;

    public Workspace(NetworkSpec spec, int maxBatch) {
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
        this.hidden = new float[spec.hiddenLayerCount()][];
        for (int h = 0; h < hidden.length; h++) {
            hidden[h] = new float[maxBatch * spec.hidden(h)];
        }
        this.logits = new float[maxBatch * spec.classes()];
        this.probabilities = new float[maxBatch * spec.classes()];
        this.gradA = new float[(int) widest];
        this.gradB = new float[(int) widest];
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

    /** Live buffer {@code [maxBatch][hidden(h)]}: the last pass's ReLU output of hidden layer {@code h}. */
    public float[] hiddenOutput(int h) {
        return hidden[h];
    }
}
