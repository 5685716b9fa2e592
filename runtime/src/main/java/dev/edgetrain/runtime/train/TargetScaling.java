package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;

/**
 * Standardised regression targets: a regressor trains on {@code t' = (t − mean) / std} per target (so the loss
 * and the learning rate do not depend on the targets' units), and the scaling is folded back into the output
 * layer before export, {@code y = std·y' + mean}: into the layer norm's scale and shift when the output layer has
 * one, else into its weight rows and bias. Possible only when the output layer is linear (identity activation)
 * and has a bias or a layer norm to hold the mean.
 */
public final class TargetScaling {
    private final float[] mean;
    private final float[] std;

    private TargetScaling(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Whether {@code spec}'s output layer can take the folded scaling back.
     *
     * @param spec the network's shape
     * @return true when the output layer is linear and has a bias or a layer norm
     */
    public static boolean applies(NetworkSpec spec) {
        return spec.outputLayer().activation().equals(Activation.IDENTITY)
                && (spec.outputLayer().bias() || spec.outputLayer().layerNorm());
    }

    /**
     * Mean and (population) standard deviation of each target of the rows of {@code train} (in stored order, two
     * passes, in double); a constant target gets std 1.
     *
     * @param train the training rows; read twice, from {@code startEpoch(null)}, in stored order
     * @return the scaling: {@code mean [targets]}, {@code std [targets]}
     */
    public static TargetScaling fit(BatchSource train) {
        int w = train.targetWidth();
        int f = train.featureCount();
        int chunk = 256;
        float[] x = new float[chunk * f];
        float[] t = new float[chunk * w];
        double[] sum = new double[w];
        long rows = 0;
        train.startEpoch(null);
        for (int n; (n = train.nextBatch(x, null, t, chunk)) > 0; rows += n) {
            for (int r = 0; r < n; r++) {
                for (int k = 0; k < w; k++) {
                    sum[k] += t[r * w + k];
                }
            }
        }
        double[] mu = new double[w];
        for (int k = 0; k < w; k++) {
            mu[k] = sum[k] / rows;
        }
        double[] sq = new double[w];
        train.startEpoch(null);
        for (int n; (n = train.nextBatch(x, null, t, chunk)) > 0; ) {
            for (int r = 0; r < n; r++) {
                for (int k = 0; k < w; k++) {
                    double d = t[r * w + k] - mu[k];
                    sq[k] += d * d;
                }
            }
        }
        float[] mean = new float[w];
        float[] std = new float[w];
        for (int k = 0; k < w; k++) {
            mean[k] = (float) mu[k];
            float s = (float) Math.sqrt(sq[k] / rows);
            std[k] = s > 1e-12f ? s : 1f;
        }
        return new TargetScaling(mean, std);
    }

    /**
     * A copy of {@code data} with standardised targets.
     *
     * @param data rows with {@code targets [rows][targetWidth]} in their own units, as many targets as were fitted
     * @return a new data set sharing {@code data}'s features, with {@code (t − mean) / std} targets
     */
    public Dataset apply(Dataset data) {
        int w = mean.length;
        float[] t = data.targets().clone();
        for (int i = 0; i < t.length; i++) {
            t[i] = (t[i] - mean[i % w]) / std[i % w];
        }
        return Dataset.withTargets(data.features(), t, data.featureCount(), w, data.targetNames(), data.featureNames());
    }

    /**
     * A copy of {@code network} whose outputs are in the targets' own units: {@code std·y + mean}.
     *
     * @param network a network trained on {@link #apply applied} targets; {@link #applies} must hold for its spec
     * @return a new network, same spec; {@code network} is unchanged
     */
    public Network fold(Network network) {
        NetworkSpec spec = network.spec();
        ParameterLayout layout = network.layout();
        int last = spec.layerCount() - 1;
        int in = layout.inputs(last);
        float[] p = network.copyParameters();
        for (int k = 0; k < mean.length; k++) {
            if (layout.normScaleOffset(last) >= 0) {
                p[layout.normScaleOffset(last) + k] *= std[k];
                p[layout.normShiftOffset(last) + k] = p[layout.normShiftOffset(last) + k] * std[k] + mean[k];
            } else {
                for (int i = 0; i < in; i++) {
                    p[layout.weightOffset(last) + k * in + i] *= std[k];
                }
                p[layout.biasOffset(last) + k] = p[layout.biasOffset(last) + k] * std[k] + mean[k];
            }
        }
        return Network.fromParameters(spec, p);
    }

    /**
     * Per-target means (a copy).
     *
     * @return {@code [targets]} means, in the targets' units
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Per-target standard deviations (a copy).
     *
     * @return {@code [targets]} standard deviations, positive (1 for a constant target)
     */
    public float[] std() {
        return std.clone();
    }
}
