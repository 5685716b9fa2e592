package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.NodeProto;

import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;
import static dev.edgetrain.onnx.imports.ImportErrors.number;

/**
 * {@code Dropout} in inference form, which is the identity: any opset, its ratio an attribute (before opset 12) or
 * a constant input, its {@code training_mode} input absent or a constant false, {@code is_test=1} before opset 7,
 * its mask output unused. The ratio is returned so the caller can give it to the layer for fine-tuning.
 */
final class DropoutReader {
    private final ChainScope scope;
    private final Constants constants;
    private final OpRules rules;

    DropoutReader(ChainScope scope, Constants constants, OpRules rules) {
        this.scope = scope;
        this.constants = constants;
        this.rules = rules;
    }

    /** The dropout ratio of an identity {@code Dropout} node reading {@code x}. */
    float read(int index, NodeProto node, String x) throws OnnxImportException {
        int opset = rules.opset();
        rules.check(index, node, OnnxOp.DROPOUT, 1, opset >= 12 ? 3 : 1);
        if (!node.getInput(0).equals(x)) {
            throw nodeError(index, node, "drops from '" + node.getInput(0) + "'; expected the chain's value '" + x
                    + "' as its data input");
        }
        if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty() && scope.index.isUsed(node.getOutput(1))) {
            throw nodeError(index, node, "has its mask output '" + node.getOutput(1) + "' read; expected the mask"
                    + " unused (it only exists in training)");
        }
        if (opset < 7 && rules.intAttribute(index, node, OnnxOp.DROPOUT, "is_test") == 0) {
            throw nodeError(index, node, "has is_test=0 (opset " + opset + "), so it drops values at random;"
                    + " expected is_test=1 (export the model in eval mode)");
        }
        if (opset >= 12 && node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            ConstantTensor mode = constants.get(node.getInput(2));
            if (mode == null) {
                throw nodeError(index, node, "takes training_mode from '" + node.getInput(2) + "'; expected it absent"
                        + " or a constant false (inference)");
            }
            if (mode.booleanScalar()) {
                throw nodeError(index, node, "has training_mode " + mode.origin + " = true, so it drops values at"
                        + " random; expected it absent or false (export the model in eval mode)");
            }
        }
        float ratio = ratio(index, node);
        if (!(ratio >= 0 && ratio < 1)) {
            throw nodeError(index, node, "has ratio " + number(ratio) + "; expected a rate in [0, 1)");
        }
        return ratio;
    }

    private float ratio(int index, NodeProto node) throws OnnxImportException {
        if (rules.opset() < 12) {
            return rules.floatAttribute(index, node, OnnxOp.DROPOUT, "ratio");
        }
        if (node.getInputCount() < 2 || node.getInput(1).isEmpty()) {
            return 0.5f; // the spec's default
        }
        ConstantTensor r = constants.get(node.getInput(1));
        if (r == null || !r.isScalar(1)) {
            throw nodeError(index, node, "takes its ratio from '" + node.getInput(1) + "'"
                    + (r == null ? "" : " of shape " + r.shape()) + "; expected a constant scalar");
        }
        return (float) r.scalar();
    }
}
