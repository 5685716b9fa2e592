package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;

/**
 * Per-feature standardisation {@code x' = (x − mean) / std}, fitted on training data. Keep it with the model:
 * the exporter folds it into the first layer, so the exported graph takes raw features.
 * A feature that is constant in the training data gets {@code std = 1} (it is only centred).
 */
public final class Standardizer {
    private final float[] mean;
    private final float[] std;

    /**
     * A standardiser from per-feature {@code mean} and {@code std}, of equal length.
     *
     * @param mean {@code [features]}, finite; copied
     * @param std {@code [features]}, finite and positive; copied
     * @throws IllegalArgumentException when the arrays are null, empty or of different lengths, or a value is out of
     *                                  range (naming the feature)
     */
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

    /**
     * Mean and (population) standard deviation of every feature of {@code data}, computed in double.
     *
     * @param data the training rows, at least one
     * @return {@code [features]} means and standard deviations
     */
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
     *
     * @param source the training rows; read twice, from {@code startEpoch(null)}
     * @return {@code [features]} means and standard deviations
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

    /**
     * Number of features.
     *
     * @return the features the standardiser was fitted on
     */
    public int featureCount() {
        return mean.length;
    }

    /**
     * A copy of the per-feature means.
     *
     * @return {@code [features]}, in the features' raw units
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * A copy of the per-feature standard deviations.
     *
     * @return {@code [features]}, positive
     */
    public float[] std() {
        return std.clone();
    }

    /**
     * Standardises {@code rows} rows of {@code x [rows][features]} at {@code offset}, in place.
     *
     * @param x raw rows, overwritten with standardised ones
     * @param offset index of the first row's first feature in {@code x}
     * @param rows rows to standardise
     * @throws IllegalArgumentException when the rows do not fit in {@code x}
     */
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

    /**
     * A standardised copy of {@code data}.
     *
     * @param data raw rows with {@link #featureCount()} features; not changed
     * @return a new data set with standardised features and the same labels or targets
     * @throws IllegalArgumentException when {@code data} has another feature count
     */
    public Dataset apply(Dataset data) {
        if (data.featureCount() != mean.length) {
            throw new IllegalArgumentException("standardizer was fitted on " + mean.length + " features, data has "
                    + data.featureCount());
        }
        float[] x = data.features().clone();
        applyInPlace(x, 0, data.rows());
        return data.withFeatures(x);
    }

    /**
     * {@code network}, which takes raw features, re-expressed on this standardiser's inputs {@code z = (x − μ) / σ}:
     * with {@code x = σz + μ}, {@code W·x + b = (W·diag σ)·z + (W·μ + b)} (the shift summed in double). Training
     * then sees well-scaled inputs, and the exporter folds {@code (μ, σ)} back in. The first layer gets a bias if it
     * had none (to hold {@code W·μ}); everything after the first dense layer's output (its layer norm, activation,
     * the other layers) is copied unchanged. The result is a new network; {@code network} is not changed.
     *
     * @param network a network of raw features, {@link #featureCount()} inputs
     * @return a new network taking standardised inputs
     * @throws IllegalArgumentException when the network's input count differs from {@link #featureCount()}
     */
    public Network onStandardizedInputs(Network network) {
        NetworkSpec spec = network.spec();
        if (spec.inputs() != mean.length) {
            throw new IllegalArgumentException("standardizer has " + mean.length + " features, network " + spec
                    + " takes " + spec.inputs() + "; expected the same number");
        }
        NetworkSpec unfolded = spec.withLayer(0, spec.layer(0).withBias(true));
        ParameterLayout from = network.layout();
        ParameterLayout to = new Network(unfolded, 0).layout();
        float[] src = network.copyParameters();
        float[] dst = new float[to.size()];
        int in = spec.layerInputs(0);
        int outDim = spec.layerOutputs(0);
        for (int o = 0; o < outDim; o++) {
            double shift = from.biasOffset(0) >= 0 ? src[from.biasOffset(0) + o] : 0;
            for (int i = 0; i < in; i++) {
                float w = src[from.weightOffset(0) + o * in + i];
                dst[to.weightOffset(0) + o * in + i] = w * std[i];
                shift += (double) w * mean[i];
            }
            dst[to.biasOffset(0) + o] = (float) shift;
        }
        if (from.normScaleOffset(0) >= 0) {
            System.arraycopy(src, from.normScaleOffset(0), dst, to.normScaleOffset(0), outDim);
            System.arraycopy(src, from.normShiftOffset(0), dst, to.normShiftOffset(0), outDim);
        }
        for (int l = 1; l < spec.layerCount(); l++) {
            System.arraycopy(src, from.layerStart(l), dst, to.layerStart(l), from.layerEnd(l) - from.layerStart(l));
        }
        return Network.fromParameters(unfolded, dst);
    }
}
