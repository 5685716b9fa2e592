package dev.edgetrain.onnx;

import java.io.File;
import java.io.IOException;

/**
 * An ONNX model that cannot be read as an edgetrain network: malformed bytes, a tensor whose claimed size
 * does not match its data, an operator or a graph shape the importer does not support. The message says
 * where (node index, name and op, tensor or field) and what was expected instead; {@link #nodeName()} and
 * {@link #opType()} are set when a node is at fault, {@link #file()} when the model was read from a file (whose
 * name the message then starts with). A graph that can be read up to an inner tensor instead is refused with the
 * subclass {@link OutputTensorNeededException}, which names the tensors.
 */
public class OnnxImportException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The node's name, or null. */
    private final String nodeName;
    /** The node's op type, or null. */
    private final String opType;
    /** The node's position in {@code graph.node}, or -1. */
    private final int nodeIndex;
    /** The model file, or null. */
    private final File file;

    /**
     * An error in the model described by {@code message}, at no node in particular.
     *
     * @param message what is wrong, and what was expected
     */
    public OnnxImportException(String message) {
        this(message, null, null, -1, null);
    }

    /**
     * An error described by {@code message}, caused by {@code cause}.
     *
     * @param message what is wrong, and what was expected
     * @param cause the underlying failure
     */
    public OnnxImportException(String message, Throwable cause) {
        this(message, null, null, -1, cause);
    }

    /**
     * An error at node {@code nodeIndex} (its position in {@code graph.node}) named {@code nodeName}.
     *
     * @param message what is wrong, and what was expected
     * @param nodeName the node's name, "" when it has none
     * @param opType the node's {@code op_type}
     * @param nodeIndex the node's index in {@code graph.node}, 0 or more
     * @param cause the underlying failure, or null
     */
    public OnnxImportException(String message, String nodeName, String opType, int nodeIndex, Throwable cause) {
        this(message, nodeName, opType, nodeIndex, null, cause);
    }

    /**
     * As {@link #OnnxImportException(String, String, String, int, Throwable)}, in model file {@code file}.
     *
     * @param message what is wrong, and what was expected
     * @param nodeName the node's name, "" when it has none, or null when no node is at fault
     * @param opType the node's {@code op_type}, or null
     * @param nodeIndex the node's index in {@code graph.node}, or -1
     * @param file the model file
     * @param cause the underlying failure, or null
     */
    public OnnxImportException(String message, String nodeName, String opType, int nodeIndex, File file,
                               Throwable cause) {
        super(message, cause);
        this.nodeName = nodeName;
        this.opType = opType;
        this.nodeIndex = nodeIndex;
        this.file = file;
    }

    /**
     * The offending node's name ({@code ""} when the node has none), or null when no node is at fault.
     *
     * @return the name, or null
     */
    public String nodeName() {
        return nodeName;
    }

    /**
     * The offending node's {@code op_type}, or null when no node is at fault.
     *
     * @return the op type, or null
     */
    public String opType() {
        return opType;
    }

    /**
     * The offending node's index in {@code graph.node}, or -1 when no node is at fault.
     *
     * @return the index, or -1
     */
    public int nodeIndex() {
        return nodeIndex;
    }

    /**
     * The model file the error is in (its message names it), or null when the model came as bytes or a stream.
     *
     * @return the file, or null
     */
    public File file() {
        return file;
    }

    /**
     * This error with {@code message} instead (which should contain this one's), in {@code inFile} (or this one's
     * file when null), caused by this one: node, file and, in subclasses, what else it carries are kept.
     */
    OnnxImportException restated(String message, File inFile) {
        return new OnnxImportException(message, nodeName, opType, nodeIndex, inFile != null ? inFile : file, this);
    }
}
