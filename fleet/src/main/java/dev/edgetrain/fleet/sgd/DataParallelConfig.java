package dev.edgetrain.fleet.sgd;

import dev.edgetrain.fleet.model.OptimizerSettings;
import java.io.Serializable;

/**
 * Settings of synchronous data-parallel training: epochs, the global batch size, the optimizer and the shuffle seed.
 */
public final class DataParallelConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int epochs;
    private final int batchSize;
    private final OptimizerSettings optimizer;
    private final long seed;
    private final int aggregationDepth;

    public DataParallelConfig(int epochs, int batchSize, OptimizerSettings optimizer, long seed) {
        this(epochs, batchSize, optimizer, seed, 2);
    }

    private DataParallelConfig(int epochs, int batchSize, OptimizerSettings optimizer, long seed,
            int aggregationDepth) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("global batch size must be >= 1, got " + batchSize);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        if (aggregationDepth < 1) {
            throw new IllegalArgumentException("aggregation depth must be >= 1, got " + aggregationDepth);
        }
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.optimizer = optimizer;
        this.seed = seed;
        this.aggregationDepth = aggregationDepth;
    }

    public DataParallelConfig withAggregationDepth(int depth) {
        return new DataParallelConfig(epochs, batchSize, optimizer, seed, depth);
    }

    public int epochs() {
        return epochs;
    }

    /** Rows per global step, over all slices together. */
    public int batchSize() {
        return batchSize;
    }

    public OptimizerSettings optimizer() {
        return optimizer;
    }

    /**
     * Seed of the epoch shuffles; the same as a single-machine {@code Trainer}'s shuffle seed gives the same batches.
     */
    public long seed() {
        return seed;
    }

    public int aggregationDepth() {
        return aggregationDepth;
    }

    @Override
    public String toString() {
        return epochs + " epochs of global batch " + batchSize + ", " + optimizer + ", seed " + seed;
    }
}
