package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.ImportLimits;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.proto.NodeProto;

import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * What one import has spent of its {@link ImportLimits}: the elements of every constant read or folded, and the
 * parameters of the layers built so far. Every charge happens before the allocation it pays for, so a file that
 * declares too much is refused by its declarations, never by an out-of-memory.
 */
final class LimitsAccount {
    private final ImportLimits limits;
    /** Elements of every constant tensor read or folded so far, against {@link ImportLimits#maxTotalElements()}. */
    private long totalElements;
    /** Parameters of the layers read so far, against {@link ImportLimits#maxParameters()}. */
    private long parameters;

    LimitsAccount(ImportLimits limits) {
        this.limits = limits;
    }

    ImportLimits limits() {
        return limits;
    }

    /** Counts {@code count} more constant elements against the total, before they are allocated. */
    void chargeConstant(String origin, long count) throws OnnxImportException {
        if (count > limits.maxTotalElements() - totalElements) {
            throw new OnnxImportException(origin + " brings the constants to " + (totalElements + count)
                    + " elements; expected at most " + limits.maxTotalElements()
                    + " in all tensors together (ImportLimits.maxTotalElements)");
        }
        totalElements += count;
    }

    /** A constant made from an attribute's list ({@code value_floats}): the per-tensor limit, then the total. */
    void chargeTensor(String origin, long count) throws OnnxImportException {
        if (count > limits.maxTensorElements()) {
            throw new OnnxImportException(origin + " has " + count + " elements; expected at most "
                    + limits.maxTensorElements() + " elements per tensor (ImportLimits.maxTensorElements)");
        }
        chargeConstant(origin, count);
    }

    /**
     * Counts a dense layer's weights ({@code in × out}) against {@link ImportLimits#maxParameters()} before its copy
     * is made: one small tensor used as the weight of many layers must not build a huge network.
     */
    void chargeLayer(int index, NodeProto node, int in, int out) throws OnnxImportException {
        charge(index, node, (long) in * out, "makes a " + in + "->" + out + " layer");
    }

    /** Counts {@code count} per-output parameters (a bias, a norm's scale and shift) of a layer. */
    void chargeVector(int index, NodeProto node, long count, String what) throws OnnxImportException {
        charge(index, node, count, "adds " + what + " of " + count);
    }

    private void charge(int index, NodeProto node, long count, String what) throws OnnxImportException {
        if (count > limits.maxParameters() - parameters) {
            throw nodeError(index, node, what + ", which brings the network to " + (parameters + count)
                    + " parameters; expected at most " + limits.maxParameters() + " (ImportLimits.maxParameters)");
        }
        parameters += count;
    }

    /** A layer width from the file, checked against {@link ImportLimits#maxLayerWidth()}. */
    int checkedWidth(int index, NodeProto node, long width, String what) throws OnnxImportException {
        if (width < 1) {
            throw nodeError(index, node, "has " + width + " " + what + "s; expected 1 to " + limits.maxLayerWidth());
        }
        if (width > limits.maxLayerWidth()) {
            throw nodeError(index, node, "has " + width + " " + what + "s; expected at most " + limits.maxLayerWidth()
                    + " (ImportLimits.maxLayerWidth)");
        }
        return (int) width;
    }

    /**
     * The product of the known, non-zero dimensions of {@code shape} (negative entries are unknown) against
     * {@link ImportLimits#maxDimsProduct()}, without overflow. {@code what} starts the message.
     */
    void checkDimsProduct(long[] shape, String what) throws OnnxImportException {
        long product = 1;
        for (long d : shape) {
            if (d <= 0) {
                continue;
            }
            if (product > limits.maxDimsProduct() / d) {
                throw new OnnxImportException(what + ", whose dimensions multiply to more than "
                        + limits.maxDimsProduct() + "; expected at most that (ImportLimits.maxDimsProduct)");
            }
            product *= d;
        }
    }
}
