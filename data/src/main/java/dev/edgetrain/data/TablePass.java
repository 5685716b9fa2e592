package dev.edgetrain.data;

import dev.edgetrain.runtime.Task;
import java.io.IOException;
import java.util.Arrays;

/**
 * One pass over a table's data rows: parses each field straight into the row's primitive arrays, numbers the
 * labels as they appear, gathers the statistics, and hands each row to a {@link RowSink}. What
 * {@link TableScan#read} runs; the classes are settled afterwards, from the distinct labels.
 */
final class TablePass implements CsvScanner.FieldHandler {
    /** A column that is neither a feature nor a label (a model chose its features by name). */
    private static final int IGNORED = -1;
    /** Label column {@code k} has the role {@code LABEL - k}. */
    private static final int LABEL = -2;

    private final CsvScanner scanner;
    private final Columns columns;
    private final Task task;
    private final RowSink sink;
    private final ReadProgress progress;
    private final CountingInputStream counter;
    /** Per header column: the feature index, {@link #IGNORED}, or {@code LABEL - k} for label column k. */
    private final int[] roles;
    private final boolean classLabels;
    private final boolean hasTargets;
    private final float[] features;
    private final float[] targets;
    private int label;
    private final LabelIndex labels = new LabelIndex();
    /** Rows per label, by order of first appearance. */
    private long[] appearanceCounts = new long[8];
    /** A model's class for each label, by order of first appearance (reading for a model). */
    private int[] modelClassOfAppearance = new int[8];
    private final ClassLookup modelClasses;
    private final RunningStatistics featureStatistics;
    private final RunningStatistics targetStatistics;
    private long rows;

    TablePass(CsvScanner scanner, Columns columns, RowSink sink, ReadProgress progress, CountingInputStream counter) {
        this.scanner = scanner;
        this.columns = columns;
        this.task = columns.task();
        this.sink = sink;
        this.progress = progress;
        this.counter = counter;
        this.roles = new int[columns.header().length];
        Arrays.fill(roles, IGNORED);
        int[] featureColumns = columns.featureColumns();
        for (int j = 0; j < featureColumns.length; j++) {
            roles[featureColumns[j]] = j;
        }
        int[] labelColumns = columns.labelColumns();
        for (int k = 0; k < labelColumns.length; k++) {
            roles[labelColumns[k]] = LABEL - k;
        }
        this.classLabels = task.hasClassLabels() && labelColumns.length > 0;
        this.hasTargets = !task.hasClassLabels() && labelColumns.length > 0;
        this.features = new float[featureColumns.length];
        this.targets = hasTargets ? new float[labelColumns.length] : null;
        this.label = -1;
        this.modelClasses = new ClassLookup(columns.modelOutputNames(), columns.modelClasses());
        this.featureStatistics = new RunningStatistics(featureColumns.length);
        this.targetStatistics = hasTargets ? new RunningStatistics(labelColumns.length) : null;
    }

    /** Reads every data row; the scanner's header is already read. */
    void run() throws IOException {
        while (scanner.readRow(this)) {
            endRow();
        }
        if (progress != null) {
            progress.progress(counter.count(), rows);
        }
    }

    @Override
    public void field(int column, char[] chars, int offset, int length, boolean quoted) {
        int role = roles[column];
        if (role >= 0) {
            features[role] = number(column, chars, offset, length);
        } else if (role != IGNORED) {
            if (classLabels) {
                label = label(column, chars, offset, length);
            } else {
                targets[LABEL - role] = target(column, chars, offset, length);
            }
        }
    }

    private void endRow() throws IOException {
        featureStatistics.add(features, 0);
        if (hasTargets) {
            targetStatistics.add(targets, 0);
        }
        if (classLabels) {
            appearanceCounts[label]++;
        }
        rows++;
        sink.row(scanner.line(), features, classLabels ? label : -1, targets);
        if (progress != null && rows % ReadProgress.EVERY_ROWS == 0) {
            progress.progress(counter.count(), rows);
        }
    }

    private float number(int column, char[] chars, int offset, int length) {
        float v = FloatParser.parseFinite(chars, offset, length);
        if (v != v) {
            throw scanner.error(column, FloatParser.problem(chars, offset, length));
        }
        return v;
    }

    private float target(int column, char[] chars, int offset, int length) {
        float v = number(column, chars, offset, length);
        if (task.sigmoidHead() && !(v >= 0f && v <= 1f)) {
            throw scanner.error(column, "'" + new String(chars, offset, length) + "' is not a " + task
                    + " target; expected 0 or 1 (or a probability in [0, 1])");
        }
        return v;
    }

    /** The label's number in order of first appearance; a new label costs one String, a known one nothing. */
    private int label(int column, char[] chars, int offset, int length) {
        if (length == 0) {
            throw scanner.error(column, "missing label");
        }
        int k = labels.find(chars, offset, length);
        if (k >= 0) {
            return k;
        }
        String name = new String(chars, offset, length);
        int modelClass = columns.isForModel() ? modelClass(column, name) : -1;
        k = labels.add(name);
        if (k == appearanceCounts.length) {
            appearanceCounts = Arrays.copyOf(appearanceCounts, k * 2);
            modelClassOfAppearance = Arrays.copyOf(modelClassOfAppearance, k * 2);
        }
        modelClassOfAppearance[k] = modelClass;
        return k;
    }

    /** A label's class in the model: by the model's class names, else as a class index. */
    private int modelClass(int column, String name) {
        int found = modelClasses.find(name);
        if (found < 0) {
            throw scanner.unknownLabel(column, name, modelClasses.expected());
        }
        return found;
    }

    long rows() {
        return rows;
    }

    RunningStatistics featureStatistics() {
        return featureStatistics;
    }

    RunningStatistics targetStatistics() {
        return targetStatistics;
    }

    boolean classLabels() {
        return classLabels;
    }

    /** The distinct labels in order of first appearance. */
    String[] labelsByAppearance() {
        return labels.names();
    }

    long[] appearanceCounts() {
        return Arrays.copyOf(appearanceCounts, labels.size());
    }

    int[] modelClassOfAppearance() {
        return Arrays.copyOf(modelClassOfAppearance, labels.size());
    }

    long bytesRead() {
        return counter.count();
    }
}
