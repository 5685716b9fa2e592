package dev.edgetrain.runtime;

/**
 * An independent, double-precision evaluation of the mean cross-entropy of a network, written from the
 * definitions without the runtime's kernels: the oracle of the finite-difference gradient check.
 */
final class DoublePrecisionNetwork {
    private DoublePrecisionNetwork() {
    }

    /** Mean over the batch of {@code −log softmax(O)[c]}, for the parameters {@code params} laid out by {@code layout}. */
    static double meanLoss(NetworkSpec spec, ParameterLayout layout, double[] params, float[] x, int[] labels,
                           int batch) {
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double[] act = new double[spec.inputs()];
            for (int i = 0; i < act.length; i++) {
                act[i] = x[b * spec.inputs() + i];
            }
            for (int l = 0; l < spec.layerCount(); l++) {
                int in = layout.inputs(l);
                int out = layout.outputs(l);
                double[] next = new double[out];
                for (int o = 0; o < out; o++) {
                    double s = layout.biasOffset(l) >= 0 ? params[layout.biasOffset(l) + o] : 0;
                    for (int i = 0; i < in; i++) {
                        s += params[layout.weightOffset(l) + o * in + i] * act[i];
                    }
                    next[o] = l < spec.layerCount() - 1 ? Math.max(s, 0) : s;
                }
                act = next;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : act) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : act) {
                sum += Math.exp(v - max);
            }
            total += max + Math.log(sum) - act[labels[b]];
        }
        return total / batch;
    }

    /** Smallest |pre-activation| over all hidden units and rows: how close the point is to a ReLU kink. */
    static double closestKink(NetworkSpec spec, ParameterLayout layout, double[] params, float[] x, int batch) {
        double closest = Double.POSITIVE_INFINITY;
        for (int b = 0; b < batch; b++) {
            double[] act = new double[spec.inputs()];
            for (int i = 0; i < act.length; i++) {
                act[i] = x[b * spec.inputs() + i];
            }
            for (int l = 0; l < spec.layerCount() - 1; l++) {
                int in = layout.inputs(l);
                int out = layout.outputs(l);
                double[] next = new double[out];
                for (int o = 0; o < out; o++) {
                    double s = layout.biasOffset(l) >= 0 ? params[layout.biasOffset(l) + o] : 0;
                    for (int i = 0; i < in; i++) {
                        s += params[layout.weightOffset(l) + o * in + i] * act[i];
                    }
                    closest = Math.min(closest, Math.abs(s));
                    next[o] = Math.max(s, 0);
                }
                act = next;
            }
        }
        return closest;
    }
}
