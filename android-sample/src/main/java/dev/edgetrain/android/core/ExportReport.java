package dev.edgetrain.android.core;

import dev.edgetrain.onnx.ImportedModel;

import java.io.File;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** What an export wrote, as read back from the file: size, graph interface, versions, metadata. */
public final class ExportReport {
    private final File file;
    private final long sizeBytes;
    private final ImportedModel readBack;
    private final int checkedRows;
    private final float maxProbabilityDifference;

    ExportReport(File file, long sizeBytes, ImportedModel readBack, int checkedRows, float maxProbabilityDifference) {
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.readBack = readBack;
        this.checkedRows = checkedRows;
        this.maxProbabilityDifference = maxProbabilityDifference;
    }

    /**
     * Where the model was written.
     *
     * @return the file as given to the export
     */
    public File file() {
        return file;
    }

    /**
     * The file's size after it was written and read back.
     *
     * @return the size in bytes, as {@link File#length()} gave it
     */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * The exported file, imported again.
     *
     * @return the model as the importer read it from the file
     */
    public ImportedModel readBack() {
        return readBack;
    }

    /**
     * The metadata the file carries, as read back.
     *
     * @return the read-back model's metadata properties
     */
    public Map<String, String> metadata() {
        return readBack.metadata();
    }

    /**
     * Rows on which the file's output was compared with the in-memory network's.
     *
     * @return the number of rows compared
     */
    public int checkedRows() {
        return checkedRows;
    }

    /**
     * Largest |p_file − p_memory| over those rows and all classes.
     *
     * @return the largest difference, at most 1e-5 (a larger one fails the export)
     */
    public float maxProbabilityDifference() {
        return maxProbabilityDifference;
    }

    /**
     * A few lines for the screen.
     *
     * @return file name, size and directory, the graph's input and output, opset, IR, producer and model
     *         versions, the read-back check and every metadata entry (values over 60 characters shortened)
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(file.getName()).append(": ").append(String.format(Locale.ROOT, "%,d", sizeBytes)).append(" bytes\n");
        sb.append("  ").append(file.getParent()).append('\n');
        sb.append("input '").append(readBack.inputName()).append("' ").append(shape(readBack.inputShape()))
                .append(" \u2192 output '").append(readBack.outputName()).append("' [N, ")
                .append(readBack.classCount()).append("]\n");
        sb.append("opset ").append(readBack.opsetVersion()).append(", IR ").append(readBack.irVersion())
                .append(", producer ").append(readBack.producerName()).append(' ').append(readBack.producerVersion());
        if (readBack.modelVersion() != null) {
            sb.append(", model_version ").append(readBack.modelVersion());
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "read back: %d rows, max |\u0394p| %.2g%n", checkedRows,
                maxProbabilityDifference));
        sb.append("metadata:\n");
        for (Map.Entry<String, String> e : readBack.metadata().entrySet()) {
            String v = e.getValue();
            sb.append("  ").append(e.getKey()).append(" = ").append(v.length() > 60 ? v.substring(0, 57) + "..." : v)
                    .append('\n');
        }
        return sb.toString();
    }

    private static String shape(long[] dims) {
        String[] s = new String[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[i] < 0 ? "N" : Long.toString(dims[i]);
        }
        return Arrays.toString(s);
    }
}
