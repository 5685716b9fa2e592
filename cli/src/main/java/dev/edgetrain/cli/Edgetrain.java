package dev.edgetrain.cli;

import dev.edgetrain.cli.support.CommandLines;
import dev.edgetrain.cli.wakeword.WakewordCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code edgetrain} command: train, fine-tune, evaluate, predict, verify, inspect, and wake words. Exit codes and error lines
 * are {@link CommandLines}'.
 */
@Command(name = "edgetrain", mixinStandardHelpOptions = true, versionProvider = Edgetrain.Version.class,
        description = "Train small neural networks on the device and export them as ONNX.",
        subcommands = {TrainCommand.class, FinetuneCommand.class, EvaluateCommand.class, PredictCommand.class,
                VerifyCommand.class, InspectCommand.class, WakewordCommand.class, CommandLine.HelpCommand.class})
public final class Edgetrain implements Runnable {
    public static final int EXIT_OK = CommandLines.EXIT_OK;
    public static final int EXIT_CHECK_FAILED = CommandLines.EXIT_CHECK_FAILED;
    public static final int EXIT_USER_ERROR = CommandLines.EXIT_USER_ERROR;
    public static final int EXIT_OUT_OF_MEMORY = CommandLines.EXIT_OUT_OF_MEMORY;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests: no System.exit). */
    public static int run(String... args) {
        return CommandLines.execute(commandLine(), args);
    }

    public static CommandLine commandLine() {
        return CommandLines.configure(new CommandLine(new Edgetrain()));
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
            String v = Edgetrain.class.getPackage().getImplementationVersion();
            return new String[] {"edgetrain " + (v == null ? "(development build)" : v)};
        }
    }
}
