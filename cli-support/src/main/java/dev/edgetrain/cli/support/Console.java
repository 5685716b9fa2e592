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

    /**
     * A console printing to {@code out} as the options say.
     *
     * @param out where every line and the JSON document go (standard output)
     * @param quiet {@code --quiet}: result lines only
     * @param json {@code --json}: the JSON document only
     */
    public Console(PrintStream out, boolean quiet, boolean json) {
        this.out = out;
        this.quiet = quiet;
        this.json = json;
    }

    /**
     * Whether human output (progress, settings, epochs) is shown.
     *
     * @return true when neither {@code --quiet} nor {@code --json} was given
     */
    public boolean human() {
        return !quiet && !json;
    }

    /**
     * Whether {@code --json} was given: one JSON document, no text.
     *
     * @return true for JSON output
     */
    public boolean json() {
        return json;
    }

    /**
     * A progress line (settings, an epoch): shown only as human output.
     *
     * @param text the line, without its line break
     */
    public void line(String text) {
        if (human()) {
            out.println(text);
        }
    }

    /**
     * A progress line formatted with {@link String#format} in {@link java.util.Locale#ROOT} (a decimal point
     * everywhere): shown only as human output.
     *
     * @param format the format
     * @param args its arguments
     */
    public void line(String format, Object... args) {
        if (human()) {
            out.println(String.format(java.util.Locale.ROOT, format, args));
        }
    }

    /**
     * Whether result lines are shown.
     *
     * @return true unless {@code --json} was given ({@code --quiet} keeps them)
     */
    public boolean results() {
        return !json;
    }

    /**
     * A result line (the outcome of the command), formatted as {@link #line(String, Object...)}: shown with
     * {@code --quiet} too, not with {@code --json}.
     *
     * @param format the format
     * @param args its arguments
     */
    public void result(String format, Object... args) {
        if (results()) {
            out.println(String.format(java.util.Locale.ROOT, format, args));
        }
    }

    /**
     * Prints {@code document} as pretty-printed JSON when {@code --json} was given (non-finite numbers as
     * {@code NaN}/{@code Infinity}); nothing otherwise.
     *
     * @param document maps, lists, strings and numbers, as Gson serialises them
     */
    public void document(Object document) {
        if (json) {
            out.println(GSON.toJson(document));
        }
    }

    /**
     * The stream the console prints to, for output that is not a line (a table, a progress bar's end).
     *
     * @return the stream given at construction
     */
    public PrintStream stream() {
        return out;
    }
}
