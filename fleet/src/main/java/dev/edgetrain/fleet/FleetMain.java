package dev.edgetrain.fleet;

import dev.edgetrain.cli.support.CommandLines;
import dev.edgetrain.fleet.cli.FleetCommand;
import picocli.CommandLine;

/**
 * The main class of {@code edgetrain-fleet.jar}: an {@code edgetrain} command line with the {@code fleet} command
 * (and {@code help}) only; {@code ./edgetrain fleet …} sends its arguments here. Exit codes and one-line errors are
 * {@link CommandLines}', as for the {@code edgetrain} command itself.
 * <pre>
 *   ./edgetrain fleet fedavg --rounds 20                                   (local[*])
 *   java -jar fleet/target/edgetrain-fleet.jar fleet sgd --master local[2]
 *   spark-submit --class dev.edgetrain.fleet.FleetMain --master spark://host:7077 \
 *       fleet/target/edgetrain-fleet.jar fleet score --model m.onnx --data hdfs:///big.parquet
 * </pre>
 */
@CommandLine.Command(name = "edgetrain", mixinStandardHelpOptions = true, versionProvider = FleetMain.Version.class,
        description = "Train and score edgetrain models on Apache Spark: federated averaging, data-parallel SGD, "
                + "distributed scoring. (The other edgetrain commands are in the edgetrain jar.)",
        subcommands = {FleetCommand.class, CommandLine.HelpCommand.class})
public final class FleetMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Picocli's instance of the top-level {@code edgetrain} command; {@code fleet} is its subcommand. */
    public FleetMain() {
    }

    /**
     * Starts the command line: sets {@code io.netty.tryReflectionSetAccessible} when unset (what Spark's launcher
     * passes), runs {@code args} and exits the JVM with the command's exit code.
     *
     * @param args the command-line arguments, e.g. {@code fleet fedavg --rounds 20}
     */
    public static void main(String[] args) {
        // What Spark's launcher passes as -D on Java 17+; `java -jar` has only the manifest's Add-Opens.
        if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
            System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        }
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns the exit code (for tests: no System.exit).
     *
     * @param args the command-line arguments
     * @return the exit code, 0 on success
     */
    public static int run(String... args) {
        return CommandLines.execute(commandLine(), args);
    }

    /**
     * The configured command line, as {@link #run(String...)} executes it.
     *
     * @return a new command line with the {@code fleet} and {@code help} commands
     */
    public static CommandLine commandLine() {
        return CommandLines.configure(new CommandLine(new FleetMain()));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "expected a command: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The version from the jar's build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FleetMain.class.getPackage().getImplementationVersion();
            return new String[] {"edgetrain fleet " + (v == null ? "(development build)" : v)};
        }
    }
}
