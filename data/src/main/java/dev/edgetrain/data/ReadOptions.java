package dev.edgetrain.data;

import dev.edgetrain.runtime.Task;

/**
 * How to read a table: its dialect, and which columns are features and labels, either for training a
 * {@link Task} network ({@link #forTraining}) or for an existing model ({@link #forModel}); plus an optional
 * progress callback. Immutable; the {@code with...} methods return a changed copy.
 */
public final class ReadOptions {
    private final CsvFormat format;
    private final Task task;
    private final boolean taskGiven;
    private final String labelSpec;
    private final boolean forModel;
    private final int modelFeatureCount;
    private final String[] modelFeatureNames;
    private final String[] modelOutputNames;
    private final int modelOutputs;
    private final boolean labelRequired;
    private final ReadProgress progress;
    private final boolean exactArrays;
    private final boolean labelsIgnored;

    private ReadOptions(CsvFormat format, Task task, boolean taskGiven, String labelSpec, boolean forModel,
                        int modelFeatureCount, String[] modelFeatureNames, String[] modelOutputNames,
                        int modelOutputs, boolean labelRequired, ReadProgress progress, boolean exactArrays,
                        boolean labelsIgnored) {
        if (task == null) {
            throw new IllegalArgumentException("task must not be null");
        }
        this.format = format;
        this.task = task;
        this.taskGiven = taskGiven;
        this.labelSpec = labelSpec;
        this.forModel = forModel;
        this.modelFeatureCount = modelFeatureCount;
        this.modelFeatureNames = modelFeatureNames == null ? null : modelFeatureNames.clone();
        this.modelOutputNames = modelOutputNames == null ? null : modelOutputNames.clone();
        this.modelOutputs = modelOutputs;
        this.labelRequired = labelRequired;
        this.progress = progress;
        this.exactArrays = exactArrays;
        this.labelsIgnored = labelsIgnored;
    }

    /**
     * Reading for training (see {@link Columns#forTraining} and {@link TableScan} for the rules).
     *
     * @param task the task to read the labels for, or null to infer it from the label column
     * @param taskGiven whether the user chose the task (then a numeric label column that looks like a regression
     *                  target is taken as classes all the same)
     * @param labelSpec the label column(s): name, 1-based index or comma list; null for the last column
     * @return options reading for training, comma-separated unless the file name says otherwise
     */
    public static ReadOptions forTraining(Task task, boolean taskGiven, String labelSpec) {
        return new ReadOptions(null, task, taskGiven, labelSpec, false, 0, null, null, 0, false, null, false, false);
    }

    /**
     * Reading for an existing model; the parameters are those of {@link Columns#forModel}.
     *
     * @param task the model's task
     * @param featureCount the model's inputs, at least 1
     * @param modelFeatureNames the model's input names, or null when it names none
     * @param modelOutputNames the model's class, label or target names, or null when it names none
     * @param outputs the model's outputs, at least 1
     * @param labelSpec the label column(s): name, 1-based index or comma list; null to find them
     * @param labelRequired whether the labels must be present (evaluate, fine-tune) or may be absent (predict)
     * @return options reading for that model
     */
    public static ReadOptions forModel(Task task, int featureCount, String[] modelFeatureNames,
                                       String[] modelOutputNames, int outputs, String labelSpec,
                                       boolean labelRequired) {
        return new ReadOptions(null, task, true, labelSpec, true, featureCount, modelFeatureNames, modelOutputNames,
                outputs, labelRequired, null, false, false);
    }

    /**
     * These options with another dialect; without one, a file's name chooses ({@link CsvFormat#forFile}).
     *
     * @param newFormat the dialect, or null for the file name's
     * @return changed options; these stay as they are
     */
    public ReadOptions withFormat(CsvFormat newFormat) {
        return new ReadOptions(newFormat, task, taskGiven, labelSpec, forModel, modelFeatureCount, modelFeatureNames,
                modelOutputNames, modelOutputs, labelRequired, progress, exactArrays, labelsIgnored);
    }

    /**
     * These options with a progress callback (null for none).
     *
     * @param newProgress told of the bytes read as the file is scanned, or null
     * @return changed options; these stay as they are
     */
    public ReadOptions withProgress(ReadProgress newProgress) {
        return new ReadOptions(format, task, taskGiven, labelSpec, forModel, modelFeatureCount, modelFeatureNames,
                modelOutputNames, modelOutputs, labelRequired, newProgress, exactArrays, labelsIgnored);
    }

    /**
     * These options, reading a file into memory ({@link Table#read(java.io.File, ReadOptions)}) twice when
     * {@code exact}: first only to count its rows (tokenizing, no numbers parsed), so that the arrays are allocated
     * once at their exact size. The peak is then the floats once instead of twice, for about 40% more time. A stream
     * can be read only once, so {@link Table#read(java.io.InputStream, String, ReadOptions)} ignores this.
     *
     * @param exact whether to count the rows first
     * @return changed options; these stay as they are
     */
    public ReadOptions withExactArrays(boolean exact) {
        return new ReadOptions(format, task, taskGiven, labelSpec, forModel, modelFeatureCount, modelFeatureNames,
                modelOutputNames, modelOutputs, labelRequired, progress, exact, labelsIgnored);
    }

    /**
     * These options, reading for a model, with its label or target columns found (so they are not taken for
     * features) but never read: any value in them is accepted, an unknown class or a non-number too. For
     * predictions, which need no labels.
     *
     * @return changed options; these stay as they are
     */
    public ReadOptions withLabelsIgnored() {
        return new ReadOptions(format, task, taskGiven, labelSpec, forModel, modelFeatureCount, modelFeatureNames,
                modelOutputNames, modelOutputs, labelRequired, progress, exactArrays, true);
    }

    /**
     * The columns these options choose from {@code header}.
     *
     * @param source what messages call the input
     * @param header the input's column names
     * @return the feature and label columns
     * @throws DataException when the label spec or the model's columns do not fit the header
     */
    public Columns columns(String source, String[] header) {
        if (forModel) {
            Columns columns = Columns.forModel(source, header, task, modelFeatureCount, modelFeatureNames,
                    modelOutputNames, modelOutputs, labelSpec, labelRequired);
            return labelsIgnored ? columns.withoutLabels() : columns;
        }
        return Columns.forTraining(source, header, task, labelSpec);
    }

    /**
     * The dialect for a source of this name: the one given, else by the name's extension.
     *
     * @param sourceName a file name or path
     * @return the dialect to read it with
     */
    public CsvFormat formatFor(String sourceName) {
        return format != null ? format : CsvFormat.forFile(sourceName);
    }

    /**
     * The dialect given, or null (then the file name chooses).
     *
     * @return the dialect, or null
     */
    public CsvFormat format() {
        return format;
    }

    /**
     * The task the labels are read for.
     *
     * @return the task, or null when it is to be inferred
     */
    public Task task() {
        return task;
    }

    /**
     * Whether the user chose the task (rather than it being inferred from the label column).
     *
     * @return true when the task was given
     */
    public boolean taskGiven() {
        return taskGiven;
    }

    /**
     * The label column(s): name, 1-based index or comma list; null for the last column.
     *
     * @return the spec, or null
     */
    public String labelSpec() {
        return labelSpec;
    }

    /**
     * Whether this reads for an existing model (rather than for training).
     *
     * @return true when made by {@link #forModel}
     */
    public boolean isForModel() {
        return forModel;
    }

    /**
     * The progress callback.
     *
     * @return the callback, or null for none
     */
    public ReadProgress progress() {
        return progress;
    }

    /**
     * Whether a file is counted first, for arrays allocated once at their exact size.
     *
     * @return true when {@link #withExactArrays} asked for it
     */
    public boolean exactArrays() {
        return exactArrays;
    }
}
