package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Rng;

/**
 * A {@link BatchSource} that is not a {@link Dataset}: rows held in arrays, visited in an order drawn the way a
 * Dataset draws it (the identity shuffled by the epoch's generator), so a trainer over it must end where a trainer
 * over the same rows as a Dataset ends. Its batches are copied through its own code, not the Dataset's.
 */
public final class ArraySource implements BatchSource {
    private final float[] features;
    private final int[] labels;
    private final float[] targets;
    private final int featureCount;
    private final int classes;
    private final int targetWidth;
    private final int rows;
    /** Row order of the epoch, {@code [rows]}. */
    private final int[] order;
    private int next;
    /** Epochs started, with and without a generator: what a test checks the trainer did. */
    public int shuffledEpochs;
    public int storedOrderEpochs;

    public ArraySource(Dataset data) {
        this.features = data.features().clone();
        this.labels = data.labels() == null ? null : data.labels().clone();
        this.targets = data.targets() == null ? null : data.targets().clone();
        this.featureCount = data.featureCount();
        this.classes = data.classes();
        this.targetWidth = data.targetWidth();
        this.rows = data.rows();
        this.order = new int[rows];
        this.next = rows;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int targetWidth() {
        return targetWidth;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void startEpoch(Rng rng) {
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        if (rng != null) {
            rng.shuffle(order, rows);
            shuffledEpochs++;
        } else {
            storedOrderEpochs++;
        }
        next = 0;
    }

    @Override
    public int nextBatch(float[] x, int[] y, float[] t, int maxRows) {
        int n = 0;
        while (n < maxRows && next < rows) {
            int r = order[next++];
            for (int j = 0; j < featureCount; j++) {
                x[n * featureCount + j] = features[r * featureCount + j];
            }
            if (labels != null) {
                y[n] = labels[r];
            } else {
                for (int k = 0; k < targetWidth; k++) {
                    t[n * targetWidth + k] = targets[r * targetWidth + k];
                }
            }
            n++;
        }
        return n;
    }
}
