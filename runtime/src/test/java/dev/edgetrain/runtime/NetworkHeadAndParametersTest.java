package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.kernels.KernelSet;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link Network#withNewHead}: the hidden layers' parameters are kept bit for bit under a fresh output layer of the
 * new width and task, and training only that layer leaves them so. {@link Network#setParameters}: every write
 * refreshes what the kernels derive from the slab, so predictions follow at once.
 */
class NetworkHeadAndParametersTest {
    /** Wide (axpy) and narrow (dot product) layers, layer norm, dropout, activations everywhere. */
    private static final NetworkSpec SPEC = NetworkSpec.builder(6).hidden(20).layerNorm().activation(Activation.GELU)
            .hidden(9, Activation.TANH).dropout(0.2f).output(3, Task.CLASSIFY).layerNorm()
            .activation(Activation.SIGMOID).build();

    private static float[] inputs(int rows, int features, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** A network trained a little, so its parameters are nothing like an initialisation. */
    private static Network trained() {
        Network network = new Network(SPEC, 3);
        TrainingSession session = new TrainingSession(network, 16, OptimizerConfig.adam(0.05f));
        float[] x = inputs(16, 6, 1);
        int[] y = new int[16];
        for (int i = 0; i < 16; i++) {
            y[i] = i % 3;
        }
        for (int step = 0; step < 10; step++) {
            session.zeroGrad();
            session.trainStep(x, y, 16);
            session.optimizerStep();
        }
        return network;
    }

    @Test
    void aNewHeadKeepsTheHiddenLayersBitForBitUnderAFreshOutputLayer() {
        Network old = trained();
        Network head = old.withNewHead(2, Task.REGRESS, 77);
        NetworkSpec headSpec = head.spec();
        assertEquals(Task.REGRESS, headSpec.task());
        assertEquals(2, headSpec.outputs());
        assertEquals(SPEC.layer(0), headSpec.layer(0), "hidden layer 0 as it was (layer norm, GELU)");
        assertEquals(SPEC.layer(1), headSpec.layer(1), "hidden layer 1 as it was (tanh, dropout)");
        assertEquals(LayerSpec.dense(2, Activation.IDENTITY), headSpec.outputLayer(),
                "the output layer is plain dense: identity, no layer norm, the old output layer's bias flag");

        int hiddenEnd = old.layout().layerStart(2);
        assertEquals(hiddenEnd, head.layout().layerStart(2));
        float[] before = old.copyParameters();
        float[] after = head.copyParameters();
        assertTrue(Arrays.equals(Arrays.copyOf(before, hiddenEnd), Arrays.copyOf(after, hiddenEnd)),
                "hidden parameters bit for bit");
        float[] fresh = new Network(headSpec, 77).copyParameters();
        assertTrue(Arrays.equals(Arrays.copyOfRange(fresh, hiddenEnd, fresh.length),
                Arrays.copyOfRange(after, hiddenEnd, after.length)), "the output layer of a new network of seed 77");
        assertEquals(hiddenEnd + 9 * 2 + 2, head.parameterCount(), "weight [2][9] and bias [2] after the hidden ones");
        assertTrue(Arrays.equals(before, old.copyParameters()), "the old network is untouched");

        Network binary = old.withNewHead(1, Task.BINARY, 5);
        assertEquals(Task.BINARY, binary.spec().task());
        assertEquals(1, binary.spec().outputs());
        assertThrows(IllegalArgumentException.class, () -> old.withNewHead(2, Task.BINARY, 5),
                "a binary head has exactly one output");
    }

    @Test
    void trainingOnlyTheNewHeadLeavesTheHiddenLayersUnchanged() {
        Network head = trained().withNewHead(2, Task.REGRESS, 11);
        float[] x = inputs(64, 6, 2);
        float[] t = new float[64 * 2];
        for (int r = 0; r < 64; r++) {
            t[2 * r] = x[6 * r] + 0.5f * x[6 * r + 1];
            t[2 * r + 1] = -x[6 * r + 2];
        }
        TrainingSession session = new TrainingSession(head, 16, OptimizerConfig.adam(0.02f));
        session.trainOnlyLastLayer();
        Dataset data = Dataset.withTargets(x, t, 6, 2, null, null);
        float before = (float) Trainer.evaluate(session, data).loss();
        float[] start = head.copyParameters();
        new Trainer(session, data, 16, 4).fit(20, TrainingListener.NONE);
        float[] end = head.copyParameters();
        int hiddenEnd = head.layout().layerStart(2);
        assertTrue(Arrays.equals(Arrays.copyOf(start, hiddenEnd), Arrays.copyOf(end, hiddenEnd)),
                "hidden layers (weights, biases, layer norm) unchanged");
        assertFalse(Arrays.equals(Arrays.copyOfRange(start, hiddenEnd, start.length),
                Arrays.copyOfRange(end, hiddenEnd, end.length)), "the output layer trained");
        float after = (float) Trainer.evaluate(session, data).loss();
        assertTrue(after < before / 2, "the head learned: MSE " + before + " -> " + after);
    }

    @Test
    void predictionsAfterSetParametersEqualAFreshNetworkOfThoseParameters() {
        Network network = trained();
        float[] x = inputs(12, 6, 3);
        Workspace ws = new Workspace(SPEC, 12);
        float[] warm = new float[12 * 3];
        network.predict(ws, x, 0, 12, warm, 0); // the derived copies are in use before the write

        Rng rng = new Rng(9);
        float[] replacement = network.copyParameters();
        for (int i = 0; i < replacement.length; i++) {
            replacement[i] += (float) (0.1 * rng.nextGaussian());
        }
        network.setParameters(replacement);
        assertPredictsLike(Network.fromParameters(SPEC, replacement), network, x, "after setParameters(all)");

        // a write of one layer's weights only (layer 1, a narrow one read as rows by layer 2's backward)
        float[] partial = replacement.clone();
        int w1 = network.layout().weightOffset(1);
        int size = network.layout().weightSize(1);
        float[] newRows = new float[size];
        for (int i = 0; i < size; i++) {
            newRows[i] = (float) rng.nextGaussian();
        }
        System.arraycopy(newRows, 0, partial, w1, size);
        network.setParameters(w1, newRows, 0, size);
        assertPredictsLike(Network.fromParameters(SPEC, partial), network, x, "after setParameters(layer 1 weights)");
        // a write of layer 0's weights (wide: read transposed by the forward pass)
        int w0 = network.layout().weightOffset(0);
        float[] firstRow = {1f, -1f, 0.5f, 0.25f, -2f, 3f};
        System.arraycopy(firstRow, 0, partial, w0, 6);
        network.setParameters(w0, firstRow, 0, 6);
        assertPredictsLike(Network.fromParameters(SPEC, partial), network, x, "after setParameters(a layer-0 row)");

        // a rejected write changes nothing, derived copies included
        float[] bad = partial.clone();
        bad[w0 + 3] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> network.setParameters(bad));
        assertTrue(e.getMessage().contains("layer0.weight[0][3] is NaN, expected a finite number"), e.getMessage());
        assertPredictsLike(Network.fromParameters(SPEC, partial), network, x, "after a rejected write");
    }

    private static void assertPredictsLike(Network expected, Network actual, float[] x, String when) {
        float[] a = new float[12 * 3];
        float[] b = new float[12 * 3];
        expected.predict(new Workspace(SPEC, 12), x, 0, 12, a, 0);
        actual.predict(new Workspace(SPEC, 12), x, 0, 12, b, 0);
        assertTrue(Arrays.equals(a, b), when + ": predictions bit for bit");
        expected.predictLogits(new Workspace(SPEC, 12), x, 0, 12, a, 0);
        actual.predictLogits(new Workspace(SPEC, 12), x, 0, 12, b, 0);
        assertArrayEquals(a, b, 0f, when + ": logits");
        // and training from here gives the same gradients (the backward reads the derived rows too)
        Network e = expected.copy();
        Network f = Network.fromParameters(SPEC, actual.copyParameters());
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        TrainingSession se = new TrainingSession(e, 12, OptimizerConfig.sgd(0.1f));
        TrainingSession sa = new TrainingSession(actual, 12, OptimizerConfig.sgd(0.1f));
        actual.zeroGradients();
        se.trainStep(x, y, 12);
        sa.trainStep(x, y, 12);
        assertArrayEquals(e.gradients(), actual.gradients(), 0f, when + ": gradients");
        actual.zeroGradients();
        assertTrue(Arrays.equals(f.copyParameters(), actual.copyParameters()), "a training step changes no parameter");
    }

    /**
     * A copy and a new head compute with the kernels of the network they come from, not the JVM's default set (in
     * the SIMD module's rerun of this suite the default is the vector set, so a plain network tells them apart).
     */
    @Test
    void copiesAndNewHeadsKeepTheKernelsOfTheNetworkTheyComeFrom() {
        Network plain = trained().withKernels(KernelSet.plain());
        assertSame(plain.kernels(), plain.copy().kernels());
        assertSame(plain.kernels(), plain.withNewHead(4, Task.CLASSIFY, 1).kernels());
        assertArrayEquals(plain.copyParameters(), plain.copy().copyParameters(), 0f);
    }

    @Test
    void layerAccessorsNameABadLayerOrDestination() {
        Network network = trained();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> network.copyWeight(3, new float[200], 0));
        assertEquals("layer must be in [0, 3), got 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> network.copyBias(-1, new float[20], 0));
        e = assertThrows(IllegalArgumentException.class, () -> network.copyNormScale(0, new float[20], 5));
        assertTrue(e.getMessage().startsWith("destination needs 20 values [20] from offset 5"), e.getMessage());
        TrainingSession session = new TrainingSession(network, 4, OptimizerConfig.sgd(0.1f));
        e = assertThrows(IllegalArgumentException.class, () -> session.isTrainable(3));
        assertEquals("layer must be in [0, 3), got 3", e.getMessage());
    }
}
