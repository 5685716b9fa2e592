package dev.edgetrain.cli.support;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How every edgetrain command line (the {@code edgetrain} command, the fleet jar's) ends: exit codes, and errors as
 * one line on stderr.
 *
 * <p>Exit codes: 0 success, 1 a check failed (onnxruntime disagrees with the runtime), 2 a user mistake (bad option,
 * missing file, bad data, unsupported model), 3 out of memory; 2 and 3 are printed as one line without a stack trace.
 */
public final class CommandLines {
    public static final int EXIT_OK = 0;
    public static final int EXIT_CHECK_FAILED = 1;
    public static final int EXIT_USER_ERROR = 2;
    public static final int EXIT_OUT_OF_MEMORY = 3;

    /**
     * What the command is doing with how much data, e.g. {@code reading fashion-mnist.csv (130 MB)}: named in the one
     * line an {@link OutOfMemoryError} becomes. Set by the commands as they go; null when nothing big is under way.
     */
    private static volatile String workInProgress;

    private CommandLines() {
    }

    /** Installs the error handling on {@code cl}: one line for user mistakes and bad options. */
    public static CommandLine configure(CommandLine cl) {
        cl.setExecutionExceptionHandler(CommandLines::handleExecutionException);
        cl.setParameterExceptionHandler(CommandLines::handleParameterException);
        return cl;
    }

    /** Runs {@code cl} on {@code args} and returns the exit code; out of memory becomes one line and code 3. */
    public static int execute(CommandLine cl, String... args) {
        workInProgress = null;
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(cl, args);
        }
    }

    /** Records what the command is doing, for the out-of-memory message (null: nothing big). */
    public static void working(String what) {
        workInProgress = what;
    }

    /**
     * Running out of memory is one line naming the work and the heap, with what to do; never a stack trace. Nothing
     * is written by then: outputs are written atomically, and only at the end.
     */
    private static int outOfMemory(CommandLine cl, String[] args) {
        String work = workInProgress;
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        String command = args.length > 0 && cl.getSubcommands().containsKey(args[0]) ? args[0] : cl.getCommandName();
        PrintWriter err = cl.getErr();
        err.println(prefix(command) + "error: out of memory" + (work == null ? "" : " while " + work)
                + ": the JVM's heap holds at most " + heapMb + " MB; train with --stream (the data stays on disk), or give "
                + "the JVM more memory (java -Xmx4g -jar ..., or JAVA_OPTS=-Xmx4g ./edgetrain ...)");
        err.flush();
        return EXIT_OUT_OF_MEMORY;
    }

    /**
     * A user mistake (bad data, missing file, unsupported model, refused setting, diverged training) is one line on
     * stderr; anything else is a bug and keeps its stack trace.
     */
    private static int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof CliException || e instanceof java.io.IOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            PrintWriter err = cl.getErr();
            err.println(qualifiedName(cl) + ": error: " + e.getMessage());
            err.flush();
            return EXIT_USER_ERROR;
        }
        throw new RuntimeException(e);
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = qualifiedName(cl);
        err.println(name + ": error: " + e.getMessage() + " (see '" + name + " --help')");
        err.flush();
        return EXIT_USER_ERROR;
    }

    /** The command as typed: {@code edgetrain wakeword score}, {@code edgetrain fleet score}. */
    private static String qualifiedName(CommandLine cl) {
        String name = cl.getCommandSpec().qualifiedName();
        return name.startsWith("edgetrain") ? name : "edgetrain " + name;
    }

    private static String prefix(String command) {
        return "edgetrain".equals(command) ? "edgetrain: " : "edgetrain " + command + ": ";
    }
}
