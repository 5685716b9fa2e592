package dev.edgetrain.fleet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgetrain fleet}: training and scoring across many machines or devices, on Apache Spark. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Beyond one device, on Apache Spark (local[*] by default, any cluster with --master or "
                + "spark-submit): federated averaging, synchronous data-parallel SGD, distributed scoring.",
        subcommands = {FedAvgCommand.class, SgdCommand.class, ScoreCommand.class, CommandLine.HelpCommand.class})
public final class FleetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Picocli's instance of the {@code fleet} command; the work is done by its subcommands. */
    public FleetCommand() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "expected a command: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
