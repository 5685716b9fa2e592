package dev.edgetrain.cli;

/**
 * A user mistake or a problem with the user's files: printed as one line, {@code edgetrain: <message>},
 * with exit code {@link Edgetrain#EXIT_USER_ERROR}; never a stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Fails before any work when {@code file} (an output of {@code option}) cannot be created: no directory. */
    static void requireWritableLocation(java.io.File file, String option) {
        if (file == null) {
            return;
        }
        java.io.File dir = file.getAbsoluteFile().getParentFile();
        if (dir == null || !dir.isDirectory()) {
            throw new CliException(option + " " + file + ": directory " + dir + " does not exist");
        }
        if (file.isDirectory()) {
            throw new CliException(option + " " + file + ": is a directory, expected a file name");
        }
    }
}
