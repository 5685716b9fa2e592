package dev.edgetrain.fleet.score;

import dev.edgetrain.data.ClassLookup;
import dev.edgetrain.fleet.data.FleetDataException;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition of a table Spark has read (Parquet): imports the broadcast model once, allocates one
 * {@link Workspace} and the chunk buffers once, then runs the model over chunks of rows. Each output row is the
 * input row (less the internal source column, which is last) followed by the model's class for it, the model's
 * output for that class, and, when the table has labels, the label as the model's class name; every row is counted
 * into the job's {@link ScoreCounts.Accumulator} once the partition is done. Cells are checked on the way: a
 * missing or non-numeric feature or an unknown label stops the job with a {@link FleetDataException} naming the
 * file, column and value.
 */
final class PredictRows implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    static final int CHUNK = 512;

    private final Broadcast<byte[]> model;
    /** Model input {@code j} is table column {@code features[j]}. */
    private final int[] features;
    /** The label's table column, or -1. */
    private final int label;
    private final String[] columnNames;
    /** The model's class names, or "0", "1", … */
    private final String[] classNames;
    private final ClassLookup lookup;
    private final boolean emit;
    private final ScoreCounts.Accumulator counts;

    PredictRows(Broadcast<byte[]> model, int[] features, int label, String[] columnNames, String[] classNames,
                ClassLookup lookup, boolean emit, ScoreCounts.Accumulator counts) {
        this.model = model;
        this.features = features;
        this.label = label;
        this.columnNames = columnNames;
        this.classNames = classNames;
        this.lookup = lookup;
        this.emit = emit;
        this.counts = counts;
    }

    /** This function, handing out the scored rows ({@code true}) or only counting them. */
    PredictRows emitting(boolean emitRows) {
        return new PredictRows(model, features, label, columnNames, classNames, lookup, emitRows, counts);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws OnnxImportException {
        Scoring scoring = new Scoring(OnnxImporter.read(model.value()), rows);
        if (emit) {
            return scoring;
        }
        while (scoring.hasNext()) {
            scoring.skipChunk();
        }
        return Collections.emptyIterator();
    }

    private final class Scoring implements Iterator<Row> {
        private final ImportedModel m;
        private final Iterator<Row> in;
        private final Workspace ws;
        private final int classes;
        /** {@code [CHUNK][features]} */
        private final float[] x;
        /** {@code [CHUNK][classes]} */
        private final float[] out;
        private final Row[] pending = new Row[CHUNK];
        private final int[] actual = new int[CHUNK];
        private final int[] predicted = new int[CHUNK];
        private final ScoreCounts partition;
        private int filled;
        private int next;
        private boolean finished;

        Scoring(ImportedModel m, Iterator<Row> in) {
            this.m = m;
            this.in = in;
            this.classes = m.classCount();
            this.ws = new Workspace(m.spec(), CHUNK);
            this.x = new float[CHUNK * features.length];
            this.out = new float[CHUNK * classes];
            this.partition = new ScoreCounts(classes, label >= 0);
        }

        @Override
        public boolean hasNext() {
            if (next < filled) {
                return true;
            }
            if (finished) {
                return false;
            }
            fill();
            if (filled == 0) {
                finished = true;
                counts.add(partition); // once, with every row of the partition scored
                return false;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            final int b = next++;
            final Row row = pending[b];
            final int p = predicted[b];
            final int inputColumns = row.length() - 1; // the source column, last, is left out
            final Object[] values = new Object[inputColumns + (label >= 0 ? 3 : 2)];
            for (int c = 0; c < inputColumns; c++) {
                values[c] = row.get(c);
            }
            values[inputColumns] = classNames[p];
            values[inputColumns + 1] = out[b * classes + p];
            if (label >= 0) {
                values[inputColumns + 2] = classNames[actual[b]];
            }
            pending[b] = null;
            return RowFactory.create(values);
        }

        void skipChunk() {
            java.util.Arrays.fill(pending, 0, filled, null);
            next = filled;
        }

        private void fill() {
            filled = 0;
            next = 0;
            final int f = features.length;
            while (filled < CHUNK && in.hasNext()) {
                final Row row = in.next();
                final int b = filled;
                for (int j = 0; j < f; j++) {
                    x[b * f + j] = number(row, features[j]);
                }
                if (label >= 0) {
                    actual[b] = label(row);
                }
                pending[b] = row;
                filled++;
            }
            if (filled > 0) {
                m.predict(ws, x, 0, filled, out, 0);
                for (int b = 0; b < filled; b++) {
                    predicted[b] = SoftmaxCrossEntropy.argmax(out, 0, b, classes);
                    partition.add(actual[b], predicted[b]);
                }
            }
        }

        private float number(Row row, int column) {
            final Object cell = row.get(column);
            if (cell instanceof Number) {
                final float v = ((Number) cell).floatValue();
                if (Float.isFinite(v)) {
                    return v;
                }
                throw bad(row, column, cell, "is not a finite number");
            }
            if (cell instanceof String) {
                final String s = ((String) cell).trim();
                if (s.isEmpty()) {
                    throw bad(row, column, cell, "is empty, expected a number");
                }
                try {
                    final float v = Float.parseFloat(s);
                    if (Float.isFinite(v)) {
                        return v;
                    }
                } catch (NumberFormatException e) {
                    throw bad(row, column, cell, "is not a number");
                }
                throw bad(row, column, cell, "is not a finite number");
            }
            throw bad(row, column, cell, cell == null ? "is missing, expected a number" : "is not a number");
        }

        private int label(Row row) {
            final Object cell = row.get(label);
            String s = null;
            if (cell instanceof Number) {
                final double d = ((Number) cell).doubleValue();
                s = d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : cell.toString();
            } else if (cell != null) {
                s = cell.toString().trim();
            }
            if (s == null || s.isEmpty()) {
                throw bad(row, label, cell, "is missing, expected a label");
            }
            final int c = lookup.find(s.toCharArray(), 0, s.length());
            if (c < 0) {
                throw bad(row, label, cell, "is not a class of the model, " + lookup.expected());
            }
            return c;
        }

        private FleetDataException bad(Row row, int column, Object cell, String problem) {
            final Object file = row.get(row.length() - 1);
            return new FleetDataException((file == null || file.toString().isEmpty() ? "input" : file.toString())
                    + ", column '" + columnNames[column] + "': "
                    + (cell == null ? "the value " : "'" + cell + "' ") + problem);
        }
    }
}
