package dev.edgetrain.cli;

import dev.edgetrain.cli.data.CsvTable;
import dev.edgetrain.cli.data.DataSource;
import dev.edgetrain.cli.data.LabeledData;
import dev.edgetrain.cli.report.ClassificationReport;
import dev.edgetrain.cli.report.Console;
import java.io.File;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrain evaluate}: accuracy, per-class precision and recall, confusion matrix. */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Accuracy, per-class precision/recall and the confusion matrix of a model on labelled data.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The model.")
    File model;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv",
            description = "Labelled data: a CSV file or a shipped set.")
    String data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column: name or 1-based index.")
    String label;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        ModelFile m = ModelFile.read(model);
        DataSource source = DataSource.resolve(data);
        LabeledData input = LabeledData.forModel(CsvTable.read(source), m.model.featureCount(),
                m.model.featureNames(), m.model.classLabels(), m.model.network().spec().classes(), label, true);
        float[] outputs = m.runtimeOutputs(input.features(), input.rows());
        int[] predicted = m.predictedClasses(outputs, input.rows());
        ClassificationReport report = new ClassificationReport(m.classNames(), input.labels(), predicted);
        console.line("%s on %s (%d rows):", model, source.name(), input.rows());
        report.print(console);
        Map<String, Object> doc = report.toJson();
        doc.put("model", model.getPath());
        doc.put("data", source.name());
        console.document(doc);
        return Edgetrain.EXIT_OK;
    }
}
