package dev.edgetrain.cli;

import dev.edgetrain.cli.data.CsvTable;
import dev.edgetrain.cli.data.DataSource;
import dev.edgetrain.cli.data.LabeledData;
import dev.edgetrain.cli.report.Console;
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

/** {@code edgetrain predict}: one CSV row per input with the predicted class and every output value. */
@Command(name = "predict", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Predict every row of a CSV file: the row number, the predicted class and each output",
                "value (probabilities, or the raw outputs of models without softmax) at full float precision."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The model.")
    File model;

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
        ModelFile m = ModelFile.read(model);
        DataSource source = DataSource.resolve(data);
        LabeledData input = LabeledData.forModel(CsvTable.read(source), m.model.featureCount(),
                m.model.featureNames(), m.model.classLabels(), m.model.network().spec().classes(), label, false);
        int rows = input.rows();
        int classes = m.model.network().spec().classes();
        float[] outputs = m.runtimeOutputs(input.features(), rows);
        int[] predicted = m.predictedClasses(outputs, rows);
        String[] names = m.classNames();
        String[] header = new String[2 + classes];
        header[0] = "row";
        header[1] = "predicted";
        String prefix = m.model.outputName();
        for (int k = 0; k < classes; k++) {
            header[2 + k] = prefix + "_" + names[k];
        }
        if (out == null && outputOptions.json) {
            throw new CliException("--json needs --out FILE for the predictions");
        }
        java.io.StringWriter text = new java.io.StringWriter();
        try (Writer writer = out == null ? new OutputStreamWriter(nonClosing(System.out), StandardCharsets.UTF_8) : text;
             CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(header).get())) {
            for (int r = 0; r < rows; r++) {
                Object[] record = new Object[2 + classes];
                record[0] = r + 1;
                record[1] = names[predicted[r]];
                for (int k = 0; k < classes; k++) {
                    record[2 + k] = Float.toString(outputs[r * classes + k]); // shortest exact float text
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

    private static PrintStream nonClosing(PrintStream s) {
        return new PrintStream(s, true) {
            @Override
            public void close() {
                flush();
            }
        };
    }
}
