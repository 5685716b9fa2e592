package dev.edgetrain.android.core;

import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.train.Dataset;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Reading and writing digits models as ONNX, with the exporter library. */
public final class ModelStore {
    /** The pre-trained model in the APK's assets, built by {@link ShippedModelBuilder} at build time. */
    public static final String SHIPPED_ASSET = "digits-base.onnx";
    /** The digits data in the APK's assets. */
    public static final String DIGITS_ASSET = "digits.csv";
    /** What the app writes under its files directory. */
    public static final String EXPORT_DIR = "models";
    /** The name of the exported model in {@link #EXPORT_DIR}; each export replaces the previous one. */
    public static final String EXPORT_FILE = "digits-personal.onnx";
    /** Marks models from this sample, and says where their data came from (CC BY 4.0 asks for it). */
    public static final String DATA_KEY = "edgetrain.sample.data";
    /** The value of {@link #DATA_KEY}: the data set's name, authors and licence. */
    public static final String DATA_VALUE = "UCI Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak), "
            + "CC BY 4.0";

    private static final String DOC = "Digit 0-9 from the 64 pixel counts (0-16) of an 8x8 image, "
            + "as in the UCI optical digits. Made by the edgetrain Android sample.";

    private ModelStore() {
    }

    /**
     * Reads a digits model: 64 inputs, 10 classes, probabilities out.
     *
     * @param in     the serialised model, read to its end on the calling thread and not closed
     * @param source names the stream in messages, e.g. the asset name
     * @return the model, its network taking raw pixel counts
     * @throws IOException naming {@code source} if the bytes are no ONNX model the importer takes, or a
     *                     model of another shape
     */
    public static ImportedModel readDigitsModel(InputStream in, String source) throws IOException {
        final ImportedModel model;
        try {
            model = OnnxImporter.read(in);
        } catch (IOException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        if (model.featureCount() != DigitsCsv.FEATURES || model.classCount() != DigitsCsv.CLASSES
                || model.outputKind() != OutputKind.PROBABILITIES) {
            throw new IOException(source + ": expected a digits model with " + DigitsCsv.FEATURES + " inputs, "
                    + DigitsCsv.CLASSES + " classes and probabilities out, got " + model);
        }
        return model;
    }

    /** Export options every digits model gets: labels 0–9, pixel feature names, probabilities out. */
    static ExportOptions.Builder digitsOptions(long modelVersion, Map<String, String> metadata) {
        String[] pixels = new String[DigitsCsv.FEATURES];
        for (int j = 0; j < pixels.length; j++) {
            pixels[j] = "pixel_" + (j / DigitSketch.GRID) + "_" + (j % DigitSketch.GRID);
        }
        return ExportOptions.builder()
                .classLabels(DigitsCsv.classNames())
                .featureNames(pixels)
                .output(OutputKind.PROBABILITIES)
                .docString(DOC)
                .modelVersion(modelVersion)
                .metadata(DATA_KEY, DATA_VALUE)
                .metadata(metadata);
    }

    /**
     * Writes {@code network} (raw-count inputs) to {@code file} atomically, reads the file back and
     * compares its probabilities with the network's on {@code check} rows.
     *
     * @param network      the network to write; only read
     * @param modelVersion the file's {@code model_version}
     * @param metadata     extra metadata properties, besides {@link #DATA_KEY} (an entry with that key replaces it)
     * @param file         where to write; its directory is created if missing
     * @param check        rows (64 raw counts each) to compare the file's and the network's probabilities on
     * @return what was written, as read back from the file
     * @throws IOException if writing fails (an existing file stays as it was) or the file does not read
     *                     back to the same model
     */
    public static ExportReport export(Network network, long modelVersion, Map<String, String> metadata, File file,
                                      Dataset check) throws IOException {
        File dir = file.getAbsoluteFile().getParentFile();
        if (dir != null && !dir.isDirectory() && !dir.mkdirs()) {
            throw new IOException("cannot create directory " + dir + " for " + file.getName());
        }
        OnnxExporter.write(network, digitsOptions(modelVersion, metadata).build(), file);
        ImportedModel back = OnnxImporter.read(file);
        float maxDiff = maxProbabilityDifference(network, back, check);
        // float32 weights are stored exactly; only summation order could differ, so anything visible is a bug.
        if (!(maxDiff <= 1e-5f)) {
            throw new IOException(file + " does not reproduce the network: max probability difference " + maxDiff
                    + " over " + check.rows() + " rows");
        }
        return new ExportReport(file, file.length(), back, check.rows(), maxDiff);
    }

    static float maxProbabilityDifference(Network network, ImportedModel model, Dataset rows) {
        Workspace ws = new Workspace(network.spec(), rows.rows());
        float[] expected = new float[rows.rows() * DigitsCsv.CLASSES];
        float[] actual = new float[expected.length];
        network.predictProbabilities(ws, rows.features(), 0, rows.rows(), expected, 0);
        Workspace ws2 = new Workspace(model.spec(), rows.rows());
        model.predict(ws2, rows.features(), 0, rows.rows(), actual, 0);
        float max = 0f;
        for (int i = 0; i < expected.length; i++) {
            float d = Math.abs(expected[i] - actual[i]);
            if (!(d <= max)) {
                max = d; // NaN propagates and fails the caller's check
            }
        }
        return max;
    }
}
