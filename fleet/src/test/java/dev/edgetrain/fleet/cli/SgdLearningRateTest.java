package dev.edgetrain.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.model.OptimizerSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code fleet sgd}'s learning rate without {@code --lr} depends on the update rule as {@code edgetrain train}'s does:
 * 0.001 for Adam and AdamW (whose steps are about the rate itself), 0.05 for the SGD rules.
 */
class SgdLearningRateTest {
    private static OptimizerSettings parsed(String... args) {
        SgdCommand command = new SgdCommand();
        new CommandLine(command).parseArgs(args);
        return command.optimizerSettings();
    }

    @Test
    void theDefaultRateDependsOnTheRule() {
        assertEquals(0.05f, parsed().learningRate(), "the default rule, momentum");
        assertEquals(OptimizerSettings.Rule.MOMENTUM, parsed().rule());
        for (String rule : new String[] {"sgd", "momentum", "nesterov"}) {
            assertEquals(0.05f, parsed("--optimizer", rule).learningRate(), rule);
        }
        for (String rule : new String[] {"adam", "adamw", "AdamW"}) {
            assertEquals(0.001f, parsed("--optimizer", rule).learningRate(), rule);
        }
        assertTrue(parsed("--optimizer", "adamw").toString().contains("weightDecay=1.0E-4"),
                "adamw keeps its own weight decay: " + parsed("--optimizer", "adamw"));
    }

    @Test
    void anExplicitRateWinsForEveryRule() {
        assertEquals(0.05f, parsed("--optimizer", "adam", "--lr", "0.05").learningRate());
        assertEquals(0.001f, parsed("--optimizer", "sgd", "--learning-rate", "0.001").learningRate());
        assertEquals(0.02f, parsed("--optimizer", "adamw", "--lr", "0.02", "--weight-decay", "0.01").learningRate());
    }

    @Test
    void theHelpSaysSo() {
        String help = new CommandLine(new SgdCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        assertTrue(help.contains("Learning rate (default: 0.001 for adam/adamw, 0.05 for sgd, momentum and nesterov,"
                + " as edgetrain train)"), help);
    }
}
