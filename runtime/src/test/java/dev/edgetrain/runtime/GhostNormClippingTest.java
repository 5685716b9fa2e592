package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.privacy.ChaChaRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DP-SGD's clipped gradient sum, computed with ghost norms and one scaled backward pass, equals the sum of explicitly
 * clipped per-example gradients, each computed by a one-example training step: on random networks of every
 * activation, with and without layer norm and bias, for every head and loss, and with frozen layers.
 */
class GhostNormClippingTest {
    private static final int BATCH = 7;
    private static final int INPUTS = 12;
    /** The worst absolute difference over all cases, printed at the end for the record. */
    private static double worstDifference;
    private static String worstCase = "";
    /** The worst difference relative to the largest coordinate (absolute below 1). */
    private static double worstRelative;

    enum Head {
        CROSS_ENTROPY(Task.CLASSIFY, 4, Loss.crossEntropy()),
        CROSS_ENTROPY_WEIGHTED(Task.CLASSIFY, 4, Loss.crossEntropy().withClassWeights(new float[] {1f, 3f, 0.5f, 2f})),
        CROSS_ENTROPY_SMOOTHED(Task.CLASSIFY, 4, Loss.crossEntropy().withLabelSmoothing(0.1f)),
        BINARY(Task.BINARY, 1, Loss.binaryCrossEntropy()),
        BINARY_WEIGHTED(Task.BINARY, 1, Loss.binaryCrossEntropy().withClassWeights(new float[] {0.5f, 2f})),
        BINARY_TARGETS(Task.BINARY, 1, Loss.binaryCrossEntropy()),
        MULTILABEL(Task.MULTILABEL, 3, Loss.binaryCrossEntropy()),
        MSE(Task.REGRESS, 2, Loss.meanSquaredError()),
        HUBER(Task.REGRESS, 2, Loss.huber(0.5f));

        final Task task;
        final int outputs;
        final Loss loss;

        Head(Task task, int outputs, Loss loss) {
            this.task = task;
            this.outputs = outputs;
            this.loss = loss;
        }

        boolean labelled() {
            return this != BINARY_TARGETS && task.hasClassLabels();
        }
    }

    static Stream<Arguments> networks() {
        Activation[] activations = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.1f), Activation.TANH,
            Activation.SIGMOID, Activation.GELU, Activation.GELU_TANH};
        List<Arguments> all = new ArrayList<>();
        int seed = 0;
        for (Activation a : activations) {
            for (boolean norm : new boolean[] {false, true}) {
                for (boolean bias : new boolean[] {true, false}) {
                    for (Head head : Head.values()) {
                        all.add(Arguments.of(a, norm, bias, head, seed++));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, layer norm {1}, bias {2}, {3}")
    @MethodSource("networks")
    void ghostClippingEqualsExplicitPerExampleClipping(Activation a, boolean norm, boolean bias, Head head, int seed) {
        NetworkSpec.Builder b = NetworkSpec.builder(INPUTS);
        for (int width : new int[] {10, 7}) {
            b.hidden(width, a).bias(bias);
            if (norm) {
                b.layerNorm();
            }
        }
        // a one-wide output layer with ReLU (or a layer norm, which maps one value to β) often has no gradient at
        // all, so those heads keep the identity there; the hidden layers and the wider heads have every activation
        b.output(head.outputs, head.task).activation(head.outputs > 1 ? a : Activation.IDENTITY).bias(bias);
        if (norm && head.outputs > 1) {
            b.layerNorm();
        }
        String name = a + (norm ? "+norm" : "") + (bias ? "" : " no bias") + " " + head;
        check(b.build(), head, seed, name, new boolean[] {true, true, true});
    }

    @Test
    void frozenLayersAreLeftOutOfTheNormAndTheSum() {
        NetworkSpec spec = NetworkSpec.builder(INPUTS).hidden(10, Activation.TANH).layerNorm().hidden(7)
                .output(4, Task.CLASSIFY).build();
        check(spec, Head.CROSS_ENTROPY, 101, "layer 0 frozen", new boolean[] {false, true, true});
        check(spec, Head.CROSS_ENTROPY, 102, "layer 1 frozen", new boolean[] {true, false, true});
        check(spec, Head.CROSS_ENTROPY, 103, "last layer only", new boolean[] {false, false, true});
    }

    @AfterAll
    static void report() {
        System.out.printf(Locale.ROOT, "ghost-norm clipping vs explicit per-example clipping: worst absolute "
                + "difference %.3g (%s); worst relative to max(1, largest coordinate) %.3g%n", worstDifference,
                worstCase, worstRelative);
    }

    private static void check(NetworkSpec spec, Head head, int seed, String name, boolean[] trainable) {
        Network network = new Network(spec, seed);
        TrainingSession session = new TrainingSession(network, BATCH, OptimizerConfig.sgd(0.1f), head.loss, null);
        for (int l = 0; l < trainable.length; l++) {
            session.setTrainable(l, trainable[l]);
        }
        Rng rng = new Rng(1000 + seed);
        float[] x = new float[BATCH * INPUTS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * (1 + (i / INPUTS) % 3)); // rows of 3 scales: different norms
        }
        int classes = head.task == Task.BINARY ? 2 : head.outputs;
        int[] labels = new int[BATCH];
        float[] targets = new float[BATCH * head.outputs];
        for (int r = 0; r < BATCH; r++) {
            labels[r] = rng.nextInt(classes);
        }
        for (int i = 0; i < targets.length; i++) {
            targets[i] = head.task == Task.REGRESS ? (float) rng.nextGaussian() : (float) rng.nextDouble();
        }
        int p = network.parameterCount();

        // explicit: each example's gradient from a one-example step, then its norm over the trainable layers
        float[][] perExample = new float[BATCH][];
        double[] norms = new double[BATCH];
        float[] weights = head.loss.classWeightsRef();
        for (int r = 0; r < BATCH; r++) {
            session.zeroGrad();
            if (head.labelled()) {
                session.trainStep(x, r * INPUTS, labels, r, 1);
            } else {
                session.trainStep(x, r * INPUTS, targets, r * head.outputs, 1);
            }
            perExample[r] = network.gradients().clone();
            if (head.task == Task.CLASSIFY && weights != null) {
                // a one-example mean divides the class weight out again; DP-SGD's per-example loss keeps it
                for (int i = 0; i < p; i++) {
                    perExample[r][i] *= weights[labels[r]];
                }
            }
            double sq = 0;
            for (float g : perExample[r]) {
                sq += (double) g * g; // frozen layers' gradients stay 0
            }
            norms[r] = Math.sqrt(sq);
        }
        // C between two of the positive norms (a ReLU output layer zeroes some examples' gradients): some clipped
        double[] positive = Arrays.stream(norms).filter(v -> v > 0).sorted().toArray();
        assertTrue(positive.length > 0, name + ": every example's gradient is 0; nothing to test");
        int k = positive.length / 2;
        double clip = positive.length == 1 ? positive[0] / 2 : (positive[k - 1] + positive[k]) / 2;
        double[] expected = new double[p];
        int expectedClipped = 0;
        for (int r = 0; r < BATCH; r++) {
            double factor = Math.min(1, clip / norms[r]);
            if (norms[r] > clip) {
                expectedClipped++;
            }
            for (int i = 0; i < p; i++) {
                expected[i] += factor * perExample[r][i];
            }
        }

        PrivateTrainingSession dp = new PrivateTrainingSession(session, clip, 1.0, 5.0, ChaChaRandom.seeded(seed));
        if (head.labelled()) {
            dp.accumulate(x, 0, labels, 0, BATCH);
        } else {
            dp.accumulate(x, 0, targets, 0, BATCH);
        }
        float[] actual = network.gradients();
        double worst = 0;
        double largest = 0;
        for (int i = 0; i < p; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            largest = Math.max(largest, Math.abs(expected[i]));
        }
        if (worst > worstDifference) {
            worstDifference = worst;
            worstCase = name + ", largest coordinate " + largest;
        }
        worstRelative = Math.max(worstRelative, worst / Math.max(1, largest));
        assertTrue(largest > 1e-3, name + ": the clipped sum must not be trivially 0 (largest " + largest + ")");
        // float32 sums: 1e-5 absolute for coordinates up to 1, relative to the largest beyond (an identity network
        // regressing has gradients in the hundreds, where one float ulp is already 1.5e-5)
        assertTrue(worst <= 1e-5 * Math.max(1, largest), name + ": ghost-norm clipping differs from explicit "
                + "clipping by " + worst + " (largest coordinate " + largest + ", C = " + clip + ")");
        assertEquals(expectedClipped, dp.lastClipped(), name + ": examples clipped");
    }
}
