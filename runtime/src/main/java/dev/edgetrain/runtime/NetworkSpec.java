package dev.edgetrain.runtime;

import java.util.Arrays;

/**
 * The architecture of a feed-forward classifier: {@code inputs → hidden[0] → … → hidden[n-1] → classes},
 * every hidden layer a dense layer followed by ReLU, the output layer dense followed by softmax.
 *
 * <p>The founding network of the project is the one-hidden-layer case without biases:
 * {@code A = W·x, B = ReLU(A), O = V·B, P = softmax(O)}. Biases are on by default.
 *
 * <p>Immutable and validated on construction.
 */
public final class NetworkSpec {
    /** Largest width of any layer; keeps every buffer size ({@code width × width × batch}) far from int overflow. */
    public static final int MAX_WIDTH = 1 << 16;
    /** Largest number of parameters a network may have (256 Mi floats = 1 GiB). */
    public static final long MAX_PARAMETERS = 1L << 28;

    private final int inputs;
    private final int[] hidden;
    private final int classes;
    /** Per dense layer: whether it has a bias. */
    private final boolean[] bias;

    private NetworkSpec(int inputs, int[] hidden, int classes, boolean[] bias) {
        checkWidth("inputs", inputs, 1);
        for (int i = 0; i < hidden.length; i++) {
            checkWidth("hidden[" + i + "]", hidden[i], 1);
        }
        checkWidth("classes", classes, 2);
        this.inputs = inputs;
        this.hidden = hidden.clone();
        this.classes = classes;
        if (bias.length != hidden.length + 1) {
            throw new IllegalArgumentException("bias flags must have one entry per dense layer (" + (hidden.length + 1)
                    + "), got " + bias.length);
        }
        this.bias = bias.clone();
        long params = 0;
        for (int l = 0; l < layerCount(); l++) {
            params += (long) layerInputs(l) * layerOutputs(l) + (bias[l] ? layerOutputs(l) : 0);
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

    /** The default, documented case: one hidden ReLU layer, with biases. */
    public static NetworkSpec of(int inputs, int hidden, int classes) {
        return new NetworkSpec(inputs, new int[] {hidden}, classes, new boolean[] {true, true});
    }

    /** Any number of hidden ReLU layers (zero makes a softmax regression), with biases. */
    public static NetworkSpec of(int inputs, int[] hidden, int classes) {
        if (hidden == null) {
            throw new IllegalArgumentException("hidden sizes must not be null (use an empty array for none)");
        }
        boolean[] bias = new boolean[hidden.length + 1];
        java.util.Arrays.fill(bias, true);
        return new NetworkSpec(inputs, hidden, classes, bias);
    }

    /** The same architecture with every layer's bias switched on or off; the founding network has none. */
    public NetworkSpec withBias(boolean on) {
        boolean[] b = new boolean[bias.length];
        java.util.Arrays.fill(b, on);
        return new NetworkSpec(inputs, hidden, classes, b);
    }

    /**
     * The same architecture with a bias flag per dense layer ({@code [layerCount()]}), e.g. for a model
     * imported from a framework that dropped some biases.
     */
    public NetworkSpec withLayerBias(boolean[] perLayer) {
        if (perLayer == null) {
            throw new IllegalArgumentException("bias flags must not be null");
        }
        return new NetworkSpec(inputs, hidden, classes, perLayer);
    }

    public int inputs() {
        return inputs;
    }

    public int classes() {
        return classes;
    }

    /** True when every dense layer has a bias. */
    public boolean hasBias() {
        for (boolean b : bias) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** Whether dense layer {@code l} has a bias. */
    public boolean hasBias(int l) {
        checkLayer(l);
        return bias[l];
    }

    public int hiddenLayerCount() {
        return hidden.length;
    }

    /** Width of hidden layer {@code h}. */
    public int hidden(int h) {
        return hidden[h];
    }

    /** A copy of the hidden widths. */
    public int[] hiddenSizes() {
        return hidden.clone();
    }

    /** Dense layers, hidden plus output. */
    public int layerCount() {
        return hidden.length + 1;
    }

    /** Input width of dense layer {@code l}. */
    public int layerInputs(int l) {
        checkLayer(l);
        return l == 0 ? inputs : hidden[l - 1];
    }

    /** Output width of dense layer {@code l}. */
    public int layerOutputs(int l) {
        checkLayer(l);
        return l == hidden.length ? classes : hidden[l];
    }

    /** The widest layer input or output, which sizes the workspace's scratch buffers. */
    public int maxWidth() {
        int w = Math.max(inputs, classes);
        for (int h : hidden) {
            w = Math.max(w, h);
        }
        return w;
    }

    private void checkLayer(int l) {
        if (l < 0 || l > hidden.length) {
            throw new IndexOutOfBoundsException("layer " + l + " out of range [0, " + layerCount() + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NetworkSpec)) {
            return false;
        }
        NetworkSpec s = (NetworkSpec) o;
        return inputs == s.inputs && classes == s.classes && Arrays.equals(bias, s.bias)
                && Arrays.equals(hidden, s.hidden);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * inputs + Arrays.hashCode(hidden)) + classes) + Arrays.hashCode(bias);
    }

    /** For example {@code 64-32-10}, {@code 2-3-2 (no bias)} or {@code 4-8-3 (bias: layer 0)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (int h : hidden) {
            sb.append('-').append(h);
        }
        sb.append('-').append(classes);
        int with = 0;
        for (boolean b : bias) {
            with += b ? 1 : 0;
        }
        if (with == 0) {
            sb.append(" (no bias)");
        } else if (with < bias.length) {
            sb.append(" (bias: layer");
            String sep = " ";
            for (int l = 0; l < bias.length; l++) {
                if (bias[l]) {
                    sb.append(sep).append(l);
                    sep = ", ";
                }
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
