package dev.edgetrain.runtime;

import java.util.Locale;

/**
 * The nonlinearity a dense layer applies to its output (after its {@link LayerSpec#layerNorm() layer norm},
 * when it has one): any of these on any layer, the output layer included. Immutable; compare with
 * {@link #equals}. The kernels are in {@code dev.edgetrain.runtime.kernels.Activations}.
 *
 * <table>
 *   <caption>Activations</caption>
 *   <tr><th>name</th><th>f(x)</th><th>ONNX</th></tr>
 *   <tr><td>{@code identity}</td><td>x</td><td>(no node)</td></tr>
 *   <tr><td>{@code relu}</td><td>max(x, 0)</td><td>Relu</td></tr>
 *   <tr><td>{@code leaky_relu(α)}</td><td>x ≥ 0 ? x : α·x</td><td>LeakyRelu</td></tr>
 *   <tr><td>{@code tanh}</td><td>tanh(x)</td><td>Tanh</td></tr>
 *   <tr><td>{@code sigmoid}</td><td>1 / (1 + e^−x)</td><td>Sigmoid</td></tr>
 *   <tr><td>{@code gelu}</td><td>x·Φ(x) = ½x(1 + erf(x/√2))</td><td>Gelu (opset 20), or Div/Erf/Add/Mul/Mul</td></tr>
 *   <tr><td>{@code gelu_tanh}</td><td>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</td>
 *       <td>Gelu(approximate=tanh), or its decomposition</td></tr>
 * </table>
 */
public final class Activation {
    /** The function; {@link #alpha()} parameterises {@link Kind#LEAKY_RELU}. */
    public enum Kind {
        /** Passes values through unchanged. */
        IDENTITY("identity"),
        /** {@code max(0, x)}. */
        RELU("relu"),
        /** {@code x} above zero, {@code alpha · x} below. */
        LEAKY_RELU("leaky_relu"),
        /** The hyperbolic tangent. */
        TANH("tanh"),
        /** The logistic function {@code 1 / (1 + e^-x)}. */
        SIGMOID("sigmoid"),
        /** GELU with the exact Gaussian CDF. */
        GELU("gelu"),
        /** GELU with the tanh approximation. */
        GELU_TANH("gelu_tanh");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /**
         * The lower-case name used by {@link Activation#parse} and in checkpoints.
         *
         * @return {@code identity}, {@code relu}, {@code leaky_relu}, {@code tanh}, {@code sigmoid}, {@code gelu} or
         *         {@code gelu_tanh}
         */
        public String id() {
            return id;
        }
    }

    /** The default slope of {@link #leakyRelu(float)} below zero, as in PyTorch and ONNX. */
    public static final float DEFAULT_LEAKY_ALPHA = 0.01f;

    /** The identity: no activation (an output layer's default). */
    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f);
    /** ReLU, {@code max(0, x)}. */
    public static final Activation RELU = new Activation(Kind.RELU, 0f);
    /** The hyperbolic tangent. */
    public static final Activation TANH = new Activation(Kind.TANH, 0f);
    /** The logistic sigmoid. */
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f);
    /** GELU with the exact Gaussian CDF (PyTorch's {@code nn.GELU()}). */
    public static final Activation GELU = new Activation(Kind.GELU, 0f);
    /** GELU with the tanh approximation (PyTorch's {@code nn.GELU(approximate="tanh")}). */
    public static final Activation GELU_TANH = new Activation(Kind.GELU_TANH, 0f);

    private final Kind kind;
    private final float alpha;

    private Activation(Kind kind, float alpha) {
        this.kind = kind;
        this.alpha = alpha;
    }

    /**
     * LeakyReLU with slope {@code alpha} below zero: any finite value (0 makes it a ReLU in value).
     *
     * @param alpha the slope below zero; any finite value, negative included
     * @return a {@link Kind#LEAKY_RELU} activation
     * @throws IllegalArgumentException when {@code alpha} is NaN or infinite
     */
    public static Activation leakyRelu(float alpha) {
        if (!(Math.abs(alpha) <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("leaky_relu alpha must be a finite number, got " + alpha);
        }
        return new Activation(Kind.LEAKY_RELU, alpha);
    }

    /**
     * The activation of {@code kind}; {@code alpha} is read for {@link Kind#LEAKY_RELU} only.
     *
     * @param kind the function
     * @param alpha the slope below zero for {@link Kind#LEAKY_RELU}; ignored otherwise
     * @return the shared constant of {@code kind}, or a new LeakyReLU
     * @throws IllegalArgumentException when {@code kind} is null, or a LeakyReLU's {@code alpha} is not finite
     */
    public static Activation of(Kind kind, float alpha) {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind must not be null");
        }
        switch (kind) {
            case IDENTITY:
                return IDENTITY;
            case RELU:
                return RELU;
            case LEAKY_RELU:
                return leakyRelu(alpha);
            case TANH:
                return TANH;
            case SIGMOID:
                return SIGMOID;
            case GELU:
                return GELU;
            default:
                return GELU_TANH;
        }
    }

    /**
     * Parses {@code relu}, {@code leaky_relu} (α 0.01), {@code leaky_relu:0.2}, {@code tanh}, {@code sigmoid},
     * {@code gelu}, {@code gelu_tanh} or {@code identity} (case-insensitive; {@code -} for {@code _}; also
     * {@code none} and {@code linear} for identity).
     *
     * @param text a name as above, optionally {@code :slope} for {@code leaky_relu}
     * @return the activation
     * @throws IllegalArgumentException when the name is unknown, the slope is not a number, or another kind has a
     *                                  parameter
     */
    public static Activation parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("activation must not be null");
        }
        String t = text.trim();
        String name = t;
        String arg = null;
        int colon = t.indexOf(':');
        if (colon >= 0) {
            name = t.substring(0, colon);
            arg = t.substring(colon + 1); // as written: a negative slope keeps its minus sign
        }
        name = name.toLowerCase(Locale.ROOT).replace('-', '_');
        if (name.equals("none") || name.equals("linear")) {
            name = "identity";
        }
        for (Kind k : Kind.values()) {
            if (k.id.equals(name)) {
                if (k == Kind.LEAKY_RELU) {
                    float a = DEFAULT_LEAKY_ALPHA;
                    if (arg != null) {
                        try {
                            a = Float.parseFloat(arg);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("activation '" + text + "': slope '" + arg
                                    + "' is not a number; expected e.g. leaky_relu:0.1");
                        }
                    }
                    return leakyRelu(a);
                }
                if (arg != null) {
                    throw new IllegalArgumentException("activation '" + text + "': only leaky_relu takes a parameter");
                }
                return of(k, 0f);
            }
        }
        throw new IllegalArgumentException("unknown activation '" + text
                + "', expected one of [identity, relu, leaky_relu[:alpha], tanh, sigmoid, gelu, gelu_tanh]");
    }

    /**
     * The function.
     *
     * @return the kind; never null
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The slope below zero of {@link Kind#LEAKY_RELU}; 0 for every other kind.
     *
     * @return the LeakyReLU slope, or 0
     */
    public float alpha() {
        return alpha;
    }

    /**
     * Whether the derivative can be computed from the output alone ({@code f'} as a function of {@code f(x)}):
     * then the forward pass may overwrite its input, and the workspace keeps one buffer for both.
     *
     * @return true for identity, ReLU, tanh and sigmoid; false for LeakyReLU and both GELUs
     */
    public boolean derivativeFromOutput() {
        return kind == Kind.IDENTITY || kind == Kind.RELU || kind == Kind.TANH || kind == Kind.SIGMOID;
    }

    /** Whether weights feeding this activation are initialised for a rectifier (He) rather than Glorot. */
    boolean rectifier() {
        return kind == Kind.RELU || kind == Kind.LEAKY_RELU || kind == Kind.GELU || kind == Kind.GELU_TANH;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Activation)) {
            return false;
        }
        Activation a = (Activation) o;
        return kind == a.kind && Float.floatToIntBits(alpha) == Float.floatToIntBits(a.alpha);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Float.floatToIntBits(alpha);
    }

    /** {@code relu}, {@code leaky_relu:0.01}, …: the form {@link #parse} reads back. */
    @Override
    public String toString() {
        return kind == Kind.LEAKY_RELU ? kind.id + ":" + alpha : kind.id;
    }
}
