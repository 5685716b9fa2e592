package dev.edgetrain.fleet.score;

import dev.edgetrain.fleet.data.FleetDataException;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition of a table: imports the broadcast model once, allocates one {@link Workspace} and the chunk
 * buffers once, then runs the model over chunks of rows. Each output row is the input row (less the internal
 * source column) followed by the model's class for it, the model's output for that class, and, when the table
 * has labels, the label as the model's class name. Cells are checked on the way: a missing or non-numeric
 * feature or an unknown label stops the job with a {@link FleetDataException} naming the file, column and value.
 */
final class PredictRows implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    static final int CHUNK = 512;

    private final Broadcast<byte[]> model;
    private final ColumnMapping columns;
    /** The model's class names, or "0", "1", … */
    private final String[] classNames;
    private final boolean namedClasses;
    /** Position of the input-file column, dropped from the output. */
    private final int sourceColumn;

    PredictRows(Broadcast<byte[]> model, ColumnMapping columns, String[] classNames, boolean namedClasses,
                int sourceColumn) {
        this.model = model;
        this.columns = columns;
        this.classNames = classNames;
        this.namedClasses = namedClasses;
        this.sourceColumn = sourceColumn;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws OnnxImportException {
        final ImportedModel m = OnnxImporter.read(model.value());
        return new Scoring(m, rows);
    }

    private final class Scoring implements Iterator<Row> {
        private final ImportedModel m;
        private final Iterator<Row> in;
        private final Workspace ws;
        private final int features;
        private final int classes;
        private final float[] x;
        private final float[] out;
        private final Row[] pending = new Row[CHUNK];
        private final String[] actual = new String[CHUNK];
        private final Map<String, Integer> classIndex = new HashMap<>();
        private int filled;
        private int next;

        Scoring(ImportedModel m, Iterator<Row> in) {
            this.m = m;
            this.in = in;
            this.features = m.featureCount();
            this.classes = m.classCount();
            this.ws = new Workspace(m.spec(), CHUNK);
            this.x = new float[CHUNK * features];
            this.out = new float[CHUNK * classes];
            for (int c = 0; c < classNames.length; c++) {
                classIndex.put(classNames[c], c);
            }
        }

        @Override
        public boolean hasNext() {
            if (next < filled) {
                return true;
            }
            fill();
            return filled > 0;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            final int b = next++;
            final Row row = pending[b];
            final int predicted = SoftmaxCrossEntropy.argmax(out, 0, b, classes);
            final int width = row.length() - 1 + (columns.label() >= 0 ? 3 : 2);
            final Object[] values = new Object[width];
            int v = 0;
            for (int c = 0; c < row.length(); c++) {
                if (c != sourceColumn) {
                    values[v++] = row.get(c);
                }
            }
            values[v++] = classNames[predicted];
            values[v++] = out[b * classes + predicted];
            if (columns.label() >= 0) {
                values[v] = actual[b];
            }
            pending[b] = null;
            return RowFactory.create(values);
        }

        private void fill() {
            filled = 0;
            next = 0;
            while (filled < CHUNK && in.hasNext()) {
                final Row row = in.next();
                final int b = filled;
                for (int j = 0; j < features; j++) {
                    x[b * features + j] = number(row, columns.feature(j));
                }
                if (columns.label() >= 0) {
                    actual[b] = label(row);
                }
                pending[b] = row;
                filled++;
            }
            if (filled > 0) {
                m.predict(ws, x, 0, filled, out, 0);
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

        private String label(Row row) {
            final int column = columns.label();
            final Object cell = row.get(column);
            String s = null;
            if (cell instanceof Number) {
                final double d = ((Number) cell).doubleValue();
                s = d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : cell.toString();
            } else if (cell != null) {
                s = cell.toString().trim();
            }
            if (s == null || s.isEmpty()) {
                throw bad(row, column, cell, "is missing, expected a label");
            }
            if (classIndex.containsKey(s)) {
                return s;
            }
            throw bad(row, column, cell, "is not a class of the model, expected one of "
                    + ColumnMapping.abbreviate(classNames) + (namedClasses ? "" : " (the model names no classes)"));
        }

        private FleetDataException bad(Row row, int column, Object cell, String problem) {
            final Object file = sourceColumn >= 0 ? row.get(sourceColumn) : null;
            return new FleetDataException((file == null || file.toString().isEmpty() ? "input" : file.toString())
                    + ", column '" + columns.columnName(column) + "': "
                    + (cell == null ? "the value " : "'" + cell + "' ") + problem);
        }
    }
}
