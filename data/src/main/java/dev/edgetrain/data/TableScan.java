package dev.edgetrain.data;

import dev.edgetrain.runtime.Task;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * What one pass over a table found: the columns, the rows, per-feature (and per-target) mean and standard
 * deviation, the classes with their counts, and the bytes read. {@link #read} makes the pass, handing every row to
 * a {@link RowSink} as it goes, so the table itself need never be in memory.
 *
 * <p>Classes (classify, binary) follow the CLI's rules, settled after the pass from the distinct labels:
 * <ul>
 *   <li>training: the distinct labels, ordered numerically when every one is an integer, else alphabetically;
 *       binary needs exactly 2 (the second is the positive class); at least 2 in any case. Unless the task was
 *       given, a numeric label column that looks like a regression target (fractional values, or more than
 *       {@value #MAX_GUESSED_NUMERIC_CLASSES} distinct values) is refused with a hint at {@code --task regress};</li>
 *   <li>for a model: labels map onto the model's class names, or are class indices when it names none.</li>
 * </ul>
 * The sink sees labels numbered in order of first appearance; {@link #classIndex} gives their final class.
 * Multilabel targets must lie in [0, 1]. The first mistake in file order is reported, as a {@link DataException}.
 */
public final class TableScan {
    /**
     * A numeric label column with more distinct values than this is not taken as classes unless the task was
     * given: it is far more likely a regression target.
     */
    public static final int MAX_GUESSED_NUMERIC_CLASSES = 50;

    private final Columns columns;
    private final long rows;
    private final double[] featureMean;
    private final double[] featureStd;
    private final double[] targetMean;
    private final double[] targetStd;
    private final int classes;
    private final String[] classNames;
    private final long[] classCounts;
    private final int[] classOfAppearance;
    private final long bytesRead;

    private TableScan(Columns columns, TablePass pass, int classes, String[] classNames, long[] classCounts,
                      int[] classOfAppearance) {
        this.columns = columns;
        this.rows = pass.rows();
        this.featureMean = pass.featureStatistics().mean();
        this.featureStd = pass.featureStatistics().std();
        this.targetMean = pass.targetStatistics() == null ? null : pass.targetStatistics().mean();
        this.targetStd = pass.targetStatistics() == null ? null : pass.targetStatistics().std();
        this.classes = classes;
        this.classNames = classNames;
        this.classCounts = classCounts;
        this.classOfAppearance = classOfAppearance;
        this.bytesRead = pass.bytesRead();
    }

    /**
     * {@link #read(InputStream, String, ReadOptions, RowSink)} of a file, named by its path.
     *
     * @param file a CSV or TSV file with a header line
     * @param options what to read: label columns, task, class names, delimiter
     * @param sink takes every data row
     * @return the scan's results: columns, statistics, classes
     * @throws IOException when the file cannot be read or the sink fails
     */
    public static TableScan read(File file, ReadOptions options, RowSink sink) throws IOException {
        try (InputStream in = new FileInputStream(file)) {
            return read(in, file.getPath(), options, sink);
        }
    }

    /**
     * One pass over the UTF-8 CSV in {@code in} (not closed here): reads the header, chooses the columns, and hands
     * every data row to {@code sink}.
     *
     * @param in the bytes, UTF-8
     * @param source what messages call the input; its extension chooses the dialect when the options give none
     * @param options what to read: label columns, task, class names, delimiter
     * @param sink takes every data row
     * @return the scan's results: columns, statistics, classes
     * @throws DataException for a mistake in the data, naming source, line and column
     * @throws IOException   when reading the input or writing to the sink fails
     */
    public static TableScan read(InputStream in, String source, ReadOptions options, RowSink sink)
            throws IOException {
        CountingInputStream counter = new CountingInputStream(in);
        Reader reader = new InputStreamReader(counter, StandardCharsets.UTF_8);
        CsvScanner scanner = new CsvScanner(reader, options.formatFor(source), source);
        Columns columns = options.columns(source, scanner.readHeader());
        TablePass pass = new TablePass(scanner, columns, sink, options.progress(), counter);
        pass.run();
        if (!pass.classLabels()) {
            return new TableScan(columns, pass, columns.modelClasses(), columns.modelOutputNames(), new long[0],
                    new int[0]);
        }
        if (columns.isForModel()) {
            return forModel(columns, pass);
        }
        return forTraining(columns, pass, options.taskGiven());
    }

    private static TableScan forModel(Columns columns, TablePass pass) {
        int[] classOfAppearance = pass.modelClassOfAppearance();
        long[] appearanceCounts = pass.appearanceCounts();
        long[] counts = new long[columns.modelClasses()];
        for (int k = 0; k < classOfAppearance.length; k++) {
            counts[classOfAppearance[k]] += appearanceCounts[k];
        }
        return new TableScan(columns, pass, counts.length, columns.modelOutputNames(), counts, classOfAppearance);
    }

    private static TableScan forTraining(Columns columns, TablePass pass, boolean taskGiven) {
        String source = columns.source();
        String column = columns.labelNames()[0];
        String[] distinct = pass.labelsByAppearance();
        if (columns.task() == Task.BINARY && distinct.length != 2) {
            throw new DataException(source, "label column '" + column + "' has " + distinct.length
                    + " distinct values " + Columns.abbreviate(distinct) + "; --task binary needs exactly 2");
        }
        if (distinct.length < 2) {
            throw new DataException(source, "label column '" + column + "' has only one class ("
                    + distinct[0] + "); a classifier needs at least 2");
        }
        if (columns.task() == Task.CLASSIFY && !taskGiven) {
            refuseRegressionLookingLabels(source, column, distinct);
        }
        String[] sorted = distinct.clone();
        sortClasses(sorted);
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < sorted.length; c++) {
            index.put(sorted[c], c);
        }
        int[] classOfAppearance = new int[distinct.length];
        long[] appearanceCounts = pass.appearanceCounts();
        long[] counts = new long[sorted.length];
        for (int k = 0; k < distinct.length; k++) {
            classOfAppearance[k] = index.get(distinct[k]);
            counts[classOfAppearance[k]] = appearanceCounts[k];
        }
        return new TableScan(columns, pass, sorted.length, sorted, counts, classOfAppearance);
    }

    /** A label column of numbers that are fractional or too many to be classes is a regression target, most likely. */
    private static void refuseRegressionLookingLabels(String source, String column, String[] distinct) {
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
            StringBuilder examples = new StringBuilder();
            for (int i = 0; i < Math.min(3, distinct.length); i++) {
                examples.append(i > 0 ? ", " : "").append(distinct[i]);
            }
            throw new DataException(source, "label column '" + column + "' holds " + distinct.length
                    + " distinct " + (fractional ? "fractional " : "") + "numbers (e.g. " + examples + "), which "
                    + "looks like a regression target, not classes; use --task regress (or --task classify to train "
                    + distinct.length + " classes anyway)");
        }
    }

    /** Integers in numeric order when every name is one; otherwise alphabetical. */
    static void sortClasses(String[] classes) {
        for (String c : classes) {
            try {
                Long.parseLong(c);
            } catch (NumberFormatException e) {
                Arrays.sort(classes);
                return;
            }
        }
        Arrays.sort(classes, new Comparator<String>() {
            @Override
            public int compare(String a, String b) {
                return Long.compare(Long.parseLong(a), Long.parseLong(b));
            }
        });
    }

    /**
     * The columns: which are features, which labels.
     *
     * @return the columns chosen from the header
     */
    public Columns columns() {
        return columns;
    }

    /**
     * The file or data set name, for messages.
     *
     * @return the name given to the scan
     */
    public String source() {
        return columns.source();
    }

    /**
     * What the label columns are read as.
     *
     * @return the task the options gave or the scan inferred
     */
    public Task task() {
        return columns.task();
    }

    /**
     * Data rows read.
     *
     * @return the number of data rows, 0 or more
     */
    public long rows() {
        return rows;
    }

    /**
     * Features per row.
     *
     * @return the number of feature columns, at least 1
     */
    public int featureCount() {
        return columns.featureCount();
    }

    /**
     * The feature columns' names.
     *
     * @return one name per feature column, in column order
     */
    public String[] featureNames() {
        return columns.featureNames();
    }

    /**
     * Each feature's mean {@code [featureCount]} over every row, in double (a copy).
     *
     * @return {@code [featureCount]} means, in the data's units
     */
    public double[] featureMean() {
        return featureMean.clone();
    }

    /**
     * Each feature's population standard deviation {@code [featureCount]} over every row (a copy).
     *
     * @return {@code [featureCount]} standard deviations, 0 or more
     */
    public double[] featureStd() {
        return featureStd.clone();
    }

    /**
     * Whether the rows carried class labels (classify, binary).
     *
     * @return true for a labelled scan
     */
    public boolean hasLabels() {
        return columns.hasLabels() && columns.task().hasClassLabels();
    }

    /**
     * Whether the rows carried target values (multilabel, regress).
     *
     * @return true for a scan of targets
     */
    public boolean hasTargets() {
        return columns.hasLabels() && !columns.task().hasClassLabels();
    }

    /**
     * Targets per row (multilabel, regress; a model's outputs even without them); 0 for classify and binary.
     *
     * @return targets per row, 0 or more
     */
    public int targetWidth() {
        return columns.targetWidth();
    }

    /**
     * Each target's mean {@code [targetWidth]} (a copy), or null when the rows carried no targets.
     *
     * @return {@code [targetWidth]} means, or null
     */
    public double[] targetMean() {
        return targetMean == null ? null : targetMean.clone();
    }

    /**
     * Each target's population standard deviation (a copy), or null when the rows carried no targets.
     *
     * @return {@code [targetWidth]} standard deviations, 0 or more, or null
     */
    public double[] targetStd() {
        return targetStd == null ? null : targetStd.clone();
    }

    /**
     * Classes (classify, binary: 2); 0 for a target task.
     *
     * @return the number of classes, 0 or at least 2
     */
    public int classes() {
        return classes;
    }

    /**
     * Class names in class-index order (a copy): the sorted distinct labels when training, the model's names when
     * reading for a model (null when it names none); null for a target task.
     *
     * @return {@code [classes]} names, or null
     */
    public String[] classNames() {
        return classNames == null ? null : classNames.clone();
    }

    /**
     * Rows per class {@code [classes]}, in class-index order (a copy); empty when the rows carried no labels.
     *
     * @return {@code [classes]} row counts
     */
    public long[] classCounts() {
        return classCounts.clone();
    }

    /**
     * The final class index of the label the sink saw numbered {@code appearance} (order of first appearance).
     *
     * @param appearance the label's number, in [0, distinct labels)
     * @return its class index in [0, classes)
     */
    public int classIndex(int appearance) {
        return classOfAppearance[appearance];
    }

    /**
     * {@link #classIndex} of every number the sink saw {@code [distinct labels]} (a copy).
     *
     * @return {@code [distinct labels]}: the class index of each
     */
    public int[] classIndices() {
        return classOfAppearance.clone();
    }

    /**
     * The network's output names: class names (classify; binary: negative, positive) or target names, as the
     * model's metadata takes them; null when a model names none.
     *
     * @return the names, one per class, label or target, or null
     */
    public String[] outputNames() {
        if (task().hasClassLabels()) {
            return classNames();
        }
        String[] model = columns.modelOutputNames();
        return model != null || columns.isForModel() && !columns.hasLabels() ? model : columns.labelNames();
    }

    /**
     * The label column's name (several joined by commas), or null.
     *
     * @return the label column's name, or null when there are no labels
     */
    public String labelColumn() {
        return columns.labelColumn();
    }

    /**
     * The network outputs the task needs: classes (classify), 1 (binary), targets (multilabel, regress).
     *
     * @return the output count, at least 1
     */
    public int outputs() {
        switch (task()) {
            case CLASSIFY:
                return classes;
            case BINARY:
                return 1;
            default:
                return targetWidth();
        }
    }

    /**
     * Bytes taken from the input.
     *
     * @return bytes read, 0 or more
     */
    public long bytesRead() {
        return bytesRead;
    }
}
