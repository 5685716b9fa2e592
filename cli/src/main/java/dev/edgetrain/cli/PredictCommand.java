package dev.edgetrain.cli;

import com.google.gson.stream.JsonWriter;
import dev.edgetrain.cli.data.Reading;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.data.RowSink;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.io.AtomicFile;
import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrain predict}: one CSV row per input with the prediction and every output value. */
@Command(name = "predict", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Predict every row of a CSV file, with every output value.",
                "One line per row: the row number, the prediction (a class; for multilabel the labels at",
                "probability >= 0.5 joined by ';') and each output value (probabilities, raw outputs of models",
                "without a head, or a regressor's values) at full float precision."})
final class PredictCommand implements Callable<Integer> {
    @Mixin
    ModelInput modelInput;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv",
            description = "Rows to predict: a CSV file or a shipped set; a label column is ignored.")
    String data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column to ignore: name or 1-based index.")
    String label;

    @Option(names = "--out", paramLabel = "PREDICTIONS.csv", description = "Write here instead of standard output.")
    File out;

    @Option(names = "--delimiter", paramLabel = "C",
            description = "The CSV's delimiter: , ; | or tab (default: tab for .tsv files, else comma).")
    String delimiter;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        CliException.requireWritableLocation(out, "--out");
        ModelFile m = modelInput.read();
        File model = modelInput.model;
        DataSource source = DataSource.resolve(data);
        Task task = m.task();
        int outputs = m.model.network().spec().outputs();
        String[] names = m.outputNames();
        boolean regress = task == Task.REGRESS;
        String[] header = new String[(regress ? 1 : 2) + outputs];
        header[0] = "row";
        if (!regress) {
            header[1] = "predicted";
        }
        String prefix = m.model.outputName();
        for (int k = 0; k < outputs; k++) {
            header[header.length - outputs + k] = regress ? names[k] : prefix + "_"
                    + names[task == Task.BINARY ? 1 : k];
        }
        Reading reading = new Reading(source, delimiter, console);
        ReadOptions options = m.readOptions(label, false).withLabelsIgnored();
        long[] rows = new long[1];
        if (out == null && outputOptions.json) {
            Writer writer = new OutputStreamWriter(nonClosing(System.out), StandardCharsets.UTF_8);
            JsonRecords json = new JsonRecords(writer, model.getPath(), source.name(), header);
            rows[0] = predict(m, reading, options, names, json);
            json.finish(rows[0]);
        } else if (out == null) {
            Writer writer = new OutputStreamWriter(nonClosing(System.out), StandardCharsets.UTF_8);
            rows[0] = predict(m, reading, options, names, csv(writer, header));
        } else {
            // Written as the rows are read (memory stays bounded), into a temporary file renamed over --out at the
            // end: never a half-written predictions file.
            AtomicFile.write(out, stream -> rows[0] = predict(m, reading, options, names,
                    csv(new OutputStreamWriter(stream, StandardCharsets.UTF_8), header)));
            if (!outputOptions.json) {
                System.err.println("wrote " + rows[0] + " predictions to " + out);
            }
            java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
            doc.put("model", model.getPath());
            doc.put("rows", rows[0]);
            doc.put("out", out.getPath());
            console.document(doc);
        }
        return Edgetrain.EXIT_OK;
    }

    /**
     * Reads the rows a chunk at a time, predicts each chunk and prints it; returns the rows predicted. Flushes
     * {@code records} but leaves its stream open (it belongs to the caller).
     */
    private static long predict(ModelFile m, Reading reading, ReadOptions options, String[] names, Records records)
            throws IOException {
        Chunks chunks = new Chunks(m, names, records);
        reading.scan(options, chunks);
        chunks.flush();
        records.flush();
        return chunks.rows;
    }

    /** Where the prediction records go: a CSV, or the {@code predictions} array of a JSON document. */
    private interface Records {
        /** One record: the row number, the prediction (not for a regressor), then the output values. */
        void print(Object[] record) throws IOException;

        /** Columns of a record, as the CSV's header names them. */
        int columns();

        void flush() throws IOException;
    }

    /** Records as CSV lines under {@code header}. */
    private static Records csv(Writer writer, String[] header) throws IOException {
        CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(header).get());
        return new Records() {
            @Override
            public void print(Object[] record) throws IOException {
                printer.printRecord(record);
            }

            @Override
            public int columns() {
                return header.length;
            }

            @Override
            public void flush() throws IOException {
                printer.flush();
            }
        };
    }

    /**
     * With {@code --json} and no {@code --out}: one JSON document on stdout, written as the rows come (memory stays
     * bounded): {@code {"model", "data", "predictions": [{"row": 1, "predicted": "setosa", "probabilities_setosa":
     * 0.98, ...}, ...], "rows"}}; output values as JSON numbers with the float's shortest exact text.
     */
    private static final class JsonRecords implements Records {
        private final Writer writer;
        private final JsonWriter json;
        private final String[] header;

        JsonRecords(Writer writer, String model, String data, String[] header) throws IOException {
            this.writer = writer;
            this.json = new JsonWriter(writer);
            this.header = header;
            json.setIndent("  ");
            json.beginObject().name("model").value(model).name("data").value(data).name("predictions").beginArray();
        }

        @Override
        public void print(Object[] record) throws IOException {
            json.beginObject();
            for (int c = 0; c < header.length; c++) {
                json.name(header[c]);
                if (record[c] instanceof Number) {
                    json.value((Number) record[c]);
                } else {
                    json.value((String) record[c]);
                }
            }
            json.endObject();
        }

        @Override
        public int columns() {
            return header.length;
        }

        @Override
        public void flush() throws IOException {
            json.flush();
        }

        /** Closes the document with the number of rows, and ends the line. */
        void finish(long rows) throws IOException {
            json.endArray().name("rows").value(rows).endObject();
            json.flush();
            writer.write(System.lineSeparator());
            json.close();
        }
    }

    /** Rows gathered {@value #CHUNK} at a time, predicted and printed: memory independent of the file's size. */
    private static final class Chunks implements RowSink {
        private static final int CHUNK = 256;
        private final ModelFile m;
        private final String[] names;
        private final Records records;
        private final Task task;
        private final int features;
        private final int outputs;
        private final Workspace ws;
        private final float[] x;
        private final float[] values;
        private final float[] head;
        private final Object[] record;
        private int filled;
        long rows;

        Chunks(ModelFile m, String[] names, Records records) {
            this.m = m;
            this.names = names;
            this.records = records;
            this.task = m.task();
            this.features = m.model.featureCount();
            this.outputs = m.model.network().spec().outputs();
            this.ws = new Workspace(m.model.network().spec(), CHUNK);
            this.x = new float[CHUNK * features];
            this.values = new float[CHUNK * outputs];
            this.head = new float[CHUNK * outputs];
            this.record = new Object[records.columns()];
        }

        @Override
        public void row(long line, float[] rowFeatures, int label, float[] targets) throws IOException {
            System.arraycopy(rowFeatures, 0, x, filled * features, features);
            if (++filled == CHUNK) {
                flush();
            }
        }

        void flush() throws IOException {
            if (filled == 0) {
                return;
            }
            m.model.predict(ws, x, 0, filled, values, 0);
            m.model.network().predict(ws, x, 0, filled, head, 0);
            String[] predicted = predictions(task, head, filled, outputs, names);
            for (int r = 0; r < filled; r++) {
                record[0] = ++rows;
                if (task != Task.REGRESS) {
                    record[1] = predicted[r];
                }
                for (int k = 0; k < outputs; k++) {
                    record[record.length - outputs + k] = values[r * outputs + k]; // printed as its shortest exact text
                }
                records.print(record);
            }
            filled = 0;
        }
    }

    /** The prediction column: a class name, or the labels at probability ≥ ½ joined by {@code ;} (multilabel). */
    private static String[] predictions(Task task, float[] head, int rows, int outputs, String[] names) {
        String[] p = new String[rows];
        for (int r = 0; r < rows; r++) {
            switch (task) {
                case CLASSIFY:
                    p[r] = names[dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy.argmax(head, 0, r, outputs)];
                    break;
                case BINARY:
                    p[r] = names[head[r] >= 0.5f ? 1 : 0];
                    break;
                case MULTILABEL: {
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < outputs; k++) {
                        if (head[r * outputs + k] >= 0.5f) {
                            sb.append(sb.length() == 0 ? "" : ";").append(names[k]);
                        }
                    }
                    p[r] = sb.toString();
                    break;
                }
                default:
                    p[r] = null;
                    break;
            }
        }
        return p;
    }

    private static PrintStream nonClosing(PrintStream s) {
        return new PrintStream(s, true) {
            @Override
            public void close() {
                flush();
            }
        };
    }
}
