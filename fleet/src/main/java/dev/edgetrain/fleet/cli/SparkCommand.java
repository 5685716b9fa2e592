package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.support.OutputOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** What every fleet command shares: the Spark and output options, and the unwrapping of Spark's failures. */
abstract class SparkCommand implements Callable<Integer> {
    @Mixin
    SparkOptions spark;

    @Mixin
    OutputOptions output;

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (Exception e) { // Spark's SparkException is checked but undeclared: it comes through here too
            throw Commands.unwrap(e);
        }
    }

    /** The command itself; returns the exit code. */
    abstract int run() throws Exception;
}
