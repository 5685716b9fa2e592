package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.data.DataException;
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
            Exception cause = Commands.unwrap(e);
            if (cause instanceof DataException) { // a mistake in the data: one line, exit code 2
                throw new CliException(cause.getMessage(), cause);
            }
            throw cause;
        }
    }

    /** The command itself; returns the exit code. */
    abstract int run() throws Exception;
}
