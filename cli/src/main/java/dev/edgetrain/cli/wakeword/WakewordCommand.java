package dev.edgetrain.cli.wakeword;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code edgetrain wakeword}: train a wake-word head on openWakeWord's frozen backbone, and score audio with one. */
@Command(name = "wakeword", mixinStandardHelpOptions = true,
        description = {"Train your own wake word on openWakeWord's frozen backbone, and score audio with a head."},
        subcommands = {WakewordTrainCommand.class, WakewordEvaluateCommand.class, WakewordScoreCommand.class})
public final class WakewordCommand implements Runnable {
    /** The {@code edgetrain wakeword} command group; picocli runs its subcommands. */
    public WakewordCommand() {
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "expected a command: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
