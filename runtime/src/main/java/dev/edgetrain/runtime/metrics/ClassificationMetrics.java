package dev.edgetrain.runtime.metrics;

import java.util.Locale;

/**
 * A classifier's quality over k classes: the confusion matrix ({@code confusion[actual][predicted]}), accuracy,
 * and per class the precision, recall and F1 of deciding that class, with their unweighted mean over classes
 * (macro-F1). A class never predicted has precision NaN, a class with no row recall NaN (as the CLI's report shows
 * them: "-"); F1 is NaN when either is.
 */
public final class ClassificationMetrics {
    /** {@code [classes][classes]}: rows of class a predicted as p. */
    private final int[][] confusion;
    private final int rows;
    private final int correct;

    private ClassificationMetrics(int[][] confusion, int rows, int correct) {
        this.confusion = confusion;
        this.rows = rows;
        this.correct = correct;
    }

    /**
     * The metrics of the first {@code rows} predictions.
     *
     * @param predicted {@code [rows]}: predicted classes, in {@code [0, classes)}
     * @param labels    {@code [rows]}: true classes, in {@code [0, classes)}
     * @param rows rows to count, from 0; the arrays may be longer
     * @param classes k, at least 2
     * @return the confusion matrix and what follows from it
     * @throws IllegalArgumentException when an array is null or shorter than {@code rows}, {@code classes} is below 2,
     *                                  or a class is out of range (naming the row)
     */
    public static ClassificationMetrics of(int[] predicted, int[] labels, int rows, int classes) {
        Shapes.check("predicted", predicted, rows, 1);
        Shapes.check("labels", labels, rows, 1);
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier has at least 2 classes, got " + classes);
        }
        int[][] confusion = new int[classes][classes];
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            checkClass("label", r, labels[r], classes);
            checkClass("predicted class", r, predicted[r], classes);
            confusion[labels[r]][predicted[r]]++;
            if (labels[r] == predicted[r]) {
                correct++;
            }
        }
        return new ClassificationMetrics(confusion, rows, correct);
    }

    private static void checkClass(String what, int row, int value, int classes) {
        if (value < 0 || value >= classes) {
            throw new IllegalArgumentException(what + " of row " + row + " is " + value + ", expected a class in [0, "
                    + classes + ")");
        }
    }

    /**
     * Number of classes: the confusion matrix's side.
     *
     * @return k, at least 2
     */
    public int classes() {
        return confusion.length;
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
     * Correct rows over all rows; NaN when there are none.
     *
     * @return a fraction in [0, 1], or NaN
     */
    public double accuracy() {
        return rows == 0 ? Double.NaN : (double) correct / rows;
    }

    /**
     * A copy of the confusion matrix {@code [actual][predicted]}; row a sums to {@link #support(int) support(a)}.
     *
     * @return {@code [classes][classes]} counts, a fresh copy
     */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int a = 0; a < copy.length; a++) {
            copy[a] = confusion[a].clone();
        }
        return copy;
    }

    /**
     * Rows whose true class is {@code c}.
     *
     * @param c a class, in {@code [0, classes())}
     * @return the row count of class {@code c}
     */
    public int support(int c) {
        int n = 0;
        for (int v : confusion[c]) {
            n += v;
        }
        return n;
    }

    /**
     * Rows predicted as {@code c}.
     *
     * @param c a class, in {@code [0, classes())}
     * @return the count of rows predicted {@code c}
     */
    public int predictedCount(int c) {
        int n = 0;
        for (int[] row : confusion) {
            n += row[c];
        }
        return n;
    }

    /**
     * Of the rows predicted {@code c}, the fraction that are {@code c}; NaN when none was predicted {@code c}.
     *
     * @param c a class, in {@code [0, classes())}
     * @return a fraction in [0, 1], or NaN
     */
    public double precision(int c) {
        int p = predictedCount(c);
        return p == 0 ? Double.NaN : (double) confusion[c][c] / p;
    }

    /**
     * Of the rows of class {@code c}, the fraction predicted {@code c}; NaN when no row is of class {@code c}.
     *
     * @param c a class, in {@code [0, classes())}
     * @return a fraction in [0, 1], or NaN
     */
    public double recall(int c) {
        int s = support(c);
        return s == 0 ? Double.NaN : (double) confusion[c][c] / s;
    }

    /**
     * The harmonic mean of {@link #precision} and {@link #recall}; 0 when both are 0, NaN when either is NaN.
     *
     * @param c a class, in {@code [0, classes())}
     * @return a value in [0, 1], or NaN
     */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The mean of the classes' F1, over the classes whose F1 is defined (NaN when none is).
     *
     * @return a value in [0, 1], or NaN
     */
    public double macroF1() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes(); c++) {
            double f = f1(c);
            if (!Double.isNaN(f)) {
                sum += f;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy %.4f (%d/%d), macro-F1 %.4f", accuracy(), correct, rows,
                macroF1());
    }
}
