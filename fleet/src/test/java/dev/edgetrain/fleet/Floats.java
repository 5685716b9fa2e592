package dev.edgetrain.fleet;

/** Comparisons of parameter slabs. */
public final class Floats {
    private Floats() {
    }

    public static double maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
