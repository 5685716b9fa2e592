package dev.edgetrain.data;

import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A table read whole into memory: features {@code [rows][featureCount]} in one {@code float[]}, and per row a class
 * index (classify, binary) or targets {@code [rows][targetWidth]} (multilabel, regress), with the names and the
 * {@link TableScan} of the pass that read it.
 *
 * <p>Memory: the floats plus O(columns). While reading, rows go into fixed-size chunks (no object per row or
 * cell); at the end they are copied into exact-size arrays, so the peak is about twice the floats (60,000 rows of
 * 784 features: 188 MB held, about 376 MB at the peak). A file read with {@link ReadOptions#withExactArrays} is
 * counted first and filled into its final arrays: the peak is the floats once. The largest table is
 * 2<sup>31</sup> − 9 values.
 */
public final class Table {
    private final TableScan scan;
    private final float[] features;
    private final int[] labels;
    private final float[] targets;

    private Table(TableScan scan, float[] features, int[] labels, float[] targets) {
        this.scan = scan;
        this.features = features;
        this.labels = labels;
        this.targets = targets;
    }

    /**
     * Reads a CSV file, named by its path in messages; {@code .tsv}/{@code .tab} are tab-separated unless the
     * options say otherwise. With {@link ReadOptions#withExactArrays} the file is counted first.
     *
     * @param file a CSV or TSV file with a header line
     * @param options what to read: label columns, task, class names, delimiter
     * @return the table, every row in memory
     * @throws DataException for a mistake in the data, naming file, line and column
     * @throws IOException when the file cannot be read
     */
    public static Table read(File file, ReadOptions options) throws IOException {
        long expectedRows = -1;
        if (options.exactArrays()) {
            try (InputStream in = new FileInputStream(file)) {
                expectedRows = countRows(in, file.getPath(), options);
            }
        }
        try (InputStream in = new FileInputStream(file)) {
            return read(in, file.getPath(), options, expectedRows);
        }
    }

    /**
     * Reads the UTF-8 CSV in {@code in} (not closed here).
     *
     * @param in the bytes, UTF-8
     * @param source what messages call the input; its extension chooses the dialect when the options give none
     * @param options what to read: label columns, task, class names, delimiter
     * @return the table, every row in memory
     * @throws DataException for a mistake in the data, naming source, line and column
     * @throws IOException when the stream cannot be read
     */
    public static Table read(InputStream in, String source, ReadOptions options) throws IOException {
        return read(in, source, options, -1);
    }

    private static Table read(InputStream in, String source, ReadOptions options, long expectedRows)
            throws IOException {
        Collector collector = new Collector(source, expectedRows);
        TableScan scan = TableScan.read(in, source, options, collector);
        float[] features = collector.features.toArray();
        int[] labels = null;
        if (scan.hasLabels()) {
            labels = collector.labels.length == scan.rows() ? collector.labels
                    : Arrays.copyOf(collector.labels, (int) scan.rows());
            for (int r = 0; r < labels.length; r++) {
                labels[r] = scan.classIndex(labels[r]);
            }
        }
        float[] targets = collector.targets == null ? null : collector.targets.toArray();
        return new Table(scan, features, labels, targets);
    }

    /** The data rows of a table, checking its header, columns and every row's width, parsing no number. */
    private static long countRows(InputStream in, String source, ReadOptions options) throws IOException {
        CsvScanner scanner = new CsvScanner(new InputStreamReader(in, StandardCharsets.UTF_8),
                options.formatFor(source), source);
        options.columns(source, scanner.readHeader());
        CsvScanner.FieldHandler ignore = new CsvScanner.FieldHandler() {
            @Override
            public void field(int column, char[] chars, int offset, int length, boolean quoted) {
            }
        };
        long rows = 0;
        while (scanner.readRow(ignore)) {
            rows++;
        }
        return rows;
    }

    /** The in-memory sink: appends rows to chunks, labels by first appearance (mapped to classes at the end). */
    private static final class Collector implements RowSink {
        private final String source;
        /** The rows to come when the file was counted first, else -1. */
        private final long expectedRows;
        private FloatChunks features;
        private FloatChunks targets;
        /** Labels {@code [rows]} by order of first appearance; null until a labelled row. */
        private int[] labels;
        private int rows;

        Collector(String source, long expectedRows) {
            this.source = source;
            this.expectedRows = expectedRows;
        }

        @Override
        public void row(long line, float[] rowFeatures, int label, float[] rowTargets) {
            if (features == null) {
                features = new FloatChunks(rowFeatures.length, expectedRows);
                targets = rowTargets == null ? null : new FloatChunks(rowTargets.length, expectedRows);
            }
            if (!features.roomForRow() || (targets != null && !targets.roomForRow())) {
                throw new DataException(source, line, 0, null, "too large to hold in memory: " + (rows + 1)
                        + " rows of " + rowFeatures.length + " features exceed one array of " + FloatChunks.MAX_ARRAY
                        + " values; stream the data instead");
            }
            features.add(rowFeatures);
            if (targets != null) {
                targets.add(rowTargets);
            }
            if (label >= 0) {
                if (labels == null) {
                    labels = new int[(int) Math.max(1, Math.min(FloatChunks.MAX_ARRAY, expectedRows >= 0
                            ? expectedRows : 1024))];
                }
                if (rows == labels.length) {
                    labels = Arrays.copyOf(labels, (int) Math.min(FloatChunks.MAX_ARRAY, Math.max(1024, 2L * rows)));
                }
                labels[rows] = label;
            }
            rows++;
        }
    }

    /**
     * The pass that read the table: statistics, classes and their counts, bytes read.
     *
     * @return the scan's results
     */
    public TableScan scan() {
        return scan;
    }

    /**
     * The file or data set name, for messages.
     *
     * @return the name given at reading, as messages show it
     */
    public String source() {
        return scan.source();
    }

    /**
     * What the label columns were read as.
     *
     * @return the task the options gave or the scan inferred
     */
    public Task task() {
        return scan.task();
    }

    /**
     * Number of rows.
     *
     * @return the number of data rows, 0 or more
     */
    public int rows() {
        return (int) scan.rows();
    }

    /**
     * Features per row.
     *
     * @return the number of feature columns, at least 1
     */
    public int featureCount() {
        return scan.featureCount();
    }

    /**
     * Features {@code [rows][featureCount]} (the live array).
     *
     * @return {@code [rows × featureCount]}, row-major; changes show in the table
     */
    public float[] features() {
        return features;
    }

    /**
     * Class indices {@code [rows]} (the live array; classify, binary), or null (no labels, or a target task).
     *
     * @return {@code [rows]} class indices in [0, classes), or null
     */
    public int[] labels() {
        return labels;
    }

    /**
     * Targets {@code [rows][targetWidth()]} (the live array; multilabel, regress), or null.
     *
     * @return {@code [rows × targetWidth]}, row-major, or null
     */
    public float[] targets() {
        return targets;
    }

    /**
     * Whether the rows came with their labels or targets.
     *
     * @return true when every row has its label or targets, false when the label columns were absent
     */
    public boolean hasTargets() {
        return labels != null || targets != null;
    }

    /**
     * Targets per row of a multilabel or regression task; 0 for classify and binary.
     *
     * @return targets per row, 0 or more
     */
    public int targetWidth() {
        return scan.targetWidth();
    }

    /**
     * The feature columns' names.
     *
     * @return one name per feature column, in column order
     */
    public String[] featureNames() {
        return scan.featureNames();
    }

    /**
     * Class names in class-index order (binary: negative, positive), or target names; null when a model names none.
     *
     * @return the names, or null
     */
    public String[] outputNames() {
        return scan.outputNames();
    }

    /**
     * {@link #outputNames()} of a classifier.
     *
     * @return the class names in class-index order, or null
     */
    public String[] classNames() {
        return scan.classNames();
    }

    /**
     * The label column's name (several joined by commas), or null.
     *
     * @return the label column's name, or null when the rows have no labels
     */
    public String labelColumn() {
        return scan.labelColumn();
    }

    /**
     * The network outputs the task needs: classes (classify), 1 (binary), target columns (multilabel, regress).
     *
     * @return the output count, at least 1
     */
    public int outputs() {
        return scan.outputs();
    }

    /**
     * As a runtime data set holding this table's arrays (no copy): labels with {@link TableScan#classes()} classes
     * (binary: 2), or targets; class or target names when there is one per output.
     *
     * @return a data set sharing this table's arrays
     * @throws IllegalStateException when the rows came without labels or targets
     */
    public Dataset toDataset() {
        return toDataset(scan.task() == Task.BINARY ? 2 : scan.classes());
    }

    /**
     * As {@link #toDataset()}, for a model of {@code classes} classes (binary: 2; unused for targets).
     *
     * @param classes the model's class count, at least the table's; 2 for binary
     * @return a data set sharing this table's arrays
     * @throws IllegalStateException when the rows came without labels or targets
     */
    public Dataset toDataset(int classes) {
        String[] names = outputNames();
        if (labels != null) {
            return new Dataset(features, labels, featureCount(), classes,
                    names != null && names.length == classes ? names : null, featureNames());
        }
        if (targets == null) {
            throw new IllegalStateException(source() + ": the rows came without labels or targets");
        }
        return Dataset.withTargets(features, targets, featureCount(), targetWidth(),
                names != null && names.length == targetWidth() ? names : null, featureNames());
    }
}
