package dev.edgetrain.cli.support;

import picocli.CommandLine.Option;

/** {@code --quiet} and {@code --json}, shared by every command (the fleet commands too). */
public final class OutputOptions {
    /** Options as picocli fills them in: both off until given. */
    public OutputOptions() {
    }

    /** {@code --quiet}: print only the result lines and errors. */
    @Option(names = "--quiet", description = "Print only the result (what was written, the final metrics) and errors.")
    public boolean quiet;

    /** {@code --json}: print one JSON document instead of text. */
    @Option(names = "--json", description = "Print one JSON document with the results instead of text.")
    public boolean json;

    /**
     * A console on standard output as these options say.
     *
     * @return a new console
     */
    public Console console() {
        return new Console(System.out, quiet, json);
    }
}
