package dev.edgetrain.cli.data;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Features and targets taken out of a {@link CsvTable}, for a task: a class index per row (classify, binary)
 * or one or more real-valued target columns (multilabel: 0/1 per label column; regress: any numbers). For
 * training (classes found in the label column), or for an existing model (features chosen by the model's
 * feature names, labels mapped onto its classes, target columns onto its outputs).
 */
public final class LabeledData {
    /**
     * A numeric label column with more distinct values than this is not taken as classes unless asked for with
     * {@code --task classify}: it is far more likely a regression target.
     */
    static final int MAX_GUESSED_NUMERIC_CLASSES = 50;

    private final Task task;
    private final float[] features;
    private final int[] labels;
    private final float[] targets;
    private final int featureCount;
    private final int targetWidth;
    private final String[] featureNames;
    /** Class names (classify: one per class; binary: negative, positive) or target names (one per target column). */
    private final String[] outputNames;
    private final String labelColumn;

    private LabeledData(Task task, float[] features, int[] labels, float[] targets, int featureCount, int targetWidth,
                        String[] featureNames, String[] outputNames, String labelColumn) {
        this.task = task;
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.featureCount = featureCount;
        this.targetWidth = targetWidth;
        this.featureNames = featureNames;
        this.outputNames = outputNames;
        this.labelColumn = labelColumn;
    }

    /**
     * Training data for {@code task}. {@code labelSpec} names the label column(s): a name or 1-based index, or a
     * comma-separated list of them for several target columns (multilabel needs at least two; regress takes one or
     * more); null means the last column. Every other column is a numeric feature.
     * <ul>
     *   <li>classify: classes are the distinct labels, ordered numerically when every label is an integer, else
     *       alphabetically; their names become the model's class labels. Unless {@code taskGiven}, a numeric label
     *       column that looks like a regression target (fractional values, or more than 50 distinct values) is an
     *       error that suggests {@code --task regress}, never a silent classifier with hundreds of classes.</li>
     *   <li>binary: exactly two distinct labels; the second in that order (1, true, yes …) is the positive class.</li>
     *   <li>multilabel: each label column holds 0 or 1 (a probability in [0, 1] is accepted too).</li>
     *   <li>regress: each label column holds a finite number.</li>
     * </ul>
     */
    public static LabeledData forTraining(CsvTable table, String labelSpec, Task task, boolean taskGiven) {
        if (table.columns() < 2) {
            throw new CliException(table.source() + ": only one column; expected features and a label column");
        }
        int[] labelColumns = labelColumns(table, labelSpec);
        if (task == Task.MULTILABEL && labelColumns.length < 2) {
            throw new CliException(table.source() + ": --task multilabel needs two or more label columns, e.g. --label "
                    + "a,b,c; got " + names(table, labelColumns)[0]);
        }
        if (task.hasClassLabels() && labelColumns.length != 1) {
            throw new CliException(table.source() + ": --task " + task + " takes one label column, got "
                    + labelColumns.length + " " + Arrays.toString(names(table, labelColumns)));
        }
        if (labelColumns.length >= table.columns()) {
            throw new CliException(table.source() + ": every column is a label column; expected feature columns too");
        }
        int[] featureColumns = allBut(table.columns(), labelColumns);
        float[] x = numbers(table, featureColumns);
        String[] featureNames = names(table, featureColumns);
        if (!task.hasClassLabels()) {
            float[] t = targets(table, labelColumns, task);
            return new LabeledData(task, x, null, t, featureColumns.length, labelColumns.length, featureNames,
                    names(table, labelColumns), String.join(",", names(table, labelColumns)));
        }
        final int label = labelColumns[0];
        Set<String> distinct = new LinkedHashSet<>();
        for (int r = 0; r < table.rows(); r++) {
            String v = table.cell(r, label);
            if (v.isEmpty()) {
                throw new CliException(table.where(r, label) + ": missing label");
            }
            distinct.add(v);
        }
        String[] classes = distinct.toArray(new String[0]);
        String column = table.header()[label];
        if (task == Task.BINARY && classes.length != 2) {
            throw new CliException(table.source() + ": label column '" + column + "' has " + classes.length
                    + " distinct values " + abbreviate(classes) + "; --task binary needs exactly 2");
        }
        if (classes.length < 2) {
            throw new CliException(table.source() + ": label column '" + column + "' has only one class ("
                    + classes[0] + "); a classifier needs at least 2");
        }
        if (task == Task.CLASSIFY && !taskGiven) {
            refuseRegressionLookingLabels(table, column, classes);
        }
        sortClasses(classes);
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classes.length; c++) {
            index.put(classes[c], c);
        }
        int[] labels = new int[table.rows()];
        for (int r = 0; r < table.rows(); r++) {
            labels[r] = index.get(table.cell(r, label));
        }
        return new LabeledData(task, x, labels, null, featureColumns.length, 0, featureNames, classes, column);
    }

    /** A label column of numbers that are fractional or too many to be classes is a regression target, most likely. */
    private static void refuseRegressionLookingLabels(CsvTable table, String column, String[] distinct) {
        boolean fractional = false;
        for (String v : distinct) {
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return; // named classes
            }
            fractional |= d != Math.rint(d);
        }
        if (fractional || distinct.length > MAX_GUESSED_NUMERIC_CLASSES) {
            throw new CliException(table.source() + ": label column '" + column + "' holds " + distinct.length
                    + " distinct " + (fractional ? "fractional " : "") + "numbers (e.g. " + String.join(", ",
                    Arrays.copyOf(distinct, Math.min(3, distinct.length))) + "), which looks like a regression target, not "
                    + "classes; use --task regress (or --task classify to train " + distinct.length + " classes anyway)");
        }
    }

    /**
     * Input for an existing model of {@code task} with {@code featureCount} inputs and {@code outputs} outputs.
     * Features are the columns named by {@code modelFeatureNames} when the header has them all; otherwise every
     * column but the label columns. Label columns are {@code labelSpec} if given; else the columns named by the
     * model's output names (multilabel, regress) when the header has them all; else, when there are exactly as many
     * columns more than features as the task needs, the last ones. Class labels map onto {@code modelOutputNames} by
     * name, or are class indices (binary: 0/1) when the model names none.
     *
     * @param labelRequired whether the labels must be present (evaluate, fine-tune)
     */
    public static LabeledData forModel(CsvTable table, Task task, int featureCount, String[] modelFeatureNames,
                                       String[] modelOutputNames, int outputs, String labelSpec,
                                       boolean labelRequired) {
        final int width = task.hasClassLabels() ? 1 : outputs;
        int[] featureColumns = null;
        if (modelFeatureNames != null && table.columns() >= featureCount) {
            featureColumns = byName(table, modelFeatureNames);
        }
        int[] labelColumns = null;
        if (labelSpec != null) {
            labelColumns = labelColumns(table, labelSpec);
        } else if (!task.hasClassLabels() && modelOutputNames != null) {
            labelColumns = byName(table, modelOutputNames);
        }
        if (labelColumns == null && labelSpec == null) {
            if (featureColumns != null) {
                int[] rest = allBut(table.columns(), featureColumns);
                if (rest.length == width) {
                    labelColumns = rest;
                }
            } else if (table.columns() == featureCount + width) {
                labelColumns = new int[width];
                for (int k = 0; k < width; k++) {
                    labelColumns[k] = featureCount + k;
                }
            }
        }
        if (featureColumns == null) {
            featureColumns = allBut(table.columns(), labelColumns == null ? new int[0] : labelColumns);
        }
        if (featureColumns.length != featureCount) {
            throw new CliException(table.source() + ": " + featureColumns.length + " feature columns"
                    + (labelColumns != null ? " (besides label column" + (labelColumns.length > 1 ? "s " : " ")
                    + String.join(", ", quoted(names(table, labelColumns))) + ")" : "")
                    + ", the model expects " + featureCount
                    + (modelFeatureNames != null ? " named " + abbreviate(modelFeatureNames) : ""));
        }
        if (labelColumns == null && labelRequired) {
            throw new CliException(table.source() + ": no label column" + (width > 1 ? "s" : "") + "; expected "
                    + (width == 1 ? "one more column" : width + " more columns") + " than the model's " + featureCount
                    + " features, or --label NAME" + (width > 1 ? ",NAME,..." : ""));
        }
        if (labelColumns != null && labelColumns.length != width) {
            throw new CliException(table.source() + ": " + labelColumns.length + " label columns "
                    + Arrays.toString(names(table, labelColumns)) + ", the " + task + " model has " + width
                    + (width == 1 ? " output" : " outputs"));
        }
        float[] x = numbers(table, featureColumns);
        String[] featureNames = names(table, featureColumns);
        if (labelColumns == null) {
            return new LabeledData(task, x, null, null, featureCount, task.hasClassLabels() ? 0 : width, featureNames,
                    modelOutputNames, null);
        }
        if (!task.hasClassLabels()) {
            return new LabeledData(task, x, null, targets(table, labelColumns, task), featureCount, width, featureNames,
                    modelOutputNames != null ? modelOutputNames : names(table, labelColumns),
                    String.join(",", names(table, labelColumns)));
        }
        int classCount = task == Task.BINARY ? 2 : outputs;
        int[] labels = mapLabels(table, labelColumns[0], modelOutputNames, classCount);
        return new LabeledData(task, x, labels, null, featureCount, 0, featureNames, modelOutputNames,
                table.header()[labelColumns[0]]);
    }

    private static int[] labelColumns(CsvTable table, String labelSpec) {
        if (labelSpec == null) {
            return new int[] {table.columns() - 1};
        }
        String[] parts = labelSpec.split(",", -1);
        int[] cols = new int[parts.length];
        Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].trim().isEmpty()) {
                throw new CliException(table.source() + ": --label '" + labelSpec + "' has an empty column name");
            }
            cols[i] = table.column(parts[i].trim(), "label");
            if (!seen.add(cols[i])) {
                throw new CliException(table.source() + ": --label names column '" + table.header()[cols[i]] + "' twice");
            }
        }
        return cols;
    }

    /** Target values {@code [rows][columns]}: numbers, in [0, 1] for multilabel. */
    private static float[] targets(CsvTable table, int[] columns, Task task) {
        float[] t = new float[table.rows() * columns.length];
        for (int r = 0; r < table.rows(); r++) {
            for (int k = 0; k < columns.length; k++) {
                float v = table.number(r, columns[k]);
                if (task.sigmoidHead() && !(v >= 0f && v <= 1f)) {
                    throw new CliException(table.where(r, columns[k]) + ": '" + table.cell(r, columns[k])
                            + "' is not a " + task + " target; expected 0 or 1 (or a probability in [0, 1])");
                }
                t[r * columns.length + k] = v;
            }
        }
        return t;
    }

    private static int[] mapLabels(CsvTable table, int column, String[] classes, int classCount) {
        Map<String, Integer> index = new HashMap<>();
        if (classes != null) {
            for (int c = 0; c < classes.length; c++) {
                index.put(classes[c], c);
            }
        }
        int[] labels = new int[table.rows()];
        for (int r = 0; r < table.rows(); r++) {
            String v = table.cell(r, column);
            if (v.isEmpty()) {
                throw new CliException(table.where(r, column) + ": missing label");
            }
            Integer c = index.get(v);
            if (c == null && classes == null) {
                try {
                    int k = Integer.parseInt(v);
                    if (k >= 0 && k < classCount) {
                        c = k;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
            }
            if (c == null) {
                throw new CliException(table.where(r, column) + ": unknown label '" + v + "', expected one of "
                        + (classes != null ? abbreviate(classes) : "the class indices 0-" + (classCount - 1)));
            }
            labels[r] = c;
        }
        return labels;
    }

    private static int[] byName(CsvTable table, String[] wanted) {
        String[] header = table.header();
        int[] cols = new int[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            cols[i] = -1;
            for (int c = 0; c < header.length; c++) {
                if (header[c].equals(wanted[i])) {
                    cols[i] = c;
                }
            }
            if (cols[i] < 0) {
                return null;
            }
        }
        return cols;
    }

    private static int[] allBut(int columns, int[] excluded) {
        Set<Integer> ex = new java.util.HashSet<>();
        for (int c : excluded) {
            ex.add(c);
        }
        List<Integer> keep = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            if (!ex.contains(c)) {
                keep.add(c);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[] numbers(CsvTable table, int[] columns) {
        float[] x = new float[table.rows() * columns.length];
        for (int r = 0; r < table.rows(); r++) {
            for (int j = 0; j < columns.length; j++) {
                x[r * columns.length + j] = table.number(r, columns[j]);
            }
        }
        return x;
    }

    private static String[] names(CsvTable table, int[] columns) {
        String[] header = table.header();
        String[] names = new String[columns.length];
        for (int j = 0; j < columns.length; j++) {
            names[j] = header[columns[j]];
        }
        return names;
    }

    private static String[] quoted(String[] names) {
        String[] q = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            q[i] = "'" + names[i] + "'";
        }
        return q;
    }

    /** Integers in numeric order when every name is one; otherwise alphabetical. */
    static void sortClasses(String[] classes) {
        boolean numeric = true;
        for (String c : classes) {
            try {
                Long.parseLong(c);
            } catch (NumberFormatException e) {
                numeric = false;
                break;
            }
        }
        if (numeric) {
            Arrays.sort(classes, (a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        } else {
            Arrays.sort(classes);
        }
    }

    private static String abbreviate(String[] items) {
        if (items.length <= 12) {
            return Arrays.toString(items);
        }
        return "[" + String.join(", ", Arrays.copyOf(items, 10)) + ", … (" + items.length + " in all)]";
    }

    public Task task() {
        return task;
    }

    /** Features {@code [rows][featureCount]}. */
    public float[] features() {
        return features;
    }

    /** Class indices {@code [rows]} (classify, binary), or null (no label column, or a target task). */
    public int[] labels() {
        return labels;
    }

    /** Targets {@code [rows][targetWidth()]} (multilabel, regress), or null. */
    public float[] targets() {
        return targets;
    }

    /** Whether the rows came with their labels or targets. */
    public boolean hasTargets() {
        return labels != null || targets != null;
    }

    public int rows() {
        return features.length / featureCount;
    }

    public int featureCount() {
        return featureCount;
    }

    /** Target columns of a multilabel or regression task; 0 for classify and binary. */
    public int targetWidth() {
        return targetWidth;
    }

    public String[] featureNames() {
        return featureNames.clone();
    }

    /** Class names in class-index order (binary: negative, positive), or target names; null when a model names none. */
    public String[] outputNames() {
        return outputNames == null ? null : outputNames.clone();
    }

    /** {@link #outputNames()} of a classifier. */
    public String[] classNames() {
        return outputNames();
    }

    /** The label column's name (several joined by commas), or null. */
    public String labelColumn() {
        return labelColumn;
    }

    /** The network outputs the task needs: classes (classify), 1 (binary), target columns (multilabel, regress). */
    public int outputs() {
        switch (task) {
            case CLASSIFY:
                return outputNames.length;
            case BINARY:
                return 1;
            default:
                return targetWidth;
        }
    }

    /** As a runtime data set (training data, whose class names give the classes); needs labels or targets. */
    public Dataset toDataset() {
        return toDataset(task == Task.BINARY ? 2 : outputNames == null ? 0 : outputNames.length);
    }

    /** As a runtime data set for a model of {@code classes} classes (binary: 2; unused for targets). */
    public Dataset toDataset(int classes) {
        if (labels != null) {
            return new Dataset(features, labels, featureCount, classes,
                    outputNames != null && outputNames.length == classes ? outputNames : null, featureNames);
        }
        if (targets == null) {
            throw new IllegalStateException("no labels or targets");
        }
        return Dataset.withTargets(features, targets, featureCount, targetWidth,
                outputNames != null && outputNames.length == targetWidth ? outputNames : null, featureNames);
    }
}
