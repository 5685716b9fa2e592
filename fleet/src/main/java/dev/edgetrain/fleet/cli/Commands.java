package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.fleet.model.OptimizerSettings;
import dev.edgetrain.fleet.spark.SparkFailures;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import java.util.Map;

/** What the fleet commands share: option checks, the export options, and turning Spark failures into user errors. */
final class Commands {
    private Commands() {
    }

    /**
     * A failure inside a Spark task arrives wrapped in a SparkException; a user mistake found there (bad data, a
     * diverged network) is rethrown as itself so the CLI prints one line, anything else as it came.
     */
    static Exception unwrap(Exception e) {
        Throwable t = SparkFailures.unwrap(e);
        if (t instanceof Exception) {
            return (Exception) t;
        }
        return e;
    }

    static NetworkSpec spec(Dataset data, int[] hidden) {
        for (int h : hidden) {
            if (h < 0 || (h == 0 && hidden.length > 1)) {
                throw new CliException("--hidden takes positive widths like 64 or 128,64 (or 0 for none), got "
                        + java.util.Arrays.toString(hidden));
            }
        }
        int[] widths = hidden.length == 1 && hidden[0] == 0 ? new int[0] : hidden;
        return NetworkSpec.of(data.featureCount(), widths, data.classes());
    }

    static OptimizerSettings optimizer(String rule, float lr) {
        try {
            return OptimizerSettings.of(rule, lr);
        } catch (IllegalArgumentException e) {
            throw new CliException("--optimizer/--lr: " + e.getMessage());
        }
    }

    /** The rule and learning rate with weight decay {@code weightDecay} instead of the rule's own. */
    static OptimizerSettings optimizer(String rule, float lr, float weightDecay) {
        OptimizerSettings settings = optimizer(rule, lr);
        try {
            return settings.withWeightDecay(weightDecay);
        } catch (IllegalArgumentException e) {
            throw new CliException("--weight-decay: " + e.getMessage());
        }
    }

    static void requirePositive(String option, long value) {
        if (value < 1) {
            throw new CliException(option + " must be at least 1, got " + value);
        }
    }

    /**
     * Fails before any work when the output directory {@code dir} (of {@code option}; null: none) cannot be made:
     * it exists already, its parent directory does not, or nothing can be created there. A URI of another file
     * system ({@code hdfs://…}) is left to Spark, which refuses an existing directory before its job starts.
     */
    static void requireNewDirectory(String dir, String option) {
        if (dir == null) {
            return;
        }
        final int colon = dir.indexOf(':');
        final String scheme = colon > 1 ? dir.substring(0, colon) : null; // "C:\\x" is a local path
        if (scheme != null && scheme.matches("[A-Za-z][A-Za-z0-9+.-]*") && !scheme.equals("file")) {
            return;
        }
        final java.io.File file = new java.io.File(dir.startsWith("file://") ? dir.substring(7)
                : dir.startsWith("file:") ? dir.substring(5) : dir);
        if (file.exists()) {
            throw new CliException(option + " " + dir + ": already exists; expected a new directory (remove it, or "
                    + "choose another)");
        }
        final java.io.File parent = file.getAbsoluteFile().getParentFile();
        if (parent == null || !parent.isDirectory()) {
            throw new CliException(option + " " + dir + ": directory " + parent + " does not exist");
        }
        try {
            java.nio.file.Files.delete(java.nio.file.Files.createTempDirectory(parent.toPath(),
                    "." + file.getName() + "."));
        } catch (java.io.IOException | SecurityException e) {
            throw new CliException(option + " " + dir + ": cannot write in directory " + parent + ": "
                    + e.getMessage());
        }
    }

    static ExportOptions exportOptions(Dataset data, Standardizer standardizer, String doc, Map<String, String> meta) {
        ExportOptions.Builder b = ExportOptions.builder().classLabels(data.classNames()).docString(doc).metadata(meta);
        if (data.featureNames() != null) {
            b.featureNames(data.featureNames());
        }
        if (standardizer != null) {
            b.standardizer(standardizer.mean(), standardizer.std());
        }
        return b.build();
    }
}
