package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;

import java.util.Random;

/** Networks of the whole model family for the export tests: random parameters, and trained ones per task. */
final class FamilyModels {
    /** Every activation, LeakyReLU with a slope that is not the default. */
    static final Activation[] ACTIVATIONS = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.2f),
            Activation.TANH, Activation.SIGMOID, Activation.GELU, Activation.GELU_TANH};

    private FamilyModels() {
    }

    /** Outputs of a small network for {@code task}: 4 classes, 1 binary output, 3 labels, 2 targets. */
    static int outputsFor(Task task) {
        switch (task) {
            case BINARY:
                return 1;
            case MULTILABEL:
                return 3;
            case REGRESS:
                return 2;
            default:
                return 4;
        }
    }

    /**
     * A network of {@code spec} whose every parameter is random: weights as initialised, biases N(0, 0.5²),
     * layer-norm scales N(1, 0.5²) and shifts N(0, 0.5²), so no parameter sits at its initial 0 or 1.
     */
    static Network random(NetworkSpec spec, long seed) {
        Network n = new Network(spec, seed);
        Random r = new Random(seed ^ 0x5DEECE66DL);
        float[] p = n.copyParameters();
        ParameterLayout layout = n.layout();
        for (int l = 0; l < spec.layerCount(); l++) {
            int out = layout.outputs(l);
            fill(p, layout.biasOffset(l), out, 0, 0.5, r);
            fill(p, layout.normScaleOffset(l), out, 1, 0.5, r);
            fill(p, layout.normShiftOffset(l), out, 0, 0.5, r);
        }
        n.setParameters(p);
        return n;
    }

    private static void fill(float[] p, int offset, int count, double mean, double std, Random r) {
        for (int i = 0; offset >= 0 && i < count; i++) {
            p[offset + i] = (float) (mean + r.nextGaussian() * std);
        }
    }

    /**
     * Synthetic data that {@code spec}'s task can learn: Gaussian features; classes by the nearest of random
     * centres; binary and multi-label targets by random hyperplanes; regression targets a smooth function of
     * random projections, of order 1.
     */
    static Dataset data(NetworkSpec spec, int rows, long seed) {
        Random r = new Random(seed);
        int f = spec.inputs();
        int k = spec.outputs();
        float[] x = TestSupport.randomInputs(r, rows, f, 1.0);
        float[][] directions = new float[Math.max(k, 2)][f];
        for (float[] d : directions) {
            for (int j = 0; j < f; j++) {
                d[j] = (float) r.nextGaussian();
            }
        }
        if (spec.task() == Task.CLASSIFY) {
            int[] y = new int[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = argmax(x, i * f, directions, k);
            }
            return new Dataset(x, y, f, k);
        }
        float[] t = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < k; o++) {
                double s = dot(x, i * f, directions[o]) / Math.sqrt(f);
                t[i * k + o] = spec.task() == Task.REGRESS ? (float) Math.sin(2 * s) + 0.5f * (float) s
                        : s > 0 ? 1f : 0f;
            }
        }
        return Dataset.withTargets(x, t, f, k, null, null);
    }

    private static int argmax(float[] x, int off, float[][] directions, int k) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double s = dot(x, off, directions[c]);
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        return best;
    }

    private static double dot(float[] x, int off, float[] d) {
        double s = 0;
        for (int j = 0; j < d.length; j++) {
            s += (double) x[off + j] * d[j];
        }
        return s;
    }

    /** {@code spec} trained for {@code epochs} on {@link #data} with Adam, so every parameter has moved. */
    static Network trained(NetworkSpec spec, int epochs, long seed) {
        Network n = new Network(spec, seed);
        TrainingSession session = new TrainingSession(n, 32, OptimizerConfig.adam(3e-3f));
        session.setDropoutSeed(seed);
        new Trainer(session, data(spec, 512, seed + 1), 32, seed + 2).fit(epochs, TrainingListener.NONE);
        return n;
    }

    /** The largest {@code |γ − 1|} over every layer norm's scale: how far training moved them from their start. */
    static double maxScaleShift(Network n) {
        double max = 0;
        ParameterLayout layout = n.layout();
        for (int l = 0; l < layout.layerCount(); l++) {
            int g = layout.normScaleOffset(l);
            for (int i = 0; g >= 0 && i < layout.outputs(l); i++) {
                max = Math.max(max, Math.abs(n.parameter(g + i) - 1.0));
            }
        }
        return max;
    }
}
