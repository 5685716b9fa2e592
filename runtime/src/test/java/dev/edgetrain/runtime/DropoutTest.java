package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Dropout as a network uses it: inverted (the training output's mean is the inference output), drawn from a
 * seeded generator (same seed, same masks; another seed, other masks), absent from inference and evaluation, and
 * the same to the bit whether or not a {@link ComputePool} splits the passes.
 */
class DropoutTest {
    private static final NetworkSpec SMALL = NetworkSpec.builder(6).hidden(32).dropout(0.4f).output(3, Task.CLASSIFY)
            .build();

    private static float[] inputs(int rows, int features, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    private static int[] labels(int rows, int classes) {
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = (r * 5) % classes;
        }
        return y;
    }

    @Test
    void dropoutIsInvertedTheTrainingOutputAveragesToTheInferenceOutput() {
        // Each training value is a·m with m = 0 (p = 0.4) or 1/(1 − p): its mean over N passes has standard deviation
        // |a|·sqrt(p/(1 − p)/N), 1.3% of |a| for N = 4000. Five of those is far below what dropout without the
        // 1/(1 − p) scale would be off by (40% of |a|).
        final int batch = 4;
        final int passes = 4000;
        final double p = 0.4;
        Network network = new Network(SMALL, 3);
        float[] x = inputs(batch, 6, 1);
        int[] y = labels(batch, 3);
        Workspace eval = new Workspace(SMALL, batch);
        network.forward(eval, x, 0, batch);
        float[] expected = eval.layerOutput(0).clone();
        TrainingSession session = new TrainingSession(network, batch, OptimizerConfig.sgd(0.1f));
        double[] sum = new double[batch * 32];
        int zeros = 0;
        for (int n = 0; n < passes; n++) {
            session.trainStep(x, y, batch);
            float[] trained = session.workspace().layerOutput(0);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += trained[i];
                zeros += trained[i] == 0f && expected[i] != 0f ? 1 : 0;
            }
        }
        int active = 0;
        for (int i = 0; i < sum.length; i++) {
            double a = expected[i];
            double mean = sum[i] / passes;
            double bound = 5 * Math.abs(a) * Math.sqrt(p / (1 - p) / passes) + 1e-6 * Math.abs(a);
            assertEquals(a, mean, bound, "unit " + i + ": mean of " + passes + " training outputs");
            active += a != 0 ? 1 : 0;
        }
        assertTrue(active > 20, "enough active units to say something: " + active);
        // and values were dropped at about the rate (binomial, five standard deviations)
        double n = (double) active * passes;
        assertEquals(p * n, zeros, 5 * Math.sqrt(n * p * (1 - p)), "dropped values");
    }

    /** The masks of every dropout layer after the last training pass, rows [0, batch). */
    private static float[][] masks(TrainingSession session, int batch) {
        Workspace ws = session.workspace();
        NetworkSpec spec = session.network().spec();
        float[][] all = new float[spec.layerCount()][];
        for (int l = 0; l < spec.layerCount(); l++) {
            if (ws.dropMask[l] != null) {
                all[l] = new float[batch * spec.layerOutputs(l)];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(ws.dropMask[l][b], 0, all[l], b * spec.layerOutputs(l), spec.layerOutputs(l));
                }
            }
        }
        return all;
    }

    @Test
    void theSameSeedDrawsTheSameMasksAndAnotherSeedOthers() {
        NetworkSpec spec = NetworkSpec.builder(5).hidden(16).dropout(0.3f).hidden(12, Activation.GELU).layerNorm()
                .dropout(0.5f).output(2, Task.CLASSIFY).build();
        float[] x = inputs(8, 5, 2);
        int[] y = labels(8, 2);
        Network base = new Network(spec, 4);
        TrainingSession a = new TrainingSession(base.copy(), 8, OptimizerConfig.adam(0.01f));
        TrainingSession b = new TrainingSession(base.copy(), 8, OptimizerConfig.adam(0.01f));
        TrainingSession other = new TrainingSession(base.copy(), 8, OptimizerConfig.adam(0.01f));
        TrainingSession fresh = new TrainingSession(base.copy(), 8, OptimizerConfig.adam(0.01f));
        a.setDropoutSeed(42);
        b.setDropoutSeed(42);
        other.setDropoutSeed(43);
        for (int step = 0; step < 5; step++) {
            for (TrainingSession s : new TrainingSession[] {a, b, other, fresh}) {
                s.zeroGrad();
                s.trainStep(x, y, 8);
                s.optimizerStep();
            }
            float[][] ma = masks(a, 8);
            assertTrue(Arrays.deepEquals(ma, masks(b, 8)), "same seed, same masks at step " + step);
            assertFalse(Arrays.deepEquals(ma, masks(other, 8)), "another seed, other masks at step " + step);
            assertFalse(Arrays.deepEquals(ma, masks(fresh, 8)), "the default seed is another seed, step " + step);
        }
        assertTrue(Arrays.equals(a.network().copyParameters(), b.network().copyParameters()), "same seed, weights");
        assertFalse(Arrays.equals(a.network().copyParameters(), other.network().copyParameters()), "another seed");

        // The generator's state is all there is: restoring it replays the masks.
        long state = a.dropoutRngState();
        a.trainStep(x, y, 8);
        float[][] first = masks(a, 8);
        a.setDropoutRngState(state);
        a.trainStep(x, y, 8);
        assertTrue(Arrays.deepEquals(first, masks(a, 8)), "restored state, same masks");
        assertEquals(TrainingSession.DEFAULT_DROPOUT_SEED, new TrainingSession(base.copy(), 8,
                OptimizerConfig.sgd(0.1f)).dropoutRngState(), "a new session starts from the default seed");
    }

    @Test
    void inferenceAndEvaluationHaveNoDropoutAndDrawNothing() {
        NetworkSpec spec = NetworkSpec.builder(7).hidden(24, Activation.GELU).layerNorm().dropout(0.5f).hidden(10)
                .dropout(0.3f).output(3, Task.CLASSIFY).build();
        NetworkSpec without = spec.withLayer(0, spec.layer(0).withDropout(0f))
                .withLayer(1, spec.layer(1).withDropout(0f));
        assertFalse(without.hasDropout());
        Network network = new Network(spec, 6);
        TrainingSession session = new TrainingSession(network, 16, OptimizerConfig.adam(0.01f));
        float[] x = inputs(16, 7, 3);
        int[] y = labels(16, 3);
        for (int i = 0; i < 3; i++) {
            session.zeroGrad();
            session.trainStep(x, y, 16);
            session.optimizerStep();
        }
        Network plain = Network.fromParameters(without, network.copyParameters());
        Workspace ws = new Workspace(spec, 16);
        Workspace plainWs = new Workspace(without, 16);
        long state = session.dropoutRngState();
        float[] got = new float[16 * 3];
        float[] want = new float[16 * 3];
        network.predictProbabilities(ws, x, 0, 16, got, 0);
        plain.predictProbabilities(plainWs, x, 0, 16, want, 0);
        assertArrayEquals(want, got, 0f, "probabilities: as if there were no dropout");
        network.predictLogits(ws, x, 0, 16, got, 0);
        plain.predictLogits(plainWs, x, 0, 16, want, 0);
        assertArrayEquals(want, got, 0f, "logits");
        int[] classes = new int[16];
        int[] plainClasses = new int[16];
        network.predictClasses(ws, x, 0, 16, classes, 0);
        plain.predictClasses(plainWs, x, 0, 16, plainClasses, 0);
        assertArrayEquals(plainClasses, classes, "classes");
        network.forward(ws, x, 0, 16);
        plain.forward(plainWs, x, 0, 16);
        assertArrayEquals(plainWs.layerOutput(0), ws.layerOutput(0), 0f, "a hidden layer's output");
        TrainingSession plainSession = new TrainingSession(plain, 16, OptimizerConfig.adam(0.01f));
        float evalLoss = session.evalStep(x, y, 16);
        assertEquals(plainSession.evalStep(x, y, 16), evalLoss, 0f, "evalStep: the loss without dropout");
        assertEquals(state, session.dropoutRngState(), "inference and evaluation draw no masks");
        // while a training step on the same rows does drop (and so gives another loss)
        session.zeroGrad();
        assertTrue(session.trainStep(x, y, 16) != evalLoss, "a training pass drops units");
        assertTrue(session.dropoutRngState() != state, "a training pass draws masks");
    }

    @Test
    void aComputePoolChangesNoBitOfTrainingOrInferenceWithDropout() {
        // Wide and deep enough that the passes are split (see ComputePoolTest).
        NetworkSpec spec = NetworkSpec.builder(200).hidden(96, Activation.GELU).layerNorm().dropout(0.3f).hidden(40)
                .dropout(0.2f).output(10, Task.CLASSIFY).build();
        final int batch = 48;
        float[] x = inputs(4 * batch, 200, 7);
        int[] y = labels(4 * batch, 10);
        Network serialNet = new Network(spec, 8);
        Network pooledNet = serialNet.copy();
        TrainingSession serial = new TrainingSession(serialNet, batch, OptimizerConfig.adam(1e-3f));
        try (ComputePool pool = new ComputePool(2)) {
            TrainingSession pooled = new TrainingSession(pooledNet, batch, OptimizerConfig.adam(1e-3f), pool);
            for (int step = 0; step < 8; step++) {
                int row = (step % 4) * batch;
                int rows = step % 3 == 2 ? batch - 5 : batch;
                serial.zeroGrad();
                pooled.zeroGrad();
                float a = serial.trainStep(x, row * 200, y, row, rows);
                float b = pooled.trainStep(x, row * 200, y, row, rows);
                assertEquals(a, b, 0f, "loss of step " + step);
                assertTrue(Arrays.deepEquals(masks(serial, rows), masks(pooled, rows)), "masks of step " + step);
                assertArrayEquals(serialNet.gradients(), pooledNet.gradients(), "gradients of step " + step);
                serial.optimizerStep();
                pooled.optimizerStep();
            }
            assertTrue(Arrays.equals(serialNet.copyParameters(), pooledNet.copyParameters()), "weights after 8 steps");
            float[] one = new float[batch * 10];
            float[] split = new float[batch * 10];
            serialNet.predictProbabilities(new Workspace(spec, batch), x, 0, batch, one, 0);
            pooledNet.predictProbabilities(new Workspace(spec, batch, pool), x, 0, batch, split, 0);
            assertArrayEquals(one, split, 0f, "inference");
        }
    }
}
