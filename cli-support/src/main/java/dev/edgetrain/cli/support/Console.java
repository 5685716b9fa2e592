package dev.edgetrain.cli.support;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;

/**
 * What a command prints: human-readable lines on stdout, and with {@code --json} one JSON document at the end, for
 * scripts. {@code --quiet} keeps only the result lines ({@link #result}: what was written, the final metrics, the
 * onnxruntime check) and drops the progress ({@link #line}: settings, epochs); {@code --json} prints no text.
 */
public final class Console {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    private final PrintStream out;
    private final boolean quiet;
    private final boolean json;

    public Console(PrintStream out, boolean quiet, boolean json) {
        this.out = out;
        this.quiet = quiet;
        this.json = json;
    }

    /** Human output is shown (neither --quiet nor --json). */
    public boolean human() {
        return !quiet && !json;
    }

    public boolean json() {
        return json;
    }

    public void line(String text) {
        if (human()) {
            out.println(text);
        }
    }

    public void line(String format, Object... args) {
        if (human()) {
            out.println(String.format(java.util.Locale.ROOT, format, args));
        }
    }

    /** Whether result lines are shown (no --json; --quiet keeps them). */
    public boolean results() {
        return !json;
    }

    /** A result line (the outcome of the command): shown with --quiet too, not with --json. */
    public void result(String format, Object... args) {
        if (results()) {
            out.println(String.format(java.util.Locale.ROOT, format, args));
        }
    }

    /** Prints {@code document} as JSON when --json was given. */
    public void document(Object document) {
        if (json) {
            out.println(GSON.toJson(document));
        }
    }

    public PrintStream stream() {
        return out;
    }
}
