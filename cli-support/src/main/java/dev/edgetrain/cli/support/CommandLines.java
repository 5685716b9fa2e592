package dev.edgetrain.cli.support;

import dev.edgetrain.runtime.DivergenceException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How every edgetrain command line (the {@code edgetrain} command, the fleet jar's) ends: exit codes, and errors as
 * one line on stderr.
 *
 * <p>Exit codes (the README's table): 0 success, 1 a check failed (onnxruntime disagrees with the runtime), 2 a user
 * mistake or bad data (bad option, missing file, bad data, unsupported model, unwritable output), 3 training diverged
 * (the loss or a gradient stopped being finite; no model written), 4 out of memory. 2, 3 and 4 are one line on stderr
 * without a stack trace.
 */
public final class CommandLines {
    /** Success. */
    public static final int EXIT_OK = 0;
    /** A check failed: onnxruntime disagrees with the runtime beyond the tolerance. */
    public static final int EXIT_CHECK_FAILED = 1;
    /** A user mistake or bad data: option, file, data, model, output location. */
    public static final int EXIT_USER_ERROR = 2;
    /** Training diverged (a non-finite loss, gradient or parameter) and stopped; nothing was written. */
    public static final int EXIT_DIVERGED = 3;
    /** The JVM ran out of memory; nothing was written. */
    public static final int EXIT_OUT_OF_MEMORY = 4;

    /**
     * What the command is doing with how much data, e.g. {@code reading fashion-mnist.csv (130 MB)}: named in the one
     * line an {@link OutOfMemoryError} becomes. Set by the commands as they go; null when nothing big is under way.
     */
    private static volatile String workInProgress;

    private CommandLines() {
    }

    /**
     * Installs the error handling on {@code cl}: one line for user mistakes and bad options.
     *
     * @param cl the command line
     * @return {@code cl}, configured
     */
    public static CommandLine configure(CommandLine cl) {
        cl.setExecutionExceptionHandler(CommandLines::handleExecutionException);
        cl.setParameterExceptionHandler(CommandLines::handleParameterException);
        return cl;
    }

    /**
     * Runs {@code cl} on {@code args}; out of memory becomes one line and {@link #EXIT_OUT_OF_MEMORY}.
     *
     * @param cl the configured command line
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(CommandLine cl, String... args) {
        workInProgress = null;
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(cl, args);
        }
    }

    /**
     * Records what the command is doing, for the out-of-memory message.
     *
     * @param what the work under way ({@code "reading digits.csv (12 MB)"}), or null when nothing big is
     */
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
                + ": the JVM's heap holds at most " + heapMb + " MB; train with --stream (the data stays on disk),"
                + " or give the JVM more memory (java -Xmx4g -jar ..., or JAVA_OPTS=-Xmx4g ./edgetrain ...)");
        err.flush();
        return EXIT_OUT_OF_MEMORY;
    }

    /**
     * A user mistake (bad data, missing file, unsupported model, refused setting) or diverged training is one line on
     * stderr, with its exit code; anything else is a bug and keeps its stack trace.
     */
    private static int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        int exit;
        if (e instanceof CliException) {
            exit = ((CliException) e).exitCode();
        } else if (e instanceof DivergenceException) {
            exit = EXIT_DIVERGED;
        } else if (e instanceof java.io.IOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            exit = EXIT_USER_ERROR;
        } else {
            throw new RuntimeException(e);
        }
        PrintWriter err = cl.getErr();
        err.println(qualifiedName(cl) + ": error: " + e.getMessage());
        err.flush();
        return exit;
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
