package dev.edgetrain.cli;

import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImporter;
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
        if (file == null) {
            throw new CliException("no model given: expected --model FILE.onnx");
        }
        if (!file.isFile()) {
            throw new CliException(file + ": no such file");
        }
        byte[] bytes = Files.readAllBytes(file.toPath());
        try {
            return new ModelFile(file, bytes, OnnxImporter.read(bytes));
        } catch (dev.edgetrain.onnx.OnnxImportException e) {
            throw new CliException(file + ": " + e.getMessage(), e);
        }
    }

    /** Class names from the model's metadata, or "0", "1", … */
    String[] classNames() {
        String[] names = model.classLabels();
        if (names != null) {
            return names;
        }
        int k = model.network().spec().classes();
        String[] n = new String[k];
        for (int c = 0; c < k; c++) {
            n[c] = String.valueOf(c);
        }
        return n;
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

    /** The predicted class of each row: the arg-max of the outputs (the same for every output kind). */
    int[] predictedClasses(float[] outputs, int rows) {
        int classes = model.network().spec().classes();
        int[] predicted = new int[rows];
        for (int r = 0; r < rows; r++) {
            predicted[r] = dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy.argmax(outputs, 0, r, classes);
        }
        return predicted;
    }
}
