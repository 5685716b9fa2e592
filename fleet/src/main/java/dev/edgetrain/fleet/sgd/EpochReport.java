package dev.edgetrain.fleet.sgd;

import dev.edgetrain.fleet.score.Metrics;
import java.util.Locale;

/** One epoch of data-parallel training: its mean training loss, the model's quality after it, and its cost. */
public final class EpochReport {
    private final int epoch;
    private final int epochs;
    private final int steps;
    private final double trainLoss;
    private final Metrics evaluation;
    private final double seconds;
    private final long broadcastBytesPerStep;
    private final long uploadBytes;

    EpochReport(int epoch, int epochs, int steps, double trainLoss, Metrics evaluation, double seconds,
                long broadcastBytesPerStep, long uploadBytes) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.steps = steps;
        this.trainLoss = trainLoss;
        this.evaluation = evaluation;
        this.seconds = seconds;
        this.broadcastBytesPerStep = broadcastBytesPerStep;
        this.uploadBytes = uploadBytes;
    }

    /**
     * 1-based.
     *
     * @return this epoch's number
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Global steps the epoch took.
     *
     * @return the step count
     */
    public int steps() {
        return steps;
    }

    /**
     * Mean training loss over the epoch's rows, as the steps saw them.
     *
     * @return the loss
     */
    public double trainLoss() {
        return trainLoss;
    }

    /**
     * The model after the epoch on the evaluation rows, or null when none were given.
     *
     * @return the metrics, or null
     */
    public Metrics evaluation() {
        return evaluation;
    }

    /**
     * Wall-clock seconds of the epoch, evaluation included.
     *
     * @return seconds
     */
    public double seconds() {
        return seconds;
    }

    /**
     * Weights broadcast per step: 4 bytes per parameter.
     *
     * @return bytes broadcast per step
     */
    public long broadcastBytesPerStep() {
        return broadcastBytesPerStep;
    }

    /**
     * Serialized task results and shuffle bytes of the epoch's gradient jobs.
     *
     * @return bytes uploaded over the epoch
     */
    public long uploadBytes() {
        return uploadBytes;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epoch %d/%d: %d steps, train loss %.4f%s, %.2f s (%.1f ms a step), "
                        + "%d B down + %d B up a step",
                epoch, epochs, steps, trainLoss, evaluation == null ? "" : ", evaluation " + evaluation, seconds,
                1000 * seconds / steps, broadcastBytesPerStep, uploadBytes / Math.max(1, steps));
    }
}
