package dev.edgetrain.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.BatchSource;
import picocli.CommandLine.Option;

/** The loss to train with, shared by train and finetune. */
final class LossOptions {
    @Option(names = "--loss", paramLabel = "NAME",
            description = "cross_entropy (classify), binary_cross_entropy (binary, multilabel), mse or huber[:DELTA] "
                    + "(regress); default: the task's usual one.")
    String loss;

    @Option(names = "--class-weights", paramLabel = "W,W,...|balanced",
            description = "Weight of each class in the loss (binary: negative,positive), or balanced: "
                    + "rows / (classes x rows of the class), from the training rows.")
    String classWeights;

    @Option(names = "--label-smoothing", paramLabel = "EPS",
            description = "Cross-entropy against (1 - EPS) one-hot + EPS / classes (default: 0).")
    float labelSmoothing;

    /** The loss for {@code task}, with class weights computed from {@code train} when asked for {@code balanced}. */
    Loss loss(Task task, BatchSource train) {
        try {
            Loss l = loss == null ? Loss.defaultFor(task) : Loss.parse(loss);
            if (classWeights != null) {
                l = l.withClassWeights(weights(task, train));
            }
            if (labelSmoothing != 0f) {
                l = l.withLabelSmoothing(labelSmoothing);
            }
            return l;
        } catch (IllegalArgumentException e) {
            throw new CliException("--loss/--class-weights/--label-smoothing: " + e.getMessage());
        }
    }

    private float[] weights(Task task, BatchSource train) {
        if (train.classes() == 0) {
            throw new CliException("--class-weights applies to classify and binary tasks, not " + task);
        }
        int classes = train.classes();
        if (classWeights.trim().equalsIgnoreCase("balanced")) {
            int[] counts = counts(train);
            float[] w = new float[classes];
            for (int c = 0; c < classes; c++) {
                w[c] = counts[c] == 0 ? 0f : (float) train.rows() / (classes * (float) counts[c]);
            }
            return w;
        }
        String[] parts = classWeights.split(",", -1);
        if (parts.length != classes) {
            throw new CliException("--class-weights gives " + parts.length + " weights, the data has " + classes
                    + " classes" + (task == Task.BINARY ? " (negative,positive)" : ""));
        }
        float[] w = new float[classes];
        for (int c = 0; c < classes; c++) {
            try {
                w[c] = Float.parseFloat(parts[c].trim());
            } catch (NumberFormatException e) {
                throw new CliException("--class-weights: '" + parts[c] + "' is not a number");
            }
        }
        return w;
    }

    /** Rows of each class of a labelled source, read once in stored order. */
    private static int[] counts(BatchSource train) {
        int[] counts = new int[train.classes()];
        int chunk = 256;
        float[] x = new float[chunk * train.featureCount()];
        int[] labels = new int[chunk];
        train.startEpoch(null);
        for (int n; (n = train.nextBatch(x, labels, null, chunk)) > 0; ) {
            for (int r = 0; r < n; r++) {
                counts[labels[r]]++;
            }
        }
        return counts;
    }

    /** What must not change between an interrupted run and its resumption (the loss itself is checked too). */
    String settings() {
        return "loss=" + loss + " class-weights=" + classWeights + " label-smoothing=" + labelSmoothing;
    }
}
