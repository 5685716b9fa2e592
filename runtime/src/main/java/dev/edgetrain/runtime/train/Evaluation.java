package dev.edgetrain.runtime.train;

/**
 * Mean loss and accuracy of a network on a data set. Accuracy counts rows whose predicted class is the label
 * (classify, binary) or outputs on the right side of ½ (multilabel); a regressor has none (NaN).
 */
public final class Evaluation {
    private final double loss;
    private final int correct;
    private final int counted;
    private final int rows;

    Evaluation(double loss, int correct, int counted, int rows) {
        this.loss = loss;
        this.correct = correct;
        this.counted = counted;
        this.rows = rows;
    }

    /**
     * Mean loss per row (the session's {@code Loss}; cross-entropy for a classifier).
     *
     * @return the mean loss over {@link #rows()}
     */
    public double loss() {
        return loss;
    }

    /**
     * Correct predictions (rows, or row-label decisions for multilabel); 0 for a regressor.
     *
     * @return the count of correct decisions
     */
    public int correct() {
        return correct;
    }

    /**
     * What {@link #correct()} counts out of: rows, or rows × outputs for multilabel; 0 for a regressor.
     *
     * @return the count of decisions made
     */
    public int counted() {
        return counted;
    }

    /**
     * Rows evaluated.
     *
     * @return the row count
     */
    public int rows() {
        return rows;
    }

    /**
     * {@code correct / counted}; NaN for a regressor.
     *
     * @return a fraction in [0, 1], or NaN
     */
    public double accuracy() {
        return counted == 0 ? Double.NaN : (double) correct / counted;
    }

    @Override
    public String toString() {
        if (counted == 0) {
            return String.format(java.util.Locale.ROOT, "loss %.4f (%d rows)", loss, rows);
        }
        return String.format(java.util.Locale.ROOT, "loss %.4f, accuracy %.2f%% (%d/%d)", loss, 100 * accuracy(),
                correct, counted);
    }
}
