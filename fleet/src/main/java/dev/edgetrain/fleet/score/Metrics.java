package dev.edgetrain.fleet.score;

import java.io.Serializable;
import java.util.Locale;

/** Mean cross-entropy loss and accuracy of a model over some rows. */
public final class Metrics implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Mean cross-entropy per row. */
    private final double loss;
    /** Rows whose predicted class is their label. */
    private final long correct;
    /** Rows evaluated. */
    private final long rows;

    /**
     * Metrics as given (not checked).
     *
     * @param loss mean cross-entropy per row
     * @param correct rows predicted as their label, in [0, rows]
     * @param rows rows evaluated, at least 0
     */
    public Metrics(double loss, long correct, long rows) {
        this.loss = loss;
        this.correct = correct;
        this.rows = rows;
    }

    /**
     * Mean cross-entropy per row.
     *
     * @return the mean loss (natural log)
     */
    public double loss() {
        return loss;
    }

    /**
     * Rows whose predicted class is their label.
     *
     * @return the count
     */
    public long correct() {
        return correct;
    }

    /**
     * Rows evaluated.
     *
     * @return the count
     */
    public long rows() {
        return rows;
    }

    /**
     * Fraction of the rows predicted as their label.
     *
     * @return {@code correct / rows}, in [0, 1], or NaN for no rows
     */
    public double accuracy() {
        return rows == 0 ? Double.NaN : (double) correct / rows;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "loss %.4f, accuracy %.2f%% (%d/%d)", loss, 100 * accuracy(), correct, rows);
    }
}
