package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.CommandLines;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.data.DataException;
import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.data.Splits;
import dev.edgetrain.data.Table;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.BitSet;
import picocli.CommandLine.Option;

/**
 * The labelled CSV a training command starts from, read on the driver by the data module as {@code edgetrain train}
 * reads it (straight into floats), and its stratified train/test split. A real fleet's data would already sit on
 * the devices or in storage; here it is cut up to simulate them.
 */
final class TrainingData {
    @Option(names = "--data", paramLabel = "FILE.csv",
            description = "Training data: a CSV file, or a shipped set: digits, iris, wine, breast_cancer (default: "
                    + "digits).")
    String data;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "Label column: name or 1-based index (default: last).")
    String label;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "Field delimiter: ',' ';' '|' or tab ('\\t'); default ',' (tab for *.tsv, *.tab).")
    String delimiter;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "Fraction of each class held out to evaluate the model on (default: ${DEFAULT-VALUE}).")
    double testFraction = 0.2;

    @Option(names = "--no-standardize", description = "Train on raw features instead of (x - mean) / std.")
    boolean noStandardize;

    DataSource source;
    Dataset all;
    Dataset train;
    Dataset test;

    /** Checks the options and finds the data, reading nothing yet (so outputs can be checked before the work). */
    void resolve() {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new CliException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        source = DataSource.resolve(data == null ? DataSource.DEFAULT : data);
    }

    /** Reads the rows and splits them: the test rows are those {@code Dataset.split(testFraction, seed)} takes. */
    void load(long seed) throws IOException {
        ReadOptions options = ReadOptions.forTraining(Task.CLASSIFY, false, label);
        if (delimiter != null) {
            try {
                options = options.withFormat(CsvFormat.parseDelimiter(delimiter));
            } catch (IllegalArgumentException e) {
                throw new CliException("--delimiter: " + e.getMessage());
            }
        }
        CommandLines.working("reading " + source.name());
        final File file = new File(source.name());
        final Table table;
        try (InputStream in = file.isFile() ? null : source.open()) {
            // a file is counted first and parsed into arrays of its exact size: the floats are held once
            table = in == null ? Table.read(file, options.withExactArrays(true))
                    : Table.read(in, source.name(), options);
        } catch (DataException e) {
            throw new CliException(e.getMessage(), e);
        } finally {
            CommandLines.working(null);
        }
        all = table.toDataset();
        final BitSet testRows;
        try {
            testRows = Splits.stratified(table.labels(), all.classes(), testFraction, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException("--test-fraction: " + e.getMessage());
        }
        train = all.subset(Splits.complement(testRows, all.rows()));
        test = all.subset(Splits.indices(testRows));
    }
}
