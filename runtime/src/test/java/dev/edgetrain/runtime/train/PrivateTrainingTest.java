package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.PrivateTrainingSession;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.privacy.ChaChaRandom;
import dev.edgetrain.runtime.privacy.RdpAccountant;
import org.junit.jupiter.api.Test;

class PrivateTrainingTest {
    /** Three Gaussian blobs in 4 dimensions, {@code rows} rows. */
    static Dataset blobs(int rows, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * 4];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = r % 3;
            for (int f = 0; f < 4; f++) {
                x[r * 4 + f] = (float) (rng.nextGaussian() * 0.7 + (f == y[r] ? 2.5 : 0));
            }
        }
        return new Dataset(x, y, 4, 3);
    }

    private static Trainer privateTrainer(Dataset data, int maxBatch, double q, double sigma, long seed) {
        Network network = new Network(NetworkSpec.of(4, 16, 3), seed);
        TrainingSession session = new TrainingSession(network, maxBatch, OptimizerConfig.sgd(0.5f));
        PrivateTrainingSession dp = new PrivateTrainingSession(session, 1.0, sigma, q * data.rows(),
                ChaChaRandom.seeded(seed));
        Trainer trainer = new Trainer(session, data, Math.min(maxBatch, 32), seed);
        trainer.makePrivate(new PrivateTraining(dp, data, q, (int) Math.ceil(1 / q), ChaChaRandom.seeded(seed + 1)));
        return trainer;
    }

    @Test
    void privateEpochsLearnAndSpendWhatTheAccountantSays() {
        Dataset data = blobs(900, 1);
        double q = 0.05;
        Trainer trainer = privateTrainer(data, 64, q, 1.0, 3);
        PrivateTraining dp = trainer.privateTraining();
        double previous = 0;
        for (int e = 0; e < 10; e++) {
            trainer.runEpoch(TrainingListener.NONE);
            double eps = dp.epsilon(1e-5);
            assertTrue(eps > previous, "ε grows with every epoch");
            previous = eps;
        }
        assertEquals(10, trainer.epochsDone());
        assertEquals(200, dp.steps());
        assertEquals(new RdpAccountant().epsilon(q, 1.0, 200, 1e-5), previous, 0);
        // the examples an epoch sees: binomial, mean q·rows·steps = 900, standard deviation ≈ 29
        assertEquals(900, dp.lastEpochExamples(), 5 * Math.sqrt(900 * (1 - q)));
        Evaluation eval = Trainer.evaluate(trainer.session(), data);
        System.out.printf("DP-SGD on blobs: accuracy %.3f at ε = %.2f (δ = 1e-5, σ = 1, C = 1, q = %.2f, 200 steps)%n",
                eval.accuracy(), previous, q);
        assertTrue(eval.accuracy() > 0.9, "private training must still learn three separated blobs: "
                + eval.accuracy());
    }

    /** A batch larger than maxBatch goes in chunks: the same sampled batches and noise give the same parameters. */
    @Test
    void batchesLargerThanMaxBatchAreFedInChunksWithTheSameResult() {
        Dataset data = blobs(300, 2);
        Trainer chunked = privateTrainer(data, 4, 0.1, 0.8, 7); // batches of ~30 rows in chunks of 4
        Trainer whole = privateTrainer(data, 300, 0.1, 0.8, 7);
        chunked.fit(2, TrainingListener.NONE);
        whole.fit(2, TrainingListener.NONE);
        float[] a = new float[chunked.session().network().parameterCount()];
        float[] b = new float[a.length];
        chunked.session().network().copyParameters(a, 0);
        whole.session().network().copyParameters(b, 0);
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5, "parameter " + i);
        }
        assertEquals(whole.lastLoss(), chunked.lastLoss(), 1e-5);
    }

    @Test
    void aDivergenceStopsTrainingNamingTheEpochAndStep() {
        float[] x = new float[20 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 2 == 0 ? 3e38f : -3e38f; // finite, but the first layer's sums overflow
        }
        Dataset data = new Dataset(x, new int[20], 4, 3);
        Trainer trainer = privateTrainer(data, 32, 0.5, 1.0, 1);
        DivergenceException e = assertThrows(DivergenceException.class, () -> trainer.runEpoch(TrainingListener.NONE));
        assertTrue(e.getMessage().startsWith("DP-SGD diverged in epoch 1, step 1 of 2: loss is"), e.getMessage());
        assertEquals(0, trainer.privateTraining().steps(), "no noisy step was taken");
    }

    @Test
    void mismatchedExpectedBatchOrSessionIsRejected() {
        Dataset data = blobs(100, 3);
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(4, 8, 3), 1), 16,
                OptimizerConfig.sgd(0.1f));
        PrivateTrainingSession dp = new PrivateTrainingSession(session, 1, 1, 10, ChaChaRandom.seeded(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PrivateTraining(dp, data, 0.2, 5, ChaChaRandom.seeded(2)));
        assertTrue(e.getMessage().contains("expected batch"), e.getMessage());
        PrivateTraining ok = new PrivateTraining(dp, data, 0.1, 10, ChaChaRandom.seeded(2));
        TrainingSession other = new TrainingSession(new Network(NetworkSpec.of(4, 8, 3), 1), 16,
                OptimizerConfig.sgd(0.1f));
        Trainer trainer = new Trainer(other, data, 16, 1);
        assertThrows(IllegalArgumentException.class, () -> trainer.makePrivate(ok));
    }
}
