package dev.edgetrain.runtime.metrics;

/** Argument checks shared by the metrics. */
final class Shapes {
    private Shapes() {
    }

    static void check(String name, Object array, int rows, int width) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (rows < 0 || width < 1) {
            throw new IllegalArgumentException(name + ": rows must be >= 0 and width >= 1, got " + rows + " and "
                    + width);
        }
        int length = array instanceof float[] ? ((float[]) array).length : ((int[]) array).length;
        if ((long) rows * width > length) {
            throw new IllegalArgumentException(name + " needs " + (long) rows * width + " values [" + rows + "]["
                    + width + "], has " + length);
        }
    }
}
