package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.report.Console;
import picocli.CommandLine.Option;

/** {@code --quiet} and {@code --json}, as the other edgetrain commands have them. */
final class Output {
    @Option(names = "--quiet", description = "Print nothing but errors.")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON document with the results instead of text.")
    boolean json;

    Console console() {
        return new Console(System.out, quiet, json);
    }
}
