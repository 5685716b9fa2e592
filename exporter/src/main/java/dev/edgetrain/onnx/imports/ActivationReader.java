package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.runtime.Activation;

import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * The one-node activations: {@code Relu}, {@code LeakyRelu(alpha)}, {@code Tanh}, {@code Sigmoid} and
 * {@code Gelu} (opset 20; {@code approximate} "none" or "tanh"). PyTorch's decomposed GELU of older opsets is
 * {@link GeluPattern}'s.
 */
final class ActivationReader {
    private final OpRules rules;

    ActivationReader(OpRules rules) {
        this.rules = rules;
    }

    /** Whether {@code opType} is read here. */
    static boolean isActivation(String opType) {
        return opType.equals("Relu") || opType.equals("LeakyRelu") || opType.equals("Tanh")
                || opType.equals("Sigmoid") || opType.equals("Gelu");
    }

    /** The activation {@code node} computes (checked against the op table: arity, attributes, opset). */
    Activation read(int index, NodeProto node) throws OnnxImportException {
        OnnxOp op = OnnxOp.forType(node.getOpType());
        rules.check(index, node, op);
        switch (op) {
            case RELU:
                return Activation.RELU;
            case LEAKY_RELU:
                return Activation.leakyRelu(rules.floatAttribute(index, node, op, "alpha"));
            case TANH:
                return Activation.TANH;
            case SIGMOID:
                return Activation.SIGMOID;
            default:
                String approximate = rules.stringAttribute(index, node, op, "approximate");
                if (approximate.equals("none")) {
                    return Activation.GELU;
                }
                if (approximate.equals("tanh")) {
                    return Activation.GELU_TANH;
                }
                throw nodeError(index, node, "has approximate='" + approximate + "'; expected 'none' or 'tanh'");
        }
    }
}
