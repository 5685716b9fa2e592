package dev.edgetrain.cli;

import dev.edgetrain.cli.support.CommandLines;
import dev.edgetrain.cli.wakeword.WakewordCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code edgetrain} command: train, fine-tune, evaluate, predict, verify, inspect, and wake words. Exit codes and
 * error lines are {@link CommandLines}'.
 */
@Command(name = "edgetrain", mixinStandardHelpOptions = true, versionProvider = Edgetrain.Version.class,
        description = "Train small neural networks on the device and export them as ONNX.",
        footer = {"  fleet     Federated averaging, data-parallel SGD and distributed scoring on",
                "              Apache Spark, in a jar of its own: ./edgetrain fleet --help",
                "              (or java -jar fleet/target/edgetrain-fleet.jar fleet --help).",
                "", "Exit codes: 0 ok, 1 verification failed (onnxruntime disagrees), 2 usage or data",
                "error, 3 training diverged, 4 out of memory."},
        subcommands = {TrainCommand.class, FinetuneCommand.class, EvaluateCommand.class, PredictCommand.class,
                VerifyCommand.class, InspectCommand.class, WakewordCommand.class, CommandLine.HelpCommand.class})
public final class Edgetrain implements Runnable {
    /** Exit code 0: success. */
    public static final int EXIT_OK = CommandLines.EXIT_OK;
    /** Exit code 1: onnxruntime and the runtime differ by more than the tolerance. */
    public static final int EXIT_CHECK_FAILED = CommandLines.EXIT_CHECK_FAILED;
    /** Exit code 2: a usage or data error (bad option, missing file, bad cell, unsupported model). */
    public static final int EXIT_USER_ERROR = CommandLines.EXIT_USER_ERROR;
    /** Exit code 3: training diverged; no model written. */
    public static final int EXIT_DIVERGED = CommandLines.EXIT_DIVERGED;
    /** Exit code 4: out of memory; nothing written. */
    public static final int EXIT_OUT_OF_MEMORY = CommandLines.EXIT_OUT_OF_MEMORY;
    /** The command of the fleet jar ({@code fleet/}), which this jar only points to. */
    static final String FLEET = "fleet";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Picocli's instance of the top-level command; the commands themselves are its subcommands. */
    public Edgetrain() {
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns the exit code (for tests: no System.exit).
     *
     * @param args the command and its options
     * @return the exit code: {@link #EXIT_OK}, {@link #EXIT_CHECK_FAILED}, {@link #EXIT_USER_ERROR},
     *         {@link #EXIT_DIVERGED} or {@link #EXIT_OUT_OF_MEMORY}
     */
    public static int run(String... args) {
        if (args.length > 0 && FLEET.equals(args[0])) {
            // Spark is not in this jar: say where the fleet commands are rather than "Unmatched argument".
            System.err.println("edgetrain fleet: error: the fleet commands run on Apache Spark from a jar of their "
                    + "own: ./edgetrain fleet ... (or java -jar fleet/target/edgetrain-fleet.jar fleet ...)");
            return EXIT_USER_ERROR;
        }
        return CommandLines.execute(commandLine(), args);
    }

    /**
     * The configured command line (one-line errors, exit codes), for running and for its help.
     *
     * @return a new command line of {@code edgetrain} and its subcommands
     */
    public static CommandLine commandLine() {
        return CommandLines.configure(new CommandLine(new Edgetrain()));
    }

    /** {@code edgetrain} without a command: a usage error naming the commands. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "expected a command: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The version from the jar's build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Edgetrain.class.getPackage().getImplementationVersion();
            return new String[] {"edgetrain " + (v == null ? "(development build)" : v)};
        }
    }
}
