package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.model.OptimizerSettings;
import java.io.Serializable;

/**
 * Settings of a federated-averaging run: rounds, the fraction of clients sampled per round, local epochs and
 * mini-batch size on each client, the clients' optimizer, and the seed every random choice derives from
 * (client sampling, each client's shuffling). Immutable; the {@code with…} methods return changed copies.
 */
public final class FedAvgConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int rounds;
    private final double clientFraction;
    private final int localEpochs;
    private final int batchSize;
    private final OptimizerSettings optimizer;
    private final long seed;
    private final int aggregationDepth;

    private FedAvgConfig(int rounds, double clientFraction, int localEpochs, int batchSize, OptimizerSettings optimizer,
                         long seed, int aggregationDepth) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (!(clientFraction > 0 && clientFraction <= 1)) {
            throw new IllegalArgumentException("client fraction must be in (0, 1], got " + clientFraction);
        }
        if (localEpochs < 1) {
            throw new IllegalArgumentException("local epochs must be >= 1, got " + localEpochs);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be >= 1, or 0 for a client's whole shard, got " + batchSize);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        if (aggregationDepth < 1) {
            throw new IllegalArgumentException("aggregation depth must be >= 1, got " + aggregationDepth);
        }
        this.rounds = rounds;
        this.clientFraction = clientFraction;
        this.localEpochs = localEpochs;
        this.batchSize = batchSize;
        this.optimizer = optimizer;
        this.seed = seed;
        this.aggregationDepth = aggregationDepth;
    }

    /** 10 rounds, every client every round, 1 local epoch of mini-batches of 32, SGD with {@code lr}, seed 1. */
    public static FedAvgConfig defaults(float learningRate) {
        return new FedAvgConfig(10, 1.0, 1, 32, OptimizerSettings.sgd(learningRate), 1L, 2);
    }

    public FedAvgConfig withRounds(int rounds) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth);
    }

    /** Fraction of the clients trained each round (at least one client is always sampled). */
    public FedAvgConfig withClientFraction(double fraction) {
        return new FedAvgConfig(rounds, fraction, localEpochs, batchSize, optimizer, seed, aggregationDepth);
    }

    public FedAvgConfig withLocalEpochs(int epochs) {
        return new FedAvgConfig(rounds, clientFraction, epochs, batchSize, optimizer, seed, aggregationDepth);
    }

    /** Local mini-batch size; 0 trains each client on its whole shard as one batch (full-batch gradient descent). */
    public FedAvgConfig withBatchSize(int batchSize) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth);
    }

    public FedAvgConfig withOptimizer(OptimizerSettings optimizer) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth);
    }

    public FedAvgConfig withSeed(long seed) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth);
    }

    /** Depth of Spark's tree aggregation of client updates (default 2). */
    public FedAvgConfig withAggregationDepth(int depth) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, depth);
    }

    public int rounds() {
        return rounds;
    }

    public double clientFraction() {
        return clientFraction;
    }

    public int localEpochs() {
        return localEpochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public OptimizerSettings optimizer() {
        return optimizer;
    }

    public long seed() {
        return seed;
    }

    public int aggregationDepth() {
        return aggregationDepth;
    }

    @Override
    public String toString() {
        return rounds + " rounds, client fraction " + clientFraction + ", " + localEpochs + " local epoch(s) of "
                + (batchSize == 0 ? "full-batch" : "batch " + batchSize) + " " + optimizer + ", seed " + seed;
    }
}
