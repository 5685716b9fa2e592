package dev.edgetrain.fleet;

import dev.edgetrain.cli.Edgetrain;
import dev.edgetrain.fleet.cli.FleetCommand;
import picocli.CommandLine;

/**
 * The main class of {@code edgetrain-fleet.jar}: the {@code edgetrain} command line with a {@code fleet}
 * command added next to {@code train}, {@code predict} and the rest.
 * <pre>
 *   ./edgetrain fleet fedavg --rounds 20                                   (local[*])
 *   java -jar fleet/target/edgetrain-fleet.jar fleet sgd --master local[2]
 *   spark-submit --class dev.edgetrain.fleet.FleetMain --master spark://host:7077 \
 *       fleet/target/edgetrain-fleet.jar fleet score --model m.onnx --data hdfs:///big.parquet
 * </pre>
 */
public final class FleetMain {
    private FleetMain() {
    }

    public static void main(String[] args) {
        // What Spark's launcher passes as -D on Java 17+; `java -jar` has only the manifest's Add-Opens.
        if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
            System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests: no System.exit). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = Edgetrain.commandLine();
        cl.addSubcommand("fleet", new FleetCommand());
        return cl;
    }
}
