package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.data.CsvTable;
import dev.edgetrain.cli.data.LabeledData;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import picocli.CommandLine.Option;

/**
 * The labelled CSV a training command starts from, read on the driver as {@code edgetrain train} reads it, and
 * its train/test split. A real fleet's data would already sit on the devices or in storage; here it is cut up to
 * simulate them.
 */
final class TrainingData {
    @Option(names = "--data", paramLabel = "FILE.csv",
            description = "Training data: a CSV file, or a shipped set: digits, iris, wine, breast_cancer (default: digits).")
    String data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column: name or 1-based index (default: last).")
    String label;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "Fraction of each class held out to evaluate the model on (default: ${DEFAULT-VALUE}).")
    double testFraction = 0.2;

    @Option(names = "--no-standardize", description = "Train on raw features instead of (x - mean) / std.")
    boolean noStandardize;

    DataSource source;
    LabeledData labeled;
    Dataset all;
    Dataset train;
    Dataset test;

    void load(long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new CliException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        source = DataSource.resolve(data == null ? DataSource.DEFAULT : data);
        labeled = LabeledData.forTraining(CsvTable.read(source), label, Task.CLASSIFY, false);
        all = labeled.toDataset();
        Dataset[] split = all.split(testFraction, seed);
        train = split[0];
        test = split[1];
    }
}
