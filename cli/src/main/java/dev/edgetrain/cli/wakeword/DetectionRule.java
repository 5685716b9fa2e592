package dev.edgetrain.cli.wakeword;

import dev.edgetrain.cli.support.CliException;
import picocli.CommandLine.Option;

/** {@code --threshold} and {@code --consecutive}: when a detector activates, shared by train, evaluate and score. */
final class DetectionRule {
    @Option(names = "--threshold", paramLabel = "T", description = "Detection threshold (default: ${DEFAULT-VALUE}).")
    float threshold = 0.5f;

    @Option(names = "--consecutive", paramLabel = "N",
            description = "Scores in a row at or above the threshold that make a detection (openWakeWord's patience; "
                    + "default: ${DEFAULT-VALUE}).")
    int consecutive = 1;

    /** Refuses a threshold outside (0, 1) or fewer than one score in a row. */
    void check() {
        if (consecutive < 1 || !(threshold > 0 && threshold < 1)) {
            throw new CliException("need --threshold in (0, 1) and --consecutive >= 1, got " + threshold + " and "
                    + consecutive);
        }
    }
}
