package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;

import java.util.Map;

/**
 * A model read by {@link OnnxImporter}: a runtime {@link Network} ready to run or to train (with a
 * {@code TrainingSession}), and what the file said about itself.
 *
 * <p>The network computes the graph's layers (dense, with their folded batch norms, layer norms and
 * activations); {@link #task()} is what its output means and {@link #outputKind()} what the graph computed at its
 * end (softmax, log-softmax, sigmoid or nothing), and {@link #predict} computes exactly that. A leading
 * Flatten/Reshape of the file is not part of the network: {@link #predict} takes rows of
 * {@link #featureCount()} values, which is the flattened layout of the file's input, and any number of them
 * (also when the file fixed its batch at 1).
 */
public final class ImportedModel {
    private final Network network;
    private final Task task;
    private final OutputKind outputKind;
    private final String inputName;
    private final String outputName;
    private final long[] inputShape;
    private final String[] classLabels;
    private final String[] featureNames;
    private final Map<String, String> metadata;
    private final int opsetVersion;
    private final long irVersion;
    private final String producerName;
    private final String producerVersion;
    private final Long modelVersion;
    private final String docString;

    ImportedModel(Network network, Task task, OutputKind outputKind, String inputName, String outputName,
                  long[] inputShape, String[] classLabels, String[] featureNames, Map<String, String> metadata,
                  int opsetVersion, long irVersion, String producerName, String producerVersion, Long modelVersion,
                  String docString) {
        this.network = network;
        this.task = task;
        this.outputKind = outputKind;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputShape = inputShape;
        this.classLabels = classLabels;
        this.featureNames = featureNames;
        this.metadata = metadata;
        this.opsetVersion = opsetVersion;
        this.irVersion = irVersion;
        this.producerName = producerName;
        this.producerVersion = producerVersion;
        this.modelVersion = modelVersion;
        this.docString = docString;
    }

    /**
     * The network: its own, freshly allocated parameters, ready for inference or a {@code TrainingSession}.
     *
     * @return the imported network
     */
    public Network network() {
        return network;
    }

    /**
     * The network's architecture.
     *
     * @return the spec: layers, activations and task
     */
    public NetworkSpec spec() {
        return network.spec();
    }

    /**
     * What the network's output means: {@link Task#CLASSIFY} (softmax head, or logits of 2 or more outputs),
     * {@link Task#BINARY} / {@link Task#MULTILABEL} (sigmoid head), {@link Task#REGRESS} (no head, 1 output), or the
     * task of metadata {@link ModelMetadata#TASK} for a graph without a head.
     *
     * @return the task
     */
    public Task task() {
        return task;
    }

    /**
     * What the graph computed after the output layer: probabilities, log-probabilities, logits or predictions.
     *
     * @return the output kind
     */
    public OutputKind outputKind() {
        return outputKind;
    }

    /**
     * The name of the graph's feature input.
     *
     * @return the input's name
     */
    public String inputName() {
        return inputName;
    }

    /**
     * The name of the graph output the network reproduces (the end of the chain).
     *
     * @return the output's name
     */
    public String outputName() {
        return outputName;
    }

    /**
     * The declared shape of the graph input, -1 for symbolic or unknown dimensions (e.g. {@code [-1, 1, 28, 28]}
     * before a Flatten). {@code [-1, featureCount()]} when the file declared no shape.
     *
     * @return a copy of the shape
     */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * Values per input row: the first dense layer's input width.
     *
     * @return the feature count, at least 1
     */
    public int featureCount() {
        return network.spec().inputs();
    }

    /**
     * Width of the output: the classes of a classifier, the outputs of any other task.
     *
     * @return the output width, at least 1
     */
    public int classCount() {
        return network.spec().classes();
    }

    /**
     * The labels from {@link ModelMetadata#CLASS_LABELS} (a copy), or null when the file has none.
     *
     * @return the labels, or null
     */
    public String[] classLabels() {
        return classLabels == null ? null : classLabels.clone();
    }

    /**
     * The names from {@link ModelMetadata#FEATURE_NAMES} (a copy), or null when the file has none.
     *
     * @return one name per feature, or null
     */
    public String[] featureNames() {
        return featureNames == null ? null : featureNames.clone();
    }

    /**
     * Every {@code metadata_props} entry of the file, in file order (unmodifiable).
     *
     * @return the entries, empty for none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The default-domain operator-set version the file imports.
     *
     * @return the opset version
     */
    public int opsetVersion() {
        return opsetVersion;
    }

    /**
     * The file's ONNX IR version.
     *
     * @return the IR version
     */
    public long irVersion() {
        return irVersion;
    }

    /**
     * {@code producer_name}, e.g. {@code pytorch}, {@code tf2onnx} or {@code edgetrain}; "" when unset.
     *
     * @return the producer's name, or ""
     */
    public String producerName() {
        return producerName;
    }

    /**
     * The {@code producer_version} the file names.
     *
     * @return the version, or "" when unset
     */
    public String producerVersion() {
        return producerVersion;
    }

    /**
     * {@code model_version}, or null when unset.
     *
     * @return the version, or null
     */
    public Long modelVersion() {
        return modelVersion;
    }

    /**
     * {@code doc_string}, or null when unset.
     *
     * @return the text, or null
     */
    public String docString() {
        return docString;
    }

    /**
     * The model's own output for {@code batch} rows of {@code x [batch][featureCount()]} at {@code xOffset}, into
     * {@code out [batch][classCount()]} at {@code outOffset}, as the graph computed it: softmax or sigmoid
     * probabilities, log-probabilities, logits (the output layer's values before a head) or a regressor's
     * predictions. Allocates nothing.
     *
     * @param ws a workspace of this network's spec for at least {@code batch} rows
     * @param x the rows, row-major
     * @param xOffset index of the first row's first value in {@code x}
     * @param batch rows to compute, at most the workspace's batch
     * @param out receives {@code [batch][classCount()]}
     * @param outOffset where in {@code out} the first row's outputs go
     */
    public void predict(Workspace ws, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        switch (outputKind) {
            case PROBABILITIES:
            case PREDICTIONS:
                network.predict(ws, x, xOffset, batch, out, outOffset);
                break;
            case LOGITS:
                network.predictLogits(ws, x, xOffset, batch, out, outOffset);
                break;
            default:
                network.predictLogits(ws, x, xOffset, batch, out, outOffset);
                logSoftmaxInPlace(out, outOffset, batch, network.spec().classes());
                break;
        }
    }

    /**
     * Options that export the (possibly fine-tuned) network the way it came in: same output kind (which suits the
     * task), labels, feature names, doc string, model version and extra metadata, and for an input of rank > 2 its
     * shape with a symbolic batch ({@code [1, 16, 96]} is exported as {@code [N, 16, 96]} with a leading Flatten).
     * Change what you like before {@code build()}.
     *
     * @return a new builder with those options
     */
    public ExportOptions.Builder exportOptions() {
        ExportOptions.Builder b = ExportOptions.builder().output(outputKind).inputShape(exportInputShape());
        if (classLabels != null) {
            b.classLabels(classLabels);
        }
        if (featureNames != null) {
            b.featureNames(featureNames);
        }
        if (docString != null) {
            b.docString(docString);
        }
        if (modelVersion != null) {
            b.modelVersion(modelVersion);
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!ModelMetadata.isReserved(e.getKey())) {
                b.metadata(e.getKey(), e.getValue());
            }
        }
        return b;
    }

    /**
     * The declared input shape with a symbolic batch when its rank is above 2 and every other dimension is known
     * and they multiply to {@link #featureCount()}; null (rows {@code [N, features]}) otherwise.
     */
    private long[] exportInputShape() {
        if (inputShape.length <= 2) {
            return null;
        }
        long product = 1;
        for (int i = 1; i < inputShape.length; i++) {
            if (inputShape[i] < 1) {
                return null;
            }
            product *= inputShape[i];
        }
        if (product != featureCount()) {
            return null;
        }
        long[] shape = inputShape.clone();
        shape[0] = -1;
        return shape;
    }

    /** {@code x − max − log Σ exp(x − max)} per row, as onnxruntime's LogSoftmax computes it. */
    static void logSoftmaxInPlace(float[] v, int off, int batch, int classes) {
        for (int b = 0; b < batch; b++) {
            final int r0 = off + b * classes;
            float max = v[r0];
            for (int k = 1; k < classes; k++) {
                max = Math.max(max, v[r0 + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(v[r0 + k] - max);
            }
            final float logSum = (float) Math.log(sum);
            for (int k = 0; k < classes; k++) {
                v[r0 + k] = v[r0 + k] - max - logSum;
            }
        }
    }

    @Override
    public String toString() {
        return "ImportedModel " + network.spec() + " (" + outputKind.outputName() + ", from "
                + (producerName.isEmpty() ? "unknown producer" : producerName + " " + producerVersion) + ", opset "
                + opsetVersion + ")";
    }
}
