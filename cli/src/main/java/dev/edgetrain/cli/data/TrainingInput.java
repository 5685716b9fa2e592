package dev.edgetrain.cli.data;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.data.RowCache;
import dev.edgetrain.data.RowCacheWriter;
import dev.edgetrain.data.RowSink;
import dev.edgetrain.data.Splits;
import dev.edgetrain.data.StreamedBatches;
import dev.edgetrain.data.Table;
import dev.edgetrain.data.TableScan;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.BatchSource;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.TargetScaling;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The rows a run trains, validates and tests on, in memory or streamed from disk, as batch sources of the rows the
 * network sees (features standardised; a regressor's targets standardised too), plus what the reports and the
 * onnxruntime check need.
 *
 * <p><b>In memory</b>: the table's floats (the read peaks at about twice them, or once with exact arrays), split by
 * row into training, validation and test sets. Row for row and bit for bit what {@code Dataset.split} and
 * {@code Standardizer.fit} gave before.
 *
 * <p><b>Streamed</b> (data larger than the heap allows): one pass writes the rows to a binary row cache in a
 * temporary file and gathers the classes; the same splits are taken by row index; the standardisation is fitted on
 * the training rows in two passes over the cache (the same arithmetic, so the same values); batches come from the
 * cache through a seeded, block-wise shuffle ({@link StreamedBatches}). The heap then holds a few MB of buffers, the
 * labels ({@code int} per row) and the test predictions. The cache is deleted by {@link #close()}.
 */
public final class TrainingInput implements AutoCloseable {
    /** Rows of the onnxruntime check on streamed data: a sample, since the rows are not in memory. */
    static final int STREAMED_CHECK_ROWS = 2000;

    private final Task task;
    private final String source;
    private final int rows;
    private final int featureCount;
    private final String[] featureNames;
    private final String[] outputNames;
    private final int outputs;
    private final String fingerprint;
    private final Standardizer standardizer;
    private final TargetScaling targetScaling;
    private final int[] counts = new int[3];
    /** [train, validation, test]: rows as trained (standardised features and targets). */
    private final BatchSource[] fit = new BatchSource[3];
    /** [train, validation, test]: standardised features, targets in their own units (for the reports). */
    private final BatchSource[] report = new BatchSource[3];
    /** Raw rows and the same rows standardised, for the onnxruntime check of the export. */
    private final Dataset checkRaw;
    private final Dataset checkInput;
    private final String checkWhich;
    private final RowCache cache;

    private TrainingInput(Builder b) {
        this.task = b.task;
        this.source = b.source;
        this.rows = b.rows;
        this.featureCount = b.featureCount;
        this.featureNames = b.featureNames;
        this.outputNames = b.outputNames;
        this.outputs = b.outputs;
        this.fingerprint = b.fingerprint;
        this.standardizer = b.standardizer;
        this.targetScaling = b.targetScaling;
        System.arraycopy(b.counts, 0, counts, 0, 3);
        System.arraycopy(b.fit, 0, fit, 0, 3);
        System.arraycopy(b.report, 0, report, 0, 3);
        this.checkRaw = b.checkRaw;
        this.checkInput = b.checkInput;
        this.checkWhich = b.checkWhich;
        this.cache = b.cache;
    }

    /** How to split and scale. */
    public static final class Plan {
        final double testFraction;
        final double validationFraction;
        final long seed;
        final boolean standardize;
        final boolean scaleTargets;

        /**
         * How the rows are split and scaled.
         *
         * @param testFraction the share of rows held out as the test set (stratified by class), 0 for none
         * @param validationFraction the share of training rows held out for validation, 0 for none
         * @param seed the seed of the splits
         * @param standardize whether inputs are standardised with the training rows' statistics
         * @param scaleTargets whether a regressor's targets are standardised (its output layer can take the scaling
         *                     back, see {@link TargetScaling#applies})
         */
        public Plan(double testFraction, double validationFraction, long seed, boolean standardize,
                    boolean scaleTargets) {
            this.testFraction = testFraction;
            this.validationFraction = validationFraction;
            this.seed = seed;
            this.standardize = standardize;
            this.scaleTargets = scaleTargets;
        }
    }

    /**
     * Reads {@code reading}'s source into memory and splits it.
     *
     * @param reading the data
     * @param options what to read
     * @param plan the splits and scaling
     * @param exactArrays whether to count the file first and allocate its arrays once ({@link MemoryPlan})
     * @return the rows of the run, split and scaled
     * @throws IOException when the data cannot be read
     */
    public static TrainingInput inMemory(Reading reading, ReadOptions options, Plan plan, boolean exactArrays)
            throws IOException {
        Table table = reading.table(options.withExactArrays(exactArrays));
        Dataset all = table.toDataset();
        Builder b = new Builder(table.task(), table.source(), table.rows(), table.featureCount(), table.featureNames(),
                table.outputNames(), table.outputs(), fingerprint(all.rows(), all.featureCount(), reading));
        BitSet[] split = split(plan, all.labels(), all.classes(), all.rows());
        Dataset train = all.subset(Splits.indices(split[0]));
        Dataset validation = split[1] == null ? null : all.subset(Splits.indices(split[1]));
        Dataset test = split[2] == null ? null : all.subset(Splits.indices(split[2]));
        all = null; // the split copies are what the run keeps
        table = null;
        Standardizer s = plan.standardize ? Standardizer.fit(train) : null;
        TargetScaling ts = plan.scaleTargets && b.task == Task.REGRESS ? TargetScaling.fit(train) : null;
        // The onnxruntime check needs raw rows: the test set (standardised into a copy), else a copy of the first
        // training rows; the training and validation sets are standardised in place.
        b.checkRaw = test != null ? test : train.subset(firstIndices(Math.min(train.rows(), STREAMED_CHECK_ROWS)));
        b.checkWhich = test != null ? "test" : "training";
        b.checkInput = s == null ? b.checkRaw : s.apply(b.checkRaw);
        Dataset[] parts = {train, validation, test};
        for (int k = 0; k < 3; k++) {
            if (parts[k] == null) {
                continue;
            }
            Dataset input = s == null ? parts[k] : k == 2 ? b.checkInput : standardizeInPlace(s, parts[k]);
            b.counts[k] = input.rows();
            b.report[k] = input;
            b.fit[k] = ts == null ? input : ts.apply(input);
        }
        b.standardizer = s;
        b.targetScaling = ts;
        return new TrainingInput(b);
    }

    /**
     * Streams {@code reading}'s source through a row cache in {@code cacheDir}: nothing but labels and buffers stays
     * in memory.
     *
     * @param reading the data
     * @param options what to read
     * @param plan the splits and scaling
     * @param cacheDir where the row cache is written (deleted by {@link #close})
     * @param console where progress of the cache is shown
     * @return the rows of the run, split and scaled as they stream
     * @throws IOException when the data cannot be read or the cache cannot be written
     */
    public static TrainingInput streamed(Reading reading, ReadOptions options, Plan plan, File cacheDir,
                                         Console console) throws IOException {
        LabelRecorder labels = new LabelRecorder();
        RowCacheWriter writer = null;
        RowCache cache = null;
        try {
            LazyCache lazy = new LazyCache(cacheDir.toPath(), labels);
            TableScan scan = reading.scan(options, lazy);
            writer = lazy.writer;
            if (writer == null) {
                throw new CliException(reading.source().name() + ": no data rows after the header");
            }
            cache = writer.finish();
            int n = cache.rows();
            int classes = scan.hasLabels() ? scan.classes() : 0;
            int[] labelMap = scan.hasLabels() ? scan.classIndices() : null;
            int[] finalLabels = null;
            if (labelMap != null) {
                finalLabels = new int[n];
                for (int r = 0; r < n; r++) {
                    finalLabels[r] = labelMap[labels.get(r)];
                }
            }
            console.line("streaming %s through a row cache of %.0f MB in %s", reading.source().name(),
                    cache.fileBytes() / 1048576.0, cacheDir);
            Builder b = new Builder(scan.task(), scan.source(), n, scan.featureCount(), scan.featureNames(),
                    scan.outputNames(), scan.outputs(), fingerprint(n, scan.featureCount(), reading));
            BitSet[] split = split(plan, finalLabels, classes, n);
            finalLabels = null;
            Standardizer s = plan.standardize ? Standardizer.fit(stream(cache, classes, labelMap, split[0], null, null))
                    : null;
            TargetScaling ts = plan.scaleTargets && scan.task() == Task.REGRESS
                    ? TargetScaling.fit(stream(cache, classes, labelMap, split[0], null, null)) : null;
            for (int k = 0; k < 3; k++) {
                if (split[k] == null) {
                    continue;
                }
                b.counts[k] = split[k].cardinality();
                b.report[k] = stream(cache, classes, labelMap, split[k], s, null);
                b.fit[k] = ts == null ? b.report[k] : stream(cache, classes, labelMap, split[k], s, ts);
            }
            int check = split[2] != null ? 2 : 0;
            b.checkWhich = (b.counts[check] > STREAMED_CHECK_ROWS ? "of " + b.counts[check] + " " : "")
                    + (check == 2 ? "test" : "training");
            b.checkRaw = firstRows(stream(cache, classes, labelMap, split[check], null, null), STREAMED_CHECK_ROWS,
                    scan.featureNames());
            b.checkInput = s == null ? b.checkRaw : s.apply(b.checkRaw);
            b.standardizer = s;
            b.targetScaling = ts;
            b.cache = cache;
            return new TrainingInput(b);
        } catch (IOException | RuntimeException | Error e) {
            if (cache != null) {
                cache.close();
            }
            if (writer != null) {
                writer.close();
            }
            throw e;
        }
    }

    /** {train, validation or null, test or null} as row sets of all {@code rows}; stratified when labelled. */
    private static BitSet[] split(Plan plan, int[] labels, int classes, int rows) {
        BitSet all = new BitSet(rows);
        all.set(0, rows);
        BitSet test = null;
        if (plan.testFraction > 0) {
            try {
                test = labels != null ? Splits.stratified(labels, classes, plan.testFraction, plan.seed)
                        : Splits.random(rows, plan.testFraction, plan.seed);
            } catch (IllegalArgumentException e) {
                throw new CliException("--test-fraction: " + e.getMessage());
            }
        }
        BitSet train = (BitSet) all.clone();
        if (test != null) {
            train.andNot(test);
        }
        BitSet validation = null;
        if (plan.validationFraction > 0) {
            try {
                validation = labels != null
                        ? Splits.stratified(labels, classes, train, plan.validationFraction, plan.seed + 3)
                        : Splits.random(train, plan.validationFraction, plan.seed + 3);
            } catch (IllegalArgumentException e) {
                throw new CliException("--validation-fraction: " + e.getMessage());
            }
            train.andNot(validation);
        }
        return new BitSet[] {train, validation, test};
    }

    private static StreamedBatches stream(RowCache cache, int classes, int[] labelMap, BitSet rows, Standardizer s,
                                          TargetScaling ts) {
        StreamedBatches.Builder b = StreamedBatches.over(cache).rows(rows);
        if (labelMap != null) {
            b.classes(classes, labelMap);
        }
        if (s != null) {
            b.standardizer(s);
        }
        if (ts != null) {
            b.targetScaling(ts.mean(), ts.std());
        }
        return b.build();
    }

    /** The standardised copy of {@code data}, made in place (the raw rows are not needed again). */
    private static Dataset standardizeInPlace(Standardizer s, Dataset data) {
        s.applyInPlace(data.features(), 0, data.rows());
        return data;
    }

    private static int[] firstIndices(int n) {
        int[] first = new int[n];
        for (int r = 0; r < n; r++) {
            first[r] = r;
        }
        return first;
    }

    /** The first {@code max} rows of a source in stored order, as a data set. */
    private static Dataset firstRows(BatchSource source, int max, String[] featureNames) {
        int n = Math.min(max, source.rows());
        int f = source.featureCount();
        int w = source.targetWidth();
        float[] x = new float[n * f];
        int[] y = source.classes() > 0 ? new int[n] : null;
        float[] t = y == null ? new float[n * w] : null;
        int chunk = 256;
        float[] cx = new float[chunk * f];
        int[] cy = y == null ? null : new int[chunk];
        float[] ct = t == null ? null : new float[chunk * w];
        source.startEpoch(null);
        for (int got = 0; got < n; ) {
            int m = source.nextBatch(cx, cy, ct, Math.min(chunk, n - got));
            if (m == 0) {
                break;
            }
            System.arraycopy(cx, 0, x, got * f, m * f);
            if (y != null) {
                System.arraycopy(cy, 0, y, got, m);
            } else {
                System.arraycopy(ct, 0, t, got * w, m * w);
            }
            got += m;
        }
        return y != null ? new Dataset(x, y, f, source.classes(), null, featureNames)
                : Dataset.withTargets(x, t, f, w, null, featureNames);
    }

    private static String fingerprint(int rows, int features, Reading reading) {
        return rows + "x" + features + ":" + reading.checksum();
    }

    // ---- what the run uses ----

    /**
     * The task the data was read for.
     *
     * @return the task
     */
    public Task task() {
        return task;
    }

    /**
     * The data's name, as messages call it.
     *
     * @return the file path or shipped set
     */
    public String source() {
        return source;
    }

    /**
     * All rows read, before the splits.
     *
     * @return the row count
     */
    public int rows() {
        return rows;
    }

    /**
     * The features per row.
     *
     * @return the feature count
     */
    public int featureCount() {
        return featureCount;
    }

    /**
     * The features' column names.
     *
     * @return a copy of the names
     */
    public String[] featureNames() {
        return featureNames.clone();
    }

    /**
     * The names of the outputs: class names, label columns or target columns.
     *
     * @return a copy of the names, or null when the data gives none
     */
    public String[] outputNames() {
        return outputNames == null ? null : outputNames.clone();
    }

    /**
     * Network outputs the task needs: classes (classify), 1 (binary), target columns.
     *
     * @return the output count
     */
    public int outputs() {
        return outputs;
    }

    /**
     * Rows × features and a CRC-32 of the file's bytes: a checkpoint resumes only on the same data.
     *
     * @return the fingerprint, {@code rows x features:crc}
     */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Whether the rows stream from a row cache instead of memory.
     *
     * @return true for a streamed run
     */
    public boolean streamed() {
        return cache != null;
    }

    /**
     * The row cache a streamed run reads its batches from; null in memory.
     *
     * @return the cache, or null
     */
    public RowCache cache() {
        return cache;
    }

    /**
     * The input scaling fitted on the training rows (folded into the exported model).
     *
     * @return the standardizer, or null without standardisation
     */
    public Standardizer standardizer() {
        return standardizer;
    }

    /**
     * A regressor's target scaling (folded into its output layer).
     *
     * @return the scaling, or null when targets are not scaled
     */
    public TargetScaling targetScaling() {
        return targetScaling;
    }

    /**
     * The rows the network trains on.
     *
     * @return the training row count
     */
    public int trainRows() {
        return counts[0];
    }

    /**
     * The rows held out for validation.
     *
     * @return the validation row count, 0 without validation
     */
    public int validationRows() {
        return counts[1];
    }

    /**
     * The rows held out as the test set.
     *
     * @return the test row count, 0 without a test set
     */
    public int testRows() {
        return counts[2];
    }

    /**
     * The training rows as the network trains on them.
     *
     * @return the training batches
     */
    public BatchSource train() {
        return fit[0];
    }

    /**
     * The validation rows as the network is evaluated on them (scaled targets), or null.
     *
     * @return the validation batches, or null
     */
    public BatchSource validation() {
        return fit[1];
    }

    /**
     * The test rows as the network is evaluated on them (scaled targets), or null.
     *
     * @return the test batches, or null
     */
    public BatchSource test() {
        return fit[2];
    }

    /**
     * Rows for a report in the targets' own units.
     *
     * @param which 0 for training, 1 for validation, 2 for test
     * @return the rows, or null when that set is absent
     */
    public BatchSource reportRows(int which) {
        return report[which];
    }

    /**
     * Raw rows (as the exported model takes them) for the onnxruntime check.
     *
     * @return the rows, unscaled
     */
    public Dataset checkRaw() {
        return checkRaw;
    }

    /**
     * The same rows as the network takes them.
     *
     * @return the rows, standardised when the run standardises
     */
    public Dataset checkInput() {
        return checkInput;
    }

    /**
     * What the checked rows are: {@code test}, {@code training (first 2000)}, …
     *
     * @return the description
     */
    public String checkWhich() {
        return checkWhich;
    }

    /** Deletes the row cache of a streamed run. */
    @Override
    public void close() throws IOException {
        if (cache != null) {
            cache.close();
            Files.deleteIfExists(cache.file());
        }
    }

    /** Collects what the constructor takes. */
    private static final class Builder {
        final Task task;
        final String source;
        final int rows;
        final int featureCount;
        final String[] featureNames;
        final String[] outputNames;
        final int outputs;
        final String fingerprint;
        final int[] counts = new int[3];
        final BatchSource[] fit = new BatchSource[3];
        final BatchSource[] report = new BatchSource[3];
        Standardizer standardizer;
        TargetScaling targetScaling;
        Dataset checkRaw;
        Dataset checkInput;
        String checkWhich;
        RowCache cache;

        Builder(Task task, String source, long rows, int featureCount, String[] featureNames, String[] outputNames,
                int outputs, String fingerprint) {
            this.task = task;
            this.source = source;
            if (rows > Integer.MAX_VALUE - 8) {
                throw new CliException(source + ": " + rows + " rows; at most " + (Integer.MAX_VALUE - 8)
                        + " can be trained on");
            }
            this.rows = (int) rows;
            this.featureCount = featureCount;
            this.featureNames = featureNames;
            this.outputNames = outputNames;
            this.outputs = outputs;
            this.fingerprint = fingerprint;
        }
    }

    /** The class of every row, as the pass numbers them (first appearance): an {@code int} per row. */
    private static final class LabelRecorder {
        private int[] labels = new int[1 << 16];
        private int size;

        void add(int label) {
            if (size == labels.length) {
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            labels[size++] = label;
        }

        int get(int row) {
            return labels[row];
        }
    }

    /** A row cache created at the first row (when the row's width is known), recording labels on the way. */
    private static final class LazyCache implements RowSink {
        private final java.nio.file.Path dir;
        private final LabelRecorder labels;
        RowCacheWriter writer;

        LazyCache(java.nio.file.Path dir, LabelRecorder labels) {
            this.dir = dir;
            this.labels = labels;
        }

        @Override
        public void row(long line, float[] features, int label, float[] targets) throws IOException {
            if (writer == null) {
                writer = RowCacheWriter.create(dir, features.length, targets == null ? 0 : targets.length);
            }
            if (label >= 0) {
                labels.add(label);
            }
            writer.row(line, features, label, targets);
        }
    }
}
