package dev.edgetrain.fleet.score;

import java.io.Serializable;
import java.util.Locale;

/** Mean cross-entropy loss and accuracy of a model over some rows. */
public final class Metrics implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double loss;
    private final long correct;
    private final long rows;

    public Metrics(double loss, long correct, long rows) {
        this.loss = loss;
        this.correct = correct;
        this.rows = rows;
    }

    /** Mean cross-entropy per row. */
    public double loss() {
        return loss;
    }

    public long correct() {
        return correct;
    }

    public long rows() {
        return rows;
    }

    public double accuracy() {
        return rows == 0 ? Double.NaN : (double) correct / rows;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "loss %.4f, accuracy %.2f%% (%d/%d)", loss, 100 * accuracy(), correct, rows);
    }
}
