package dev.edgetrain.cli.support;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;

/**
 * What a command prints: human-readable lines on stdout (none with {@code --quiet} or {@code --json}), and
 * with {@code --json} one JSON document at the end, for scripts.
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
