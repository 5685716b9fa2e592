package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.DenseWeights;
import dev.edgetrain.runtime.kernels.KernelSet;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;

/**
 * A feed-forward network's parameters and its inference pass.
 *
 * <p>All parameters live in one flat slab laid out by {@link #layout()}, the single source of truth; the
 * gradient slab {@link #gradients()} has the same shape, so an optimizer is one loop over indices. Weights are
 * {@code [out][in]} row-major (ONNX Gemm, transB=1). The slab is read through {@link #copyParameters} and
 * {@link #parameter} and written only through {@link #setParameters} and a {@link TrainingSession}'s optimizer
 * step. The kernels may also read layouts derived from it (transposed weights, packed panels: whatever its
 * {@link KernelSet} needs); those belong to this class, which rebuilds them on every write, so they can never be
 * stale.
 *
 * <p>Threads: after construction, inference only reads the network; any number of threads may call
 * {@link #forward} and the {@code predict} methods at once, each with its own {@link Workspace}. Changing
 * parameters (an optimizer step, {@link #setParameters}) must not overlap inference.
 */
public final class Network {
    private final NetworkSpec spec;
    private final ParameterLayout layout;
    /** All parameters, {@code [layout.size()]}: per layer weight {@code [out][in]}, bias, norm scale, norm shift. */
    final float[] params;
    /** Gradients of the loss, same layout as {@link #params}; accumulated by backward passes. */
    private final float[] grads;
    /** The kernels this network computes with. */
    final KernelSet kernels;
    /**
     * Per layer, the weights as {@link #kernels} read them, with the forward and input-gradient kernels: rebuilt
     * from {@link #params} on every write (never by a caller).
     */
    final DenseWeights[] dense;
    /** Weights of all layers: multiply-adds per row of a forward pass. */
    final long weightCount;
    /** Writes of the slab through {@link #setParameters} ({@link #modifications()}). */
    private long modifications;

    /**
     * A network with seeded initialisation: weights {@code N(0, 2/fan_in)} (He) before rectifiers and the identity,
     * {@code N(0, 2/(fan_in + fan_out))} (Glorot) before tanh and sigmoid; biases and layer-norm shifts 0, layer-norm
     * scales 1.
     *
     * @param spec the architecture
     * @param seed the initialisation's seed: the same spec and seed give the same parameters, bit for bit
     * @throws IllegalArgumentException when {@code spec} is null
     */
    public Network(NetworkSpec spec, long seed) {
        this(spec);
        Rng rng = new Rng(seed);
        for (int l = 0; l < layout.layerCount(); l++) {
            final Activation f = spec.activation(l);
            final boolean glorot = f.kind() == Activation.Kind.TANH || f.kind() == Activation.Kind.SIGMOID;
            final double std = glorot ? Math.sqrt(2.0 / (layout.inputs(l) + layout.outputs(l)))
                    : Math.sqrt(2.0 / layout.inputs(l));
            final int w0 = layout.weightOffset(l);
            for (int i = 0; i < layout.weightSize(l); i++) {
                params[w0 + i] = (float) (rng.nextGaussian() * std);
            }
            if (layout.normScaleOffset(l) >= 0) {
                final int g0 = layout.normScaleOffset(l);
                java.util.Arrays.fill(params, g0, g0 + layout.outputs(l), 1f);
            }
        }
        refreshDerived();
    }

    private Network(NetworkSpec spec) {
        this(spec, KernelSet.active());
    }

    private Network(NetworkSpec spec, KernelSet kernels) {
        if (spec == null || kernels == null) {
            throw new IllegalArgumentException("spec and kernels must not be null");
        }
        this.kernels = kernels;
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
        this.dense = new DenseWeights[layers];
        for (int l = 0; l < layers; l++) {
            dense[l] = kernels.denseWeights(layout.inputs(l), layout.outputs(l), l > 0);
        }
    }

    /**
     * A network holding a copy of {@code parameters}, laid out as {@link ParameterLayout} describes.
     *
     * @param spec       the architecture
     * @param parameters the slab, {@code [size]} of {@code spec}'s {@link ParameterLayout}, all finite; copied
     * @return the network, computing with {@link KernelSet#active()}
     * @throws IllegalArgumentException when {@code spec} is null, or {@code parameters} is null, of another length
     *                                  or not all finite
     */
    public static Network fromParameters(NetworkSpec spec, float[] parameters) {
        Network n = new Network(spec);
        n.setParameters(parameters);
        return n;
    }

    /**
     * An independent copy: same spec and parameters, zero gradients.
     *
     * @return the copy, computing with this network's kernels
     */
    public Network copy() {
        return withKernels(kernels);
    }

    /**
     * An independent copy that computes with {@code kernelSet}: same spec and parameters, zero gradients. Its
     * results agree with this network's within float rounding (to the bit when the set is the same).
     *
     * @param kernelSet the kernels to compute with, e.g. {@link KernelSet#plain()}
     * @return the copy
     */
    public Network withKernels(KernelSet kernelSet) {
        Network n = new Network(spec, kernelSet);
        n.setParameters(params);
        return n;
    }

    /**
     * The kernels this network computes with: {@link KernelSet#active()} unless made by {@link #withKernels}.
     *
     * @return the kernel set
     */
    public KernelSet kernels() {
        return kernels;
    }

    /**
     * A new network for new outputs (new classes, new targets) that keeps this one's hidden layers: their spec and
     * parameters are copied, and the output layer is replaced by a fresh dense layer of {@code outputs} for
     * {@code task} (identity activation, this output layer's bias flag), initialised from {@code seed} as
     * {@link #Network(NetworkSpec, long)} does. Freeze the hidden layers with
     * {@link TrainingSession#trainOnlyLastLayer()} or train them all.
     *
     * @param outputs the new output layer's width: classes of a classifier (at least 2), 1 for a binary network,
     *                labels of a multi-label network (at least 2), targets of a regressor
     * @param task    what the new network predicts
     * @param seed    the seed of the new spec's {@link #Network(NetworkSpec, long)}, whose output layer is taken
     * @return the new network, computing with this network's kernels; this one is unchanged
     * @throws IllegalArgumentException when {@code task} is null or {@code outputs} does not suit it
     */
    public Network withNewHead(int outputs, Task task, long seed) {
        NetworkSpec headSpec = spec.withNewHead(outputs, task);
        Network fresh = new Network(headSpec, seed);
        Network result = new Network(headSpec, kernels);
        final int last = layout.layerCount() - 1;
        System.arraycopy(params, 0, result.params, 0, layout.layerStart(last));
        final int newStart = result.layout.layerStart(last);
        System.arraycopy(fresh.params, newStart, result.params, newStart, result.params.length - newStart);
        result.refreshDerived();
        return result;
    }

    /**
     * The architecture this network was built from.
     *
     * @return the spec
     */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * Where each layer's parameters lie in the slab.
     *
     * @return the layout of the parameter and gradient slabs
     */
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * The number of parameters: the length of the slab.
     *
     * @return {@code layout().size()}
     */
    public int parameterCount() {
        return params.length;
    }

    /**
     * A copy of the parameter slab, laid out by {@link #layout()}.
     *
     * @return a new array {@code [parameterCount()]}
     */
    public float[] copyParameters() {
        return params.clone();
    }

    /**
     * Copies the parameter slab into {@code dst} at {@code offset}, without allocating.
     *
     * @param dst    receives {@code [parameterCount()]} values from {@code offset}
     * @param offset where the copy starts in {@code dst}
     * @throws IllegalArgumentException when {@code dst} is null or too short from {@code offset}
     */
    public void copyParameters(float[] dst, int offset) {
        Checks.region("destination", dst, dst == null ? 0 : dst.length, offset, params.length, -1);
        System.arraycopy(params, 0, dst, offset, params.length);
    }

    /**
     * Parameter {@code index} of the slab ({@link ParameterLayout#describe} names it).
     *
     * @param index a slab index, in {@code [0, parameterCount())}
     * @return the parameter's value
     * @throws IndexOutOfBoundsException when {@code index} is outside the slab
     */
    public float parameter(int index) {
        if (index < 0 || index >= params.length) {
            throw new IndexOutOfBoundsException("parameter " + index + " out of range [0, " + params.length + ")");
        }
        return params[index];
    }

    /**
     * The index of the first parameter that is NaN or infinite, or -1 when all are finite.
     *
     * @return a slab index ({@link ParameterLayout#describe} names it), or -1
     */
    public int firstNonFiniteParameter() {
        for (int i = 0; i < params.length; i++) {
            if (!(Math.abs(params[i]) <= Float.MAX_VALUE)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The live gradient slab, same layout as the parameters.
     *
     * @return the slab itself, {@code [parameterCount()]}, not a copy: backward passes add to it, optimizer steps
     *         read it
     */
    public float[] gradients() {
        return grads;
    }

    /**
     * Replaces every parameter with a copy of {@code source}. Checked first (length, all finite), so a
     * rejected call leaves the network unchanged.
     *
     * @param source {@code [parameterCount()]} values laid out by {@link #layout()}, all finite
     * @throws IllegalArgumentException when {@code source} is null, of another length, or holds a non-finite value
     *                                  (the message names the parameter)
     */
    public void setParameters(float[] source) {
        if (source == null || source.length != params.length) {
            throw new IllegalArgumentException("parameters for network " + spec + " must have length "
                    + params.length + ", got " + (source == null ? "null" : String.valueOf(source.length)));
        }
        setParameters(0, source, 0, source.length);
    }

    /**
     * Replaces parameters {@code [offset, offset + length)} with {@code source[sourceOffset ..]}. Checked first
     * (ranges, all finite), so a rejected call leaves the network unchanged.
     *
     * @param offset       the first slab index to replace
     * @param source       the new values, all finite
     * @param sourceOffset where they start in {@code source}
     * @param length       how many to replace, at least 0
     * @throws IllegalArgumentException when {@code [offset, offset + length)} is outside the slab, {@code source} is
     *                                  null or too short from {@code sourceOffset}, or a value is not finite
     */
    public void setParameters(int offset, float[] source, int sourceOffset, int length) {
        if (offset < 0 || length < 0 || offset > params.length - length) {
            throw new IllegalArgumentException("parameters [" + offset + ", " + ((long) offset + length)
                    + ") are outside the slab of " + params.length);
        }
        Checks.region("source", source, source == null ? 0 : source.length, sourceOffset, length, -1);
        for (int i = 0; i < length; i++) {
            final float v = source[sourceOffset + i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("parameter " + layout.describe(offset + i) + " is " + v
                        + ", expected a finite number");
            }
        }
        System.arraycopy(source, sourceOffset, params, offset, length);
        modifications++;
        for (int l = 0; l < layout.layerCount(); l++) {
            if (layout.layerStart(l) < offset + length && layout.layerEnd(l) > offset) {
                refreshDerived(l);
            }
        }
    }

    /**
     * How many times the parameters were written through {@link #setParameters}: a counter that only grows. An
     * optimizer step does not change it (it writes the slab as part of training, not from outside it).
     *
     * @return the count so far
     */
    public long modifications() {
        return modifications;
    }

    /**
     * Copies layer {@code l}'s weight {@code [out][in]} into {@code dst} at {@code offset}.
     *
     * @param l      the dense layer, in {@code [0, layout().layerCount())}
     * @param dst    receives {@code layout().weightSize(l)} values from {@code offset}
     * @param offset where the weight starts in {@code dst}
     * @throws IllegalArgumentException when {@code l} is not a layer, or {@code dst} is null or too short
     */
    public void copyWeight(int l, float[] dst, int offset) {
        checkLayer(l);
        Checks.region("destination", dst, dst == null ? 0 : dst.length, offset, layout.weightSize(l), -1);
        System.arraycopy(params, layout.weightOffset(l), dst, offset, layout.weightSize(l));
    }

    /**
     * Copies layer {@code l}'s bias {@code [out]} into {@code dst} at {@code offset}; no-op for a layer without.
     *
     * @param l      the dense layer, in {@code [0, layout().layerCount())}
     * @param dst    receives {@code layout().biasSize(l)} values from {@code offset}
     * @param offset where the bias starts in {@code dst}
     * @throws IllegalArgumentException when {@code l} is not a layer, or {@code dst} is null or too short
     */
    public void copyBias(int l, float[] dst, int offset) {
        checkLayer(l);
        if (layout.biasOffset(l) >= 0) {
            Checks.region("destination", dst, dst == null ? 0 : dst.length, offset, layout.biasSize(l), -1);
            System.arraycopy(params, layout.biasOffset(l), dst, offset, layout.biasSize(l));
        }
    }

    /**
     * Copies layer {@code l}'s layer-norm scale γ {@code [out]} into {@code dst}; no-op without a layer norm.
     *
     * @param l      the dense layer, in {@code [0, layout().layerCount())}
     * @param dst    receives {@code layout().outputs(l)} values from {@code offset}
     * @param offset where γ starts in {@code dst}
     * @throws IllegalArgumentException when {@code l} is not a layer, or {@code dst} is null or too short
     */
    public void copyNormScale(int l, float[] dst, int offset) {
        checkLayer(l);
        if (layout.normScaleOffset(l) >= 0) {
            Checks.region("destination", dst, dst == null ? 0 : dst.length, offset, layout.outputs(l), -1);
            System.arraycopy(params, layout.normScaleOffset(l), dst, offset, layout.outputs(l));
        }
    }

    /**
     * Copies layer {@code l}'s layer-norm shift β {@code [out]} into {@code dst}; no-op without a layer norm.
     *
     * @param l      the dense layer, in {@code [0, layout().layerCount())}
     * @param dst    receives {@code layout().outputs(l)} values from {@code offset}
     * @param offset where β starts in {@code dst}
     * @throws IllegalArgumentException when {@code l} is not a layer, or {@code dst} is null or too short
     */
    public void copyNormShift(int l, float[] dst, int offset) {
        checkLayer(l);
        if (layout.normShiftOffset(l) >= 0) {
            Checks.region("destination", dst, dst == null ? 0 : dst.length, offset, layout.outputs(l), -1);
            System.arraycopy(params, layout.normShiftOffset(l), dst, offset, layout.outputs(l));
        }
    }

    private void checkLayer(int l) {
        if (l < 0 || l >= layout.layerCount()) {
            throw new IllegalArgumentException("layer must be in [0, " + layout.layerCount() + "), got " + l);
        }
    }

    /** Rebuilds every layer's derived weight layouts from the slab. */
    void refreshDerived() {
        for (int l = 0; l < layout.layerCount(); l++) {
            refreshDerived(l);
        }
    }

    /** Rebuilds layer {@code l}'s derived weight layouts from the slab; called by every writer of the slab. */
    void refreshDerived(int l) {
        dense[l].refresh(params, layout.weightOffset(l));
    }

    /**
     * Rebuilds the derived weight layouts of the layers flagged in {@code layers}, split over {@code pool}'s threads
     * when it has several and the layers are large (an optimizer step), else on the calling thread.
     */
    void refreshDerived(boolean[] layers, ComputePool pool) {
        if (pool != null && pool.threads() > 1 && weightCount >= Passes.PARALLEL_MIN_WEIGHTS) {
            refreshLayers = layers;
            try {
                pool.run(REFRESH, this);
            } finally {
                refreshLayers = null;
            }
            return;
        }
        for (int l = 0; l < layers.length; l++) {
            if (layers[l]) {
                refreshDerived(l);
            }
        }
    }

    /** The layers a pooled {@link #refreshDerived(boolean[], ComputePool)} rebuilds; set only while it runs. */
    private boolean[] refreshLayers;

    /** Part {@code p} rebuilds its share of every flagged layer's derived layout. */
    private static final ComputePool.Task<Network> REFRESH = new ComputePool.Task<Network>() {
        @Override
        public void run(Network n, int part, int parts) {
            final boolean[] layers = n.refreshLayers;
            for (int l = 0; l < layers.length; l++) {
                if (layers[l]) {
                    n.dense[l].refresh(n.params, n.layout.weightOffset(l), part, parts);
                }
            }
        }
    };

    /** Sets every gradient to zero. */
    public void zeroGradients() {
        java.util.Arrays.fill(grads, 0f);
    }

    /**
     * The inference pass for {@code batch} rows of {@code x [batch][inputs]} at {@code xOffset}: every layer, then
     * the head. The results stay in the workspace ({@link Workspace#logits()}, {@link Workspace#predictions()}).
     * Inputs are checked (shape, finite).
     *
     * @param ws      a workspace of this network's spec; the pass leaves its results there
     * @param x       {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset where row 0 starts in {@code x}
     * @param batch   rows, in {@code [1, ws.maxBatch()]}
     * @throws IllegalArgumentException when {@code ws} is null or made for another network, {@code batch} is
     *                                  outside {@code [1, ws.maxBatch()]}, or {@code x} is too short or not all
     *                                  finite
     */
    public void forward(Workspace ws, float[] x, int xOffset, int batch) {
        check(ws, x, xOffset, batch);
        Passes.forward(this, ws, x, xOffset, batch, null, true);
    }

    /**
     * The model's output for {@code batch} rows into {@code out [batch][outputs]} at {@code outOffset}: class
     * probabilities (softmax) of a classifier, sigmoid probabilities of a binary or multi-label network, the
     * values of a regressor.
     *
     * @param ws        a workspace of this network's spec; the pass leaves its results there
     * @param x         {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset   where row 0 starts in {@code x}
     * @param batch     rows, in {@code [1, ws.maxBatch()]}
     * @param out       receives {@code [batch][outputs]} from {@code outOffset}
     * @param outOffset where row 0's outputs go in {@code out}
     * @throws IllegalArgumentException when {@code ws} is null or made for another network, {@code batch} is
     *                                  outside {@code [1, ws.maxBatch()]}, {@code x} or {@code out} is too short, or
     *                                  {@code x} is not all finite
     */
    public void predict(Workspace ws, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        Checks.region("output", out, out == null ? 0 : out.length, outOffset, batch, spec.outputs());
        forward(ws, x, xOffset, batch);
        System.arraycopy(ws.predictions, 0, out, outOffset, batch * spec.outputs());
    }

    /**
     * Probabilities of {@code batch} rows into {@code out [batch][outputs]} at {@code outOffset}: {@link #predict}
     * of a classifier (softmax), a binary or a multi-label network (sigmoid); a regressor has none.
     *
     * @param ws        a workspace of this network's spec; the pass leaves its results there
     * @param x         {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset   where row 0 starts in {@code x}
     * @param batch     rows, in {@code [1, ws.maxBatch()]}
     * @param out       receives {@code [batch][outputs]} from {@code outOffset}
     * @param outOffset where row 0's outputs go in {@code out}
     * @throws IllegalArgumentException for a regressor, or as {@link #predict}
     */
    public void predictProbabilities(Workspace ws, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        if (spec.task() == Task.REGRESS) {
            throw new IllegalArgumentException("network " + spec
                    + " is a regressor and has no probabilities; use predict");
        }
        predict(ws, x, xOffset, batch, out, outOffset);
    }

    /**
     * The output layer's values before the head of {@code batch} rows into {@code out [batch][outputs]} at
     * {@code outOffset}.
     *
     * @param ws        a workspace of this network's spec; the pass leaves its results there
     * @param x         {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset   where row 0 starts in {@code x}
     * @param batch     rows, in {@code [1, ws.maxBatch()]}
     * @param out       receives {@code [batch][outputs]} from {@code outOffset}
     * @param outOffset where row 0's outputs go in {@code out}
     * @throws IllegalArgumentException when {@code ws} is null or made for another network, {@code batch} is
     *                                  outside {@code [1, ws.maxBatch()]}, {@code x} or {@code out} is too short, or
     *                                  {@code x} is not all finite
     */
    public void predictLogits(Workspace ws, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        Checks.region("output", out, out == null ? 0 : out.length, outOffset, batch, spec.outputs());
        check(ws, x, xOffset, batch);
        Passes.forward(this, ws, x, xOffset, batch, null, false);
        System.arraycopy(ws.logits, 0, out, outOffset, batch * spec.outputs());
    }

    /**
     * The predicted class of each of {@code batch} rows into {@code out [batch]} at {@code outOffset}: the most
     * probable class of a classifier (the first on ties), or 1 when a binary network's probability is at least ½.
     *
     * @param ws        a workspace of this network's spec; the pass leaves its results there
     * @param x         {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset   where row 0 starts in {@code x}
     * @param batch     rows, in {@code [1, ws.maxBatch()]}
     * @param out       receives {@code [batch]} classes from {@code outOffset}
     * @param outOffset where row 0's class goes in {@code out}
     * @throws IllegalArgumentException for a regressor or a multi-label network, or as {@link #predict}
     */
    public void predictClasses(Workspace ws, float[] x, int xOffset, int batch, int[] out, int outOffset) {
        requireClassLabels();
        Checks.region("output", out, out == null ? 0 : out.length, outOffset, batch, -1);
        check(ws, x, xOffset, batch);
        Passes.forward(this, ws, x, xOffset, batch, null, false); // argmax and thresholds need no head
        for (int b = 0; b < batch; b++) {
            out[outOffset + b] = classOf(ws.logits, b);
        }
    }

    /**
     * The predicted class of one row {@code x [inputs]} at {@code xOffset}, as {@link #predictClasses}.
     *
     * @param ws      a workspace of this network's spec
     * @param x       {@code [inputs]} from {@code xOffset}, all finite
     * @param xOffset where the row starts in {@code x}
     * @return the class: in {@code [0, classes)} for a classifier, 0 or 1 for a binary network
     * @throws IllegalArgumentException for a regressor or a multi-label network, a null workspace or one of another
     *                                  network, or an {@code x} too short or not all finite
     */
    public int predictClass(Workspace ws, float[] x, int xOffset) {
        requireClassLabels();
        check(ws, x, xOffset, 1);
        Passes.forward(this, ws, x, xOffset, 1, null, false);
        return classOf(ws.logits, 0);
    }

    /** Row {@code b}'s class from the pre-head outputs: argmax, or {@code logit ≥ 0} (σ ≥ ½) for binary. */
    int classOf(float[] logits, int b) {
        if (spec.task() == Task.BINARY) {
            return logits[b] >= 0f ? 1 : 0;
        }
        return SoftmaxCrossEntropy.argmax(logits, 0, b, spec.outputs());
    }

    private void requireClassLabels() {
        if (!spec.task().hasClassLabels()) {
            throw new IllegalArgumentException("network " + spec + " predicts " + (spec.task() == Task.REGRESS
                    ? "values" : "several labels per row") + ", not one class; use predict");
        }
    }

    private void check(Workspace ws, float[] x, int xOffset, int batch) {
        Checks.workspace(ws, spec);
        Checks.batch(batch, ws.maxBatch);
        Checks.inputs(x, xOffset, batch, spec.inputs(), ws, kernels);
    }

    @Override
    public String toString() {
        return "Network " + spec + " (" + layout.size() + " parameters)";
    }
}
