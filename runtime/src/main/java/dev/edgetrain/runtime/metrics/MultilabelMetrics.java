package dev.edgetrain.runtime.metrics;

import java.util.Locale;

/**
 * A multi-label classifier's quality at the threshold ½: per label the precision, recall and F1 of its positive
 * decisions; the Hamming loss (the fraction of all row-label decisions that are wrong); micro-F1 (over all
 * decisions pooled), macro-F1 (the mean of the labels' F1) and subset accuracy (rows with every label right).
 * A target counts as positive when it is at least ½.
 */
public final class MultilabelMetrics {
    private final int[] truePositives;
    private final int[] falsePositives;
    private final int[] falseNegatives;
    private final int rows;
    private final int wrong;
    private final int exactRows;

    private MultilabelMetrics(int[] tp, int[] fp, int[] fn, int rows, int wrong, int exactRows) {
        this.truePositives = tp;
        this.falsePositives = fp;
        this.falseNegatives = fn;
        this.rows = rows;
        this.wrong = wrong;
        this.exactRows = exactRows;
    }

    /**
     * The metrics of the first {@code rows} rows of predictions, each label positive at a probability of ½ or more.
     *
     * @param probabilities {@code [rows][labels]}
     * @param targets       {@code [rows][labels]}, in [0, 1]
     * @param rows rows to count, from 0; the arrays may be longer
     * @param labels outputs per row, at least 1
     * @return the per-label counts and what follows from them
     * @throws IllegalArgumentException when an array is null or shorter than {@code rows × labels}, or {@code labels}
     *                                  is below 1
     */
    public static MultilabelMetrics of(float[] probabilities, float[] targets, int rows, int labels) {
        Shapes.check("probabilities", probabilities, rows, labels);
        Shapes.check("targets", targets, rows, labels);
        int[] tp = new int[labels];
        int[] fp = new int[labels];
        int[] fn = new int[labels];
        int wrong = 0;
        int exact = 0;
        for (int r = 0; r < rows; r++) {
            boolean allRight = true;
            for (int k = 0; k < labels; k++) {
                boolean truth = targets[r * labels + k] >= 0.5f;
                boolean predicted = probabilities[r * labels + k] >= 0.5f;
                if (truth && predicted) {
                    tp[k]++;
                } else if (predicted) {
                    fp[k]++;
                } else if (truth) {
                    fn[k]++;
                }
                if (truth != predicted) {
                    wrong++;
                    allRight = false;
                }
            }
            if (allRight) {
                exact++;
            }
        }
        return new MultilabelMetrics(tp, fp, fn, rows, wrong, exact);
    }

    /**
     * Number of labels (outputs).
     *
     * @return the label count
     */
    public int labels() {
        return truePositives.length;
    }

    /**
     * Rows counted.
     *
     * @return the row count
     */
    public int rows() {
        return rows;
    }

    /**
     * Precision of label {@code k}: TP / (TP + FP); 0 when never predicted.
     *
     * @param k a label, in {@code [0, labels())}
     * @return a fraction in [0, 1]
     */
    public double precision(int k) {
        return BinaryMetrics.ratio(truePositives[k], truePositives[k] + falsePositives[k]);
    }

    /**
     * Recall of label {@code k}: TP / (TP + FN); 0 when never positive.
     *
     * @param k a label, in {@code [0, labels())}
     * @return a fraction in [0, 1]
     */
    public double recall(int k) {
        return BinaryMetrics.ratio(truePositives[k], truePositives[k] + falseNegatives[k]);
    }

    /**
     * F1 of label {@code k}: the harmonic mean of its precision and recall.
     *
     * @param k a label, in {@code [0, labels())}
     * @return a value in [0, 1]; 0 when precision and recall are both 0
     */
    public double f1(int k) {
        return f1(precision(k), recall(k));
    }

    /**
     * Rows whose target for label {@code k} is positive.
     *
     * @param k a label, in {@code [0, labels())}
     * @return the count of rows with the label
     */
    public int support(int k) {
        return truePositives[k] + falseNegatives[k];
    }

    /**
     * Wrong row-label decisions over all of them.
     *
     * @return a fraction in [0, 1]: wrong decisions / (rows × labels)
     */
    public double hammingLoss() {
        return rows == 0 ? 0 : (double) wrong / ((long) rows * labels());
    }

    /**
     * F1 of the true and false positives and negatives summed over all labels.
     *
     * @return a value in [0, 1]
     */
    public double microF1() {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int k = 0; k < labels(); k++) {
            tp += truePositives[k];
            fp += falsePositives[k];
            fn += falseNegatives[k];
        }
        return f1(BinaryMetrics.ratio(tp, tp + fp), BinaryMetrics.ratio(tp, tp + fn));
    }

    /**
     * The mean over labels of their F1.
     *
     * @return a value in [0, 1]
     */
    public double macroF1() {
        double s = 0;
        for (int k = 0; k < labels(); k++) {
            s += f1(k);
        }
        return s / labels();
    }

    /**
     * Rows with every label right, over all rows.
     *
     * @return a fraction in [0, 1]
     */
    public double subsetAccuracy() {
        return rows == 0 ? 0 : (double) exactRows / rows;
    }

    private static double f1(double p, double r) {
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Hamming loss %.4f, micro-F1 %.4f, macro-F1 %.4f, subset accuracy %.4f",
                hammingLoss(), microF1(), macroF1(), subsetAccuracy());
    }
}
