package dev.edgetrain.cli.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/**
 * Where a CSV comes from: a file path, or the name of a data set shipped inside the jar
 * ({@code digits}, {@code iris}, {@code wine}, {@code breast_cancer}; copies of {@code models/data/}).
 */
public final class DataSource {
    /** The data sets shipped in {@code models/data/} and bundled into the jar. */
    public static final List<String> SHIPPED = Arrays.asList("digits", "iris", "wine", "breast_cancer");
    /** The default data set of {@code edgetrain train}. */
    public static final String DEFAULT = "digits";

    private final String name;
    private final Path path;

    private DataSource(String name, Path path) {
        this.name = name;
        this.path = path;
    }

    /**
     * The data a {@code --data} argument names: a path to an existing file, or a shipped data set's name.
     *
     * @param argument the option's value
     * @return the source
     * @throws CliException when the argument is empty, a directory, or neither a file nor a shipped set
     */
    public static DataSource resolve(String argument) {
        if (argument == null || argument.isEmpty()) {
            throw new CliException("no data given: expected a CSV file or one of " + SHIPPED);
        }
        Path p = Paths.get(argument);
        if (Files.isRegularFile(p)) {
            return new DataSource(p.toString(), p);
        }
        if (SHIPPED.contains(argument)) {
            return new DataSource(argument, null);
        }
        if (Files.isDirectory(p)) {
            throw new CliException(argument + ": is a directory, expected a CSV file");
        }
        throw new CliException(argument + ": no such file (and not a shipped data set: " + SHIPPED + ")");
    }

    /**
     * The file path, or the shipped set's name: what error messages call it.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * A short name for the data set, for default output names: the shipped name, or the file name without
     * {@code .csv}.
     *
     * @return the short name
     */
    public String shortName() {
        if (path == null) {
            return name;
        }
        String file = path.getFileName().toString();
        return file.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? file.substring(0, file.length() - 4) : file;
    }

    /**
     * The file, or null for a shipped set.
     *
     * @return the file, or null
     */
    public java.io.File file() {
        return path == null ? null : path.toFile();
    }

    /**
     * The file's size in bytes, for progress and memory planning.
     *
     * @return the size, or -1 for a shipped set (small, inside the jar) or a file whose size cannot be read
     */
    public long bytes() {
        try {
            return path == null ? -1 : Files.size(path);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Opens the data's bytes: the file, or the shipped set inside the jar.
     *
     * @return a new stream; the caller closes it
     * @throws IOException when the file cannot be opened
     * @throws CliException when a shipped set is missing from this build's jar
     */
    public InputStream open() throws IOException {
        if (path != null) {
            return Files.newInputStream(path);
        }
        InputStream in = DataSource.class.getResourceAsStream(name + ".csv");
        if (in == null) {
            throw new CliException("shipped data set '" + name + "' is missing from this build of edgetrain");
        }
        return in;
    }
}
