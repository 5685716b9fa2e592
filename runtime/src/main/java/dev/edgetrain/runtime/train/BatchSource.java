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
    /**
     * Features per row.
     *
     * @return the feature count, at least 1
     */
    int featureCount();

    /**
     * Classes of a labelled source; 0 when rows carry targets.
     *
     * @return the class count, or 0
     */
    int classes();

    /**
     * Targets per row of a target source; 0 for a labelled source.
     *
     * @return the target count, or 0
     */
    int targetWidth();

    /**
     * Rows in one epoch. An {@code int}, like {@link Dataset#rows()}: a source holds at most
     * {@code Integer.MAX_VALUE} rows (8 GB of a single float feature, far beyond what a device trains on).
     *
     * @return the row count
     */
    int rows();

    /**
     * Starts an epoch over every row, in an order drawn from {@code rng} (which the trainer owns and checkpoints),
     * or in stored order when {@code rng} is {@code null} (evaluation).
     *
     * @param rng the shuffling generator, or {@code null} for stored order
     */
    void startEpoch(Rng rng);

    /**
     * Copies the epoch's next rows, at most {@code maxRows}, into {@code x [maxRows][featureCount]} and
     * {@code labels [maxRows]} (labelled source) or {@code targets [maxRows][targetWidth]} (target source; the other
     * array may be {@code null}). Returns the rows copied: {@code maxRows} until the epoch's last batch, which may
     * be smaller, then 0 once the epoch is done.
     *
     * @param x receives {@code [n][featureCount]} features
     * @param labels receives {@code [n]} class indices (labelled source), or {@code null}
     * @param targets receives {@code [n][targetWidth]} targets (target source), or {@code null}
     * @param maxRows the most rows to copy, at least 1
     * @return the rows copied, {@code n} in {@code [0, maxRows]}
     */
    int nextBatch(float[] x, int[] labels, float[] targets, int maxRows);

    /**
     * Checks that a batch of {@code n} rows fits the arrays a {@link BatchSource#nextBatch} caller gave: {@code x}
     * of {@code n × featureCount}, and {@code labels} of {@code n} (labelled) or {@code targets} of
     * {@code n × targetWidth}. Sources call it before they copy.
     *
     * @param x the caller's feature array
     * @param labels the caller's label array, or {@code null}
     * @param targets the caller's target array, or {@code null}
     * @param n rows about to be copied
     * @param featureCount the source's features per row
     * @param targetWidth the source's targets per row
     * @param labelled whether the source has class labels (else targets)
     * @throws IllegalArgumentException when an array the source needs is null or too short, saying how long it must be
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
