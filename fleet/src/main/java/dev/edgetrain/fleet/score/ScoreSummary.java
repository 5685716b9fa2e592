package dev.edgetrain.fleet.score;

import java.util.Locale;

/**
 * What scoring a table found: how many rows were scored, how often each class was predicted, and — when the
 * table has labels — the confusion matrix {@code [actual][predicted]}, accuracy, per-class precision and recall.
 */
public final class ScoreSummary {
    private final String[] classNames;
    private final long[] predictedCounts;
    /** {@code [actual][predicted]}, or null without labels. */
    private final long[][] confusion;
    private final long rows;

    ScoreSummary(String[] classNames, long[] predictedCounts, long[][] confusion) {
        this.classNames = classNames;
        this.predictedCounts = predictedCounts;
        this.confusion = confusion;
        long n = 0;
        for (long c : predictedCounts) {
            n += c;
        }
        this.rows = n;
    }

    /**
     * Number of rows scored.
     *
     * @return the sum of the predicted counts
     */
    public long rows() {
        return rows;
    }

    /**
     * The model's class names, by class index.
     *
     * @return a copy of the names
     */
    public String[] classNames() {
        return classNames.clone();
    }

    /**
     * Whether the scored table had a label column (and so a confusion matrix).
     *
     * @return true with labels
     */
    public boolean hasLabels() {
        return confusion != null;
    }

    /**
     * Rows predicted as class {@code c}.
     *
     * @param c the class index
     * @return the count
     */
    public long predicted(int c) {
        return predictedCounts[c];
    }

    /**
     * Rows of actual class {@code a} predicted as {@code p}; needs labels.
     *
     * @param a the actual class index
     * @param p the predicted class index
     * @return the count
     * @throws IllegalStateException without labels
     */
    public long confusion(int a, int p) {
        requireLabels();
        return confusion[a][p];
    }

    /**
     * Rows predicted as their actual class; needs labels.
     *
     * @return the sum of the confusion matrix's diagonal
     * @throws IllegalStateException without labels
     */
    public long correct() {
        requireLabels();
        long c = 0;
        for (int k = 0; k < confusion.length; k++) {
            c += confusion[k][k];
        }
        return c;
    }

    /**
     * Fraction of the rows predicted as their actual class; needs labels.
     *
     * @return {@link #correct()} over {@link #rows()}, in [0, 1]; NaN when no rows were scored
     * @throws IllegalStateException without labels, when rows were scored
     */
    public double accuracy() {
        return rows == 0 ? Double.NaN : (double) correct() / rows;
    }

    /**
     * Of the rows predicted {@code c}, the fraction that are {@code c} (NaN when none were predicted {@code c}).
     *
     * @param c the class index
     * @return the precision, in [0, 1], or NaN
     * @throws IllegalStateException without labels
     */
    public double precision(int c) {
        requireLabels();
        return predictedCounts[c] == 0 ? Double.NaN : (double) confusion[c][c] / predictedCounts[c];
    }

    /**
     * Of the rows of class {@code c}, the fraction predicted {@code c} (NaN when there are none).
     *
     * @param c the class index
     * @return the recall, in [0, 1], or NaN
     * @throws IllegalStateException without labels
     */
    public double recall(int c) {
        requireLabels();
        long support = support(c);
        return support == 0 ? Double.NaN : (double) confusion[c][c] / support;
    }

    /**
     * Rows whose label is {@code c}.
     *
     * @param c the class index
     * @return the count
     * @throws IllegalStateException without labels
     */
    public long support(int c) {
        requireLabels();
        long s = 0;
        for (long v : confusion[c]) {
            s += v;
        }
        return s;
    }

    private void requireLabels() {
        if (confusion == null) {
            throw new IllegalStateException("the scored table had no label column");
        }
    }

    @Override
    public String toString() {
        if (confusion == null) {
            return rows + " rows scored (no labels)";
        }
        return String.format(Locale.ROOT, "%d rows, accuracy %.2f%% (%d correct)", rows, 100 * accuracy(), correct());
    }
}
