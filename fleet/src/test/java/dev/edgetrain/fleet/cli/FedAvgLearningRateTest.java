package dev.edgetrain.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code fleet fedavg}'s devices' learning rate without {@code --lr}: 0.1 for the SGD rules (a few local epochs a
 * round), and Adam's and AdamW's 0.001 as in {@code edgetrain train}, not 0.1, at which Adam's steps are a hundred
 * times larger.
 */
class FedAvgLearningRateTest {
    private static float rate(String... args) {
        FedAvgCommand command = new FedAvgCommand();
        new CommandLine(command).parseArgs(args);
        return command.learningRate();
    }

    @Test
    void theDefaultRateDependsOnTheRule() {
        assertEquals(0.1f, rate(), "the default rule, sgd");
        for (String rule : new String[] {"sgd", "momentum", "nesterov"}) {
            assertEquals(0.1f, rate("--optimizer", rule), rule);
        }
        for (String rule : new String[] {"adam", "adamw", "ADAM"}) {
            assertEquals(0.001f, rate("--optimizer", rule), rule);
        }
        assertEquals(0.05f, rate("--optimizer", "adam", "--lr", "0.05"), "an explicit rate wins");
    }

    @Test
    void theHelpSaysSo() {
        String help = new CommandLine(new FedAvgCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        assertTrue(help.contains("Devices' learning rate (default: 0.1 for sgd, momentum and nesterov; 0.001 for"
                + " adam/adamw, as edgetrain train)"), help);
    }
}
