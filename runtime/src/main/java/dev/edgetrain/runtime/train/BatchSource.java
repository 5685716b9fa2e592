package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Rng;

/**
 * Rows a {@link Trainer} draws mini-batches from: a {@link Dataset} in memory, or rows streamed from disk (the
 * data module's row cache). Each row has features and either a class index (a labelled source) or real-valued
 * targets. Not thread-safe; after its first epoch a source allocates nothing.
 */
public interface BatchSource {
    /** Features per row. */
    int featureCount();

    /** Classes of a labelled source; 0 when rows carry targets. */
    int classes();

    /** Targets per row of a target source; 0 for a labelled source. */
    int targetWidth();

    /** Rows in one epoch. */
    long rows();

    /**
     * Starts an epoch over every row, in an order drawn from {@code rng} (which the trainer owns and checkpoints),
     * or in stored order when {@code rng} is {@code null} (evaluation).
     */
    void startEpoch(Rng rng);

    /**
     * Copies the epoch's next rows, at most {@code maxRows}, into {@code x [maxRows][featureCount]} and
     * {@code labels [maxRows]} (labelled source) or {@code targets [maxRows][targetWidth]} (target source; the other
     * array may be {@code null}). Returns the rows copied; 0 once the epoch is done.
     */
    int nextBatch(float[] x, int[] labels, float[] targets, int maxRows);
}
