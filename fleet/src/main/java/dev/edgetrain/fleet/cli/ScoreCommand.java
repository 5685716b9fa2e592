package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.fleet.score.DistributedScorer;
import dev.edgetrain.fleet.score.ScoreSummary;
import dev.edgetrain.fleet.score.Scoring;
import dev.edgetrain.fleet.spark.FleetSpark;
import dev.edgetrain.onnx.OnnxImportException;
import java.io.File;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetrain fleet score}: distributed inference and evaluation of a CSV or Parquet table with an ONNX model. */
@Command(name = "score", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Score a CSV or Parquet table (a file, a directory of parts, or a glob) with an ONNX classifier: "
                + "each Spark task runs the edgetrain runtime over its rows (a CSV is cut into byte ranges, each read "
                + "straight into floats). Prints accuracy and per-class figures when the table has labels; "
                + "--predictions writes every row's predicted class.")
final class ScoreCommand extends SparkCommand {
    @Option(names = "--model", paramLabel = "MODEL.onnx", required = true,
            description = "The model (edgetrain's or another framework's MLP).")
    File model;

    @Option(names = "--data", paramLabel = "PATH", required = true,
            description = "The table: a path or URI Hadoop's file systems reach (local, shared, hdfs://, …).")
    String data;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "csv, parquet or auto (by extension) (default: ${DEFAULT-VALUE}).")
    String format = "auto";

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "Label column: name or 1-based index (default: the one column the model does not read, if "
                    + "any).")
    String label;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "CSV field delimiter: ',' ';' '|' or tab ('\\t'); default ',' (tab for *.tsv, *.tab).")
    String delimiter;

    @Option(names = "--partitions", paramLabel = "P",
            description = "Tasks: CSV byte ranges (default: one per 128 MB, at least one per core), or a Parquet "
                    + "table repartitioned.")
    Integer partitions;

    @Option(names = "--predictions", paramLabel = "DIR",
            description = "Write every row's prediction here (a new directory): for CSV row, line, predicted, score "
                    + "(and actual); for Parquet the input columns with predicted, score (and actual).")
    String predictions;

    @Option(names = "--predictions-format", paramLabel = "FORMAT",
            description = "csv or parquet (default: ${DEFAULT-VALUE}).")
    String predictionsFormat = "parquet";

    @Override
    int run() throws Exception {
        final Console console = output.console();
        if (!model.isFile()) {
            throw new CliException(model + ": no such file");
        }
        if (partitions != null) {
            Commands.requirePositive("--partitions", partitions);
        }
        final String outFormat = predictionsFormat.toLowerCase(Locale.ROOT);
        if (!outFormat.equals("csv") && !outFormat.equals("parquet")) {
            throw new CliException("--predictions-format must be csv or parquet, got '" + predictionsFormat + "'");
        }
        final boolean parquet;
        final CsvFormat csvFormat;
        try {
            parquet = DistributedScorer.isParquet(data, format);
            csvFormat = delimiter == null ? null : CsvFormat.parseDelimiter(delimiter);
        } catch (IllegalArgumentException e) {
            throw new CliException((delimiter != null ? "--delimiter: " : "--format: ") + e.getMessage());
        }
        Commands.requireNewDirectory(predictions, "--predictions");
        final byte[] bytes = Files.readAllBytes(model.toPath());
        try (FleetSpark fs = spark.start("edgetrain fleet score")) {
            final DistributedScorer scorer;
            try {
                scorer = new DistributedScorer(fs.session(), bytes);
            } catch (OnnxImportException | IllegalArgumentException e) {
                throw new CliException(model + ": " + e.getMessage(), e);
            }
            try (scorer) {
                final long start = System.nanoTime();
                final Scoring scoring = parquet ? scorer.table(parquetTable(fs), data, label)
                        : scorer.csv(data, csvFormat, label, partitions != null ? partitions : 0);
                final double planned = (System.nanoTime() - start) / 1e9;
                final ScoreSummary summary = predictions != null ? scoring.write(predictions, outFormat)
                        : scoring.count();
                final double seconds = (System.nanoTime() - start) / 1e9;
                report(console, summary, scoring.partitions(), fs.master(), planned, seconds);
            }
        }
        return 0;
    }

    private Dataset<Row> parquetTable(FleetSpark fs) {
        Dataset<Row> table;
        try {
            table = DistributedScorer.readParquet(fs.session(), data);
        } catch (Exception e) { // Spark's AnalysisException (no such path, unreadable file) is checked but undeclared
            if (e instanceof org.apache.spark.sql.AnalysisException) {
                throw new CliException(data + ": " + e.getMessage(), e);
            }
            throw e;
        }
        return partitions != null ? table.repartition(partitions) : table;
    }

    private void report(Console console, ScoreSummary summary, int tasks, String master, double planned,
                        double seconds) {
        console.result("scored %s with %s in %d tasks (master %s) in %.2f s (%.2f s of it planning), %.0f rows/s: %s",
                data, model, tasks, master, seconds, planned, summary.rows() / seconds, summary);
        final String[] classes = summary.classNames();
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classes.length; c++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("predicted", summary.predicted(c));
            if (summary.hasLabels()) {
                m.put("support", summary.support(c));
                m.put("precision", summary.precision(c));
                m.put("recall", summary.recall(c));
                console.line("  %-12s precision %6.2f%%  recall %6.2f%%  support %d", classes[c],
                        100 * summary.precision(c), 100 * summary.recall(c), summary.support(c));
            } else {
                console.line("  %-12s predicted %d", classes[c], summary.predicted(c));
            }
            perClass.put(classes[c], m);
        }
        if (predictions != null) {
            console.result("wrote predictions to %s (%s)", predictions, predictionsFormat.toLowerCase(Locale.ROOT));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.getPath());
        doc.put("data", data);
        doc.put("rows", summary.rows());
        doc.put("accuracy", summary.hasLabels() ? summary.accuracy() : null);
        doc.put("classes", perClass);
        doc.put("tasks", tasks);
        doc.put("seconds", seconds);
        doc.put("planning_seconds", planned);
        doc.put("predictions", predictions);
        console.document(doc);
    }
}
