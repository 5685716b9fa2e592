package dev.edgetrain.data;

import dev.edgetrain.runtime.Task;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Which columns of a table are features and which hold the labels or targets, chosen from the header by the CLI's
 * rules ({@link #forTraining}, {@link #forModel}); mistakes are {@link DataException}s naming the source and what
 * the header has.
 */
public final class Columns {
    private final String source;
    private final String[] header;
    private final Task task;
    private final int[] featureColumns;
    /** Empty when the rows come without labels (reading for a model's predictions). */
    private final int[] labelColumns;
    private final boolean forModel;
    private final String[] modelOutputNames;
    /** A model's outputs: classes (classify), 1 (binary) or targets; 0 when reading for training. */
    private final int modelOutputs;

    private Columns(String source, String[] header, Task task, int[] featureColumns, int[] labelColumns,
                    boolean forModel, String[] modelOutputNames, int modelOutputs) {
        this.source = source;
        this.header = header.clone();
        this.task = task;
        this.featureColumns = featureColumns;
        this.labelColumns = labelColumns;
        this.forModel = forModel;
        this.modelOutputNames = modelOutputNames == null ? null : modelOutputNames.clone();
        this.modelOutputs = modelOutputs;
    }

    /**
     * Columns for training a {@code task} network. {@code labelSpec} names the label column(s): a name or 1-based
     * index, or a comma-separated list of them for several target columns (multilabel needs at least two; regress
     * takes one or more); null means the last column. Every other column is a feature.
     *
     * @param source what messages call the input (a file name)
     * @param header the input's column names
     * @param task the task of the network to train; null to infer it later from the label column
     * @param labelSpec the label column(s), or null for the last column
     * @return the feature and label columns
     * @throws DataException when a label column is not in the header, or the columns do not fit the task
     */
    public static Columns forTraining(String source, String[] header, Task task, String labelSpec) {
        if (header.length < 2) {
            throw new DataException(source, "only one column; expected features and a label column");
        }
        int[] labelColumns = labelColumns(source, header, labelSpec);
        if (task == Task.MULTILABEL && labelColumns.length < 2) {
            throw new DataException(source, "--task multilabel needs two or more label columns, e.g. --label "
                    + "a,b,c; got " + header[labelColumns[0]]);
        }
        if (task.hasClassLabels() && labelColumns.length != 1) {
            throw new DataException(source, "--task " + task + " takes one label column, got "
                    + labelColumns.length + " " + Arrays.toString(names(header, labelColumns)));
        }
        if (labelColumns.length >= header.length) {
            throw new DataException(source, "every column is a label column; expected feature columns too");
        }
        return new Columns(source, header, task, allBut(header.length, labelColumns), labelColumns, false, null, 0);
    }

    /**
     * Columns for an existing model of {@code task} with {@code featureCount} inputs and {@code outputs} outputs.
     * Features are the columns named by {@code modelFeatureNames} when the header has them all; otherwise every
     * column but the label columns. Label columns are {@code labelSpec} if given; else the columns named by the
     * model's output names (multilabel, regress) when the header has them all; else, when there are exactly as many
     * columns more than features as the task needs, the last ones. Class labels are later mapped onto
     * {@code modelOutputNames} by name, or read as class indices (binary: 0/1) when the model names none.
     *
     * @param source what messages call the input (a file name)
     * @param header the input's column names
     * @param task the model's task
     * @param featureCount the model's inputs, at least 1
     * @param modelFeatureNames the model's input names, or null when it names none
     * @param modelOutputNames the model's class, label or target names, or null when it names none
     * @param outputs the model's outputs, at least 1
     * @param labelSpec the label column(s): name, 1-based index or comma list; null to find them as above
     * @param labelRequired whether the labels must be present (evaluate, fine-tune); if not (predict), a table
     *                      without them gives columns without labels
     * @return the feature and label columns
     * @throws DataException when the header does not fit the model, naming the columns and what was expected
     */
    public static Columns forModel(String source, String[] header, Task task, int featureCount,
                                   String[] modelFeatureNames, String[] modelOutputNames, int outputs,
                                   String labelSpec, boolean labelRequired) {
        final int width = task.hasClassLabels() ? 1 : outputs;
        int[] featureColumns = null;
        if (modelFeatureNames != null && header.length >= featureCount) {
            featureColumns = byName(header, modelFeatureNames);
        }
        int[] labelColumns = null;
        if (labelSpec != null) {
            labelColumns = labelColumns(source, header, labelSpec);
        } else if (!task.hasClassLabels() && modelOutputNames != null) {
            labelColumns = byName(header, modelOutputNames);
        }
        if (labelColumns == null && labelSpec == null) {
            if (featureColumns != null) {
                int[] rest = allBut(header.length, featureColumns);
                if (rest.length == width) {
                    labelColumns = rest;
                }
            } else if (header.length == featureCount + width) {
                labelColumns = new int[width];
                for (int k = 0; k < width; k++) {
                    labelColumns[k] = featureCount + k;
                }
            }
        }
        if (featureColumns == null) {
            featureColumns = allBut(header.length, labelColumns == null ? new int[0] : labelColumns);
        }
        if (featureColumns.length != featureCount) {
            // Labels that must be there but were not found are the last columns, as when training: not features.
            int[] counted = labelColumns == null && labelRequired && header.length > width
                    ? lastColumns(header.length, width) : labelColumns;
            int features = counted == labelColumns ? featureColumns.length : header.length - width;
            throw new DataException(source, features + " feature columns"
                    + (counted != null ? " (besides label column" + (counted.length > 1 ? "s " : " ")
                    + quotedList(names(header, counted)) + ")" : "")
                    + ", the model expects " + featureCount
                    + (modelFeatureNames != null ? " named " + abbreviate(modelFeatureNames) : ""));
        }
        if (labelColumns == null && labelRequired) {
            throw new DataException(source, "no label column" + (width > 1 ? "s" : "") + "; expected "
                    + (width == 1 ? "one more column" : width + " more columns") + " than the model's " + featureCount
                    + " features, or --label NAME" + (width > 1 ? ",NAME,..." : ""));
        }
        if (labelColumns != null && labelColumns.length != width) {
            throw new DataException(source, labelColumns.length + " label columns "
                    + Arrays.toString(names(header, labelColumns)) + ", the " + task + " model has " + width
                    + (width == 1 ? " output" : " outputs"));
        }
        return new Columns(source, header, task, featureColumns, labelColumns == null ? new int[0] : labelColumns,
                true, modelOutputNames, outputs);
    }

    /**
     * The 0-based index of the column named {@code spec}, or at 1-based index {@code spec}, or the last column when
     * {@code spec} is null; {@code role} ("label") names the column's use in messages.
     *
     * @param source what messages call the input (a file name)
     * @param header the input's column names
     * @param spec a column name or 1-based index, or null for the last column
     * @param role what the column is for, in messages
     * @return an index in [0, header.length)
     * @throws DataException when no column has that name or index
     */
    public static int column(String source, String[] header, String spec, String role) {
        if (spec == null) {
            return header.length - 1;
        }
        for (int c = 0; c < header.length; c++) {
            if (header[c].equals(spec)) {
                return c;
            }
        }
        int index;
        try {
            index = Integer.parseInt(spec.trim());
        } catch (NumberFormatException e) {
            throw new DataException(source, "no " + role + " column '" + spec + "', expected one of "
                    + Arrays.toString(header) + " or a 1-based index");
        }
        if (index >= 1 && index <= header.length) {
            return index - 1;
        }
        throw new DataException(source, role + " column " + index + " is out of range, the file has "
                + header.length + " columns (1-" + header.length + ")");
    }

    private static int[] labelColumns(String source, String[] header, String labelSpec) {
        if (labelSpec == null) {
            return new int[] {header.length - 1};
        }
        String[] parts = labelSpec.split(",", -1);
        int[] columns = new int[parts.length];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].trim().isEmpty()) {
                throw new DataException(source, "--label '" + labelSpec + "' has an empty column name");
            }
            columns[i] = column(source, header, parts[i].trim(), "label");
            if (!seen.add(columns[i])) {
                throw new DataException(source, "--label names column '" + header[columns[i]] + "' twice");
            }
        }
        return columns;
    }

    /** The columns named {@code wanted}, in that order; null unless the header has every one. */
    private static int[] byName(String[] header, String[] wanted) {
        int[] columns = new int[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            columns[i] = -1;
            for (int c = 0; c < header.length; c++) {
                if (header[c].equals(wanted[i])) {
                    columns[i] = c;
                }
            }
            if (columns[i] < 0) {
                return null;
            }
        }
        return columns;
    }

    /** The last {@code count} of {@code columns} columns. */
    private static int[] lastColumns(int columns, int count) {
        int[] last = new int[count];
        for (int k = 0; k < count; k++) {
            last[k] = columns - count + k;
        }
        return last;
    }

    private static int[] allBut(int columns, int[] excluded) {
        boolean[] out = new boolean[columns];
        int kept = columns;
        for (int c : excluded) {
            if (!out[c]) {
                out[c] = true;
                kept--;
            }
        }
        int[] keep = new int[kept];
        int k = 0;
        for (int c = 0; c < columns; c++) {
            if (!out[c]) {
                keep[k++] = c;
            }
        }
        return keep;
    }

    private static String[] names(String[] header, int[] columns) {
        String[] names = new String[columns.length];
        for (int j = 0; j < columns.length; j++) {
            names[j] = header[columns[j]];
        }
        return names;
    }

    private static String quotedList(String[] names) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            s.append(i > 0 ? ", " : "").append('\'').append(names[i]).append('\'');
        }
        return s.toString();
    }

    /** {@code [a, b, c]}, or the first ten and how many there are when there are more than twelve. */
    static String abbreviate(String[] items) {
        if (items.length <= 12) {
            return Arrays.toString(items);
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < 10; i++) {
            s.append(items[i]).append(", ");
        }
        return s.append("\u2026 (").append(items.length).append(" in all)]").toString();
    }

    /**
     * These columns with the label columns neither features nor read: their values are skipped.
     *
     * @return changed columns; these stay as they are
     */
    public Columns withoutLabels() {
        return new Columns(source, header, task, featureColumns, new int[0], forModel, modelOutputNames,
                modelOutputs);
    }

    /**
     * The file or data set name, for messages.
     *
     * @return the name given, as messages show it
     */
    public String source() {
        return source;
    }

    /**
     * The header's names (a copy).
     *
     * @return every column name, in file order
     */
    public String[] header() {
        return header.clone();
    }

    /**
     * What the label columns are read as.
     *
     * @return the task, or null while it is still to be inferred
     */
    public Task task() {
        return task;
    }

    /**
     * The feature columns' 0-based indices in the header, in feature order (a copy).
     *
     * @return {@code [featureCount]} header indices
     */
    public int[] featureColumns() {
        return featureColumns.clone();
    }

    /**
     * The label or target columns' 0-based indices (a copy); empty when the rows come without labels.
     *
     * @return header indices, in label order
     */
    public int[] labelColumns() {
        return labelColumns.clone();
    }

    /**
     * Number of feature columns.
     *
     * @return the feature count, at least 1
     */
    public int featureCount() {
        return featureColumns.length;
    }

    /**
     * Whether the rows carry labels or targets.
     *
     * @return true when label columns are read
     */
    public boolean hasLabels() {
        return labelColumns.length > 0;
    }

    /**
     * Target values per row of a multilabel or regression task (the label columns; for a model, its outputs even
     * when the rows come without them); 0 for classify and binary.
     *
     * @return targets per row, 0 or more
     */
    public int targetWidth() {
        if (task.hasClassLabels()) {
            return 0;
        }
        return forModel ? modelOutputs : labelColumns.length;
    }

    /**
     * The feature columns' names.
     *
     * @return one name per feature, in feature order
     */
    public String[] featureNames() {
        return names(header, featureColumns);
    }

    /**
     * The label columns' names (a copy; empty when there are none).
     *
     * @return one name per label column
     */
    public String[] labelNames() {
        return names(header, labelColumns);
    }

    /**
     * The label column's name (several joined by commas), or null when there is none.
     *
     * @return the name, or null
     */
    public String labelColumn() {
        if (labelColumns.length == 0) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < labelColumns.length; k++) {
            s.append(k > 0 ? "," : "").append(header[labelColumns[k]]);
        }
        return s.toString();
    }

    /**
     * Whether these are columns for an existing model ({@link #forModel}) rather than for training.
     *
     * @return true when made by {@link #forModel}
     */
    public boolean isForModel() {
        return forModel;
    }

    /**
     * The model's class or target names (a copy), or null (training, or a model that names none).
     *
     * @return the names, or null
     */
    public String[] modelOutputNames() {
        return modelOutputNames == null ? null : modelOutputNames.clone();
    }

    /**
     * The model's classes for its labels to map onto: 2 for binary, its outputs for classify; 0 otherwise.
     *
     * @return the class count, 0 or at least 2
     */
    public int modelClasses() {
        if (!forModel || !task.hasClassLabels()) {
            return 0;
        }
        return task == Task.BINARY ? 2 : modelOutputs;
    }
}
