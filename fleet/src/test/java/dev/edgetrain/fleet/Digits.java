package dev.edgetrain.fleet;

import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.data.Table;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The shipped digits data set (1,797 rows, 64 features, 10 classes), read by the data module as {@code edgetrain train}
 * reads it.
 */
public final class Digits {
    /** The repository root (set by surefire; falls back to the module's parent when run from an IDE). */
    public static final File REPO = new File(System.getProperty("edgetrain.repo", "..")).getAbsoluteFile();
    public static final File CSV = new File(REPO, "models/data/digits.csv");
    private static Dataset all;

    private Digits() {
    }

    public static synchronized Dataset all() {
        if (all == null) {
            try {
                all = Table.read(CSV, ReadOptions.forTraining(Task.CLASSIFY, false, null)).toDataset();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** All rows, standardised with their own statistics. */
    public static Dataset standardized() {
        return Standardizer.fit(all()).apply(all());
    }
}
