package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.privacy.ChaChaRandom;
import org.junit.jupiter.api.Test;

class PrivateTrainingSessionTest {
    private static float[] gaussian(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /**
     * An empty step leaves only the noise: with plain SGD at learning rate 1 each trainable parameter moves by
     * {@code −σC/B · z}, so the moves must have mean 0 and standard deviation {@code σC/B}, be uncorrelated between
     * parameters and steps, and leave frozen layers alone.
     */
    @Test
    void noiseIsGaussianWithStandardDeviationSigmaTimesClipOverExpectedBatch() {
        Network network = new Network(NetworkSpec.of(20, new int[] {30, 16}, 5), 1);
        TrainingSession session = new TrainingSession(network, 4, OptimizerConfig.sgd(1f));
        session.setTrainable(0, false);
        double sigma = 1.3;
        double clip = 0.7;
        double expectedBatch = 4.0;
        PrivateTrainingSession dp = new PrivateTrainingSession(session, clip, sigma, expectedBatch,
                ChaChaRandom.seeded(5));
        ParameterLayout layout = network.layout();
        float[] frozenBefore = new float[layout.layerEnd(0)];
        float[] before = new float[network.parameterCount()];
        float[] after = new float[network.parameterCount()];
        network.copyParameters(before, 0);
        System.arraycopy(before, 0, frozenBefore, 0, frozenBefore.length);
        double sum = 0;
        double sumSq = 0;
        double sumLag = 0; // neighbouring coordinates' product: 0 in expectation for independent noise
        long n = 0;
        int steps = 60;
        for (int s = 0; s < steps; s++) {
            dp.noisyStep();
            network.copyParameters(after, 0);
            double previous = 0;
            for (int i = layout.layerStart(1); i < after.length; i++) {
                double move = (double) before[i] - after[i];
                sum += move;
                sumSq += move * move;
                sumLag += move * previous;
                previous = move;
                n++;
            }
            System.arraycopy(after, 0, before, 0, after.length);
        }
        for (int i = 0; i < frozenBefore.length; i++) {
            assertEquals(frozenBefore[i], after[i], "frozen parameter " + i + " must get no noise");
        }
        double std = sigma * clip / expectedBatch;
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        System.out.printf("DP noise: %d draws, mean %.5f (expected 0 ± %.5f), std %.5f (expected %.5f)%n", n, mean,
                std / Math.sqrt(n), Math.sqrt(variance), std);
        assertEquals(0, mean, 5 * std / Math.sqrt(n));
        assertEquals(std * std, variance, 5 * std * std * Math.sqrt(2.0 / n));
        assertEquals(0, sumLag / n, 5 * std * std / Math.sqrt(n));
        assertEquals(steps, dp.steps());
    }

    /** σ = 0 and a clip norm no gradient reaches, normalised by the actual batch: an ordinary SGD step. */
    @Test
    void withoutNoiseOrClippingAStepIsAnOrdinaryStep() {
        NetworkSpec spec = NetworkSpec.builder(6).hidden(12, Activation.TANH).layerNorm().output(3, Task.CLASSIFY)
                .build();
        float[] x = gaussian(9 * 6, 2);
        int[] y = {0, 1, 2, 2, 1, 0, 1, 1, 2};
        Network plain = new Network(spec, 3);
        Network dpNet = new Network(spec, 3);
        TrainingSession plainSession = new TrainingSession(plain, 9, OptimizerConfig.adam(0.01f));
        TrainingSession dpSession = new TrainingSession(dpNet, 9, OptimizerConfig.adam(0.01f));
        PrivateTrainingSession dp = new PrivateTrainingSession(dpSession, 1e9, 0, 9, ChaChaRandom.seeded(1));
        for (int step = 0; step < 5; step++) {
            plainSession.zeroGrad();
            float plainLoss = plainSession.trainStep(x, y, 9);
            plainSession.optimizerStep();
            float dpLoss = dp.accumulate(x, 0, y, 0, 4) * 4 + dp.accumulate(x, 4 * 6, y, 4, 5) * 5; // two chunks
            dp.noisyStep();
            assertEquals(plainLoss, dpLoss / 9, 1e-6, "step " + step + " loss");
        }
        float[] a = new float[plain.parameterCount()];
        float[] b = new float[a.length];
        plain.copyParameters(a, 0);
        dpNet.copyParameters(b, 0);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5, "parameter " + plain.layout().describe(i));
        }
    }

    /** With a pool the summing backward pass is split over threads; the clipped sum is the same to the bit. */
    @Test
    void aPooledSessionGivesTheSameClippedSum() {
        NetworkSpec spec = NetworkSpec.builder(64).hidden(96, Activation.GELU).layerNorm().hidden(64)
                .output(10, Task.CLASSIFY).build();
        float[] x = gaussian(128 * 64, 9);
        int[] y = new int[128];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 10;
        }
        Network plain = new Network(spec, 4);
        Network pooled = new Network(spec, 4);
        try (ComputePool pool = new ComputePool(2)) {
            PrivateTrainingSession a = new PrivateTrainingSession(new TrainingSession(plain, 128,
                    OptimizerConfig.sgd(0.1f)), 0.5, 1, 64, ChaChaRandom.seeded(1));
            PrivateTrainingSession b = new PrivateTrainingSession(new TrainingSession(pooled, 128,
                    OptimizerConfig.sgd(0.1f), null, pool), 0.5, 1, 64, ChaChaRandom.seeded(1));
            a.accumulate(x, 0, y, 0, 128);
            b.accumulate(x, 0, y, 0, 128);
            assertTrue(a.lastClipped() > 0, "some examples must be clipped for this to test clipping");
            assertArrayEquals(plain.gradients(), pooled.gradients());
        }
    }

    @Test
    void aNonFiniteLossStopsWithTheSumUnchanged() {
        Network network = new Network(NetworkSpec.of(3, 4, 2), 1);
        TrainingSession session = new TrainingSession(network, 2, OptimizerConfig.sgd(0.1f));
        PrivateTrainingSession dp = new PrivateTrainingSession(session, 1, 1, 2, ChaChaRandom.seeded(1));
        dp.accumulate(new float[] {1, 2, 3}, 0, new int[] {1}, 0, 1);
        float[] sum = network.gradients().clone();
        float[] huge = {3e38f, -3e38f, 3e38f};
        assertThrows(DivergenceException.class, () -> dp.accumulate(huge, 0, new int[] {0}, 0, 1));
        for (int i = 0; i < sum.length; i++) {
            assertEquals(sum[i], network.gradients()[i]);
        }
    }

    @Test
    void badSettingsAreRejectedByName() {
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(3, 4, 2), 1), 2,
                OptimizerConfig.sgd(0.1f));
        ChaChaRandom r = ChaChaRandom.seeded(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PrivateTrainingSession(session, 0, 1, 2, r));
        assertTrue(e.getMessage().contains("clip norm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PrivateTrainingSession(session, 1, -1, 2, r));
        assertTrue(e.getMessage().contains("noise multiplier"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PrivateTrainingSession(session, 1, 1, 0, r));
        assertTrue(e.getMessage().contains("expected batch"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PrivateTrainingSession(session, 1, 1, 2, null));
    }
}
