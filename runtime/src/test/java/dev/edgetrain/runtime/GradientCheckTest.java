package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every parameter's analytic gradient from {@link TrainingSession#trainStep} (the float kernels) against central
 * differences of the loss computed in double precision by {@link DoublePrecisionNetwork}, for every activation on
 * hidden and output layers, layer norm, every task and loss (class weights, label smoothing, binary labels and
 * float targets, Huber on both sides of δ), dropout (with the mask the training pass drew), frozen layers, narrow
 * layers and layers of 64 and more (the wide axpy kernels next to the dot-product ones), batch 1 and more.
 *
 * <p>The bound is strict for a float32 runtime: its rounding is about 6e-8 of the magnitudes summed into a
 * gradient, so where those mostly cancel it can reach 1e-4 of the result. Summing over the rows of a batch adds
 * to it: networks of width 64 and more at batch 4 or 5 sit right at the bound (70-72-66-5 at batch 5: worst errors
 * 5.5e-5 to 6.4e-4 over 24 seeds, median 1.3e-4). A plain float32 backprop written as loops, measured the same way
 * against a double-precision backprop (10 seeds at batch 3), scatters as much (7.9e-5 to 4.6e-4; the runtime 5.7e-5
 * to 1.7e-4), and the double-precision backprop agrees with the central differences to 3e-11: it is float32's own
 * rounding, not the runtime's. So the wide networks are checked one row at a time (batch 1), where their worst
 * errors are near 1e-5, and the batch's own arithmetic (the sum over rows, the weight gradient's four-rows-a-pass
 * path, a weighted mean's divisor) is checked on the narrow networks at batches up to 7, where rounding stays far
 * below the bound; the kernels' batched paths are also held to their references at every width by the kernel tests.
 * Every case runs at the seed its name hashes to. A wrong formula is off by far more than rounding at every point.
 *
 * <p>Test points stay away from kinks honestly: the point must be farther than {@link #KINK_MARGIN} from every
 * ReLU/LeakyReLU input and every Huber residual's |r| = δ (a point that is not is redrawn, at most ten times),
 * and no perturbation of the check may move any of them to the other side.
 */
class GradientCheckTest {
    /** Step of the central difference, in double; far below float resolution of the parameters' effect. */
    private static final double H = 1e-6;
    /** Bound on the relative error |analytic − numeric| / max(|analytic|, |numeric|, FLOOR). */
    private static final double MAX_RELATIVE_ERROR = 1e-4;
    /** Gradients smaller than this are compared in absolute terms (float rounding dominates there). */
    private static final double FLOOR = 1e-4;
    /** Least distance of the test point from a kink, in the kink's own units (pre-activation, residual). */
    private static final double KINK_MARGIN = 100 * H;

    /** What the rows are trained against: class labels ({@code int[]}) or values ({@code float[]}). */
    enum Targets { LABELS, VALUES }

    /**
     * One gradient check: a network, its loss, the kind of targets, the batch, the layers frozen below
     * {@code frozenBelow}, and the seed of the network and the test point (by default the name's hash).
     */
    record Case(String name, NetworkSpec spec, Loss loss, Targets targets, int batch, int frozenBelow, long seed) {
        Case(String name, NetworkSpec spec, Loss loss, Targets targets, int batch, int frozenBelow) {
            this(name, spec, loss, targets, batch, frozenBelow, name.hashCode());
        }

        Case withSeed(long s) {
            return new Case(name, spec, loss, targets, batch, frozenBelow, s);
        }

        @Override
        public String toString() {
            return name + ": " + spec + ", " + loss + ", batch " + batch
                    + (frozenBelow > 0 ? ", layers below " + frozenBelow + " frozen" : "");
        }
    }

    private static Case labelled(String name, NetworkSpec spec, Loss loss, int batch) {
        return new Case(name, spec, loss, Targets.LABELS, batch, 0);
    }

    private static Case valued(String name, NetworkSpec spec, Loss loss, int batch) {
        return new Case(name, spec, loss, Targets.VALUES, batch, 0);
    }

    private static NetworkSpec.Builder net(int inputs) {
        return NetworkSpec.builder(inputs);
    }

    static Stream<Case> cases() {
        final Loss ce = Loss.crossEntropy();
        final Loss bce = Loss.binaryCrossEntropy();
        final Loss mse = Loss.meanSquaredError();
        final Activation[] all = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.1f), Activation.TANH,
            Activation.SIGMOID, Activation.GELU, Activation.GELU_TANH};
        List<Case> cases = new ArrayList<>();
        for (Activation a : all) {
            cases.add(labelled("hidden " + a, net(5).hidden(7, a).hidden(6, a).output(3, Task.CLASSIFY).build(), ce,
                    4));
            cases.add(labelled("output " + a, net(5).hidden(7).output(4, Task.CLASSIFY).activation(a).build(), ce, 3));
            cases.add(labelled("layer norm, " + a, net(5).hidden(8).layerNorm().activation(a).hidden(6).layerNorm()
                    .activation(a).output(3, Task.CLASSIFY).build(), ce, 4));
        }
        cases.add(valued("layer norm (eps 1e-3) and tanh on the output layer", net(4).hidden(6, Activation.GELU)
                .output(3, Task.REGRESS).layerNorm(1e-3f).activation(Activation.TANH).build(), mse, 5));

        final float[] weights4 = {0.5f, 2f, 1f, 3f};
        final NetworkSpec classify4 = net(6).hidden(9).output(4, Task.CLASSIFY).build();
        cases.add(labelled("cross-entropy, class weights", classify4, ce.withClassWeights(weights4), 6));
        cases.add(labelled("cross-entropy, label smoothing", classify4, ce.withLabelSmoothing(0.1f), 6));
        NetworkSpec normGelu = net(6).hidden(9).layerNorm().activation(Activation.GELU).output(4, Task.CLASSIFY)
                .build();
        Loss both = ce.withClassWeights(weights4).withLabelSmoothing(0.2f);
        cases.add(labelled("cross-entropy, weights and smoothing", normGelu, both, 5));
        cases.add(labelled("cross-entropy, weights and smoothing, batch 1", normGelu, both, 1));

        final NetworkSpec binary = net(5).hidden(8).output(1, Task.BINARY).build();
        final float[] weights2 = {0.7f, 2.5f};
        cases.add(labelled("binary, int labels", binary, bce, 6));
        cases.add(labelled("binary, int labels, weights", binary, bce.withClassWeights(weights2), 6));
        cases.add(labelled("binary, int labels, batch 1", binary, bce, 1));
        cases.add(valued("binary, float targets", binary, bce, 6));
        cases.add(valued("binary, float targets, weights, layer norm", net(5).hidden(8).layerNorm()
                .activation(Activation.TANH).output(1, Task.BINARY).build(),
                bce.withClassWeights(new float[] {2f, 0.5f}), 5));
        cases.add(valued("multilabel", net(5).hidden(8).output(3, Task.MULTILABEL).build(), bce, 4));
        cases.add(valued("multilabel, layer norm, sigmoid", net(5).hidden(8).layerNorm().activation(Activation.SIGMOID)
                .output(3, Task.MULTILABEL).build(), bce, 4));

        cases.add(valued("mse", net(4).hidden(9).output(2, Task.REGRESS).build(), mse, 5));
        cases.add(valued("huber 0.5, residuals on both sides", net(4).hidden(9, Activation.GELU_TANH)
                .output(3, Task.REGRESS).build(), Loss.huber(0.5f), 6));
        cases.add(valued("huber 1, batch 1", net(4).hidden(9, Activation.leakyRelu(0.05f)).output(4, Task.REGRESS)
                .build(), Loss.huber(1f), 1));

        cases.add(labelled("dropout", net(6).hidden(10, Activation.GELU).dropout(0.3f).hidden(8).layerNorm()
                .dropout(0.5f).output(3, Task.CLASSIFY).build(), ce, 5));
        cases.add(valued("dropout, huber", net(5).hidden(9).dropout(0.4f).output(2, Task.REGRESS).build(),
                Loss.huber(0.7f), 4));
        cases.add(valued("dropout, multilabel", net(5).hidden(9, Activation.TANH).dropout(0.2f)
                .output(3, Task.MULTILABEL).build(), bce, 4));

        cases.add(new Case("layer 0 frozen", net(5).hidden(7).hidden(6).output(3, Task.CLASSIFY).build(), ce,
                Targets.LABELS, 4, 1));
        cases.add(new Case("only the output layer trains", net(5).hidden(8).layerNorm().dropout(0.3f)
                .hidden(6, Activation.GELU).output(3, Task.CLASSIFY).build(),
                both.withClassWeights(new float[] {1f, 2f, 0.5f}), Targets.LABELS, 4, 2));
        cases.add(new Case("layer 0 frozen, regress", net(4).hidden(6).layerNorm().hidden(5, Activation.SIGMOID)
                .output(2, Task.REGRESS).build(), mse, Targets.VALUES, 3, 1));

        // 72 and 66 outputs take the wide kernels (axpys over Wᵀ), 5 outputs the dot products. One row at a time:
        // see the class comment.
        final NetworkSpec wide = net(70).hidden(72).hidden(66).output(5, Task.CLASSIFY).build();
        cases.add(labelled("wide", wide, ce, 1));
        cases.add(labelled("wide, layer norm, GELU, dropout, weights and smoothing", net(70).hidden(72).layerNorm()
                .activation(Activation.GELU).dropout(0.2f).hidden(66, Activation.TANH).output(5, Task.CLASSIFY).build(),
                ce.withClassWeights(new float[] {1f, 2f, 0.5f, 1.5f, 3f}).withLabelSmoothing(0.1f), 1));
        cases.add(valued("wide, leaky ReLU, layer norm, sigmoid, huber", net(70).hidden(72, Activation.leakyRelu(0.2f))
                .hidden(66).layerNorm().activation(Activation.SIGMOID).output(5, Task.REGRESS).build(),
                Loss.huber(0.3f), 1));
        cases.add(labelled("wide, binary, layer norm, tanh-GELU", net(66).hidden(64).layerNorm()
                .activation(Activation.GELU_TANH).output(1, Task.BINARY).build(), bce, 1));
        cases.add(labelled("wide output layer (17 classes)", net(10).hidden(20).output(17, Task.CLASSIFY).build(), ce,
                3));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientsMatchCentralDifferencesInDouble(Case c) {
        check(c);
    }

    /** The founding family (ReLU hidden layers, softmax classifier), with and without biases. */
    @ParameterizedTest(name = "{0}-{1}-{2} hidden layers {3}, bias {4}, batch {5}")
    @CsvSource({
        "5, 7, 3, 1, true, 4",
        "5, 7, 3, 1, false, 4",
        "6, 8, 4, 2, true, 5",
        "6, 8, 4, 2, false, 5",
        "3, 9, 2, 2, true, 1",
        "13, 5, 3, 1, true, 7",
    })
    void foundingFamilyGradientsMatchCentralDifferences(int inputs, int hidden, int classes, int hiddenLayers,
                                                        boolean bias, int batch) {
        int[] widths = new int[hiddenLayers];
        for (int h = 0; h < hiddenLayers; h++) {
            widths[h] = hidden - h;
        }
        NetworkSpec spec = NetworkSpec.of(inputs, widths, classes).withBias(bias);
        check(labelled("founding family", spec, Loss.crossEntropy(), batch).withSeed(11 + inputs + hiddenLayers));
    }

    private static void check(Case c) {
        final NetworkSpec spec = c.spec();
        final int batch = c.batch();
        final Network network = new Network(spec, c.seed());
        final Rng rng = new Rng(99 + c.seed());
        final float[] p = offTheInitialisation(network, rng);
        final TrainingSession session = new TrainingSession(network, batch, OptimizerConfig.sgd(0.1f), c.loss(), null);
        for (int l = 0; l < c.frozenBelow(); l++) {
            session.setTrainable(l, false);
        }
        final double[] params = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            params[i] = p[i];
        }

        DoublePrecisionNetwork oracle = null;
        float runtimeLoss = Float.NaN;
        for (int attempt = 0; oracle == null; attempt++) {
            assertTrue(attempt < 10, c + ": no test point farther than " + KINK_MARGIN + " from every kink in 10 "
                    + "draws");
            final float[] x = gaussian(rng, batch * spec.inputs(), 1);
            final int[] labels = c.targets() == Targets.LABELS ? labels(rng, batch, spec) : null;
            float[] targets = c.targets() == Targets.VALUES ? targets(rng, batch, spec, c.loss()) : null;
            final long dropoutState = session.dropoutRngState();
            if (c.loss().kind() == Loss.Kind.HUBER) {
                targets = huberTargets(session, x, batch, c.loss().huberDelta());
                session.setDropoutRngState(dropoutState); // the step below draws the same masks again
            }
            session.zeroGrad();
            runtimeLoss = labels != null ? session.trainStep(x, labels, batch) : session.trainStep(x, targets, batch);
            if (spec.hasDropout()) {
                assertDropsSomeAndKeepsSome(session.workspace(), spec, batch, c);
            }
            DoublePrecisionNetwork candidate = new DoublePrecisionNetwork(spec, c.loss(), x, labels, targets, batch,
                    masks(session.workspace(), spec, batch));
            double base = candidate.meanLoss(params);
            assertEquals(base, runtimeLoss, 1e-5 * Math.max(1, Math.abs(base)),
                    c + ": the runtime's loss and the double-precision oracle's");
            if (candidate.closestKink() > KINK_MARGIN) {
                oracle = candidate;
            }
        }
        final boolean[] baseSides = oracle.sides();
        final float[] analytic = network.gradients().clone();
        final ParameterLayout layout = network.layout();

        double worst = 0;
        String worstAt = "";
        int checked = 0;
        for (int l = 0; l < layout.layerCount(); l++) {
            for (int i = layout.layerStart(l); i < layout.layerEnd(l); i++) {
                if (l < c.frozenBelow()) {
                    assertEquals(0f, analytic[i], 0f, c + ": frozen " + layout.describe(i) + " gets no gradient");
                    continue;
                }
                final double saved = params[i];
                params[i] = saved + H;
                final double plus = oracle.meanLoss(params);
                assertArrayEquals(baseSides, oracle.sides(), c + ": +H on " + layout.describe(i) + " crossed a kink");
                params[i] = saved - H;
                final double minus = oracle.meanLoss(params);
                assertArrayEquals(baseSides, oracle.sides(), c + ": −H on " + layout.describe(i) + " crossed a kink");
                params[i] = saved;
                final double numeric = (plus - minus) / (2 * H);
                final double error = Math.abs(analytic[i] - numeric)
                        / Math.max(FLOOR, Math.max(Math.abs(analytic[i]), Math.abs(numeric)));
                checked++;
                if (error > worst) {
                    worst = error;
                    worstAt = layout.describe(i) + " analytic " + analytic[i] + " numeric " + numeric;
                }
            }
        }
        System.out.printf(Locale.ROOT, "gradient check %s: %d of %d parameters, loss %.5f, closest kink %.2e, "
                + "max relative error %.3e (%s)%n", c, checked, params.length, runtimeLoss, oracle.closestKink(), worst,
                worstAt);
        assertTrue(checked > 0, c + ": something was checked");
        assertTrue(worst <= MAX_RELATIVE_ERROR, c + ": max relative error " + worst + " at " + worstAt);
    }


    /** Non-zero biases and layer-norm shifts, scales away from 1: their gradients and the gates are exercised. */
    private static float[] offTheInitialisation(Network network, Rng rng) {
        final ParameterLayout layout = network.layout();
        float[] p = network.copyParameters();
        for (int l = 0; l < layout.layerCount(); l++) {
            for (int o = 0; o < layout.outputs(l); o++) {
                if (layout.biasOffset(l) >= 0) {
                    p[layout.biasOffset(l) + o] = (float) (0.3 * rng.nextGaussian());
                }
                if (layout.normScaleOffset(l) >= 0) {
                    p[layout.normScaleOffset(l) + o] = (float) (1 + 0.3 * rng.nextGaussian());
                    p[layout.normShiftOffset(l) + o] = (float) (0.3 * rng.nextGaussian());
                }
            }
        }
        network.setParameters(p);
        return p;
    }

    private static float[] gaussian(Rng rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * rng.nextGaussian());
        }
        return a;
    }

    /** A class per row: {@code [0, classes)} for a classifier, 0 or 1 for a binary network. */
    private static int[] labels(Rng rng, int batch, NetworkSpec spec) {
        int[] y = new int[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = rng.nextInt(spec.task() == Task.BINARY ? 2 : spec.outputs());
        }
        return y;
    }

    /** Probabilities (exact 0 and 1 among them) for binary cross-entropy, normal values for a regressor. */
    private static float[] targets(Rng rng, int batch, NetworkSpec spec, Loss loss) {
        float[] t = new float[batch * spec.outputs()];
        for (int i = 0; i < t.length; i++) {
            if (loss.kind() == Loss.Kind.BINARY_CROSS_ENTROPY) {
                t[i] = i % 3 == 0 ? rng.nextInt(2) : (float) rng.nextDouble();
            } else {
                t[i] = (float) (2 * rng.nextGaussian());
            }
        }
        return t;
    }

    /**
     * Targets that put the training pass's residuals {@code r = output − target} in turn at |r| in [0.1δ, 0.8δ] and
     * in [1.3δ, 3δ], random signs, so the Huber loss is checked on both its quadratic and its linear side, each far
     * from |r| = δ (and no two residuals cancel each other in a gradient by construction). Runs one training
     * pass to see the outputs (the caller restores the dropout generator so the checked pass draws the same masks).
     */
    private static float[] huberTargets(TrainingSession session, float[] x, int batch, float delta) {
        final int outputs = session.network().spec().outputs();
        float[] t = new float[batch * outputs];
        session.trainStep(x, t, batch);
        final float[] logits = session.workspace().logits();
        final Rng rng = new Rng(t.length);
        for (int i = 0; i < t.length; i++) {
            double magnitude = i % 2 == 0 ? 0.1 + 0.7 * rng.nextDouble() : 1.3 + 1.7 * rng.nextDouble();
            double residual = (rng.nextInt(2) == 0 ? 1 : -1) * magnitude * delta;
            t[i] = (float) (logits[i] - residual);
        }
        return t;
    }

    private static void assertDropsSomeAndKeepsSome(Workspace ws, NetworkSpec spec, int batch, Case c) {
        int dropped = 0;
        int kept = 0;
        for (int l = 0; l < spec.layerCount(); l++) {
            for (int b = 0; ws.dropMask[l] != null && b < batch; b++) {
                for (int o = 0; o < spec.layerOutputs(l); o++) {
                    if (ws.dropMask[l][b][o] == 0f) {
                        dropped++;
                    } else {
                        kept++;
                    }
                }
            }
        }
        assertTrue(dropped > 0 && kept > 0, c + ": the training pass dropped " + dropped + " and kept " + kept);
    }

    /** The masks the last training pass drew, {@code [layer][row][unit]}; null for layers without dropout. */
    private static float[][][] masks(Workspace ws, NetworkSpec spec, int batch) {
        float[][][] masks = new float[spec.layerCount()][][];
        for (int l = 0; l < spec.layerCount(); l++) {
            if (ws.dropMask[l] != null) {
                masks[l] = new float[batch][];
                for (int b = 0; b < batch; b++) {
                    masks[l][b] = java.util.Arrays.copyOf(ws.dropMask[l][b], spec.layerOutputs(l));
                }
            }
        }
        return masks;
    }
}
