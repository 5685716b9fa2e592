package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.ReferenceKernels;

/**
 * An independent, double-precision evaluation of a training step's mean loss for any {@link NetworkSpec} and
 * {@link Loss}, written from the definitions without the runtime's kernels: the oracle of the finite-difference
 * gradient check. Per layer {@code z = W·x + b}, then the layer norm {@code γ·(z − mean)/sqrt(var + ε) + β}
 * (biased variance), then the activation, then the GIVEN dropout mask (values 0 or {@code 1/(1 − p)}, as the
 * training pass drew them); then the loss of the task's head:
 * <ul>
 *   <li>classify: PyTorch's {@code cross_entropy(weight=w, label_smoothing=ε)},
 *       {@code Σ_b [(1 − ε)·w_c·(−log p_c) + (ε/K)·Σ_k w_k·(−log p_k)] / Σ_b w_{c_b}};</li>
 *   <li>binary, multilabel: {@code BCEWithLogitsLoss}, {@code −(w₁·t·log σ(a) + w₀·(1 − t)·log(1 − σ(a)))} averaged
 *       over every output of every row (a binary label is the target 0 or 1);</li>
 *   <li>regress: the mean of {@code (a − t)²}, or of Huber's {@code ½r²} within δ and {@code δ(|r| − ½δ)} beyond.</li>
 * </ul>
 * The only thing borrowed is the complementary error function for the exact GELU,
 * {@link ReferenceKernels#erfc} (itself tested against published values), which no fast kernel uses.
 *
 * <p>Each evaluation also records which side of every kink the point is on (each ReLU and LeakyReLU input, each
 * Huber residual against δ) and how close it came, so a check can prove its perturbations crossed none.
 */
final class DoublePrecisionNetwork {
    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final Loss loss;
    /** Inputs {@code [batch][inputs]}; labels {@code [batch]} or targets {@code [batch][outputs]}, the other null. */
    private final float[] x;
    private final int[] labels;
    private final float[] targets;
    private final int batch;
    /** Per layer the dropout mask {@code [batch][outputs(l)]} of the pass being checked; null for a layer without. */
    private final float[][][] masks;
    /** Per layer, one row's activation input {@code n} and output {@code y} (after dropout), {@code [outputs(l)]}. */
    private final double[][] pre;
    private final double[][] out;
    /** One entry per kink of the last evaluation: which side of it the point is on. */
    private final boolean[] sides;
    private int sideCount;
    private double closestKink;

    DoublePrecisionNetwork(NetworkSpec spec, Loss loss, float[] x, int[] labels, float[] targets, int batch,
                           float[][][] masks) {
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.loss = loss;
        this.x = x;
        this.labels = labels;
        this.targets = targets;
        this.batch = batch;
        this.masks = masks;
        this.pre = new double[spec.layerCount()][];
        this.out = new double[spec.layerCount()][];
        int units = 0;
        for (int l = 0; l < spec.layerCount(); l++) {
            pre[l] = new double[spec.layerOutputs(l)];
            out[l] = new double[spec.layerOutputs(l)];
            units += spec.layerOutputs(l);
        }
        this.sides = new boolean[batch * (units + spec.outputs())];
    }

    /** The mean loss at {@code params} (laid out as {@link ParameterLayout} says); records the kinks' sides. */
    double meanLoss(double[] params) {
        sideCount = 0;
        closestKink = Double.POSITIVE_INFINITY;
        double sum = 0;
        double normaliser = 0;
        final int k = spec.outputs();
        final float[] w = loss.classWeights();
        for (int b = 0; b < batch; b++) {
            forwardRow(params, b);
            final double[] a = out[spec.layerCount() - 1];
            switch (loss.kind()) {
                case CROSS_ENTROPY:
                    sum += crossEntropy(a, labels[b], w, loss.labelSmoothing());
                    normaliser += w == null ? 1 : w[labels[b]];
                    break;
                case BINARY_CROSS_ENTROPY:
                    for (int o = 0; o < k; o++) {
                        double t = labels != null ? labels[b] : targets[b * k + o];
                        sum += (w == null ? 1 : w[1]) * t * softplus(-a[o])
                                + (w == null ? 1 : w[0]) * (1 - t) * softplus(a[o]);
                    }
                    normaliser += k;
                    break;
                case MSE:
                    for (int o = 0; o < k; o++) {
                        double r = a[o] - targets[b * k + o];
                        sum += r * r;
                    }
                    normaliser += k;
                    break;
                default:
                    double delta = loss.huberDelta();
                    for (int o = 0; o < k; o++) {
                        double r = Math.abs(a[o] - targets[b * k + o]);
                        sum += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
                        kink(r - delta);
                    }
                    normaliser += k;
                    break;
            }
        }
        return sum / normaliser;
    }

    /** Which side of each kink the last evaluation was on, one entry per kink in a fixed order (a copy). */
    boolean[] sides() {
        return java.util.Arrays.copyOf(sides, sideCount);
    }

    /** How close the last evaluation came to a kink: the smallest |ReLU input| or ||r| − δ|; infinite when none. */
    double closestKink() {
        return closestKink;
    }

    private void kink(double signedDistance) {
        sides[sideCount++] = signedDistance > 0;
        closestKink = Math.min(closestKink, Math.abs(signedDistance));
    }

    /** Row {@code b} through every layer, into {@link #pre} and {@link #out}. */
    private void forwardRow(double[] params, int b) {
        double[] in = new double[spec.inputs()];
        for (int i = 0; i < in.length; i++) {
            in[i] = x[b * spec.inputs() + i];
        }
        for (int l = 0; l < spec.layerCount(); l++) {
            final LayerSpec s = spec.layer(l);
            final int nIn = layout.inputs(l);
            final int nOut = layout.outputs(l);
            final double[] n = pre[l];
            for (int o = 0; o < nOut; o++) {
                double z = layout.biasOffset(l) >= 0 ? params[layout.biasOffset(l) + o] : 0;
                for (int i = 0; i < nIn; i++) {
                    z += params[layout.weightOffset(l) + o * nIn + i] * in[i];
                }
                n[o] = z;
            }
            if (s.layerNorm()) {
                double mean = 0;
                for (int o = 0; o < nOut; o++) {
                    mean += n[o] / nOut;
                }
                double var = 0;
                for (int o = 0; o < nOut; o++) {
                    var += (n[o] - mean) * (n[o] - mean) / nOut;
                }
                final double scale = 1 / Math.sqrt(var + s.normEpsilon());
                for (int o = 0; o < nOut; o++) {
                    n[o] = params[layout.normScaleOffset(l) + o] * (n[o] - mean) * scale
                            + params[layout.normShiftOffset(l) + o];
                }
            }
            final Activation f = s.activation();
            final boolean rectifier = f.kind() == Activation.Kind.RELU || f.kind() == Activation.Kind.LEAKY_RELU;
            for (int o = 0; o < nOut; o++) {
                if (rectifier) {
                    kink(n[o]);
                }
                double y = activate(f, n[o]);
                out[l][o] = masks != null && masks[l] != null ? y * masks[l][b][o] : y;
            }
            in = out[l];
        }
    }

    /** The activations from their definitions (GELU's Gaussian CDF as {@code ½·erfc(−x/√2)}). */
    static double activate(Activation f, double v) {
        switch (f.kind()) {
            case IDENTITY:
                return v;
            case RELU:
                return Math.max(v, 0);
            case LEAKY_RELU:
                return v >= 0 ? v : f.alpha() * v;
            case TANH:
                return Math.tanh(v);
            case SIGMOID:
                return 1 / (1 + Math.exp(-v));
            case GELU:
                return v * 0.5 * ReferenceKernels.erfc(-v / Math.sqrt(2));
            default:
                return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        }
    }

    /** {@code log(1 + e^v)}, without overflow for large {@code v}. */
    private static double softplus(double v) {
        return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
    }

    /** One row's {@code (1 − ε)·w_c·(−log p_c) + (ε/K)·Σ_k w_k·(−log p_k)}. */
    private static double crossEntropy(double[] a, int c, float[] w, double smoothing) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : a) {
            sum += Math.exp(v - max);
        }
        final double logSum = max + Math.log(sum);
        double smooth = 0;
        for (int k = 0; k < a.length; k++) {
            smooth += (w == null ? 1 : w[k]) * (logSum - a[k]);
        }
        return (1 - smoothing) * (w == null ? 1 : w[c]) * (logSum - a[c]) + smoothing / a.length * smooth;
    }
}
