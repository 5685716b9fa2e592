package dev.edgetrain.cli.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A user mistake or a problem with the user's files: printed as one line, {@code edgetrain: <message>},
 * with exit code {@link CommandLines#EXIT_USER_ERROR} (or, made by {@link #diverged}, {@link
 * CommandLines#EXIT_DIVERGED}); never a stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** What the command exits with. */
    private final int exitCode;

    /**
     * A user mistake: exit code {@link CommandLines#EXIT_USER_ERROR}.
     *
     * @param message the line to print: what is wrong (the file, line, column or option) and what was expected
     */
    public CliException(String message) {
        this(message, null);
    }

    /**
     * A user mistake found as {@code cause}: exit code {@link CommandLines#EXIT_USER_ERROR}.
     *
     * @param message the line to print: what is wrong and what was expected
     * @param cause the exception that found the mistake (a data or import error), kept for programs; not printed
     */
    public CliException(String message, Throwable cause) {
        this(message, cause, CommandLines.EXIT_USER_ERROR);
    }

    private CliException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * Training diverged and stopped, nothing written: exit code {@link CommandLines#EXIT_DIVERGED}.
     *
     * @param message the line to print: where training diverged (epoch, batch, step), what went wrong, what to try
     * @param cause the runtime's divergence exception
     * @return the exception, to throw
     */
    public static CliException diverged(String message, Throwable cause) {
        return new CliException(message, cause, CommandLines.EXIT_DIVERGED);
    }

    /**
     * The exit code the command ends with.
     *
     * @return {@link CommandLines#EXIT_USER_ERROR} or {@link CommandLines#EXIT_DIVERGED}
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Fails before any work when {@code file} (an output of {@code option}) cannot be written: no directory, a
     * directory of that name, a read-only file, or a directory where no file can be created.
     *
     * @param file the output file, or null (no output: nothing to check)
     * @param option the option that named it, for the message ({@code --out})
     * @throws CliException naming the option, the file and why it cannot be written
     */
    public static void requireWritableLocation(File file, String option) {
        if (file == null) {
            return;
        }
        File dir = file.getAbsoluteFile().getParentFile();
        if (dir == null || !dir.exists()) {
            throw new CliException(option + " " + file + ": directory " + dir + " does not exist");
        }
        if (!dir.isDirectory()) {
            throw new CliException(option + " " + file + ": " + dir + " is a file, not a directory");
        }
        if (file.isDirectory()) {
            throw new CliException(option + " " + file + ": is a directory, expected a file name");
        }
        if (file.exists() && !Files.isWritable(file.toPath())) {
            throw new CliException(option + " " + file + ": the file exists and is not writable");
        }
        // The file is written as a temporary file in the same directory, then renamed over the target
        // (AtomicFile): probe exactly that, before any work starts, so no result is lost at the end.
        try {
            Path probe = Files.createTempFile(dir.toPath(), "." + file.getName() + ".", ".probe");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new CliException(option + " " + file + ": cannot write in directory " + dir + ": permission denied");
        } catch (NoSuchFileException e) {
            throw new CliException(option + " " + file + ": cannot write in directory " + dir
                    + ": it takes no new files");
        } catch (FileSystemException e) {
            throw new CliException(option + " " + file + ": cannot write in directory " + dir + ": "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()));
        } catch (IOException | SecurityException e) {
            throw new CliException(option + " " + file + ": cannot write in directory " + dir + ": " + e.getMessage());
        }
    }
}
