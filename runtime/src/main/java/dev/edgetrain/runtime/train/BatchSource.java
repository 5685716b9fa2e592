package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Rng;

/**
 * Rows a {@link Trainer} draws mini-batches from: a {@link Dataset} in memory, or rows streamed from disk (the
 * data module's row cache). Each row has features and either a class index (a labelled source) or real-valued
 * targets. Not thread-safe; after its first epoch a source allocates nothing.
 *
 * <p>Determinism: the order of an epoch depends only on the state of the {@code rng} passed to
 * {@link #startEpoch} (and the rows), and a source draws from it only inside {@code startEpoch}, so a trainer that
 * checkpoints its generator's state between epochs resumes bit-identically.
 */
public interface BatchSource {
    /** Features per row. */
    int featureCount();

    /** Classes of a labelled source; 0 when rows carry targets. */
    int classes();

    /** Targets per row of a target source; 0 for a labelled source. */
    int targetWidth();

    /**
     * Rows in one epoch. An {@code int}, like {@link Dataset#rows()}: a source holds at most
     * {@code Integer.MAX_VALUE} rows (8 GB of a single float feature, far beyond what a device trains on).
     */
    int rows();

    /**
     * Starts an epoch over every row, in an order drawn from {@code rng} (which the trainer owns and checkpoints),
     * or in stored order when {@code rng} is {@code null} (evaluation).
     */
    void startEpoch(Rng rng);

    /**
     * Copies the epoch's next rows, at most {@code maxRows}, into {@code x [maxRows][featureCount]} and
     * {@code labels [maxRows]} (labelled source) or {@code targets [maxRows][targetWidth]} (target source; the other
     * array may be {@code null}). Returns the rows copied: {@code maxRows} until the epoch's last batch, which may
     * be smaller, then 0 once the epoch is done.
     */
    int nextBatch(float[] x, int[] labels, float[] targets, int maxRows);

    /**
     * Checks that a batch of {@code n} rows fits the arrays a {@link BatchSource#nextBatch} caller gave: {@code x}
     * of {@code n × featureCount}, and {@code labels} of {@code n} (labelled) or {@code targets} of
     * {@code n × targetWidth}. Sources call it before they copy.
     */
    static void checkBatchArrays(float[] x, int[] labels, float[] targets, int n, int featureCount, int targetWidth,
                                 boolean labelled) {
        if (x == null || x.length < n * featureCount) {
            throw new IllegalArgumentException("a batch of " + n + " rows needs x of at least " + n * featureCount
                    + " floats (" + featureCount + " per row), got " + (x == null ? "null" : x.length));
        }
        if (labelled && (labels == null || labels.length < n)) {
            throw new IllegalArgumentException("a batch of " + n + " labelled rows needs labels of at least " + n
                    + ", got " + (labels == null ? "null" : labels.length));
        }
        if (!labelled && (targets == null || targets.length < n * targetWidth)) {
            throw new IllegalArgumentException("a batch of " + n + " rows needs targets of at least "
                    + n * targetWidth + " floats (" + targetWidth + " per row), got "
                    + (targets == null ? "null" : targets.length));
        }
    }
}
