package dev.edgetrain.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.LearningRates;
import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import picocli.CommandLine.Option;

/** How to optimise: rule, learning rate, schedule, weight decay, clipping. Shared by train and finetune. */
final class OptimizerOptions {
    enum Rule {
        sgd, momentum, nesterov, adam, adamw
    }

    enum Schedule {
        constant, step, cosine
    }

    @Option(names = "--optimizer", paramLabel = "RULE",
            description = "Update rule: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Rule rule = Rule.adam;

    @Option(names = {"--lr", "--learning-rate"}, paramLabel = "RATE",
            description = "Learning rate (" + LearningRates.HELP + ").")
    Float learningRate;

    @Option(names = "--momentum", paramLabel = "M",
            description = "Momentum of momentum/nesterov (default: ${DEFAULT-VALUE}).")
    float momentum = 0.9f;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "Weight decay on weights, not biases: L2 for sgd/adam, decoupled for adamw (default: 0, "
                    + "adamw 0.0001).")
    Float weightDecay;

    @Option(names = "--clip-norm", paramLabel = "NORM",
            description = "Clip gradients to this global L2 norm; 0 = off (default: ${DEFAULT-VALUE}).")
    float clipNorm = 0f;

    @Option(names = "--schedule", paramLabel = "KIND",
            description = "Learning-rate schedule: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "step halves the rate every --step-epochs; cosine anneals to 0 over the run.")
    Schedule schedule = Schedule.constant;

    @Option(names = "--step-epochs", paramLabel = "N",
            description = "Epochs between halvings of the step schedule (default: ${DEFAULT-VALUE}).")
    int stepEpochs = 10;

    @Option(names = "--on-divergence", paramLabel = "ACTION",
            description = "When the loss or a gradient stops being finite, the last good state is restored; then "
                    + "stop (default) or lower-lr: halve the learning rate and go on.")
    String onDivergence = "stop";

    @Option(names = "--max-recoveries", paramLabel = "N",
            description = "With --on-divergence lower-lr, give up after N recoveries (default: ${DEFAULT-VALUE}).")
    int maxRecoveries = 10;

    @Option(names = "--warmup-epochs", paramLabel = "N",
            description = "Linear learning-rate warm-up over N epochs (default: 0).")
    int warmupEpochs = 0;

    /** Applies --on-divergence to a trainer. */
    void applyDivergencePolicy(dev.edgetrain.runtime.train.Trainer trainer) {
        if ("lower-lr".equals(onDivergence)) {
            if (maxRecoveries < 1) {
                throw new CliException("--max-recoveries must be at least 1, got " + maxRecoveries);
            }
            trainer.setDivergenceRecovery(0.5, maxRecoveries);
        } else if (!"stop".equals(onDivergence)) {
            throw new CliException("--on-divergence must be stop or lower-lr, got '" + onDivergence + "'");
        }
    }

    /** The optimizer for a run of {@code epochs} epochs of {@code batchesPerEpoch} steps. */
    OptimizerConfig config(int epochs, int batchesPerEpoch) {
        float lr = learningRate != null ? learningRate : LearningRates.defaultFor(rule.name());
        OptimizerConfig c;
        switch (rule) {
            case sgd:
                c = OptimizerConfig.sgd(lr);
                break;
            case momentum:
                c = OptimizerConfig.sgd(lr).withMomentum(momentum, false);
                break;
            case nesterov:
                c = OptimizerConfig.sgd(lr).withMomentum(momentum, true);
                break;
            case adam:
                c = OptimizerConfig.adam(lr);
                break;
            default:
                c = OptimizerConfig.adamW(lr, 1e-4f);
                break;
        }
        if (weightDecay != null) {
            c = c.withWeightDecay(weightDecay);
        }
        c = c.withClipNorm(clipNorm);
        long steps = (long) Math.max(1, epochs) * batchesPerEpoch;
        long warmup = (long) warmupEpochs * batchesPerEpoch;
        LearningRateSchedule s;
        switch (schedule) {
            case step:
                if (stepEpochs < 1) {
                    throw new CliException("--step-epochs must be at least 1, got " + stepEpochs);
                }
                s = LearningRateSchedule.step((long) stepEpochs * batchesPerEpoch, 0.5);
                break;
            case cosine:
                s = LearningRateSchedule.cosine(Math.max(1, steps - warmup), 0.0);
                break;
            default:
                s = LearningRateSchedule.constant();
                break;
        }
        if (warmupEpochs < 0) {
            throw new CliException("--warmup-epochs must be >= 0, got " + warmupEpochs);
        }
        if (warmup > 0) {
            s = s.withWarmup(warmup);
        }
        return c.withSchedule(s);
    }
}
