package dev.edgetrain.fleet.score;

import dev.edgetrain.data.ClassLookup;
import dev.edgetrain.data.CsvScanner;
import dev.edgetrain.data.FloatParser;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The Spark task of scoring CSV ranges: imports the broadcast model once, allocates one {@link Workspace} and the
 * chunk buffers once, then reads its ranges with the data module's scanner straight into a chunk of floats
 * {@code [CHUNK][features]}, runs the model over each chunk, and (when asked) writes each row's prediction to its
 * own part of the output ({@link PredictionWriter}). Memory is the chunk, the scanner's buffer and the model,
 * whatever the file's size. The task's result is its {@link ScoreCounts}; a bad cell stops the job with a
 * {@code DataException} naming file, line and column.
 */
final class ScoreCsvRanges implements Function2<Integer, Iterator<CsvRange>, Iterator<ScoreCounts>> {
    private static final long serialVersionUID = 1L;
    /** Rows per forward pass. */
    static final int CHUNK = 512;
    /** The role of a header column that is not read. */
    private static final int IGNORED = -1;
    private static final int LABEL = -2;

    private final Broadcast<byte[]> model;
    private final Broadcast<SerializableConfiguration> hadoop;
    /** The model's class names, or "0", "1", … */
    private final String[] classNames;
    private final ClassLookup lookup;
    private final boolean labelled;
    /** Where the predictions go, or null to count only. */
    private final PredictionWriter.Spec output;

    ScoreCsvRanges(Broadcast<byte[]> model, Broadcast<SerializableConfiguration> hadoop, String[] classNames,
                   ClassLookup lookup, boolean labelled, PredictionWriter.Spec output) {
        this.model = model;
        this.hadoop = hadoop;
        this.classNames = classNames;
        this.lookup = lookup;
        this.labelled = labelled;
        this.output = output;
    }

    @Override
    public Iterator<ScoreCounts> call(Integer partition, Iterator<CsvRange> ranges) throws Exception {
        Configuration conf = hadoop.value().value();
        TaskContext task = TaskContext.get();
        long attempt = task == null ? 0 : task.taskAttemptId();
        try (Scoring scoring = new Scoring(OnnxImporter.read(model.value()), conf, ranges);
             PredictionWriter writer = output == null ? null
                     : PredictionWriter.open(conf, output, partition, attempt)) {
            while (scoring.fill()) {
                if (writer != null) {
                    scoring.write(writer);
                }
            }
            if (writer != null) {
                writer.commit();
            }
            return Collections.singletonList(scoring.counts).iterator();
        }
    }

    /** Chunks of scored rows, read from one range after another. */
    private final class Scoring implements CsvScanner.FieldHandler, AutoCloseable {
        private final ImportedModel m;
        private final Configuration conf;
        private final Iterator<CsvRange> ranges;
        private final Workspace ws;
        private final int features;
        private final int classes;
        /** {@code [CHUNK][features]} */
        private final float[] x;
        /** {@code [CHUNK][classes]} */
        private final float[] out;
        /** Per chunk row: its number in the input (from 1), its file line, its file, its actual class. */
        private final long[] rowNumbers = new long[CHUNK];
        private final long[] lines = new long[CHUNK];
        private final String[] sources = new String[CHUNK];
        private final int[] actual = new int[CHUNK];
        private final int[] predicted = new int[CHUNK];
        final ScoreCounts counts;
        private CsvRange range;
        private RangeReader reader;
        /** Per header column of the current range's file: the feature index, {@link #IGNORED} or {@link #LABEL}. */
        private int[] roles;
        private long rowsInRange;
        private int filled;

        Scoring(ImportedModel m, Configuration conf, Iterator<CsvRange> ranges) {
            this.m = m;
            this.conf = conf;
            this.ranges = ranges;
            this.features = m.featureCount();
            this.classes = m.classCount();
            this.ws = new Workspace(m.spec(), CHUNK);
            this.x = new float[CHUNK * features];
            this.out = new float[CHUNK * classes];
            this.counts = new ScoreCounts(classes, labelled);
        }

        /** Reads up to {@link #CHUNK} rows, from as many ranges as it takes, and scores them; false at the end. */
        boolean fill() throws IOException {
            filled = 0;
            while (filled < CHUNK) {
                if (reader == null && !openNext()) {
                    break;
                }
                if (reader.readRow(this)) {
                    rowNumbers[filled] = range.firstRow + rowsInRange + 1;
                    lines[filled] = reader.line();
                    sources[filled] = range.source;
                    rowsInRange++;
                    filled++;
                } else {
                    if (rowsInRange != range.rows) {
                        throw new IllegalStateException(range + ": read " + rowsInRange + " rows, expected "
                                + range.rows + "; did the file change while it was scored?");
                    }
                    reader.close();
                    reader = null;
                }
            }
            if (filled == 0) {
                return false;
            }
            m.predict(ws, x, 0, filled, out, 0);
            for (int b = 0; b < filled; b++) {
                predicted[b] = SoftmaxCrossEntropy.argmax(out, 0, b, classes);
                counts.add(actual[b], predicted[b]);
            }
            return true;
        }

        void write(PredictionWriter writer) throws IOException {
            for (int b = 0; b < filled; b++) {
                int p = predicted[b];
                writer.write(rowNumbers[b], lines[b], sources[b], classNames[p], out[b * classes + p],
                        labelled ? classNames[actual[b]] : null);
            }
        }

        private boolean openNext() throws IOException {
            if (!ranges.hasNext()) {
                return false;
            }
            range = ranges.next();
            reader = new RangeReader(conf, range);
            roles = new int[reader.header().length];
            Arrays.fill(roles, IGNORED);
            for (int j = 0; j < range.featureColumns.length; j++) {
                roles[range.featureColumns[j]] = j;
            }
            if (range.labelColumn >= 0) {
                roles[range.labelColumn] = LABEL;
            }
            rowsInRange = 0;
            return true;
        }

        @Override
        public void field(int column, char[] chars, int offset, int length, boolean quoted) {
            final int role = roles[column];
            if (role >= 0) {
                float v = FloatParser.parseFinite(chars, offset, length);
                if (v != v) {
                    throw reader.error(column, FloatParser.problem(chars, offset, length));
                }
                x[filled * features + role] = v;
            } else if (role == LABEL) {
                if (length == 0) {
                    throw reader.error(column, "missing label");
                }
                int c = lookup.find(chars, offset, length);
                if (c < 0) {
                    throw reader.error(column, "unknown label '" + new String(chars, offset, length) + "', "
                            + lookup.expected());
                }
                actual[filled] = c;
            }
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
    }
}
