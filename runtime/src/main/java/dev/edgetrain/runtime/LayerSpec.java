package dev.edgetrain.runtime;

/**
 * One dense layer of a {@link NetworkSpec} and what follows it, in this order:
 * <pre>
 *   z = W·x + b        dense, {@code W [outputs][inputs]}, bias optional
 *   n = LayerNorm(z)   optional: (z − mean) / sqrt(var + ε) · γ + β over the layer's outputs, learnable γ, β
 *   a = f(n)           the activation, any {@link Activation}
 *   y = dropout(a)     optional, training only: inverted dropout with rate p (nothing at inference)
 * </pre>
 * This is the order PyTorch writes {@code Linear, LayerNorm, ReLU, Dropout} in, and the order of the
 * openWakeWord heads. Immutable; the {@code with} methods return changed copies.
 */
public final class LayerSpec {
    /** PyTorch's default {@code nn.LayerNorm} ε. */
    public static final float DEFAULT_NORM_EPSILON = 1e-5f;

    private final int outputs;
    private final boolean bias;
    private final boolean layerNorm;
    private final float normEpsilon;
    private final Activation activation;
    private final float dropout;

    private LayerSpec(int outputs, boolean bias, boolean layerNorm, float normEpsilon, Activation activation,
                      float dropout) {
        if (outputs < 1 || outputs > NetworkSpec.MAX_WIDTH) {
            throw new IllegalArgumentException("layer width must be in [1, " + NetworkSpec.MAX_WIDTH + "], got "
                    + outputs);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null (use Activation.IDENTITY for none)");
        }
        if (!(normEpsilon > 0 && normEpsilon <= 1)) {
            throw new IllegalArgumentException("layer-norm epsilon must be in (0, 1], got " + normEpsilon);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + dropout);
        }
        this.outputs = outputs;
        this.bias = bias;
        this.layerNorm = layerNorm;
        this.normEpsilon = normEpsilon;
        this.activation = activation;
        this.dropout = dropout;
    }

    /**
     * A dense layer of {@code outputs} with a bias and {@code activation}, no layer norm, no dropout.
     *
     * @param outputs the layer's width, in [1, {@link NetworkSpec#MAX_WIDTH}]
     * @param activation the function after the dense layer; {@link Activation#IDENTITY} for none
     * @return the layer
     * @throws IllegalArgumentException when the width is out of range or {@code activation} is null
     */
    public static LayerSpec dense(int outputs, Activation activation) {
        return new LayerSpec(outputs, true, false, DEFAULT_NORM_EPSILON, activation, 0f);
    }

    /**
     * The layer's width: its number of outputs.
     *
     * @return the width, in [1, {@link NetworkSpec#MAX_WIDTH}]
     */
    public int outputs() {
        return outputs;
    }

    /**
     * Whether the layer has a bias.
     *
     * @return true when the dense layer adds a bias {@code b [outputs]}
     */
    public boolean bias() {
        return bias;
    }

    /**
     * Whether a layer norm follows the dense layer.
     *
     * @return true when the layer normalises its outputs (with learnable scale and shift)
     */
    public boolean layerNorm() {
        return layerNorm;
    }

    /**
     * The ε of the layer norm (meaningful when {@link #layerNorm()}).
     *
     * @return ε in (0, 1]; {@link #DEFAULT_NORM_EPSILON} unless set
     */
    public float normEpsilon() {
        return normEpsilon;
    }

    /**
     * The activation after the dense layer (and its layer norm).
     *
     * @return the activation; never null
     */
    public Activation activation() {
        return activation;
    }

    /**
     * The dropout rate p in [0, 1); 0 for none.
     *
     * @return the rate in [0, 1)
     */
    public float dropout() {
        return dropout;
    }

    /**
     * This layer with {@code width} outputs.
     *
     * @param width the new width, in [1, {@link NetworkSpec#MAX_WIDTH}]
     * @return a changed copy
     * @throws IllegalArgumentException when the width is out of range
     */
    public LayerSpec withOutputs(int width) {
        return new LayerSpec(width, bias, layerNorm, normEpsilon, activation, dropout);
    }

    /**
     * This layer with its bias on or off.
     *
     * @param on whether the dense layer adds a bias
     * @return a changed copy
     */
    public LayerSpec withBias(boolean on) {
        return new LayerSpec(outputs, on, layerNorm, normEpsilon, activation, dropout);
    }

    /**
     * This layer with activation {@code a}.
     *
     * @param a the new activation, not null
     * @return a changed copy
     * @throws IllegalArgumentException when {@code a} is null
     */
    public LayerSpec withActivation(Activation a) {
        return new LayerSpec(outputs, bias, layerNorm, normEpsilon, a, dropout);
    }

    /**
     * With a layer norm of ε {@code epsilon} ({@link #DEFAULT_NORM_EPSILON} is PyTorch's default).
     *
     * @param epsilon the norm's ε, in (0, 1]
     * @return a changed copy, with a layer norm
     * @throws IllegalArgumentException when {@code epsilon} is outside (0, 1]
     */
    public LayerSpec withLayerNorm(float epsilon) {
        return new LayerSpec(outputs, bias, true, epsilon, activation, dropout);
    }

    /**
     * This layer without a layer norm.
     *
     * @return a changed copy, without a layer norm
     */
    public LayerSpec withoutLayerNorm() {
        return new LayerSpec(outputs, bias, false, DEFAULT_NORM_EPSILON, activation, dropout);
    }

    /**
     * This layer with dropout rate {@code rate} (0: none).
     *
     * @param rate the dropout rate, in [0, 1)
     * @return a changed copy
     * @throws IllegalArgumentException when {@code rate} is outside [0, 1)
     */
    public LayerSpec withDropout(float rate) {
        return new LayerSpec(outputs, bias, layerNorm, normEpsilon, activation, rate);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LayerSpec)) {
            return false;
        }
        LayerSpec s = (LayerSpec) o;
        return outputs == s.outputs && bias == s.bias && layerNorm == s.layerNorm
                && Float.floatToIntBits(normEpsilon) == Float.floatToIntBits(s.normEpsilon)
                && activation.equals(s.activation) && Float.floatToIntBits(dropout) == Float.floatToIntBits(s.dropout);
    }

    @Override
    public int hashCode() {
        int h = outputs;
        h = 31 * h + (bias ? 1 : 0);
        h = 31 * h + (layerNorm ? 1 : 0);
        h = 31 * h + Float.floatToIntBits(normEpsilon);
        h = 31 * h + activation.hashCode();
        return 31 * h + Float.floatToIntBits(dropout);
    }

    @Override
    public String toString() {
        return outputs + "(" + activation + (layerNorm ? ", layer_norm eps=" + normEpsilon : "")
                + (dropout > 0 ? ", dropout " + dropout : "") + (bias ? "" : ", no bias") + ")";
    }
}
