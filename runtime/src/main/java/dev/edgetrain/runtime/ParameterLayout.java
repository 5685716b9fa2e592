package dev.edgetrain.runtime;

/**
 * Where each layer's tensors live in the flat parameter slab (and in the same-shaped gradient slab).
 *
 * <p>Layer {@code l} owns a contiguous block: its weight {@code [out][in]} row-major (ONNX Gemm with
 * {@code transB=1}), then its bias {@code [out]} if it has one, then its layer norm's scale γ {@code [out]} and
 * shift β {@code [out]} if it has one. Layers follow each other in order, so the slab of a 64-32-10 network
 * with biases is {@code layer0.weight[32][64] layer0.bias[32] layer1.weight[10][32] layer1.bias[10]}.
 */
public final class ParameterLayout {
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int[] normScaleOffset;
    private final int[] normShiftOffset;
    private final int[] layerEnd;
    private final int[] inputs;
    private final int[] outputs;
    private final int size;

    ParameterLayout(NetworkSpec spec) {
        int layers = spec.layerCount();
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        normScaleOffset = new int[layers];
        normShiftOffset = new int[layers];
        layerEnd = new int[layers];
        inputs = new int[layers];
        outputs = new int[layers];
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            inputs[l] = spec.layerInputs(l);
            outputs[l] = spec.layerOutputs(l);
            weightOffset[l] = offset;
            offset += inputs[l] * outputs[l];
            biasOffset[l] = -1;
            if (spec.hasBias(l)) {
                biasOffset[l] = offset;
                offset += outputs[l];
            }
            normScaleOffset[l] = -1;
            normShiftOffset[l] = -1;
            if (spec.hasLayerNorm(l)) {
                normScaleOffset[l] = offset;
                offset += outputs[l];
                normShiftOffset[l] = offset;
                offset += outputs[l];
            }
            layerEnd[l] = offset;
        }
        size = offset;
    }

    /**
     * Total number of parameters (floats) in the slab.
     *
     * @return the slab's length
     */
    public int size() {
        return size;
    }

    /**
     * Number of dense layers.
     *
     * @return the layer count, at least 1
     */
    public int layerCount() {
        return weightOffset.length;
    }

    /**
     * Offset of layer {@code l}'s weight {@code [out][in]}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a slab index
     */
    public int weightOffset(int l) {
        return weightOffset[l];
    }

    /**
     * Size of layer {@code l}'s weight: out × in.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a float count
     */
    public int weightSize(int l) {
        return inputs[l] * outputs[l];
    }

    /**
     * Offset of layer {@code l}'s bias {@code [out]}, or -1 when the layer has no bias.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a slab index, or -1
     */
    public int biasOffset(int l) {
        return biasOffset[l];
    }

    /**
     * Size of layer {@code l}'s bias: out, or 0 when it has none.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a float count, or 0
     */
    public int biasSize(int l) {
        return biasOffset[l] < 0 ? 0 : outputs[l];
    }

    /**
     * Offset of layer {@code l}'s layer-norm scale γ {@code [out]}, or -1 when it has no layer norm.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a slab index, or -1
     */
    public int normScaleOffset(int l) {
        return normScaleOffset[l];
    }

    /**
     * Offset of layer {@code l}'s layer-norm shift β {@code [out]}, or -1 when it has no layer norm.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a slab index, or -1
     */
    public int normShiftOffset(int l) {
        return normShiftOffset[l];
    }

    /**
     * First slab index of layer {@code l}'s block (weight, bias, norm scale, norm shift).
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a slab index
     */
    public int layerStart(int l) {
        return weightOffset[l];
    }

    /**
     * One past the last slab index of layer {@code l}'s block.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return a slab index, exclusive
     */
    public int layerEnd(int l) {
        return layerEnd[l];
    }

    /**
     * Inputs of layer {@code l}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the layer's input width
     */
    public int inputs(int l) {
        return inputs[l];
    }

    /**
     * Outputs of layer {@code l}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the layer's width
     */
    public int outputs(int l) {
        return outputs[l];
    }

    /**
     * Names in the style of the exported graph: {@code layer0.weight}, {@code layer0.bias}, …
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return {@code layer<l>.weight}
     */
    public String weightName(int l) {
        return "layer" + l + ".weight";
    }

    /**
     * Name of layer {@code l}'s bias: {@code layer<l>.bias}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the name
     */
    public String biasName(int l) {
        return "layer" + l + ".bias";
    }

    /**
     * Name of layer {@code l}'s layer-norm scale: {@code layer<l>.norm.scale}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the name
     */
    public String normScaleName(int l) {
        return "layer" + l + ".norm.scale";
    }

    /**
     * Name of layer {@code l}'s layer-norm shift: {@code layer<l>.norm.bias}.
     *
     * @param l a layer, in {@code [0, layerCount())}
     * @return the name
     */
    public String normShiftName(int l) {
        return "layer" + l + ".norm.bias";
    }

    /**
     * Which tensor the slab index belongs to, for error messages: {@code layer1.weight[3][7]}.
     *
     * @param index any slab index
     * @return the tensor's name and element index, or a note that the index is outside the slab
     */
    public String describe(int index) {
        for (int l = 0; l < layerCount(); l++) {
            int w = index - weightOffset[l];
            if (w >= 0 && w < weightSize(l)) {
                return weightName(l) + "[" + (w / inputs[l]) + "][" + (w % inputs[l]) + "]";
            }
            if (biasOffset[l] >= 0 && index >= biasOffset[l] && index < biasOffset[l] + outputs[l]) {
                return biasName(l) + "[" + (index - biasOffset[l]) + "]";
            }
            if (normScaleOffset[l] >= 0 && index >= normScaleOffset[l] && index < normScaleOffset[l] + outputs[l]) {
                return normScaleName(l) + "[" + (index - normScaleOffset[l]) + "]";
            }
            if (normShiftOffset[l] >= 0 && index >= normShiftOffset[l] && index < normShiftOffset[l] + outputs[l]) {
                return normShiftName(l) + "[" + (index - normShiftOffset[l]) + "]";
            }
        }
        return "index " + index + " (outside the slab of " + size + ")";
    }
}
