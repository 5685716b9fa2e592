package dev.edgetrain.data;

import dev.edgetrain.runtime.Rng;
import java.io.IOException;
import java.nio.file.Path;

/** Generated rows for the row cache tests, and the caches they are written to. */
final class CacheTestRows {
    final int rows;
    final int featureCount;
    /** {@code [rows][featureCount]}; feature 0 is the row's index (exact as a float below 2^24) when {@code ids}. */
    final float[] x;
    /** Labels numbered in order of first appearance {@code [rows]}, or null. */
    final int[] labels;
    /** {@code [rows][targetWidth]}, or null. */
    final float[] targets;
    final int targetWidth;
    final int classes;

    private CacheTestRows(int rows, int featureCount, float[] x, int[] labels, float[] targets, int targetWidth,
                     int classes) {
        this.rows = rows;
        this.featureCount = featureCount;
        this.x = x;
        this.labels = labels;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.classes = classes;
    }

    /**
     * Labelled rows whose feature 0 is the row index and the others awkward floats (negative zero, subnormals,
     * huge values); labels numbered by first appearance.
     */
    static CacheTestRows identified(int rows, int featureCount, int classes, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * featureCount];
        int[] y = new int[rows];
        int seen = 0;
        for (int r = 0; r < rows; r++) {
            x[r * featureCount] = r;
            for (int j = 1; j < featureCount; j++) {
                x[r * featureCount + j] = awkward(rng);
            }
            int c = rng.nextInt(classes);
            if (c >= seen) {
                c = seen++; // a new label gets the next number
            }
            y[r] = c;
        }
        return new CacheTestRows(rows, featureCount, x, y, null, 0, classes);
    }

    private static float awkward(Rng rng) {
        switch (rng.nextInt(8)) {
            case 0:
                return -0f;
            case 1:
                return Float.MIN_VALUE * (1 + rng.nextInt(100));
            case 2:
                return (float) (rng.nextGaussian() * 1e30);
            default:
                return (float) rng.nextGaussian();
        }
    }

    /** Rows with feature 0 the row index and {@code width} real targets. */
    static CacheTestRows withTargets(int rows, int featureCount, int width, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * featureCount];
        float[] t = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            x[r * featureCount] = r;
            for (int j = 1; j < featureCount; j++) {
                x[r * featureCount + j] = (float) rng.nextGaussian();
            }
            for (int k = 0; k < width; k++) {
                t[r * width + k] = (float) (rng.nextGaussian() * 10 + 3 * k);
            }
        }
        return new CacheTestRows(rows, featureCount, x, null, t, width, 0);
    }

    /**
     * A learnable problem: {@code classes} Gaussian blobs with overlapping tails (so accuracy stays below 100% and
     * can differ), labels in class order.
     */
    static CacheTestRows blobs(int rows, int featureCount, int classes, double spread, long seed) {
        Rng rng = new Rng(seed);
        float[] centres = new float[classes * featureCount];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) (rng.nextGaussian() * 2);
        }
        float[] x = new float[rows * featureCount];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rng.nextInt(classes);
            for (int j = 0; j < featureCount; j++) {
                x[r * featureCount + j] = (float) (centres[y[r] * featureCount + j] + rng.nextGaussian() * spread
                        + 5); // an offset the standardizer removes
            }
        }
        return new CacheTestRows(rows, featureCount, x, y, null, 0, classes);
    }

    /** Writes every row into a new cache in {@code dir} with blocks of {@code blockBytes}. */
    RowCache write(Path dir, int blockBytes) throws IOException {
        try (RowCacheWriter writer = RowCacheWriter.create(dir, featureCount, targetWidth, blockBytes)) {
            float[] row = new float[featureCount];
            float[] t = targets == null ? null : new float[targetWidth];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, r * featureCount, row, 0, featureCount);
                if (t != null) {
                    System.arraycopy(targets, r * targetWidth, t, 0, targetWidth);
                }
                writer.row(r + 2, row, labels == null ? -1 : labels[r], t);
            }
            return writer.finish();
        }
    }
}
