package dev.edgetrain.fleet.sgd;

import dev.edgetrain.runtime.Rng;

/**
 * The global mini-batches of data-parallel training: each epoch, the identity permutation of the global row
 * indices shuffled by a generator seeded once with {@code seed} (its state carries over between epochs); step
 * {@code k} takes positions {@code [k·B, min((k+1)·B, rows))}. This is exactly the order the runtime's
 * {@link dev.edgetrain.runtime.train.Trainer} uses with the same seed, so single-machine training with a
 * {@code Trainer} sees the same batches.
 */
public final class GlobalBatches {
    private final Rng rng;
    private final int rows;
    private final int batchSize;

    /**
     * The batches of a data set of {@code rows} rows, shuffled by a generator seeded with {@code seed}.
     *
     * @param rows global rows, at least 1
     * @param batchSize rows per global step, at least 1
     * @param seed the shuffle seed, as a single-machine {@code Trainer}'s
     * @throws IllegalArgumentException if {@code rows} or {@code batchSize} is below 1
     */
    public GlobalBatches(int rows, int batchSize, long seed) {
        if (rows < 1 || batchSize < 1) {
            throw new IllegalArgumentException("rows and batch size must be >= 1, got " + rows + " and " + batchSize);
        }
        this.rng = new Rng(seed);
        this.rows = rows;
        this.batchSize = batchSize;
    }

    /**
     * The next epoch's order of global row indices, {@code [rows]}, a fresh array.
     *
     * @return the shuffled indices {@code 0 .. rows-1}
     */
    public int[] nextEpoch() {
        int[] order = new int[rows];
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        rng.shuffle(order, rows);
        return order;
    }

    /**
     * Steps per epoch; the last one is short when {@code batchSize} does not divide {@code rows}.
     *
     * @return {@code ceil(rows / batchSize)}
     */
    public int stepsPerEpoch() {
        return (rows + batchSize - 1) / batchSize;
    }

    /**
     * First position in the epoch order of step {@code k}.
     *
     * @param step the step k of the epoch, in [0, {@link #stepsPerEpoch()})
     * @return {@code k · batchSize}
     */
    public int from(int step) {
        return step * batchSize;
    }

    /**
     * One past the last position of step {@code k}.
     *
     * @param step the step k of the epoch, in [0, {@link #stepsPerEpoch()})
     * @return {@code min(rows, (k + 1) · batchSize)}
     */
    public int to(int step) {
        return Math.min(rows, (step + 1) * batchSize);
    }

    /**
     * Global rows.
     *
     * @return rows, at least 1
     */
    public int rows() {
        return rows;
    }

    /**
     * Rows per global step.
     *
     * @return the batch size, at least 1
     */
    public int batchSize() {
        return batchSize;
    }
}
