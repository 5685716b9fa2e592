package dev.edgetrain.cli.support;

import picocli.CommandLine.Option;

/** {@code --quiet} and {@code --json}, shared by every command (the fleet commands too). */
public final class OutputOptions {
    @Option(names = "--quiet", description = "Print only the result (what was written, the final metrics) and errors.")
    public boolean quiet;

    @Option(names = "--json", description = "Print one JSON document with the results instead of text.")
    public boolean json;

    public Console console() {
        return new Console(System.out, quiet, json);
    }
}
