package dev.edgetrain.app;

/** Checks and flattening of the row arrays a {@link Model} takes; every failure is an {@link InvalidDataException}. */
final class Rows {
    private Rows() {
    }

    /**
     * {@code x} flattened to {@code [rows][width]}, after checking that it has rows, that none is null, that every
     * row has {@code width} values (the first row's when {@code width} is -1) and that all are finite.
     *
     * @param what  what the rows are, for messages: {@code "x"}, {@code "targets"}
     * @param whose why {@code width} is expected, for messages: {@code "the model's features"}; null: row 0's
     */
    static float[] flatten(String what, float[][] x, int width, String whose) {
        if (x == null || x.length == 0) {
            throw new InvalidDataException(what + " has no rows; expected at least one", -1, -1);
        }
        int w = width;
        String because = whose;
        if (w < 0) {
            w = row(what, x, 0).length;
            because = "as row 0";
            if (w == 0) {
                throw new InvalidDataException(what + " row 0 has no values; expected at least one", 0, -1);
            }
        }
        float[] flat = new float[x.length * w]; // [rows][w]
        for (int r = 0; r < x.length; r++) {
            float[] values = row(what, x, r);
            if (values.length != w) {
                throw new InvalidDataException(what + " row " + r + " has " + values.length + " values; expected " + w
                        + " (" + because + ")", r, -1);
            }
            for (int c = 0; c < w; c++) {
                if (Float.isNaN(values[c]) || Float.isInfinite(values[c])) {
                    throw new InvalidDataException(what + " row " + r + ", column " + c + " is " + values[c]
                            + "; expected a finite number", r, c);
                }
            }
            System.arraycopy(values, 0, flat, r * w, w);
        }
        return flat;
    }

    private static float[] row(String what, float[][] x, int r) {
        if (x[r] == null) {
            throw new InvalidDataException(what + " row " + r + " is null; expected an array of values", r, -1);
        }
        return x[r];
    }

    /** Checks one label per row, each in {@code [0, classes)}; {@code noun} names the classes for messages. */
    static void checkLabels(int[] labels, int rows, int classes, String noun) {
        if (labels == null) {
            throw new InvalidDataException("labels are null; expected one per row (" + rows + ")", -1, -1);
        }
        if (labels.length != rows) {
            throw new InvalidDataException(labels.length + " labels for " + rows + " rows; expected one label per row",
                    -1, -1);
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new InvalidDataException("label of row " + r + " is " + labels[r] + "; expected " + noun
                        + " in [0, " + classes + ")", r, -1);
            }
        }
    }

    /** Checks that {@code targets} has one row per row of x; {@code flat} holds them {@code [rows][width]}. */
    static void checkTargetRows(float[][] targets, int rows) {
        if (targets != null && targets.length != rows) {
            throw new InvalidDataException(targets.length + " target rows for " + rows + " rows of x; expected one per "
                    + "row", -1, -1);
        }
    }

    /** Checks that multi-label targets are in [0, 1]. */
    static void checkProbabilities(float[] flat, int width) {
        for (int i = 0; i < flat.length; i++) {
            if (flat[i] < 0 || flat[i] > 1) {
                throw new InvalidDataException("targets row " + i / width + ", column " + i % width + " is " + flat[i]
                        + "; expected a value in [0, 1] (a multi-label target)", i / width, i % width);
            }
        }
    }
}
