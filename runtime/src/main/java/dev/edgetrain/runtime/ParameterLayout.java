package dev.edgetrain.runtime;

/**
 * Where each layer's tensors live in the flat parameter slab (and in the same-shaped gradient slab).
 *
 * <p>Layer {@code l} owns a contiguous block: its weight {@code [out][in]} row-major (ONNX Gemm with
 * {@code transB=1}), then its bias {@code [out]} if the layer has one. Layers follow each other in
 * order, so the slab of a 64-32-10 network with biases is
 * {@code layer0.weight[32][64] layer0.bias[32] layer1.weight[10][32] layer1.bias[10]}.
 */
public final class ParameterLayout {
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int[] inputs;
    private final int[] outputs;
    private final int size;

    ParameterLayout(NetworkSpec spec) {
        int layers = spec.layerCount();
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        inputs = new int[layers];
        outputs = new int[layers];
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            inputs[l] = spec.layerInputs(l);
            outputs[l] = spec.layerOutputs(l);
            weightOffset[l] = offset;
            offset += inputs[l] * outputs[l];
            if (spec.hasBias(l)) {
                biasOffset[l] = offset;
                offset += outputs[l];
            } else {
                biasOffset[l] = -1;
            }
        }
        size = offset;
    }

    /** Total number of parameters (floats) in the slab. */
    public int size() {
        return size;
    }

    public int layerCount() {
        return weightOffset.length;
    }

    /** Offset of layer {@code l}'s weight {@code [out][in]}. */
    public int weightOffset(int l) {
        return weightOffset[l];
    }

    public int weightSize(int l) {
        return inputs[l] * outputs[l];
    }

    /** Offset of layer {@code l}'s bias {@code [out]}, or -1 when the layer has no bias. */
    public int biasOffset(int l) {
        return biasOffset[l];
    }

    public int biasSize(int l) {
        return biasOffset[l] < 0 ? 0 : outputs[l];
    }

    /** First slab index of layer {@code l}'s block (weight, then bias). */
    public int layerStart(int l) {
        return weightOffset[l];
    }

    /** One past the last slab index of layer {@code l}'s block. */
    public int layerEnd(int l) {
        return weightOffset[l] + weightSize(l) + biasSize(l);
    }

    public int inputs(int l) {
        return inputs[l];
    }

    public int outputs(int l) {
        return outputs[l];
    }

    /** Names in the style of the exported graph: {@code layer0.weight}, {@code layer0.bias}, … */
    public String weightName(int l) {
        return "layer" + l + ".weight";
    }

    public String biasName(int l) {
        return "layer" + l + ".bias";
    }

    /** Which tensor the slab index belongs to, for error messages: {@code layer1.weight[3][7]}. */
    public String describe(int index) {
        for (int l = 0; l < layerCount(); l++) {
            int w = index - weightOffset[l];
            if (w >= 0 && w < weightSize(l)) {
                return weightName(l) + "[" + (w / inputs[l]) + "][" + (w % inputs[l]) + "]";
            }
            int b = index - biasOffset[l];
            if (biasOffset[l] >= 0 && b >= 0 && b < outputs[l]) {
                return biasName(l) + "[" + b + "]";
            }
        }
        return "index " + index + " (outside the slab of " + size + ")";
    }
}
