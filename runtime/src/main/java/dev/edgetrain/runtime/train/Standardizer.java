package dev.edgetrain.runtime.train;

/**
 * Per-feature standardisation {@code x' = (x − mean) / std}, fitted on training data. Keep it with the model:
 * the exporter folds it into the first layer, so the exported graph takes raw features.
 * A feature that is constant in the training data gets {@code std = 1} (it is only centred).
 */
public final class Standardizer {
    private final float[] mean;
    private final float[] std;

    public Standardizer(float[] mean, float[] std) {
        if (mean == null || std == null || mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must be non-empty and of equal length");
        }
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] > 0 && std[i] <= Float.MAX_VALUE) || !(Math.abs(mean[i]) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("feature " + i + ": mean " + mean[i] + ", std " + std[i]
                        + "; expected a finite mean and a finite std > 0");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Mean and (population) standard deviation of every feature of {@code data}, computed in double. */
    public static Standardizer fit(Dataset data) {
        final int f = data.featureCount();
        final int rows = data.rows();
        final float[] x = data.features();
        double[] sum = new double[f];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < f; j++) {
                sum[j] += x[r * f + j];
            }
        }
        double[] mu = new double[f];
        for (int j = 0; j < f; j++) {
            mu[j] = sum[j] / rows;
        }
        double[] sq = new double[f];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < f; j++) {
                double d = x[r * f + j] - mu[j];
                sq[j] += d * d;
            }
        }
        float[] mean = new float[f];
        float[] std = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] = (float) mu[j];
            float s = (float) Math.sqrt(sq[j] / rows);
            std[j] = s > 1e-12f ? s : 1f;
        }
        return new Standardizer(mean, std);
    }

    /**
     * {@link #fit(Dataset)} over the rows of {@code source} in stored order (a streamed source's selected rows), two
     * passes with the same arithmetic in the same order, so a {@link Dataset} gives the same standardiser either way.
     */
    public static Standardizer fit(BatchSource source) {
        final int f = source.featureCount();
        final int chunk = 256;
        final float[] x = new float[chunk * f];
        final int[] labels = source.classes() > 0 ? new int[chunk] : null;
        final float[] targets = source.classes() > 0 ? null : new float[chunk * source.targetWidth()];
        double[] sum = new double[f];
        long rows = 0;
        source.startEpoch(null);
        for (int n; (n = source.nextBatch(x, labels, targets, chunk)) > 0; rows += n) {
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < f; j++) {
                    sum[j] += x[r * f + j];
                }
            }
        }
        if (rows == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on no rows");
        }
        double[] mu = new double[f];
        for (int j = 0; j < f; j++) {
            mu[j] = sum[j] / rows;
        }
        double[] sq = new double[f];
        source.startEpoch(null);
        for (int n; (n = source.nextBatch(x, labels, targets, chunk)) > 0; ) {
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < f; j++) {
                    double d = x[r * f + j] - mu[j];
                    sq[j] += d * d;
                }
            }
        }
        float[] mean = new float[f];
        float[] std = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] = (float) mu[j];
            float sd = (float) Math.sqrt(sq[j] / rows);
            std[j] = sd > 1e-12f ? sd : 1f;
        }
        return new Standardizer(mean, std);
    }

    public int featureCount() {
        return mean.length;
    }

    /** A copy of the per-feature means. */
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the per-feature standard deviations. */
    public float[] std() {
        return std.clone();
    }

    /** Standardises {@code rows} rows of {@code x [rows][features]} at {@code offset}, in place. */
    public void applyInPlace(float[] x, int offset, int rows) {
        final int f = mean.length;
        if (offset < 0 || (long) rows * f > x.length - offset) {
            throw new IllegalArgumentException(rows + " rows of " + f + " features from offset " + offset
                    + " do not fit an array of length " + x.length);
        }
        for (int r = 0; r < rows; r++) {
            final int r0 = offset + r * f;
            for (int j = 0; j < f; j++) {
                x[r0 + j] = (x[r0 + j] - mean[j]) / std[j];
            }
        }
    }

    /** A standardised copy of {@code data}. */
    public Dataset apply(Dataset data) {
        if (data.featureCount() != mean.length) {
            throw new IllegalArgumentException("standardizer was fitted on " + mean.length + " features, data has "
                    + data.featureCount());
        }
        float[] x = data.features().clone();
        applyInPlace(x, 0, data.rows());
        return data.withFeatures(x);
    }
}
