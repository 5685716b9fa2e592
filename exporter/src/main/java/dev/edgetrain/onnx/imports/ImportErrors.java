package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.proto.NodeProto;

import java.util.List;

/**
 * How import errors are worded: a node is {@code node 3 'fc1' (Gemm)} (index in {@code graph.node}, name when it
 * has one, op), shapes are {@code [N, 16, 96]}, long lists are cut short. Every message then says what was found
 * and what was expected; {@link #nodeError} also fills {@link OnnxImportException#nodeName()},
 * {@link OnnxImportException#opType()} and {@link OnnxImportException#nodeIndex()}.
 */
final class ImportErrors {
    private ImportErrors() {
    }

    /** {@code node 3 'fc1' (Gemm)}. */
    static String describe(int index, NodeProto node) {
        return "node " + index + (node.getName().isEmpty() ? "" : " '" + node.getName() + "'") + " ("
                + node.getOpType() + ")";
    }

    /** An error at {@code node}: the message starts with {@link #describe}. */
    static OnnxImportException nodeError(int index, NodeProto node, String message) {
        return new OnnxImportException(describe(index, node) + " " + message, node.getName(), node.getOpType(), index,
                null);
    }

    /** {@code [a, b, c]}, or the first ten and the count: a hostile file's lists must not make huge messages. */
    static String abbreviate(List<String> names) {
        if (names.size() <= 10) {
            return names.toString();
        }
        String first = names.subList(0, 10).toString();
        return first.substring(0, first.length() - 1) + ", ... (" + names.size() + " in all)]";
    }

    /** {@code [N, 16, 96]}: a negative (unknown) batch is {@code N}, another unknown dimension {@code ?}. */
    static String dims(long[] shape) {
        if (shape == null) {
            return "[unknown]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i] < 0 ? (i == 0 ? "N" : "?") : String.valueOf(shape[i]));
        }
        return sb.append(']').toString();
    }

    /** Product of {@code shape[from..]}, or -1 when a dimension is unknown; saturates at {@code Long.MAX_VALUE}. */
    static long product(long[] shape, int from) {
        long p = 1;
        for (int i = from; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            p = shape[i] != 0 && p > Long.MAX_VALUE / shape[i] ? Long.MAX_VALUE : p * shape[i];
        }
        return p;
    }

    /** A constant as the messages show it: the float's shortest decimal form. */
    static String number(double v) {
        return Float.toString((float) v);
    }
}
