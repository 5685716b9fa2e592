package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.model.OptimizerSettings;
import java.io.Serializable;

/**
 * Settings of a federated-averaging run: rounds, the fraction of clients sampled per round, local epochs and
 * mini-batch size on each client, the clients' optimizer, and the seed every random choice derives from
 * (client sampling, each client's shuffling, simulated dropout, the secure-aggregation session). Optionally secure
 * aggregation and simulated dropout. Immutable; the {@code with…} methods return changed copies.
 */
public final class FedAvgConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Number of federated rounds, at least 1. */
    private final int rounds;
    /** Fraction of the clients sampled each round, in (0, 1]. */
    private final double clientFraction;
    /** Passes over its own shard each sampled client makes per round, at least 1. */
    private final int localEpochs;
    /** Local mini-batch size, or 0 for a client's whole shard as one batch. */
    private final int batchSize;
    /** The clients' local optimizer. */
    private final OptimizerSettings optimizer;
    /** The seed of client sampling, shuffling, simulated dropout and the secure-aggregation session. */
    private final long seed;
    /** Depth of Spark's tree aggregation of the client updates, at least 1. */
    private final int aggregationDepth;
    /** Whether client updates are masked ({@link dev.edgetrain.fleet.secagg}) and only their sum is unmasked. */
    private final boolean secureAggregation;
    /** Simulated fraction of sampled clients losing their upload each round, in [0, 0.5). */
    private final double dropout;
    /** DP-FedAvg clipping norm C (L2), 0 for no clipping and no noise. */
    private final double dpClip;
    /** DP-FedAvg noise multiplier z, at least 0 (needs {@link #dpClip()} &gt; 0 when above 0). */
    private final double dpNoise;
    /** δ of the privacy accounting, in (0, 1), or 0 for {@link DpAccounting#defaultDelta}. */
    private final double dpDelta;

    private FedAvgConfig(int rounds, double clientFraction, int localEpochs, int batchSize, OptimizerSettings optimizer,
                         long seed, int aggregationDepth, boolean secureAggregation, double dropout, double dpClip,
                         double dpNoise, double dpDelta) {
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
            throw new IllegalArgumentException("batch size must be >= 1, or 0 for a client's whole shard, got "
                    + batchSize);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        if (aggregationDepth < 1) {
            throw new IllegalArgumentException("aggregation depth must be >= 1, got " + aggregationDepth);
        }
        if (!(dropout >= 0 && dropout < 0.5)) {
            throw new IllegalArgumentException("dropout must be in [0, 0.5), got " + dropout);
        }
        if (!(dpClip >= 0 && dpClip < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("the clipping norm must be > 0, or 0 for no clipping, got " + dpClip);
        }
        if (!(dpNoise >= 0 && dpNoise < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("the noise multiplier must be >= 0, got " + dpNoise);
        }
        if (!(dpDelta >= 0 && dpDelta < 1)) {
            throw new IllegalArgumentException("δ must be in (0, 1), or 0 for the default, got " + dpDelta);
        }
        if (dpNoise > 0 && dpClip == 0) {
            throw new IllegalArgumentException("a noise multiplier (" + dpNoise + ") needs a clipping norm > 0: "
                    + "the noise is scaled to it");
        }
        this.rounds = rounds;
        this.clientFraction = clientFraction;
        this.localEpochs = localEpochs;
        this.batchSize = batchSize;
        this.optimizer = optimizer;
        this.seed = seed;
        this.aggregationDepth = aggregationDepth;
        this.secureAggregation = secureAggregation;
        this.dropout = dropout;
        this.dpClip = dpClip;
        this.dpNoise = dpNoise;
        this.dpDelta = dpDelta;
    }

    /**
     * 10 rounds, every client every round, 1 local epoch of mini-batches of 32, SGD with {@code lr}, seed 1.
     *
     * @param learningRate the SGD learning rate of every client
     * @return the default settings with that learning rate
     */
    public static FedAvgConfig defaults(float learningRate) {
        return new FedAvgConfig(10, 1.0, 1, 32, OptimizerSettings.sgd(learningRate), 1L, 2, false, 0, 0, 0, 0);
    }

    /**
     * A copy with another number of rounds.
     *
     * @param rounds number of federated rounds, at least 1
     * @return the changed copy
     * @throws IllegalArgumentException if {@code rounds} is below 1
     */
    public FedAvgConfig withRounds(int rounds) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * Fraction of the clients trained each round (at least one client is always sampled).
     *
     * @param fraction fraction of the clients sampled per round, in (0, 1]
     * @return the changed copy
     * @throws IllegalArgumentException if {@code fraction} is outside (0, 1]
     */
    public FedAvgConfig withClientFraction(double fraction) {
        return new FedAvgConfig(rounds, fraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * A copy with another number of local epochs: passes each sampled client makes over its own shard per round.
     *
     * @param epochs local epochs per round, at least 1
     * @return the changed copy
     * @throws IllegalArgumentException if {@code epochs} is below 1
     */
    public FedAvgConfig withLocalEpochs(int epochs) {
        return new FedAvgConfig(rounds, clientFraction, epochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * Local mini-batch size; 0 trains each client on its whole shard as one batch (full-batch gradient descent).
     *
     * @param batchSize rows per local mini-batch, at least 1, or 0 for the whole shard
     * @return the changed copy
     * @throws IllegalArgumentException if {@code batchSize} is negative
     */
    public FedAvgConfig withBatchSize(int batchSize) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * A copy with another local optimizer for the clients (each client starts it fresh every round).
     *
     * @param optimizer the clients' optimizer, not null
     * @return the changed copy
     * @throws IllegalArgumentException if {@code optimizer} is null
     */
    public FedAvgConfig withOptimizer(OptimizerSettings optimizer) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * A copy with another seed, from which client sampling, shuffling, simulated dropout and the secure-aggregation
     * session all derive.
     *
     * @param seed the run's seed
     * @return the changed copy
     */
    public FedAvgConfig withSeed(long seed) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * Depth of Spark's tree aggregation of client updates (default 2).
     *
     * @param depth tree-aggregation depth, at least 1
     * @return the changed copy
     * @throws IllegalArgumentException if {@code depth} is below 1
     */
    public FedAvgConfig withAggregationDepth(int depth) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, depth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * Secure aggregation of the clients' updates ({@link dev.edgetrain.fleet.secagg}): each client masks its
     * fixed-point update with pairwise and self masks in its Spark task, the tasks add masked updates, and the driver
     * unmasks only the sum, with the survivors' seeds. The trained model is bit-identical with and without it. Needs at
     * least 2 clients a round; a round with fewer surviving clients than a strict majority of those sampled is refused
     * with a {@link dev.edgetrain.fleet.secagg.SecureAggregationException}. The masks are bound to the seed (the
     * session) and the round; the device secrets are simulated (derived from the seed, see
     * {@link dev.edgetrain.fleet.secagg.MaskingClient}).
     *
     * @param on whether to aggregate securely
     * @return the changed copy
     */
    public FedAvgConfig withSecureAggregation(boolean on) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth, on,
                dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * Simulated dropout: each round {@code floor(rate · sampled)} of the sampled clients, drawn from the seed and the
     * round, lose their upload (a device going offline after training and masking); the round averages the others.
     * Below 0.5, so that with secure aggregation a majority always survives it.
     *
     * @param rate fraction of the sampled clients that drop out each round, in [0, 0.5)
     * @return the changed copy
     * @throws IllegalArgumentException if {@code rate} is outside [0, 0.5)
     */
    public FedAvgConfig withDropout(double rate) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, rate, dpClip, dpNoise, dpDelta);
    }

    /**
     * DP-FedAvg ({@link DpFedAvg}): every client's model change is clipped to L2 norm {@code clip} and weighted 1/m
     * (m clients sampled), and the server adds Gaussian noise of standard deviation {@code noiseMultiplier · clip / m}
     * to the averaged change. {@code clip} 0 turns it off. The noise comes from {@link java.security.SecureRandom}, so
     * a run with noise is not reproducible. Each round reports ε for δ ({@link #withPrivacyDelta}) by
     * {@link DpAccounting}.
     *
     * @param clip the L2 clipping norm C, finite and at least 0; 0 turns DP-FedAvg off
     * @param noiseMultiplier the noise multiplier z, finite and at least 0
     * @return the changed copy
     * @throws IllegalArgumentException if either is negative or not finite, or the noise is above 0 with {@code clip} 0
     */
    public FedAvgConfig withDifferentialPrivacy(double clip, double noiseMultiplier) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, clip, noiseMultiplier, dpDelta);
    }

    /**
     * The δ of DP-FedAvg's accounting ({@link DpAccounting}); 0 (the default) for
     * {@link DpAccounting#defaultDelta min(1e-5, 0.1 / clients)}.
     *
     * @param delta δ in (0, 1), or 0 for the default
     * @return the changed copy
     * @throws IllegalArgumentException if {@code delta} is outside [0, 1)
     */
    public FedAvgConfig withPrivacyDelta(double delta) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, delta);
    }

    /**
     * The number of federated rounds.
     *
     * @return rounds, at least 1
     */
    public int rounds() {
        return rounds;
    }

    /**
     * The fraction of the clients sampled each round (at least one client is always sampled).
     *
     * @return the fraction, in (0, 1]
     */
    public double clientFraction() {
        return clientFraction;
    }

    /**
     * Passes each sampled client makes over its own shard per round.
     *
     * @return local epochs, at least 1
     */
    public int localEpochs() {
        return localEpochs;
    }

    /**
     * Local mini-batch size.
     *
     * @return rows per mini-batch, or 0 for each client's whole shard as one batch
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The clients' local optimizer.
     *
     * @return the optimizer settings
     */
    public OptimizerSettings optimizer() {
        return optimizer;
    }

    /**
     * The seed every random choice of the run derives from.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Depth of Spark's tree aggregation of client updates.
     *
     * @return the depth, at least 1 (default 2)
     */
    public int aggregationDepth() {
        return aggregationDepth;
    }

    /**
     * Whether the client updates are aggregated securely (masked; only their sum is unmasked).
     *
     * @return true when secure aggregation is on
     */
    public boolean secureAggregation() {
        return secureAggregation;
    }

    /**
     * The simulated fraction of sampled clients whose upload is lost each round (rounded down to whole clients).
     *
     * @return the dropout rate, in [0, 0.5)
     */
    public double dropout() {
        return dropout;
    }

    /**
     * The clipping norm C of DP-FedAvg, 0 when off.
     *
     * @return C, at least 0
     */
    public double dpClip() {
        return dpClip;
    }

    /**
     * The noise multiplier z of DP-FedAvg: noise of standard deviation z·C/m on the averaged change.
     *
     * @return z, at least 0
     */
    public double dpNoise() {
        return dpNoise;
    }

    /**
     * The δ of DP-FedAvg's accounting, 0 for the default ({@link #withPrivacyDelta}).
     *
     * @return δ in (0, 1), or 0
     */
    public double dpDelta() {
        return dpDelta;
    }

    @Override
    public String toString() {
        return rounds + " rounds, client fraction " + clientFraction + ", " + localEpochs + " local epoch(s) of "
                + (batchSize == 0 ? "full-batch" : "batch " + batchSize) + " " + optimizer + ", seed " + seed
                + (dropout > 0 ? ", simulated dropout " + dropout : "")
                + (secureAggregation ? ", secure aggregation" : "")
                + (dpClip > 0 ? ", DP-FedAvg clip " + dpClip + " noise multiplier " + dpNoise : "");
    }
}
