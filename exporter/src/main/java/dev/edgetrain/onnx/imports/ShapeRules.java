package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;

import java.util.Arrays;

import static dev.edgetrain.onnx.imports.ImportErrors.dims;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;
import static dev.edgetrain.onnx.imports.ImportErrors.product;

/**
 * Shapes before the first dense layer: the declared input shape, and the leading {@code Flatten} or
 * {@code Reshape} that turns a rank > 2 input ({@code [N, 1, 28, 28]}, openWakeWord's {@code [1, 16, 96]} with its
 * batch fixed at 1) into rows {@code [N, features]}. Neither may move values between rows: the network computes
 * row by row, and {@code predict} takes any number of rows.
 */
final class ShapeRules {
    private final OpRules rules;
    private final Constants constants;
    private final LimitsAccount account;

    ShapeRules(OpRules rules, Constants constants, LimitsAccount account) {
        this.rules = rules;
        this.constants = constants;
        this.account = account;
    }

    /** The feed's declared shape, -1 for symbolic or unknown dimensions; null when the rank is unknown. */
    long[] inputShape(ValueInfoProto feed) throws OnnxImportException {
        if (!feed.hasType() || feed.getType().getValueCase() != TypeProto.ValueCase.TENSOR_TYPE) {
            throw new OnnxImportException("graph input '" + feed.getName() + "' is not a tensor; expected a FLOAT"
                    + " tensor [N, features]");
        }
        TypeProto.Tensor t = feed.getType().getTensorType();
        if (t.getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new OnnxImportException("graph input '" + feed.getName() + "' has element type "
                    + ConstantTensor.typeName(t.getElemType()) + "; expected FLOAT");
        }
        if (!t.hasShape()) {
            return null;
        }
        long[] dims = new long[t.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = t.getShape().getDim(i);
            boolean fixed = d.getValueCase() == TensorShapeProto.Dimension.ValueCase.DIM_VALUE;
            dims[i] = fixed ? d.getDimValue() : -1;
            if (fixed && d.getDimValue() < 0) {
                throw new OnnxImportException("graph input '" + feed.getName() + "' has dimension " + i + " = "
                        + d.getDimValue() + "; expected a non-negative size or a symbolic name");
            }
        }
        if (dims.length == 0) {
            throw new OnnxImportException("graph input '" + feed.getName() + "' is a scalar; expected [N, features]");
        }
        account.checkDimsProduct(dims, "graph input '" + feed.getName() + "' is declared " + dims(dims));
        return dims;
    }

    /** {@code Flatten}: keeps the batch (dimension 0, or dimensions of size 1 merged into it), flattens the rest. */
    long[] flatten(int index, NodeProto node, long[] shape) throws OnnxImportException {
        rules.check(index, node, OnnxOp.FLATTEN);
        long axis = rules.intAttribute(index, node, OnnxOp.FLATTEN, "axis");
        if (shape == null) {
            if (axis != 1) {
                throw nodeError(index, node, "has axis=" + axis + " on an input of unknown rank; expected axis=1");
            }
            return new long[] {-1, -1};
        }
        int rank = shape.length;
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a > rank) {
            throw nodeError(index, node, "has axis=" + axis + "; expected an axis in [-" + rank + ", " + rank
                    + "] for an input of shape " + dims(shape));
        }
        if (a == 0) {
            throw nodeError(index, node, "has axis=" + axis + ", which folds the batch into one row; expected axis=1"
                    + " (keep the batch dimension, flatten the rest)");
        }
        for (int d = 1; d < a; d++) {
            if (shape[d] != 1) {
                throw nodeError(index, node, "has axis=" + axis + ", which merges dimension " + d + " of input shape "
                        + dims(shape) + " into the batch; expected axis=1");
            }
        }
        return new long[] {shape[0], product(shape, (int) a)};
    }

    /** {@code Reshape} to {@code [N, features]}: N -1, 0 or the declared batch, features -1, 0 or the row size. */
    long[] reshape(int index, NodeProto node, long[] shape) throws OnnxImportException {
        long[] target;
        long allowZero = 0;
        if (rules.opset() < 5) {
            rules.check(index, node, OnnxOp.RESHAPE, 1, 1);
            AttributeProto a = OpRules.attribute(node, "shape");
            if (a == null) {
                throw nodeError(index, node, "has no 'shape' attribute; expected one (Reshape before opset 5)");
            }
            target = OpRules.intsAttribute(node, "shape");
        } else {
            rules.check(index, node, OnnxOp.RESHAPE, 2, 2);
            if (rules.opset() >= 14) {
                allowZero = rules.intAttribute(index, node, OnnxOp.RESHAPE, "allowzero");
            }
            ConstantTensor s = constants.get(node.getInput(1));
            if (s == null) {
                throw nodeError(index, node, "has no target shape (input 1 is '" + node.getInput(1)
                        + "'); expected a constant");
            }
            if (s.rank() != 1) {
                throw nodeError(index, node, "has target shape " + s.origin + " of shape " + s.shape()
                        + "; expected a 1-D INT64 tensor");
            }
            target = s.longs();
        }
        if (target.length != 2) {
            throw nodeError(index, node, "reshapes to " + Arrays.toString(target) + " (rank " + target.length
                    + "); expected rank 2, [N, features]");
        }
        try {
            account.checkDimsProduct(target, "has target shape " + Arrays.toString(target));
        } catch (OnnxImportException e) {
            throw nodeError(index, node, e.getMessage());
        }
        if (allowZero != 0 && (target[0] == 0 || target[1] == 0)) {
            throw nodeError(index, node, "reshapes to an empty tensor " + Arrays.toString(target)
                    + " (allowzero=1); expected [N, features]");
        }
        long features = features(index, node, shape, target);
        return new long[] {batch(index, node, shape, target), features};
    }

    private static long features(int index, NodeProto node, long[] shape, long[] target) throws OnnxImportException {
        long rowSize = shape == null ? -1 : product(shape, 1);
        if (target[1] > 0) {
            if (rowSize >= 0 && rowSize != target[1]) {
                throw nodeError(index, node, "reshapes input " + dims(shape) + " to " + Arrays.toString(target)
                        + ", which moves values between the batch rows (a row has " + rowSize + " values); expected"
                        + " [N, " + rowSize + "]");
            }
            return target[1];
        }
        if (target[1] == -1) {
            if (target[0] == -1) {
                throw nodeError(index, node, "has two -1 entries in its target shape; expected at most one");
            }
            if (rowSize < 0) {
                throw nodeError(index, node, "reshapes to " + Arrays.toString(target) + " but the input shape is not"
                        + " known; expected a declared input shape or a fixed feature count");
            }
            return rowSize;
        }
        if (target[1] == 0 && shape != null && shape.length == 2) {
            return shape[1];
        }
        throw nodeError(index, node, "reshapes " + (shape == null ? "an input of unknown shape" : dims(shape)) + " to "
                + Arrays.toString(target) + "; expected [N, features] with N = -1 or 0");
    }

    private static long batch(int index, NodeProto node, long[] shape, long[] target) throws OnnxImportException {
        long batch = shape == null ? -1 : shape[0];
        if (target[0] > 0 && target[0] != batch) {
            throw nodeError(index, node, "fixes the batch size to " + target[0] + " for input " + dims(shape)
                    + "; expected -1 or 0 (keep the batch)");
        } else if (target[0] < -1) {
            throw nodeError(index, node, "has target shape " + Arrays.toString(target) + "; expected [N, features]");
        }
        return batch;
    }
}
