package dev.edgetrain.cli;

import dev.edgetrain.cli.data.CsvTable;
import dev.edgetrain.cli.data.LabeledData;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.io.AtomicFile;
import java.io.File;
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

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        CliException.requireWritableLocation(out, "--out");
        ModelFile m = modelInput.read();
        File model = modelInput.model;
        DataSource source = DataSource.resolve(data);
        LabeledData input = m.rows(source, label, false);
        int rows = input.rows();
        Task task = m.task();
        int outputs = m.model.network().spec().outputs();
        float[] values = m.runtimeOutputs(input.features(), rows);
        float[] head = m.headOutputs(input.features(), rows);
        String[] names = m.outputNames();
        boolean regress = task == Task.REGRESS;
        String[] header = new String[(regress ? 1 : 2) + outputs];
        header[0] = "row";
        if (!regress) {
            header[1] = "predicted";
        }
        String prefix = m.model.outputName();
        for (int k = 0; k < outputs; k++) {
            header[header.length - outputs + k] = regress ? names[k] : prefix + "_" + names[task == Task.BINARY ? 1 : k];
        }
        String[] predicted = predictions(task, head, rows, outputs, names);
        if (out == null && outputOptions.json) {
            throw new CliException("--json needs --out FILE for the predictions");
        }
        java.io.StringWriter text = new java.io.StringWriter();
        try (Writer writer = out == null ? new OutputStreamWriter(nonClosing(System.out), StandardCharsets.UTF_8) : text;
             CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(header).get())) {
            for (int r = 0; r < rows; r++) {
                Object[] record = new Object[header.length];
                record[0] = r + 1;
                if (!regress) {
                    record[1] = predicted[r];
                }
                for (int k = 0; k < outputs; k++) {
                    // shortest exact float text
                    record[header.length - outputs + k] = Float.toString(values[r * outputs + k]);
                }
                printer.printRecord(record);
            }
        }
        if (out != null) {
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(out, stream -> stream.write(bytes)); // never a half-written predictions file
            if (!outputOptions.quiet && !outputOptions.json) {
                System.err.println("wrote " + rows + " predictions to " + out);
            }
            java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
            doc.put("model", model.getPath());
            doc.put("rows", rows);
            doc.put("out", out.getPath());
            console.document(doc);
        }
        return Edgetrain.EXIT_OK;
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
