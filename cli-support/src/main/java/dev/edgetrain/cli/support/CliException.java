package dev.edgetrain.cli.support;

/**
 * A user mistake or a problem with the user's files: printed as one line, {@code edgetrain: <message>},
 * with exit code {@link CommandLines#EXIT_USER_ERROR}; never a stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Fails before any work when {@code file} (an output of {@code option}) cannot be written: no directory, a
     * directory of that name, a read-only file, or a directory where no file can be created.
     */
    public static void requireWritableLocation(java.io.File file, String option) {
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
        if (file.exists() && !java.nio.file.Files.isWritable(file.toPath())) {
            throw new CliException(option + " " + file + ": the file exists and is not writable");
        }
        // The file is written as a temporary file in the same directory, then renamed over the target
        // (AtomicFile): probe exactly that, before any work starts, so no result is lost at the end.
        try {
            java.nio.file.Path probe = java.nio.file.Files.createTempFile(dir.toPath(), "." + file.getName() + ".",
                    ".probe");
            java.nio.file.Files.delete(probe);
        } catch (java.nio.file.FileSystemException e) {
            throw new CliException(option + " " + file + ": cannot write in directory " + dir + ": "
                    + (e.getReason() != null ? e.getReason() : "refused"));
        } catch (java.io.IOException | SecurityException e) {
            throw new CliException(option + " " + file + ": cannot write in directory " + dir + ": " + e.getMessage());
        }
    }
}
