package dev.edgetrain.runtime.train;

/** Mean loss and accuracy of a network on a data set. */
public final class Evaluation {
    private final double loss;
    private final int correct;
    private final int rows;

    Evaluation(double loss, int correct, int rows) {
        this.loss = loss;
        this.correct = correct;
        this.rows = rows;
    }

    /** Mean cross-entropy per row. */
    public double loss() {
        return loss;
    }

    public int correct() {
        return correct;
    }

    public int rows() {
        return rows;
    }

    public double accuracy() {
        return (double) correct / rows;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "loss %.4f, accuracy %.2f%% (%d/%d)", loss, 100 * accuracy(),
                correct, rows);
    }
}
