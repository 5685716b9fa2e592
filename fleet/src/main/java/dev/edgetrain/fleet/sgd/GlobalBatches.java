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

    public GlobalBatches(int rows, int batchSize, long seed) {
        if (rows < 1 || batchSize < 1) {
            throw new IllegalArgumentException("rows and batch size must be >= 1, got " + rows + " and " + batchSize);
        }
        this.rng = new Rng(seed);
        this.rows = rows;
        this.batchSize = batchSize;
    }

    /** The next epoch's order of global row indices, {@code [rows]}, a fresh array. */
    public int[] nextEpoch() {
        int[] order = new int[rows];
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        rng.shuffle(order, rows);
        return order;
    }

    public int stepsPerEpoch() {
        return (rows + batchSize - 1) / batchSize;
    }

    /** First position in the epoch order of step {@code k}. */
    public int from(int step) {
        return step * batchSize;
    }

    /** One past the last position of step {@code k}. */
    public int to(int step) {
        return Math.min(rows, (step + 1) * batchSize);
    }

    public int rows() {
        return rows;
    }

    public int batchSize() {
        return batchSize;
    }
}
