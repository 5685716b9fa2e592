package dev.edgetrain.cli;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.train.Dataset;

/**
 * Standardised regression targets: a regressor trains on {@code t' = (t − mean) / std} per target (so the loss
 * and the learning rate do not depend on the targets' units), and the scaling is folded back into the output
 * layer before export, {@code y = std·y' + mean}: into the layer norm's scale and shift when the output layer has
 * one, else into its weight rows and bias. Possible only when the output layer is linear (identity activation)
 * and has a bias or a layer norm to hold the mean.
 */
final class TargetScaling {
    private final float[] mean;
    private final float[] std;

    private TargetScaling(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /** Whether {@code spec}'s output layer can take the folded scaling back. */
    static boolean applies(NetworkSpec spec) {
        return spec.outputLayer().activation().equals(Activation.IDENTITY)
                && (spec.outputLayer().bias() || spec.outputLayer().layerNorm());
    }

    /** Mean and (population) standard deviation of each target of {@code train}; a constant target gets std 1. */
    static TargetScaling fit(Dataset train) {
        int w = train.targetWidth();
        int rows = train.rows();
        float[] t = train.targets();
        float[] mean = new float[w];
        float[] std = new float[w];
        for (int k = 0; k < w; k++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += t[r * w + k];
            }
            double mu = sum / rows;
            double sq = 0;
            for (int r = 0; r < rows; r++) {
                double d = t[r * w + k] - mu;
                sq += d * d;
            }
            mean[k] = (float) mu;
            float s = (float) Math.sqrt(sq / rows);
            std[k] = s > 1e-12f ? s : 1f;
        }
        return new TargetScaling(mean, std);
    }

    /** A copy of {@code data} with standardised targets. */
    Dataset apply(Dataset data) {
        int w = mean.length;
        float[] t = data.targets().clone();
        for (int i = 0; i < t.length; i++) {
            t[i] = (t[i] - mean[i % w]) / std[i % w];
        }
        return Dataset.withTargets(data.features(), t, data.featureCount(), w, data.targetNames(), data.featureNames());
    }

    /** A copy of {@code network} whose outputs are in the targets' own units: {@code std·y + mean}. */
    Network fold(Network network) {
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

    float[] mean() {
        return mean.clone();
    }

    float[] std() {
        return std.clone();
    }
}
