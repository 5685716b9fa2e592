package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Task;

import java.util.Map;

/**
 * What {@link GraphImporter} read from a model. Public only so that {@code dev.edgetrain.onnx.OnnxImporter} can
 * wrap it in an {@code ImportedModel}, the public result; not an API of its own.
 */
public final class ImportResult {
    private final Network network;
    private final Task task;
    private final OutputKind outputKind;
    private final String inputName;
    private final String outputName;
    private final long[] inputShape;
    private final String[] classLabels;
    private final String[] featureNames;
    private final Map<String, String> metadata;
    private final int opset;

    ImportResult(Network network, Task task, OutputKind outputKind, String inputName, String outputName,
                 long[] inputShape, String[] classLabels, String[] featureNames, Map<String, String> metadata,
                 int opset) {
        this.network = network;
        this.task = task;
        this.outputKind = outputKind;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputShape = inputShape;
        this.classLabels = classLabels;
        this.featureNames = featureNames;
        this.metadata = metadata;
        this.opset = opset;
    }

    /**
     * The network read.
     *
     * @return the network
     */
    public Network network() {
        return network;
    }

    /**
     * What the network is trained for.
     *
     * @return the task
     */
    public Task task() {
        return task;
    }

    /**
     * What the graph's output holds.
     *
     * @return the output kind
     */
    public OutputKind outputKind() {
        return outputKind;
    }

    /**
     * The graph input's name.
     *
     * @return the input's name
     */
    public String inputName() {
        return inputName;
    }

    /**
     * The graph output's name.
     *
     * @return the output's name
     */
    public String outputName() {
        return outputName;
    }

    /**
     * The declared input shape (-1 for unknown dimensions); not copied.
     *
     * @return the shape
     */
    public long[] inputShape() {
        return inputShape;
    }

    /**
     * Not copied; null when the file has none.
     *
     * @return the file's class labels, or null
     */
    public String[] classLabels() {
        return classLabels;
    }

    /**
     * Not copied; null when the file has none.
     *
     * @return the file's feature names, or null
     */
    public String[] featureNames() {
        return featureNames;
    }

    /**
     * Unmodifiable, in file order.
     *
     * @return the file's {@code metadata_props}
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The default-domain opset the model imports.
     *
     * @return the opset version
     */
    public int opset() {
        return opset;
    }
}
