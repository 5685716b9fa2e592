package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.score.Metrics;
import java.util.Arrays;
import java.util.Locale;

/** What one federated round did: who trained, on how much data, the resulting global model's quality, and cost. */
public final class RoundReport {
    private final int round;
    private final int rounds;
    private final int[] sampled;
    private final int[] dropped;
    private final long examples;
    private final double trainLoss;
    private final Metrics global;
    private final double seconds;
    private final long broadcastBytes;
    private final long uploadBytes;
    private final double epsilon;

    RoundReport(int round, int rounds, int[] sampled, int[] dropped, long examples, double trainLoss, Metrics global,
                double seconds, long broadcastBytes, long uploadBytes, double epsilon) {
        this.round = round;
        this.rounds = rounds;
        this.sampled = sampled;
        this.dropped = dropped;
        this.examples = examples;
        this.trainLoss = trainLoss;
        this.global = global;
        this.seconds = seconds;
        this.broadcastBytes = broadcastBytes;
        this.uploadBytes = uploadBytes;
        this.epsilon = epsilon;
    }

    /**
     * 1-based.
     *
     * @return this round's number, in [1, {@link #rounds()}]
     */
    public int round() {
        return round;
    }

    /**
     * Number of rounds the run takes.
     *
     * @return the total number of rounds
     */
    public int rounds() {
        return rounds;
    }

    /**
     * Ids of the clients sampled for this round, ascending.
     *
     * @return a copy of the ids
     */
    public int[] sampledClients() {
        return sampled.clone();
    }

    /**
     * Ids of sampled clients whose update was discarded (local training diverged) or lost (simulated dropout).
     *
     * @return a copy of the ids, ascending
     */
    public int[] droppedClients() {
        return dropped.clone();
    }

    /**
     * Clients whose update went into the average.
     *
     * @return sampled minus dropped clients
     */
    public int clientsAveraged() {
        return sampled.length - dropped.length;
    }

    /**
     * Training examples behind the averaged updates.
     *
     * @return the rows of the averaged clients' shards
     */
    public long examples() {
        return examples;
    }

    /**
     * Example-weighted mean of the clients' last local-epoch training loss (NaN when no client finished).
     *
     * @return the loss, or NaN
     */
    public double trainLoss() {
        return trainLoss;
    }

    /**
     * The new global model on the evaluation rows.
     *
     * @return loss and accuracy of the global model after this round
     */
    public Metrics global() {
        return global;
    }

    /**
     * Wall-clock seconds of the round: training, aggregation and evaluation.
     *
     * @return seconds, wall clock
     */
    public double seconds() {
        return seconds;
    }

    /**
     * The global weights' payload broadcast to executors: 4 bytes per parameter (before Spark's compression).
     *
     * @return bytes broadcast
     */
    public long broadcastBytes() {
        return broadcastBytes;
    }

    /**
     * Serialized task results and shuffle bytes of the round's aggregation job: the clients' updates on their way up.
     *
     * @return bytes uploaded
     */
    public long uploadBytes() {
        return uploadBytes;
    }

    /**
     * DP-FedAvg's ε for its δ ({@link DpAccounting}) spent by the rounds so far, this one included; NaN without
     * DP-FedAvg, +∞ with clipping but no noise.
     *
     * @return ε, NaN or +∞
     */
    public double epsilon() {
        return epsilon;
    }

    /** The per-round log line. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "round %d/%d: %d clients (%d examples)%s, local loss %.4f, global loss %.4f, accuracy %.2f%%, %.2f s, "
                        + "%d B down + %d B up%s",
                round, rounds, clientsAveraged(), examples,
                dropped.length == 0 ? "" : ", dropped (diverged or lost) " + Arrays.toString(dropped),
                trainLoss, global.loss(), 100 * global.accuracy(), seconds, broadcastBytes, uploadBytes,
                Double.isNaN(epsilon) ? "" : String.format(Locale.ROOT, ", eps %.3f", epsilon));
    }
}
