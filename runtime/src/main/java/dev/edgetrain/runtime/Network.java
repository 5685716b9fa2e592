package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.Dense;
import dev.edgetrain.runtime.kernels.Relu;
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
    /** Per layer, {@code Wᵀ [in][out]} at the weight's slab offset: derived from {@link #params}, read by forward. */
    private final float[] weightsT;

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
        this.weightsT = new float[layout.size()];
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
        Dense.transpose(weightsT, w0, params, w0, layout.inputs(l), layout.outputs(l));
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
        forwardLogits(ws, x, xOffset, batch);
        SoftmaxCrossEntropy.softmax(ws.probabilities, 0, ws.logits, 0, batch, spec.classes());
    }

    /** Forward up to the logits; arguments already checked. */
    void forwardLogits(Workspace ws, float[] x, int xOffset, int batch) {
        ws.input = x;
        ws.inputOffset = xOffset;
        ws.batch = batch;
        float[] in = x;
        int inOff = xOffset;
        final int last = layout.layerCount() - 1;
        for (int l = 0; l < last; l++) {
            final float[] out = ws.hidden[l];
            final int outDim = layout.outputs(l);
            Dense.forward(out, 0, in, inOff, weightsT, layout.weightOffset(l),
                    layout.biasOffset(l) >= 0 ? params : null, layout.biasOffset(l), batch, layout.inputs(l), outDim);
            Relu.forward(out, 0, out, 0, batch * outDim);
            in = out;
            inOff = 0;
        }
        Dense.forward(ws.logits, 0, in, inOff, weightsT, layout.weightOffset(last),
                layout.biasOffset(last) >= 0 ? params : null, layout.biasOffset(last), batch, layout.inputs(last),
                spec.classes());
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
