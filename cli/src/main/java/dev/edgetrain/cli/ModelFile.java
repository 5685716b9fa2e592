package dev.edgetrain.cli;

import dev.edgetrain.cli.data.Reading;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.data.Table;
import dev.edgetrain.onnx.ImportOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.onnx.OutputTensorNeededException;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Task;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/** An ONNX file read once: its bytes (for onnxruntime) and the model imported from them (for the runtime). */
final class ModelFile {
    final File file;
    final byte[] bytes;
    final ImportedModel model;

    private ModelFile(File file, byte[] bytes, ImportedModel model) {
        this.file = file;
        this.bytes = bytes;
        this.model = model;
    }

    static ModelFile read(File file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads {@code file} up to {@code outputTensor} (null: to its end). Reading up to an inner tensor also makes it a
     * graph output of the bytes handed to onnxruntime, which only computes graph outputs.
     */
    static ModelFile read(File file, String outputTensor) throws IOException {
        if (file == null) {
            throw new CliException("no model given: expected --model FILE.onnx");
        }
        if (!file.isFile()) {
            throw new CliException(file + ": no such file");
        }
        byte[] bytes = Files.readAllBytes(file.toPath());
        try {
            ImportedModel model = OnnxImporter.read(bytes, ImportOptions.builder().outputTensor(outputTensor).build());
            return new ModelFile(file, outputTensor == null ? bytes : exposing(bytes, outputTensor), model);
        } catch (OnnxImportException e) {
            throw importError(file, outputTensor, e);
        }
    }

    /**
     * The one-line error for a model the importer refused: the file (and the tensor read up to), the importer's
     * message, and, when the graph can be read up to an inner tensor ({@link OutputTensorNeededException}), the
     * option that does it with the tensor it suggests.
     */
    static CliException importError(File file, String outputTensor, OnnxImportException e) {
        String hint = outputTensor == null ? "" : " (reading up to --output-tensor " + outputTensor + ")";
        String option = outputTensor == null && e instanceof OutputTensorNeededException
                ? " (on the command line: --output-tensor "
                + ((OutputTensorNeededException) e).suggestedTensors().get(0) + ")" : "";
        return new CliException(file + hint + ": " + e.getMessage() + option, e);
    }

    /** {@code bytes} with {@code tensor} added to the graph outputs (if it is not one), typed as a float tensor. */
    private static byte[] exposing(byte[] bytes, String tensor) throws IOException {
        ModelProto model = ModelProto.parseFrom(bytes);
        for (ValueInfoProto out : model.getGraph().getOutputList()) {
            if (out.getName().equals(tensor)) {
                return bytes;
            }
        }
        ValueInfoProto output = ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
        return model.toBuilder().setGraph(model.getGraph().toBuilder().addOutput(output)).build().toByteArray();
    }

    /** The model's task (from its head, or its metadata). */
    Task task() {
        return model.network().spec().task();
    }

    /**
     * Names of the outputs from the model's metadata: class names (classify; binary: negative, positive), label or
     * target names; else {@code 0, 1, …} for classes and {@code output0, output1, …} for labels and targets.
     */
    String[] outputNames() {
        String[] names = model.classLabels();
        int k = task() == Task.BINARY ? 2 : model.network().spec().outputs();
        if (names != null && names.length == k) {
            return names;
        }
        String[] n = new String[k];
        for (int c = 0; c < k; c++) {
            n[c] = task().hasClassLabels() ? String.valueOf(c) : "output" + c;
        }
        return n;
    }

    /** {@link #outputNames()} of a classifier. */
    String[] classNames() {
        return outputNames();
    }

    /**
     * How to read rows for this model: its features by name, its labels or targets ({@code required} or if present).
     */
    ReadOptions readOptions(String label, boolean required) {
        return ReadOptions.forModel(task(), model.featureCount(), model.featureNames(), model.classLabels(),
                model.network().spec().outputs(), label, required);
    }

    /** Rows read for this model into memory (floats): features, and labels or targets. */
    Table rows(Reading reading, String label, boolean required) throws IOException {
        return reading.table(readOptions(label, required));
    }

    /** Classes of the model's labels: 2 for binary, else its outputs. */
    int classes() {
        return task() == Task.BINARY ? 2 : model.network().spec().outputs();
    }

    /**
     * The head's outputs {@code [rows][outputs]} on raw rows: probabilities (or a regressor's values), whatever the
     * file outputs.
     */
    float[] headOutputs(float[] x, int rows) {
        return ModelOutputs.compute(model.network(), x, rows, OutputKind.defaultFor(task()));
    }

    /** The model's own outputs {@code [rows][classes]} on raw rows, computed by the runtime. */
    float[] runtimeOutputs(float[] x, int rows) {
        int classes = model.network().spec().classes();
        int features = model.featureCount();
        int chunk = Math.min(rows, 256);
        dev.edgetrain.runtime.Workspace ws = new dev.edgetrain.runtime.Workspace(model.network().spec(), chunk);
        float[] out = new float[rows * classes];
        for (int start = 0; start < rows; start += chunk) {
            int n = Math.min(chunk, rows - start);
            model.predict(ws, x, start * features, n, out, start * classes);
        }
        return out;
    }

    /**
     * The predicted class of each row from the head's outputs ({@link #headOutputs}): the arg-max (classify), or
     * 1 when the probability is at least ½ (binary).
     */
    int[] predictedClasses(float[] headOutputs, int rows) {
        int classes = model.network().spec().outputs();
        int[] predicted = new int[rows];
        for (int r = 0; r < rows; r++) {
            predicted[r] = task() == Task.BINARY ? (headOutputs[r] >= 0.5f ? 1 : 0)
                    : dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy.argmax(headOutputs, 0, r, classes);
        }
        return predicted;
    }
}
