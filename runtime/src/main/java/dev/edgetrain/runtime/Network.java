package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.Dense;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;

/**
 * A feed-forward classifier's parameters and its inference pass.
 *
 * <p>All parameters live in one flat slab, {@link #parameters()}, laid out by {@link #layout()}; the gradient
 * slab {@link #gradients()} has the same shape, so an optimizer is one loop over indices. Weights are
 * {@code [out][in]} row-major (ONNX Gemm, transB=1).
 *
 * <p>Threads: after construction, inference only reads the network; any number of threads may call
 * {@link #forward} at once, each with its own {@link Workspace}. Changing parameters (an optimizer step,
 * {@link #setParameters}) must not overlap inference.
 */
public final class Network {
    private final NetworkSpec spec;
    private final ParameterLayout layout;
    /** All parameters, {@code [layout.size()]}: per layer {@code weight [out][in]} then {@code bias [out]}. */
    private final float[] params;
    /** Gradients of the loss, same layout as {@link #params}; accumulated by backward passes. */
    private final float[] grads;
    /**
     * Derived from {@link #params} by {@link #parametersChanged}, one array per row (what the vectorised kernels
     * read): per layer {@code l}, {@code Wᵀ [in][out]} for the forward axpys of a wide layer, and {@code W [out][in]}
     * for a narrow layer's dot products and for the input gradient of every layer above the first. {@code null}
     * where the layer needs no such copy.
     */
    private final float[][][] weightT;
    private final float[][][] weightRows;
    /** Weights of all layers: multiply-adds per row of a forward pass. */
    private final long weightCount;

    /** A network with seeded He initialisation: {@code W ~ N(0, 2/fan_in)}, biases zero. */
    public Network(NetworkSpec spec, long seed) {
        this(spec);
        Rng rng = new Rng(seed);
        for (int l = 0; l < layout.layerCount(); l++) {
            final double std = Math.sqrt(2.0 / layout.inputs(l));
            final int w0 = layout.weightOffset(l);
            for (int i = 0; i < layout.weightSize(l); i++) {
                params[w0 + i] = (float) (rng.nextGaussian() * std);
            }
        }
        parametersChanged();
    }

    private Network(NetworkSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.params = new float[layout.size()];
        this.grads = new float[layout.size()];
        final int layers = layout.layerCount();
        long weights = 0;
        for (int l = 0; l < layers; l++) {
            weights += layout.weightSize(l);
        }
        this.weightCount = weights;
        this.weightT = new float[layers][][];
        this.weightRows = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            final int in = layout.inputs(l);
            final int out = layout.outputs(l);
            if (wideForward(out)) {
                weightT[l] = new float[in][out];
            }
            if (l > 0 || !wideForward(out)) {
                weightRows[l] = new float[out][in];
            }
        }
    }

    /** A network holding a copy of {@code parameters}, laid out as {@link ParameterLayout} describes. */
    public static Network fromParameters(NetworkSpec spec, float[] parameters) {
        Network n = new Network(spec);
        n.setParameters(parameters);
        return n;
    }

    /** An independent copy: same spec and parameters, zero gradients. */
    public Network copy() {
        return fromParameters(spec, params);
    }

    public NetworkSpec spec() {
        return spec;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /**
     * The live parameter slab. Whoever writes to it must call {@link #parametersChanged()} before the next
     * forward pass.
     */
    public float[] parameters() {
        return params;
    }

    /** The live gradient slab, same layout as {@link #parameters()}. */
    public float[] gradients() {
        return grads;
    }

    /**
     * Replaces every parameter with a copy of {@code source}. Checked first (length, all finite), so a
     * rejected call leaves the network unchanged.
     */
    public void setParameters(float[] source) {
        if (source == null || source.length != params.length) {
            throw new IllegalArgumentException("parameters for network " + spec + " must have length "
                    + params.length + ", got " + (source == null ? "null" : String.valueOf(source.length)));
        }
        for (int i = 0; i < source.length; i++) {
            if (!(Math.abs(source[i]) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("parameter " + layout.describe(i) + " is " + source[i]
                        + ", expected a finite number");
            }
        }
        System.arraycopy(source, 0, params, 0, params.length);
        parametersChanged();
    }

    /** Copies layer {@code l}'s weight {@code [out][in]} into {@code dst} at {@code offset}. */
    public void copyWeight(int l, float[] dst, int offset) {
        System.arraycopy(params, layout.weightOffset(l), dst, offset, layout.weightSize(l));
    }

    /** Copies layer {@code l}'s bias {@code [out]} into {@code dst} at {@code offset}; no-op for a layer without. */
    public void copyBias(int l, float[] dst, int offset) {
        if (layout.biasOffset(l) >= 0) {
            System.arraycopy(params, layout.biasOffset(l), dst, offset, layout.biasSize(l));
        }
    }

    /** Refreshes what is derived from the parameters (the transposed weights the forward pass reads). */
    public void parametersChanged() {
        for (int l = 0; l < layout.layerCount(); l++) {
            parametersChanged(l);
        }
    }

    /** As {@link #parametersChanged()}, for layer {@code l} only. */
    public void parametersChanged(int l) {
        final int w0 = layout.weightOffset(l);
        if (weightT[l] != null) {
            Dense.transpose(weightT[l], params, w0, layout.inputs(l), layout.outputs(l));
        }
        if (weightRows[l] != null) {
            Dense.copyRows(weightRows[l], params, w0, layout.inputs(l), layout.outputs(l));
        }
    }

    /** Whether a layer of {@code outputs} computes its forward pass as axpys over {@code Wᵀ} (else as dot products over {@code W}). */
    private static boolean wideForward(int outputs) {
        return outputs >= Dense.MIN_AXPY_OUTPUTS;
    }

    /** Layer {@code l}'s {@code W [out][in]}, one array per output; present for every layer above the first. */
    float[][] weightRows(int l) {
        return weightRows[l];
    }

    /** Sets every gradient to zero. */
    public void zeroGradients() {
        java.util.Arrays.fill(grads, 0f);
    }

    /**
     * The forward pass: {@code A = W·x, B = ReLU(A), …, O = V·B, P = softmax(O)} for {@code batch} rows of
     * {@code x [batch][inputs]} at {@code xOffset}. The results stay in the workspace
     * ({@link Workspace#logits()}, {@link Workspace#probabilities()}). Inputs are checked (shape, finite).
     */
    public void forward(Workspace ws, float[] x, int xOffset, int batch) {
        Checks.workspace(ws, spec);
        Checks.batch(batch, ws.maxBatch);
        Checks.inputs(x, xOffset, batch, spec.inputs());
        forwardPass(ws, x, xOffset, batch, true);
    }

    /** Forward up to the logits; arguments already checked. */
    void forwardLogits(Workspace ws, float[] x, int xOffset, int batch) {
        forwardPass(ws, x, xOffset, batch, false);
    }

    /**
     * Forward up to the logits, and the softmax too when {@code softmax}; arguments already checked. With a pool
     * and enough work the batch rows are split over its threads (rows are independent all the way up).
     */
    private void forwardPass(Workspace ws, float[] x, int xOffset, int batch, boolean softmax) {
        ws.input = x;
        ws.inputOffset = xOffset;
        ws.batch = batch;
        final ComputePool pool = ws.pool;
        if (pool != null && pool.threads() > 1 && batch >= 2 * pool.threads()
                && (long) batch * weightCount >= PARALLEL_MIN_MULTIPLY_ADDS) {
            final ForwardTask task = ws.forwardTask;
            task.set(this, x, xOffset, batch, softmax);
            try {
                pool.run(task);
            } finally {
                task.set(null, null, 0, 0, false);
            }
        } else {
            forwardRange(ws, x, xOffset, 0, batch, softmax);
        }
    }

    /** Below this many multiply-adds a pass stays on the calling thread: handing it out would cost more. */
    static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 19;

    /** The forward pass for batch rows {@code [from, to)}. */
    void forwardRange(Workspace ws, float[] x, int xOffset, int from, int to, boolean softmax) {
        final int last = layout.layerCount() - 1;
        float[][] in = null; // rows of the layer's input; null while it is the caller's flat x
        for (int l = 0; l <= last; l++) {
            final float[][] out = l == last ? ws.logitRows : ws.hiddenRows[l];
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            final float[] bias = layout.biasOffset(l) >= 0 ? params : null;
            final boolean relu = l < last;
            if (weightT[l] != null) {
                Dense.forward(out, x, xOffset, in, weightT[l], bias, layout.biasOffset(l), from, to, inDim, outDim,
                        relu);
            } else {
                if (in == null) {
                    in = ws.copyInputRows(x, xOffset, from, to);
                }
                Dense.forwardDot(out, in, weightRows[l], bias, layout.biasOffset(l), from, to, inDim, outDim, relu);
            }
            in = out;
        }
        final int classes = spec.classes();
        for (int b = from; b < to; b++) {
            System.arraycopy(ws.logitRows[b], 0, ws.logits, b * classes, classes);
        }
        if (softmax) {
            SoftmaxCrossEntropy.softmax(ws.probabilities, from * classes, ws.logits, from * classes, to - from, classes);
        }
    }

    /** The forward pass of one workspace as a pool task; one per workspace, filled before each pass. */
    static final class ForwardTask implements ComputePool.Task {
        private final Workspace ws;
        private Network network;
        private float[] x;
        private int xOffset;
        private int batch;
        private boolean softmax;

        ForwardTask(Workspace ws) {
            this.ws = ws;
        }

        void set(Network n, float[] input, int offset, int rows, boolean withSoftmax) {
            network = n;
            x = input;
            xOffset = offset;
            batch = rows;
            softmax = withSoftmax;
        }

        @Override
        public void run(int part, int parts) {
            network.forwardRange(ws, x, xOffset, ComputePool.split(batch, part, parts),
                    ComputePool.split(batch, part + 1, parts), softmax);
        }
    }

    /** Class probabilities of {@code batch} rows into {@code out [batch][classes]} at {@code outOffset}. */
    public void predictProbabilities(Workspace ws, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        Checks.region("output", out, out == null ? 0 : out.length, outOffset, batch, spec.classes());
        forward(ws, x, xOffset, batch);
        System.arraycopy(ws.probabilities, 0, out, outOffset, batch * spec.classes());
    }

    /** Pre-softmax outputs of {@code batch} rows into {@code out [batch][classes]} at {@code outOffset}. */
    public void predictLogits(Workspace ws, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        Checks.region("output", out, out == null ? 0 : out.length, outOffset, batch, spec.classes());
        Checks.workspace(ws, spec);
        Checks.batch(batch, ws.maxBatch);
        Checks.inputs(x, xOffset, batch, spec.inputs());
        forwardLogits(ws, x, xOffset, batch);
        System.arraycopy(ws.logits, 0, out, outOffset, batch * spec.classes());
    }

    /** The most probable class of each of {@code batch} rows into {@code out [batch]} at {@code outOffset}. */
    public void predictClasses(Workspace ws, float[] x, int xOffset, int batch, int[] out, int outOffset) {
        Checks.region("output", out, out == null ? 0 : out.length, outOffset, batch, -1);
        Checks.workspace(ws, spec);
        Checks.batch(batch, ws.maxBatch);
        Checks.inputs(x, xOffset, batch, spec.inputs());
        forwardLogits(ws, x, xOffset, batch); // argmax of the logits is argmax of the softmax
        for (int b = 0; b < batch; b++) {
            out[outOffset + b] = SoftmaxCrossEntropy.argmax(ws.logits, 0, b, spec.classes());
        }
    }

    /** The most probable class of one row {@code x [inputs]} at {@code xOffset}. */
    public int predictClass(Workspace ws, float[] x, int xOffset) {
        Checks.workspace(ws, spec);
        Checks.inputs(x, xOffset, 1, spec.inputs());
        forwardLogits(ws, x, xOffset, 1);
        return SoftmaxCrossEntropy.argmax(ws.logits, 0, 0, spec.classes());
    }

    @Override
    public String toString() {
        return "Network " + spec + " (" + layout.size() + " parameters)";
    }
}
