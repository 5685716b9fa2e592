package dev.edgetrain.onnx.imports;

import dev.edgetrain.runtime.Activation;

/**
 * One dense layer as it is read from the graph, before the network is built: its weights in the runtime's
 * layout, and what follows it in the runtime's order (bias, layer norm, activation, dropout). {@link #stage} is
 * how far the reading got, which says what may come next.
 */
final class LayerDraft {
    /** How far a layer's nodes have been read; each stage admits only what the runtime computes after it. */
    enum Stage {
        /** After the dense op (and its bias, a folded BatchNormalization): bias, norm, activation, dropout. */
        LINEAR,
        /** After the layer norm: activation, dropout. */
        NORMED,
        /** After the activation: dropout, the next layer or a head. */
        ACTIVATED
    }

    final int in;
    final int out;
    /** {@code [out][in]} row-major. */
    final float[] weight;
    /** {@code [out]}, or null. */
    float[] bias;
    /** Whether an {@code Add} may still supply the bias (a MatMul, or a Gemm without C). */
    boolean biasOpen;
    /** The node that made the layer, for messages: {@code node 1 'Gemm_1' (Gemm)}. */
    final String where;
    /**
     * An identity layer standing for a graph without any dense layer (a lone activation or head on the input):
     * {@code W = I}, so the network computes exactly what the graph did.
     */
    final boolean implicit;
    Stage stage = Stage.LINEAR;
    boolean batchNormFolded;
    /** Layer norm γ, β {@code [out]} and ε; {@link #normScale} null when the layer has none. */
    float[] normScale;
    float[] normShift;
    float normEpsilon;
    Activation activation = Activation.IDENTITY;
    /** The node of the activation (or of the last node of its pattern), -1 when there is none. */
    int activationNode = -1;
    /** The output of the activation, for messages. */
    String activationOutput;
    /** The dropout rate read from Dropout nodes after the layer (combined when there are several). */
    float dropout;

    LayerDraft(int in, int out, float[] weight, float[] bias, String where, boolean implicit) {
        this.in = in;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
        this.biasOpen = bias == null && !implicit;
        this.where = where;
        this.implicit = implicit;
    }

    boolean hasLayerNorm() {
        return normScale != null;
    }

    /** Parameters of the layer: weights, bias, norm scale and shift. */
    long parameterCount() {
        return (long) in * out + (bias == null ? 0 : out) + (normScale == null ? 0 : 2L * out);
    }
}
