package dev.edgetrain.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code edgetrain} command: train, fine-tune, evaluate, predict, verify, inspect.
 *
 * <p>Exit codes: 0 success, 1 a check failed (onnxruntime disagrees with the runtime), 2 a user mistake
 * (bad option, missing file, bad data, unsupported model), 3 out of memory; 2 and 3 are printed as one line without a
 * stack trace.
 */
@Command(name = "edgetrain", mixinStandardHelpOptions = true, versionProvider = Edgetrain.Version.class,
        description = "Train small neural networks on the device and export them as ONNX.",
        subcommands = {TrainCommand.class, FinetuneCommand.class, EvaluateCommand.class, PredictCommand.class,
                VerifyCommand.class, InspectCommand.class, CommandLine.HelpCommand.class})
public final class Edgetrain implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_CHECK_FAILED = 1;
    public static final int EXIT_USER_ERROR = 2;
    public static final int EXIT_OUT_OF_MEMORY = 3;

    /**
     * What the command is doing with how much data, e.g. {@code reading fashion-mnist.csv (130 MB)}: named in the one
     * line an {@link OutOfMemoryError} becomes. Set by the commands as they go; null when nothing big is under way.
     */
    static volatile String workInProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests: no System.exit). */
    public static int run(String... args) {
        workInProgress = null;
        CommandLine cl = commandLine();
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(cl, args);
        }
    }

    /**
     * Running out of memory is one line naming the work and the heap, with what to do, and exit code
     * {@link #EXIT_OUT_OF_MEMORY}; never a stack trace. Nothing is written by then: outputs are written atomically.
     */
    private static int outOfMemory(CommandLine cl, String[] args) {
        String work = workInProgress;
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        String command = args.length > 0 && cl.getSubcommands().containsKey(args[0]) ? args[0] : "edgetrain";
        java.io.PrintWriter err = cl.getErr();
        err.println(prefix(command) + "error: out of memory" + (work == null ? "" : " while " + work)
                + ": the JVM's heap holds at most " + heapMb + " MB; train with --stream (the data stays on disk), or give "
                + "the JVM more memory (java -Xmx4g -jar ..., or JAVA_OPTS=-Xmx4g ./edgetrain ...)");
        err.flush();
        return EXIT_OUT_OF_MEMORY;
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Edgetrain());
        cl.setExecutionExceptionHandler(Edgetrain::handleExecutionException);
        cl.setParameterExceptionHandler(Edgetrain::handleParameterException);
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "expected a command: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * A user mistake (bad data, missing file, unsupported model, refused setting, diverged training) is one
     * line on stderr; anything else is a bug and keeps its stack trace.
     */
    private static int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof CliException || e instanceof java.io.IOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            PrintWriter err = cl.getErr();
            err.println(prefix(cl.getCommandName()) + "error: " + e.getMessage());
            err.flush();
            return EXIT_USER_ERROR;
        }
        throw new RuntimeException(e);
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": error: " + e.getMessage() + " (see '" + name + " --help')");
        err.flush();
        return EXIT_USER_ERROR;
    }

    private static String prefix(String command) {
        return "edgetrain".equals(command) ? "edgetrain: " : "edgetrain " + command + ": ";
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
