package dev.edgetrain.fleet.sgd;

import dev.edgetrain.fleet.model.OptimizerSettings;
import java.io.Serializable;

/**
 * Settings of synchronous data-parallel training: epochs, the global batch size, the optimizer and the shuffle seed.
 */
public final class DataParallelConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Passes over the global data set, at least 1. */
    private final int epochs;
    /** Rows per global step over all slices together, at least 1. */
    private final int batchSize;
    /** The optimizer the driver applies to the summed gradient. */
    private final OptimizerSettings optimizer;
    /** Seed of the epoch shuffles. */
    private final long seed;
    /** Depth of Spark's tree aggregation of the slices' gradients, at least 1. */
    private final int aggregationDepth;

    /**
     * Settings with the default tree-aggregation depth of 2.
     *
     * @param epochs passes over the data, at least 1
     * @param batchSize rows per global step over all slices together, at least 1
     * @param optimizer the optimizer, not null
     * @param seed seed of the epoch shuffles
     * @throws IllegalArgumentException if {@code epochs} or {@code batchSize} is below 1, or {@code optimizer} is null
     */
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

    /**
     * A copy with another depth of Spark's tree aggregation of the slices' gradients.
     *
     * @param depth the depth, at least 1
     * @return the changed copy
     * @throws IllegalArgumentException if {@code depth} is below 1
     */
    public DataParallelConfig withAggregationDepth(int depth) {
        return new DataParallelConfig(epochs, batchSize, optimizer, seed, depth);
    }

    /**
     * Passes over the global data set.
     *
     * @return epochs, at least 1
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Rows per global step, over all slices together.
     *
     * @return the global batch size, at least 1
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The optimizer the driver applies to the summed gradient.
     *
     * @return the optimizer settings
     */
    public OptimizerSettings optimizer() {
        return optimizer;
    }

    /**
     * Seed of the epoch shuffles; the same as a single-machine {@code Trainer}'s shuffle seed gives the same batches.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Depth of Spark's tree aggregation of the slices' gradients.
     *
     * @return the depth, at least 1 (default 2)
     */
    public int aggregationDepth() {
        return aggregationDepth;
    }

    @Override
    public String toString() {
        return epochs + " epochs of global batch " + batchSize + ", " + optimizer + ", seed " + seed;
    }
}
