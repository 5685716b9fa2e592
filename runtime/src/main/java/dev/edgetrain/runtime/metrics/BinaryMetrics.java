package dev.edgetrain.runtime.metrics;

import java.util.Arrays;
import java.util.Locale;

/**
 * A binary classifier's quality at the threshold ½ — the confusion counts, accuracy, precision, recall and F1
 * of the positive class — and, over every threshold, the area under the ROC curve (the probability that a random
 * positive scores above a random negative, ties counting half; NaN when the rows hold one class only).
 */
public final class BinaryMetrics {
    private final int truePositives;
    private final int falsePositives;
    private final int trueNegatives;
    private final int falseNegatives;
    private final double rocAuc;

    private BinaryMetrics(int tp, int fp, int tn, int fn, double rocAuc) {
        this.truePositives = tp;
        this.falsePositives = fp;
        this.trueNegatives = tn;
        this.falseNegatives = fn;
        this.rocAuc = rocAuc;
    }

    /**
     * The metrics of the first {@code rows} predictions, each positive at a probability of ½ or more.
     *
     * @param probabilities {@code [rows]}: the probability of the positive class
     * @param labels        {@code [rows]}: 0 or 1
     * @param rows rows to count, from 0; the arrays may be longer
     * @return the confusion counts and ROC-AUC
     * @throws IllegalArgumentException when an array is null or shorter than {@code rows}, or a label is not 0 or 1
     *                                  (naming the row)
     */
    public static BinaryMetrics of(float[] probabilities, int[] labels, int rows) {
        Shapes.check("probabilities", probabilities, rows, 1);
        Shapes.check("labels", labels, rows, 1);
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int r = 0; r < rows; r++) {
            if (labels[r] != 0 && labels[r] != 1) {
                throw new IllegalArgumentException("label of row " + r + " is " + labels[r] + ", expected 0 or 1");
            }
            boolean predicted = probabilities[r] >= 0.5f;
            if (labels[r] == 1) {
                if (predicted) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted) {
                fp++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(tp, fp, tn, fn, rocAuc(probabilities, labels, rows));
    }

    /** Mann–Whitney: (sum of the positives' ranks − P(P+1)/2) / (P·N), tied scores sharing their mean rank. */
    static double rocAuc(float[] scores, int[] labels, int rows) {
        Integer[] order = new Integer[rows];
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        double positiveRanks = 0;
        long positives = 0;
        int i = 0;
        while (i < rows) {
            int j = i;
            while (j + 1 < rows && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double meanRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    positiveRanks += meanRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = rows - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Rows predicted positive that are positive.
     *
     * @return TP
     */
    public int truePositives() {
        return truePositives;
    }

    /**
     * Rows predicted positive that are negative.
     *
     * @return FP
     */
    public int falsePositives() {
        return falsePositives;
    }

    /**
     * Rows predicted negative that are negative.
     *
     * @return TN
     */
    public int trueNegatives() {
        return trueNegatives;
    }

    /**
     * Rows predicted negative that are positive.
     *
     * @return FN
     */
    public int falseNegatives() {
        return falseNegatives;
    }

    /**
     * Rows counted: the sum of the four cells.
     *
     * @return TP + FP + TN + FN
     */
    public int rows() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    /**
     * (TP + TN) / rows.
     *
     * @return a fraction in [0, 1]; NaN for no rows
     */
    public double accuracy() {
        return (double) (truePositives + trueNegatives) / rows();
    }

    /**
     * TP / (TP + FP); 0 when nothing is predicted positive.
     *
     * @return a fraction in [0, 1]
     */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /**
     * TP / (TP + FN); 0 when no row is positive.
     *
     * @return a fraction in [0, 1]
     */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /**
     * The harmonic mean of precision and recall; 0 when both are 0.
     *
     * @return a value in [0, 1]
     */
    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * Area under the ROC curve of the scores; NaN when the rows are all positive or all negative.
     *
     * @return a value in [0, 1] (½ for scores that do not separate the classes), or NaN
     */
    public double rocAuc() {
        return rocAuc;
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy %.4f, precision %.4f, recall %.4f, F1 %.4f, ROC-AUC %.4f",
                accuracy(), precision(), recall(), f1(), rocAuc);
    }
}
