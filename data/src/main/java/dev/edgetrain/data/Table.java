package dev.edgetrain.data;

import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A table read whole into memory: features {@code [rows][featureCount]} in one {@code float[]}, and per row a class
 * index (classify, binary) or targets {@code [rows][targetWidth]} (multilabel, regress), with the names and the
 * {@link TableScan} of the pass that read it.
 *
 * <p>Memory: the floats plus O(columns). While reading, rows go into fixed-size chunks (no object per row or
 * cell); at the end they are copied into exact-size arrays, so the peak is about twice the floats (60,000 rows of
 * 784 features: 188 MB held, about 376 MB at the peak). The largest table is 2<sup>31</sup> − 9 values.
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

    /** Reads a CSV file (named by its path in messages; {@code .tsv}/{@code .tab} are tab-separated by default). */
    public static Table read(File file, ReadOptions options) throws IOException {
        try (InputStream in = new FileInputStream(file)) {
            return read(in, file.getPath(), options);
        }
    }

    /**
     * Reads the UTF-8 CSV in {@code in} (not closed here).
     *
     * @param source what messages call the input; its extension chooses the dialect when the options give none
     * @throws DataException for a mistake in the data, naming source, line and column
     */
    public static Table read(InputStream in, String source, ReadOptions options) throws IOException {
        Collector collector = new Collector(source);
        TableScan scan = TableScan.read(in, source, options, collector);
        float[] features = collector.features.toArray();
        int[] labels = null;
        if (scan.hasLabels()) {
            labels = Arrays.copyOf(collector.labels, (int) scan.rows());
            for (int r = 0; r < labels.length; r++) {
                labels[r] = scan.classIndex(labels[r]);
            }
        }
        float[] targets = collector.targets == null ? null : collector.targets.toArray();
        return new Table(scan, features, labels, targets);
    }

    /** The in-memory sink: appends rows to chunks, labels by first appearance (mapped to classes at the end). */
    private static final class Collector implements RowSink {
        private final String source;
        private FloatChunks features;
        private FloatChunks targets;
        private int[] labels = new int[1024];
        private int rows;

        Collector(String source) {
            this.source = source;
        }

        @Override
        public void row(long line, float[] rowFeatures, int label, float[] rowTargets) {
            if (features == null) {
                features = new FloatChunks(rowFeatures.length);
                targets = rowTargets == null ? null : new FloatChunks(rowTargets.length);
            }
            if (!features.roomForRow() || (targets != null && !targets.roomForRow())) {
                throw new DataException(source, line, 0, null, "too large to hold in memory: more than "
                        + FloatChunks.MAX_ARRAY + " values; expected at most " + rows + " rows of "
                        + rowFeatures.length + " features (stream the data instead)");
            }
            features.add(rowFeatures);
            if (targets != null) {
                targets.add(rowTargets);
            }
            if (label >= 0) {
                if (rows == labels.length) {
                    labels = Arrays.copyOf(labels, (int) Math.min(FloatChunks.MAX_ARRAY, 2L * rows));
                }
                labels[rows] = label;
            }
            rows++;
        }
    }

    /** The pass that read the table: statistics, classes and their counts, bytes read. */
    public TableScan scan() {
        return scan;
    }

    public String source() {
        return scan.source();
    }

    public Task task() {
        return scan.task();
    }

    public int rows() {
        return (int) scan.rows();
    }

    public int featureCount() {
        return scan.featureCount();
    }

    /** Features {@code [rows][featureCount]} (the live array). */
    public float[] features() {
        return features;
    }

    /** Class indices {@code [rows]} (the live array; classify, binary), or null (no labels, or a target task). */
    public int[] labels() {
        return labels;
    }

    /** Targets {@code [rows][targetWidth()]} (the live array; multilabel, regress), or null. */
    public float[] targets() {
        return targets;
    }

    /** Whether the rows came with their labels or targets. */
    public boolean hasTargets() {
        return labels != null || targets != null;
    }

    /** Targets per row of a multilabel or regression task; 0 for classify and binary. */
    public int targetWidth() {
        return scan.targetWidth();
    }

    public String[] featureNames() {
        return scan.featureNames();
    }

    /** Class names in class-index order (binary: negative, positive), or target names; null when a model names none. */
    public String[] outputNames() {
        return scan.outputNames();
    }

    /** {@link #outputNames()} of a classifier. */
    public String[] classNames() {
        return scan.classNames();
    }

    /** The label column's name (several joined by commas), or null. */
    public String labelColumn() {
        return scan.labelColumn();
    }

    /** The network outputs the task needs: classes (classify), 1 (binary), target columns (multilabel, regress). */
    public int outputs() {
        return scan.outputs();
    }

    /**
     * As a runtime data set holding this table's arrays (no copy): labels with {@link TableScan#classes()} classes
     * (binary: 2), or targets; class or target names when there is one per output.
     *
     * @throws IllegalStateException when the rows came without labels or targets
     */
    public Dataset toDataset() {
        return toDataset(scan.task() == Task.BINARY ? 2 : scan.classes());
    }

    /** As {@link #toDataset()}, for a model of {@code classes} classes (binary: 2; unused for targets). */
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
