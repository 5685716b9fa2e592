package dev.edgetrain.onnx;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A graph that computes more than one network: it post-processes its head's output, goes on with an op the importer
 * does not read after a layer, or averages an ensemble's members. The network can still be read up to a tensor of
 * its chain ({@link ImportOptions.Builder#outputTensor}); {@link #suggestedTensors()} names the tensors to choose
 * from, so that a caller (the CLI's {@code --output-tensor}) can say so without reading the message.
 */
public class OutputTensorNeededException extends OnnxImportException {
    private static final long serialVersionUID = 1L;

    /** The tensors to read the graph up to, the likeliest first; never empty. */
    private final ArrayList<String> suggestedTensors;

    /**
     * An error at node {@code nodeIndex} that reading up to one of {@code suggestedTensors} avoids.
     *
     * @param message what is wrong, and what was expected (naming the suggested tensors)
     * @param nodeName the node's name, "" when it has none, or null when no node is at fault
     * @param opType the node's {@code op_type}, or null
     * @param nodeIndex the node's index in {@code graph.node}, or -1
     * @param file the model file, or null
     * @param suggestedTensors the tensors to end at, the likeliest first; at least one
     * @param cause the underlying failure, or null
     * @throws IllegalArgumentException when {@code suggestedTensors} is null, empty or holds a null
     */
    public OutputTensorNeededException(String message, String nodeName, String opType, int nodeIndex, File file,
                                       List<String> suggestedTensors, Throwable cause) {
        super(message, nodeName, opType, nodeIndex, file, cause);
        this.suggestedTensors = suggestedTensors == null ? new ArrayList<String>()
                : new ArrayList<String>(suggestedTensors);
        if (this.suggestedTensors.isEmpty() || this.suggestedTensors.contains(null)) {
            throw new IllegalArgumentException("suggestedTensors " + suggestedTensors
                    + "; expected at least one tensor name and no null");
        }
    }

    /**
     * The tensors the graph can be read up to instead ({@link ImportOptions.Builder#outputTensor}), the likeliest
     * first: the head's output before post-processing, the last layer's output before an unsupported op, or each
     * member's output of an averaged ensemble.
     *
     * @return the tensor names, unmodifiable, never empty
     */
    public List<String> suggestedTensors() {
        return Collections.unmodifiableList(suggestedTensors);
    }

    @Override
    OnnxImportException restated(String message, File inFile) {
        return new OutputTensorNeededException(message, nodeName(), opType(), nodeIndex(),
                inFile != null ? inFile : file(), suggestedTensors, this);
    }
}
