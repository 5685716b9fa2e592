package dev.edgetrain.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The architecture of a feed-forward network: {@code inputs → layer[0] → … → layer[n-1] → head}. Every layer
 * is a {@link LayerSpec}: dense, then optionally a layer norm, an {@link Activation}, and (hidden layers only)
 * dropout. The {@link Task} fixes the head after the output layer (softmax, sigmoid or identity) and the
 * losses it trains with.
 *
 * <p>The founding network of the project is {@code NetworkSpec.of(inputs, hidden, classes).withBias(false)}:
 * {@code A = W·x, B = ReLU(A), O = V·B, P = softmax(O)}. {@link #of} builds that family (ReLU hidden layers,
 * identity output layer, softmax classifier, biases on); {@link #builder} builds any other.
 *
 * <pre>{@code
 * NetworkSpec.builder(1536)                          // openWakeWord's [16 × 96] embeddings, flattened
 *         .hidden(32).layerNorm().activation(Activation.RELU)
 *         .hidden(32).layerNorm().activation(Activation.RELU)
 *         .output(1, Task.BINARY)                    // one sigmoid output
 *         .build();
 * }</pre>
 *
 * <p>Immutable and validated on construction.
 */
public final class NetworkSpec {
    /** Largest width of any layer; keeps every buffer size ({@code width × width × batch}) far from int overflow. */
    public static final int MAX_WIDTH = 1 << 16;
    /** Largest number of parameters a network may have (256 Mi floats = 1 GiB). */
    public static final long MAX_PARAMETERS = 1L << 28;

    private final int inputs;
    /** The dense layers, the output layer last. */
    private final LayerSpec[] layers;
    private final Task task;

    private NetworkSpec(int inputs, LayerSpec[] layers, Task task) {
        checkWidth("inputs", inputs, 1);
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("a network needs at least one (output) layer");
        }
        if (task == null) {
            throw new IllegalArgumentException("task must not be null");
        }
        for (int l = 0; l < layers.length; l++) {
            if (layers[l] == null) {
                throw new IllegalArgumentException("layer " + l + " is null");
            }
        }
        final LayerSpec out = layers[layers.length - 1];
        if (out.outputs() < task.minOutputs() || out.outputs() > task.maxOutputs()) {
            throw new IllegalArgumentException(task == Task.CLASSIFY
                    ? "classes must be in [2, " + MAX_WIDTH + "], got " + out.outputs()
                    : "a " + task + " network needs " + (task == Task.BINARY ? "exactly 1 output"
                    : "at least " + task.minOutputs() + " outputs") + ", got " + out.outputs());
        }
        if (out.dropout() > 0) {
            throw new IllegalArgumentException("the output layer cannot have dropout (got rate " + out.dropout()
                    + "); expected dropout on hidden layers only");
        }
        this.inputs = inputs;
        this.layers = layers.clone();
        this.task = task;
        long params = 0;
        for (int l = 0; l < layers.length; l++) {
            params += (long) layerInputs(l) * layerOutputs(l) + (layers[l].bias() ? layerOutputs(l) : 0)
                    + (layers[l].layerNorm() ? 2L * layerOutputs(l) : 0);
        }
        if (params > MAX_PARAMETERS) {
            throw new IllegalArgumentException("network " + this + " has " + params
                    + " parameters, expected at most " + MAX_PARAMETERS);
        }
    }

    private static void checkWidth(String what, int value, int min) {
        if (value < min || value > MAX_WIDTH) {
            throw new IllegalArgumentException(what + " must be in [" + min + ", " + MAX_WIDTH + "], got " + value);
        }
    }

    /**
     * The default, documented case: one hidden ReLU layer, with biases, a softmax classifier.
     *
     * @param inputs features per row, in [1, {@link #MAX_WIDTH}]
     * @param hidden the hidden layer's width, in [1, {@link #MAX_WIDTH}]
     * @param classes classes, in [2, {@link #MAX_WIDTH}]
     * @return an {@code inputs-hidden-classes} spec
     * @throws IllegalArgumentException when a width is out of range
     */
    public static NetworkSpec of(int inputs, int hidden, int classes) {
        return of(inputs, new int[] {hidden}, classes);
    }

    /**
     * Any number of hidden ReLU layers (zero makes a softmax regression), with biases, a softmax classifier.
     *
     * @param inputs features per row, in [1, {@link #MAX_WIDTH}]
     * @param hidden the hidden layers' widths, each in [1, {@link #MAX_WIDTH}]; may be empty
     * @param classes classes, in [2, {@link #MAX_WIDTH}]
     * @return the spec
     * @throws IllegalArgumentException when a width is out of range or the network has too many parameters
     */
    public static NetworkSpec of(int inputs, int[] hidden, int classes) {
        if (hidden == null) {
            throw new IllegalArgumentException("hidden sizes must not be null (use an empty array for none)");
        }
        for (int i = 0; i < hidden.length; i++) {
            checkWidth("hidden[" + i + "]", hidden[i], 1);
        }
        checkWidth("classes", classes, 2);
        LayerSpec[] layers = new LayerSpec[hidden.length + 1];
        for (int h = 0; h < hidden.length; h++) {
            layers[h] = LayerSpec.dense(hidden[h], Activation.RELU);
        }
        layers[hidden.length] = LayerSpec.dense(classes, Activation.IDENTITY);
        return new NetworkSpec(inputs, layers, Task.CLASSIFY);
    }

    /**
     * Any layers and task.
     *
     * @param inputs features per row, in [1, {@link #MAX_WIDTH}]
     * @param layers the dense layers, the output layer last (copied); at least one
     * @param task what the output means; the output layer's width must suit it
     * @return the spec
     * @throws IllegalArgumentException when a width does not suit the task, the output layer has dropout, or the
     *                                  network has too many parameters
     */
    public static NetworkSpec of(int inputs, LayerSpec[] layers, Task task) {
        return new NetworkSpec(inputs, layers, task);
    }

    /**
     * A builder of a network taking {@code inputs} features.
     *
     * @param inputs features per row, in [1, {@link #MAX_WIDTH}]
     * @return an empty builder
     */
    public static Builder builder(int inputs) {
        return new Builder(inputs);
    }

    /**
     * The same architecture with every layer's bias switched on or off; the founding network has none.
     *
     * @param on whether every dense layer adds a bias
     * @return a changed copy
     */
    public NetworkSpec withBias(boolean on) {
        LayerSpec[] l = layers.clone();
        for (int i = 0; i < l.length; i++) {
            l[i] = l[i].withBias(on);
        }
        return new NetworkSpec(inputs, l, task);
    }

    /**
     * The same architecture with a bias flag per dense layer ({@code [layerCount()]}), e.g. for a model
     * imported from a framework that dropped some biases.
     *
     * @param perLayer {@code [layerCount()]}: whether each dense layer adds a bias
     * @return a changed copy
     * @throws IllegalArgumentException when {@code perLayer} is null or not one flag per layer
     */
    public NetworkSpec withLayerBias(boolean[] perLayer) {
        if (perLayer == null) {
            throw new IllegalArgumentException("bias flags must not be null");
        }
        if (perLayer.length != layers.length) {
            throw new IllegalArgumentException("bias flags must have one entry per dense layer (" + layers.length
                    + "), got " + perLayer.length);
        }
        LayerSpec[] l = layers.clone();
        for (int i = 0; i < l.length; i++) {
            l[i] = l[i].withBias(perLayer[i]);
        }
        return new NetworkSpec(inputs, l, task);
    }

    /**
     * The same architecture with layer {@code l} replaced.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @param layer its replacement
     * @return a changed copy
     * @throws IndexOutOfBoundsException when {@code l} is out of range
     * @throws IllegalArgumentException when the result is not a valid network (the output layer's width must suit the
     *                                  task)
     */
    public NetworkSpec withLayer(int l, LayerSpec layer) {
        checkLayer(l);
        LayerSpec[] copy = layers.clone();
        copy[l] = layer;
        return new NetworkSpec(inputs, copy, task);
    }

    /**
     * The same layers with another task (the output width must suit it).
     *
     * @param newTask the new task
     * @return a changed copy
     * @throws IllegalArgumentException when the output width does not suit {@code newTask}
     */
    public NetworkSpec withTask(Task newTask) {
        return new NetworkSpec(inputs, layers, newTask);
    }

    /**
     * The hidden layers of this network under a new output layer of {@code outputs} for {@code newTask}: the
     * output layer keeps its bias flag, with an identity activation and no layer norm. See
     * {@link Network#withNewHead}.
     *
     * @param outputs the new output layer's width
     * @param newTask the new task; {@code outputs} must suit it
     * @return a changed copy
     * @throws IllegalArgumentException when {@code outputs} does not suit {@code newTask}
     */
    public NetworkSpec withNewHead(int outputs, Task newTask) {
        LayerSpec[] copy = layers.clone();
        copy[copy.length - 1] = LayerSpec.dense(outputs, Activation.IDENTITY).withBias(outputLayer().bias());
        return new NetworkSpec(inputs, copy, newTask);
    }

    /**
     * Width of the input: the number of features.
     *
     * @return the feature count, in [1, {@link #MAX_WIDTH}]
     */
    public int inputs() {
        return inputs;
    }

    /**
     * Width of the output layer: the classes of a classifier, the targets of a regressor.
     *
     * @return the output layer's width
     */
    public int outputs() {
        return layers[layers.length - 1].outputs();
    }

    /**
     * The output width, under its classifier name; the same as {@link #outputs()} for every task.
     *
     * @return the output layer's width
     */
    public int classes() {
        return outputs();
    }

    /**
     * What the network is trained for.
     *
     * @return the task; never null
     */
    public Task task() {
        return task;
    }

    /**
     * Dense layer {@code l}, {@code [0, layerCount())}; the output layer is the last.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the layer
     * @throws IndexOutOfBoundsException when {@code l} is out of range
     */
    public LayerSpec layer(int l) {
        checkLayer(l);
        return layers[l];
    }

    /**
     * The last dense layer, whose outputs are the network's.
     *
     * @return {@code layer(layerCount() - 1)}
     */
    public LayerSpec outputLayer() {
        return layers[layers.length - 1];
    }

    /**
     * True when every dense layer has a bias.
     *
     * @return false when any dense layer has no bias
     */
    public boolean hasBias() {
        for (LayerSpec l : layers) {
            if (!l.bias()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether dense layer {@code l} has a bias.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return true when the layer adds a bias
     */
    public boolean hasBias(int l) {
        checkLayer(l);
        return layers[l].bias();
    }

    /**
     * The activation of dense layer {@code l}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return its activation; never null
     */
    public Activation activation(int l) {
        checkLayer(l);
        return layers[l].activation();
    }

    /**
     * Whether dense layer {@code l} has a layer norm.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return true when a layer norm follows its dense layer
     */
    public boolean hasLayerNorm(int l) {
        checkLayer(l);
        return layers[l].layerNorm();
    }

    /**
     * Dropout rate of layer {@code l} (0: none).
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the rate, in [0, 1)
     */
    public float dropout(int l) {
        checkLayer(l);
        return layers[l].dropout();
    }

    /**
     * Whether any layer has dropout, so training draws masks.
     *
     * @return true when some layer's dropout rate is above 0
     */
    public boolean hasDropout() {
        for (LayerSpec l : layers) {
            if (l.dropout() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this is the founding family: ReLU hidden layers, an identity output layer, no layer norm, no
     * dropout, a softmax classifier (biases may be on or off).
     *
     * @return true for the founding family (what {@link #of(int, int[], int)} builds, biases aside)
     */
    public boolean isReluClassifier() {
        if (task != Task.CLASSIFY) {
            return false;
        }
        for (int l = 0; l < layers.length; l++) {
            LayerSpec s = layers[l];
            if (s.layerNorm() || s.dropout() > 0
                    || !s.activation().equals(l == layers.length - 1 ? Activation.IDENTITY : Activation.RELU)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Dense layers before the output layer.
     *
     * @return {@code layerCount() - 1}, from 0
     */
    public int hiddenLayerCount() {
        return layers.length - 1;
    }

    /**
     * Width of hidden layer {@code h}.
     *
     * @param h a hidden layer, in {@code [0, hiddenLayerCount())}
     * @return its width
     */
    public int hidden(int h) {
        if (h < 0 || h >= layers.length - 1) {
            throw new IndexOutOfBoundsException("hidden layer " + h + " out of range [0, " + (layers.length - 1) + ")");
        }
        return layers[h].outputs();
    }

    /**
     * A copy of the hidden widths.
     *
     * @return {@code [hiddenLayerCount()]} widths, a fresh copy
     */
    public int[] hiddenSizes() {
        int[] h = new int[layers.length - 1];
        for (int i = 0; i < h.length; i++) {
            h[i] = layers[i].outputs();
        }
        return h;
    }

    /**
     * Dense layers, hidden plus output.
     *
     * @return the count, at least 1
     */
    public int layerCount() {
        return layers.length;
    }

    /**
     * Input width of dense layer {@code l}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return {@link #inputs()} for layer 0, else the previous layer's width
     */
    public int layerInputs(int l) {
        checkLayer(l);
        return l == 0 ? inputs : layers[l - 1].outputs();
    }

    /**
     * Output width of dense layer {@code l}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the layer's width
     */
    public int layerOutputs(int l) {
        checkLayer(l);
        return layers[l].outputs();
    }

    /**
     * The widest layer input or output, which sizes the workspace's scratch buffers.
     *
     * @return the largest of the input width and every layer's width
     */
    public int maxWidth() {
        int w = inputs;
        for (LayerSpec l : layers) {
            w = Math.max(w, l.outputs());
        }
        return w;
    }

    private void checkLayer(int l) {
        if (l < 0 || l >= layers.length) {
            throw new IndexOutOfBoundsException("layer " + l + " out of range [0, " + layers.length + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NetworkSpec)) {
            return false;
        }
        NetworkSpec s = (NetworkSpec) o;
        return inputs == s.inputs && task == s.task && Arrays.equals(layers, s.layers);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * inputs + Arrays.hashCode(layers)) + task.hashCode();
    }

    /**
     * The widths joined by {@code -}, e.g. {@code 64-32-10}; a layer that differs from the founding family
     * (ReLU hidden layers, identity output) lists how in brackets, e.g.
     * {@code 1536-32[layer_norm]-32[layer_norm]-1 binary} or {@code 8-16[gelu, dropout 0.1]-2[sigmoid]-3};
     * the task follows unless it is {@code classify}; bias flags as {@code (no bias)} or
     * {@code (bias: layer 0, 2)}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (int l = 0; l < layers.length; l++) {
            LayerSpec s = layers[l];
            sb.append('-').append(s.outputs());
            List<String> notes = new ArrayList<String>();
            Activation usual = l == layers.length - 1 ? Activation.IDENTITY : Activation.RELU;
            if (!s.activation().equals(usual)) {
                notes.add(s.activation().toString());
            }
            if (s.layerNorm()) {
                notes.add(s.normEpsilon() == LayerSpec.DEFAULT_NORM_EPSILON ? "layer_norm"
                        : "layer_norm eps=" + s.normEpsilon());
            }
            if (s.dropout() > 0) {
                notes.add("dropout " + s.dropout());
            }
            if (!notes.isEmpty()) {
                sb.append('[');
                for (int i = 0; i < notes.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(notes.get(i));
                }
                sb.append(']');
            }
        }
        if (task != Task.CLASSIFY) {
            sb.append(' ').append(task.id());
        }
        int with = 0;
        for (LayerSpec s : layers) {
            with += s.bias() ? 1 : 0;
        }
        if (with == 0) {
            sb.append(" (no bias)");
        } else if (with < layers.length) {
            sb.append(" (bias: layer");
            String sep = " ";
            for (int l = 0; l < layers.length; l++) {
                if (layers[l].bias()) {
                    sb.append(sep).append(l);
                    sep = ", ";
                }
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /**
     * Builds a spec layer by layer: {@link #hidden} or {@link #output} adds a dense layer, and the calls after it
     * ({@link #activation}, {@link #layerNorm}, {@link #dropout}, {@link #bias}) set that layer's options. Hidden
     * layers default to ReLU, the output layer to identity; biases are on.
     */
    public static final class Builder {
        private final int inputs;
        private final List<LayerSpec> layers = new ArrayList<LayerSpec>();
        private Task task;

        private Builder(int inputs) {
            this.inputs = inputs;
        }

        /**
         * Adds a hidden layer of {@code width} (ReLU unless {@link #activation} follows).
         *
         * @param width the layer's width, in [1, {@link #MAX_WIDTH}]
         * @return this builder
         * @throws IllegalStateException after {@link #output}
         */
        public Builder hidden(int width) {
            requireOpen("hidden");
            layers.add(LayerSpec.dense(width, Activation.RELU));
            return this;
        }

        /**
         * Adds a hidden layer of {@code width} with {@code activation}.
         *
         * @param width the layer's width, in [1, {@link #MAX_WIDTH}]
         * @param activation its activation
         * @return this builder
         * @throws IllegalStateException after {@link #output}
         */
        public Builder hidden(int width, Activation activation) {
            return hidden(width).activation(activation);
        }

        /**
         * Adds the output layer: {@code outputs} wide, for {@code task}, identity unless {@link #activation} follows.
         *
         * @param outputs the output layer's width; must suit {@code outputTask}
         * @param outputTask what the output means
         * @return this builder
         * @throws IllegalStateException when an output layer was already added
         */
        public Builder output(int outputs, Task outputTask) {
            requireOpen("output");
            layers.add(LayerSpec.dense(outputs, Activation.IDENTITY));
            this.task = outputTask;
            return this;
        }

        /**
         * The activation of the layer added last.
         *
         * @param activation the activation, not null
         * @return this builder
         * @throws IllegalStateException before the first layer
         */
        public Builder activation(Activation activation) {
            return replaceLast(last().withActivation(activation));
        }

        /**
         * A layer norm (ε {@link LayerSpec#DEFAULT_NORM_EPSILON}) on the layer added last.
         *
         * @return this builder
         * @throws IllegalStateException before the first layer
         */
        public Builder layerNorm() {
            return layerNorm(LayerSpec.DEFAULT_NORM_EPSILON);
        }

        /**
         * A layer norm of ε {@code epsilon} on the layer added last.
         *
         * @param epsilon the norm's ε, in (0, 1]
         * @return this builder
         * @throws IllegalStateException before the first layer
         */
        public Builder layerNorm(float epsilon) {
            return replaceLast(last().withLayerNorm(epsilon));
        }

        /**
         * Dropout with rate {@code rate} after the layer added last (a hidden layer).
         *
         * @param rate the dropout rate, in [0, 1)
         * @return this builder
         * @throws IllegalStateException before the first layer
         */
        public Builder dropout(float rate) {
            return replaceLast(last().withDropout(rate));
        }

        /**
         * Whether the layer added last has a bias (on by default).
         *
         * @param on whether the layer adds a bias
         * @return this builder
         * @throws IllegalStateException before the first layer
         */
        public Builder bias(boolean on) {
            return replaceLast(last().withBias(on));
        }

        /**
         * The spec; the output layer must have been added last.
         *
         * @return the validated spec
         * @throws IllegalStateException when no output layer was added
         * @throws IllegalArgumentException when the layers do not make a valid network (see
         *                                  {@link NetworkSpec#of(int, LayerSpec[], Task)})
         */
        public NetworkSpec build() {
            if (task == null) {
                throw new IllegalStateException("no output layer: call output(width, task) last");
            }
            return new NetworkSpec(inputs, layers.toArray(new LayerSpec[0]), task);
        }

        private LayerSpec last() {
            if (layers.isEmpty()) {
                throw new IllegalStateException("add a layer (hidden or output) first");
            }
            return layers.get(layers.size() - 1);
        }

        private Builder replaceLast(LayerSpec s) {
            layers.set(layers.size() - 1, s);
            return this;
        }

        private void requireOpen(String what) {
            if (task != null) {
                throw new IllegalStateException("cannot add a " + what + " layer after the output layer");
            }
        }
    }
}
