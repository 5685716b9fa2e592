package dev.edgetrain.cli;

import dev.edgetrain.cli.data.Reading;
import dev.edgetrain.cli.report.TaskReport;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.data.Table;
import java.io.File;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrain evaluate}: the task's metrics of a model on labelled data. */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Show a model's metrics on labelled data, as its task defines them.",
                "classify: accuracy, per-class precision/recall, confusion matrix.",
                "binary: accuracy, precision, recall, F1, ROC-AUC, confusion.",
                "multilabel: per-label precision/recall/F1, Hamming loss, micro/macro-F1.",
                "regress: MSE, MAE, R² per target."})
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ModelInput modelInput;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv",
            description = "Labelled data: a CSV file or a shipped set.")
    String data;

    @Option(names = "--label", paramLabel = "COLUMN[,COLUMN...]",
            description = "Label column(s): name or 1-based index (default: by the model's names, or the last).")
    String label;

    @Option(names = "--delimiter", paramLabel = "C",
            description = "The CSV's delimiter: , ; | or tab (default: tab for .tsv files, else comma).")
    String delimiter;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        ModelFile m = modelInput.read();
        File model = modelInput.model;
        DataSource source = DataSource.resolve(data);
        Table input = m.rows(new Reading(source, delimiter, console), label, true);
        float[] outputs = m.headOutputs(input.features(), input.rows());
        TaskReport report = TaskReport.of(m.task(), m.outputNames(), outputs, input.toDataset(m.classes()));
        if (console.human()) {
            console.line("%s (%s) on %s (%d rows):", model, m.task(), source.name(), input.rows());
            report.print(console);
        } else {
            console.result("%s (%s) on %s (%d rows): %s", model, m.task(), source.name(), input.rows(),
                    report.headline());
        }
        Map<String, Object> doc = report.toJson();
        doc.put("model", model.getPath());
        doc.put("data", source.name());
        console.document(doc);
        return Edgetrain.EXIT_OK;
    }
}
