package dev.edgetrain.onnx;

import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.NetworkSpec;

/**
 * The default-domain opset of an export and the form of each layer it implies: a layer norm is one
 * {@code LayerNormalization} from opset 17 on and PyTorch's decomposition below; a GELU is one {@code Gelu} from
 * opset 20 on and PyTorch's decomposition below. Automatic ({@link ExportOptions#targetOpset()} 0): the lowest
 * opset that writes every layer natively.
 */
final class OpsetPlan {
    /** The opset of {@code LayerNormalization}. */
    static final int NATIVE_LAYER_NORM = OnnxOp.LAYER_NORMALIZATION.sinceVersion();
    /** The opset of {@code Gelu}. */
    static final int NATIVE_GELU = OnnxOp.GELU.sinceVersion();

    /** The opset the model declares. */
    final int opset;
    /** Whether layer norms are written as {@code LayerNormalization} (else decomposed). */
    final boolean nativeLayerNorm;
    /** Whether GELUs are written as {@code Gelu} (else decomposed). */
    final boolean nativeGelu;

    private OpsetPlan(int opset) {
        this.opset = opset;
        this.nativeLayerNorm = opset >= NATIVE_LAYER_NORM;
        this.nativeGelu = opset >= NATIVE_GELU;
    }

    /** The plan for {@code spec} at {@code targetOpset} (0: automatic; else already checked to be in range). */
    static OpsetPlan resolve(NetworkSpec spec, int targetOpset) {
        if (targetOpset != 0) {
            return new OpsetPlan(targetOpset);
        }
        int opset = OnnxOp.MIN_OPSET;
        for (int l = 0; l < spec.layerCount(); l++) {
            if (spec.hasLayerNorm(l)) {
                opset = Math.max(opset, NATIVE_LAYER_NORM);
            }
            if (isGelu(spec.activation(l))) {
                opset = Math.max(opset, NATIVE_GELU);
            }
        }
        return new OpsetPlan(opset);
    }

    static boolean isGelu(Activation f) {
        return f.kind() == Activation.Kind.GELU || f.kind() == Activation.Kind.GELU_TANH;
    }
}
