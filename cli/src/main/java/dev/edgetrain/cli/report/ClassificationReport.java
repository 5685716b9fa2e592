package dev.edgetrain.cli.report;

import dev.edgetrain.cli.support.Console;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accuracy, per-class precision and recall, and the confusion matrix of predictions against labels. */
public final class ClassificationReport {
    private final String[] classNames;
    /** {@code confusion[actual][predicted]}. */
    private final int[][] confusion;
    private final int rows;
    private final int correct;

    /**
     * The report of {@code predicted} against {@code actual}.
     *
     * @param classNames the classes' names, indexed by class
     * @param actual each row's class
     * @param predicted each row's predicted class, as many as {@code actual}
     */
    public ClassificationReport(String[] classNames, int[] actual, int[] predicted) {
        int k = classNames.length;
        this.classNames = classNames.clone();
        this.confusion = new int[k][k];
        int right = 0;
        for (int i = 0; i < actual.length; i++) {
            confusion[actual[i]][predicted[i]]++;
            if (actual[i] == predicted[i]) {
                right++;
            }
        }
        this.rows = actual.length;
        this.correct = right;
    }

    /**
     * The fraction of rows predicted right.
     *
     * @return the accuracy, NaN for no rows
     */
    public double accuracy() {
        return (double) correct / rows;
    }

    /**
     * Of the rows predicted as class {@code c}, the fraction that are {@code c}.
     *
     * @param c the class
     * @return the precision, NaN when no row was predicted {@code c}
     */
    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? Double.NaN : (double) confusion[c][c] / predicted;
    }

    /**
     * Of the rows of class {@code c}, the fraction predicted {@code c}.
     *
     * @param c the class
     * @return the recall, NaN when the data has no row of {@code c}
     */
    public double recall(int c) {
        int actual = 0;
        for (int v : confusion[c]) {
            actual += v;
        }
        return actual == 0 ? Double.NaN : (double) confusion[c][c] / actual;
    }

    /**
     * The rows of class {@code c}.
     *
     * @param c the class
     * @return how many rows are of that class
     */
    public int support(int c) {
        int actual = 0;
        for (int v : confusion[c]) {
            actual += v;
        }
        return actual;
    }

    /**
     * The confusion matrix.
     *
     * @return a copy, {@code [actual][predicted]} row counts
     */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /**
     * Prints the human-readable report: accuracy, per-class precision, recall and support, the confusion matrix.
     *
     * @param console where to print (as progress lines)
     */
    public void print(Console console) {
        console.line("accuracy %.2f%% (%d/%d)", 100 * accuracy(), correct, rows);
        int width = 5;
        for (String n : classNames) {
            width = Math.max(width, n.length());
        }
        console.line("");
        console.line("%-" + width + "s  precision  recall  support", "class");
        for (int c = 0; c < classNames.length; c++) {
            console.line("%-" + width + "s  %9s  %6s  %7d", classNames[c], percent(precision(c)), percent(recall(c)),
                    support(c));
        }
        console.line("");
        console.line("confusion matrix (rows: actual, columns: predicted)");
        StringBuilder head = new StringBuilder(String.format("%-" + width + "s", ""));
        int cell = 4;
        for (int[] row : confusion) {
            for (int v : row) {
                cell = Math.max(cell, String.valueOf(v).length() + 1);
            }
        }
        for (String n : classNames) {
            cell = Math.max(cell, Math.min(n.length(), 10) + 1);
        }
        for (String n : classNames) {
            head.append(String.format("%" + cell + "s", n.length() > 10 ? n.substring(0, 10) : n));
        }
        console.line(head.toString());
        for (int a = 0; a < classNames.length; a++) {
            StringBuilder line = new StringBuilder(String.format("%-" + width + "s", classNames[a]));
            for (int p = 0; p < classNames.length; p++) {
                line.append(String.format("%" + cell + "d", confusion[a][p]));
            }
            console.line(line.toString());
        }
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * v);
    }

    /**
     * The JSON form: rows, correct, accuracy, per-class figures (null for NaN) and the confusion matrix.
     *
     * @return JSON-ready maps and lists
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("correct", correct);
        m.put("accuracy", accuracy());
        List<Map<String, Object>> perClass = new java.util.ArrayList<>();
        for (int c = 0; c < classNames.length; c++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("class", classNames[c]);
            e.put("precision", Double.isNaN(precision(c)) ? null : precision(c));
            e.put("recall", Double.isNaN(recall(c)) ? null : recall(c));
            e.put("support", support(c));
            perClass.add(e);
        }
        m.put("classes", perClass);
        m.put("confusion", confusion());
        return m;
    }
}
