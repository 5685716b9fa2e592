package dev.edgetrain.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import picocli.CommandLine.Option;

/** What network {@code train} builds: task, hidden layers and what follows each (activation, layer norm, dropout). */
final class ArchitectureOptions {
    @Option(names = "--task", paramLabel = "TASK",
            description = "classify (softmax, one class per row; default), binary (one sigmoid output), multilabel "
                    + "(a sigmoid per label column) or regress (real-valued targets).")
    String task;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",",
            description = "Hidden layer widths, e.g. 64 or 128,64; 0 for none (default: 64).")
    int[] hidden = {64};

    @Option(names = "--activation", paramLabel = "NAME", split = ",",
            description = "Hidden-layer activation: relu (default), leaky_relu[:ALPHA], tanh, sigmoid, gelu, "
                    + "gelu_tanh, identity; one for all hidden layers or one per layer.")
    String[] activation = {"relu"};

    @Option(names = "--output-activation", paramLabel = "NAME",
            description = "Activation of the output layer, before the task's head (default: identity).")
    String outputActivation = "identity";

    @Option(names = "--layer-norm",
            description = "A layer norm (learnable scale and shift) after every hidden dense layer.")
    boolean layerNorm;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dropout rate after every hidden layer while training (default: 0, none).")
    float dropout;

    @Option(names = "--no-bias", description = "Dense layers without biases (the founding network's form).")
    boolean noBias;

    /** The task asked for, or classify. */
    Task task() {
        if (task == null) {
            return Task.CLASSIFY;
        }
        try {
            return Task.parse(task);
        } catch (IllegalArgumentException e) {
            throw new CliException("--task: " + e.getMessage());
        }
    }

    boolean taskGiven() {
        return task != null;
    }

    /** Hidden widths; {@code [0]} means none. */
    int[] widths() {
        for (int h : hidden) {
            if (h < 0 || (h == 0 && hidden.length > 1)) {
                throw new CliException("--hidden takes positive widths like 64 or 128,64 (or 0 for none), got "
                        + java.util.Arrays.toString(hidden));
            }
        }
        return hidden.length == 1 && hidden[0] == 0 ? new int[0] : hidden;
    }

    /** The network for {@code inputs} features and {@code outputs} outputs of the task. */
    NetworkSpec spec(int inputs, int outputs) {
        int[] widths = widths();
        if (activation.length != 1 && activation.length != widths.length) {
            throw new CliException("--activation takes one name or one per hidden layer (" + widths.length + "), got "
                    + activation.length);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new CliException("--dropout must be in [0, 1), got " + dropout);
        }
        NetworkSpec.Builder b = NetworkSpec.builder(inputs);
        for (int h = 0; h < widths.length; h++) {
            b.hidden(widths[h], parse("--activation", activation[activation.length == 1 ? 0 : h])).bias(!noBias);
            if (layerNorm) {
                b.layerNorm();
            }
            if (dropout > 0) {
                b.dropout(dropout);
            }
        }
        b.output(outputs, task()).activation(parse("--output-activation", outputActivation)).bias(!noBias);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static Activation parse(String option, String name) {
        try {
            return Activation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(option + ": " + e.getMessage());
        }
    }

    /** What must not change between an interrupted run and its resumption. */
    String settings() {
        return "task=" + task() + " hidden=" + java.util.Arrays.toString(hidden) + " activation="
                + String.join(",", activation) + " output-activation=" + outputActivation + " layer-norm=" + layerNorm
                + " dropout=" + dropout + " bias=" + !noBias;
    }
}
