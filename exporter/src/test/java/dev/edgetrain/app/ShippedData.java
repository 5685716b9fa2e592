package dev.edgetrain.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A shipped data set ({@code models/data/NAME.csv}: a header, numeric features, the label last) as the arrays an app
 * has, split by row number: every fifth row (0, 5, 10, …) is a test row.
 */
final class ShippedData {
    /** The repository root, seen from the module (surefire runs in the module's directory). */
    static final Path ROOT = Paths.get("..");

    final String[] classNames;
    final float[][] trainX;
    final int[] trainLabels;
    final float[][] testX;
    final int[] testLabels;

    private ShippedData(String[] classNames, List<float[]> x, List<Integer> labels) {
        this.classNames = classNames;
        int test = (x.size() + 4) / 5;
        trainX = new float[x.size() - test][];
        trainLabels = new int[x.size() - test];
        testX = new float[test][];
        testLabels = new int[test];
        for (int r = 0, tr = 0, te = 0; r < x.size(); r++) {
            if (r % 5 == 0) {
                testX[te] = x.get(r);
                testLabels[te++] = labels.get(r);
            } else {
                trainX[tr] = x.get(r);
                trainLabels[tr++] = labels.get(r);
            }
        }
    }

    /** Class names are the label column's distinct values in sorted order. */
    static ShippedData load(String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(ROOT.resolve("models/data/" + name + ".csv"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TreeSet<String> distinct = new TreeSet<>();
        List<String[]> cells = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isEmpty()) {
                String[] c = line.split(",");
                cells.add(c);
                distinct.add(c[c.length - 1]);
            }
        }
        List<String> names = new ArrayList<>(distinct);
        List<float[]> x = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String[] c : cells) {
            float[] row = new float[c.length - 1];
            for (int j = 0; j < row.length; j++) {
                row[j] = Float.parseFloat(c[j]);
            }
            x.add(row);
            labels.add(names.indexOf(c[c.length - 1]));
        }
        return new ShippedData(names.toArray(new String[0]), x, labels);
    }

    /** {@code rows} flattened {@code [rows][features]}. */
    static float[] flatten(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        }
        return flat;
    }
}
