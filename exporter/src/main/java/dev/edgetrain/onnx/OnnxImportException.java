package dev.edgetrain.onnx;

import java.io.IOException;

/**
 * An ONNX model that cannot be read as an edgetrain network: malformed bytes, a tensor whose claimed size
 * does not match its data, an operator or a graph shape the importer does not support. The message says
 * where (node index, name and op, tensor or field) and what was expected instead; {@link #nodeName()} and
 * {@link #opType()} are set when a node is at fault.
 */
public class OnnxImportException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String nodeName;
    private final String opType;
    private final int nodeIndex;

    public OnnxImportException(String message) {
        this(message, null, null, -1, null);
    }

    public OnnxImportException(String message, Throwable cause) {
        this(message, null, null, -1, cause);
    }

    /** An error at node {@code nodeIndex} (its position in {@code graph.node}) named {@code nodeName}. */
    public OnnxImportException(String message, String nodeName, String opType, int nodeIndex, Throwable cause) {
        super(message, cause);
        this.nodeName = nodeName;
        this.opType = opType;
        this.nodeIndex = nodeIndex;
    }

    /** The offending node's name ({@code ""} when the node has none), or null when no node is at fault. */
    public String nodeName() {
        return nodeName;
    }

    /** The offending node's {@code op_type}, or null when no node is at fault. */
    public String opType() {
        return opType;
    }

    /** The offending node's index in {@code graph.node}, or -1 when no node is at fault. */
    public int nodeIndex() {
        return nodeIndex;
    }
}
