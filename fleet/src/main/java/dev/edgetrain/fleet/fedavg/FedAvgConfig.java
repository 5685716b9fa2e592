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

    private final int rounds;
    private final double clientFraction;
    private final int localEpochs;
    private final int batchSize;
    private final OptimizerSettings optimizer;
    private final long seed;
    private final int aggregationDepth;
    private final boolean secureAggregation;
    private final double dropout;
    private final double dpClip;
    private final double dpNoise;
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

    /** 10 rounds, every client every round, 1 local epoch of mini-batches of 32, SGD with {@code lr}, seed 1. */
    public static FedAvgConfig defaults(float learningRate) {
        return new FedAvgConfig(10, 1.0, 1, 32, OptimizerSettings.sgd(learningRate), 1L, 2, false, 0, 0, 0, 0);
    }

    public FedAvgConfig withRounds(int rounds) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /** Fraction of the clients trained each round (at least one client is always sampled). */
    public FedAvgConfig withClientFraction(double fraction) {
        return new FedAvgConfig(rounds, fraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    public FedAvgConfig withLocalEpochs(int epochs) {
        return new FedAvgConfig(rounds, clientFraction, epochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /** Local mini-batch size; 0 trains each client on its whole shard as one batch (full-batch gradient descent). */
    public FedAvgConfig withBatchSize(int batchSize) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    public FedAvgConfig withOptimizer(OptimizerSettings optimizer) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    public FedAvgConfig withSeed(long seed) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, dpDelta);
    }

    /** Depth of Spark's tree aggregation of client updates (default 2). */
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
     */
    public FedAvgConfig withSecureAggregation(boolean on) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth, on,
                dropout, dpClip, dpNoise, dpDelta);
    }

    /**
     * Simulated dropout: each round {@code floor(rate · sampled)} of the sampled clients, drawn from the seed and the
     * round, lose their upload (a device going offline after training and masking); the round averages the others.
     * Below 0.5, so that with secure aggregation a majority always survives it.
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
     */
    public FedAvgConfig withDifferentialPrivacy(double clip, double noiseMultiplier) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, clip, noiseMultiplier, dpDelta);
    }

    /**
     * The δ of DP-FedAvg's accounting ({@link DpAccounting}); 0 (the default) for
     * {@link DpAccounting#defaultDelta min(1e-5, 0.1 / clients)}.
     */
    public FedAvgConfig withPrivacyDelta(double delta) {
        return new FedAvgConfig(rounds, clientFraction, localEpochs, batchSize, optimizer, seed, aggregationDepth,
                secureAggregation, dropout, dpClip, dpNoise, delta);
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

    public boolean secureAggregation() {
        return secureAggregation;
    }

    /** The simulated fraction of sampled clients whose upload is lost each round (rounded down to whole clients). */
    public double dropout() {
        return dropout;
    }

    /** The clipping norm C of DP-FedAvg, 0 when off. */
    public double dpClip() {
        return dpClip;
    }

    /** The noise multiplier z of DP-FedAvg: noise of standard deviation z·C/m on the averaged change. */
    public double dpNoise() {
        return dpNoise;
    }

    /** The δ of DP-FedAvg's accounting, 0 for the default ({@link #withPrivacyDelta}). */
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
