package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static Dataset gaussianBlobs(int rows, int features, int classes, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = r % classes;
            for (int j = 0; j < features; j++) {
                x[r * features + j] = (float) (rng.nextGaussian() + (j % classes == y[r] ? 3 : 0));
            }
        }
        return new Dataset(x, y, features, classes);
    }

    @Test
    void everyRowIsTrainedOncePerEpochIncludingAPartialLastBatch() {
        Dataset data = gaussianBlobs(70, 4, 3, 1);
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(4, 8, 3), 1), 32,
                OptimizerConfig.sgd(0.1f));
        Trainer trainer = new Trainer(session, data, 32, 2);
        assertEquals(3, trainer.batchesPerEpoch());
        List<String> events = new ArrayList<>();
        trainer.fit(2, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
                events.add(epoch + ":" + batchIndex + "/" + batchesPerEpoch + " rows " + session.lastBatch());
            }

            @Override
            public void onEpoch(int epoch, float loss, float accuracy) {
                events.add("epoch " + epoch);
            }
        });
        assertEquals(List.of("0:0/3 rows 32", "0:1/3 rows 32", "0:2/3 rows 6", "epoch 0",
                "1:0/3 rows 32", "1:1/3 rows 32", "1:2/3 rows 6", "epoch 1"), events);
        assertEquals(2, trainer.epochsDone());
        assertEquals(6, session.optimizer().steps(), "one optimizer step per mini-batch");
    }

    @Test
    void lossFallsAndHeldOutAccuracyRises() {
        Dataset[] split = gaussianBlobs(600, 6, 3, 2).split(0.2, 9);
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(6, 16, 3), 3), 16,
                OptimizerConfig.sgd(0.05f).withMomentum(0.9f, false));
        Evaluation before = Trainer.evaluate(session, split[1]);
        Trainer trainer = new Trainer(session, split[0], 16, 4);
        trainer.runEpoch(TrainingListener.NONE);
        float firstLoss = trainer.lastLoss();
        trainer.fit(9, TrainingListener.NONE);
        Evaluation after = Trainer.evaluate(session, split[1]);
        assertTrue(trainer.lastLoss() < firstLoss / 2, "loss " + firstLoss + " -> " + trainer.lastLoss());
        assertTrue(after.accuracy() > 0.9 && after.accuracy() > before.accuracy(), before + " -> " + after);
        assertEquals(120, after.rows());
    }

    @Test
    void resumingFromTheSavedStateContinuesIdentically() {
        Dataset data = gaussianBlobs(100, 4, 2, 3);
        NetworkSpec spec = NetworkSpec.of(4, 6, 2);
        // Uninterrupted: 4 epochs.
        Network straight = new Network(spec, 5);
        TrainingSession s1 = new TrainingSession(straight, 8, OptimizerConfig.adam(0.01f));
        Trainer t1 = new Trainer(s1, data, 8, 6);
        t1.fit(4, TrainingListener.NONE);
        // Interrupted after 2 epochs; a new session restores weights, optimizer state, epoch and RNG state.
        Network first = new Network(spec, 5);
        TrainingSession s2 = new TrainingSession(first, 8, OptimizerConfig.adam(0.01f));
        Trainer t2 = new Trainer(s2, data, 8, 6);
        t2.fit(2, TrainingListener.NONE);
        Network resumed = Network.fromParameters(spec, first.copyParameters());
        TrainingSession s3 = new TrainingSession(resumed, 8, OptimizerConfig.adam(0.01f));
        s3.optimizer().copyStateFrom(s2.optimizer());
        Trainer t3 = new Trainer(s3, data, 8, 12345);
        t3.setRngState(t2.rngState());
        t3.setEpochsDone(t2.epochsDone());
        t3.fit(2, TrainingListener.NONE);
        assertArrayEquals(straight.copyParameters(), resumed.copyParameters(), 0f);
        assertEquals(4, t3.epochsDone());
    }

    @Test
    void mismatchedDataIsRejected() {
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(4, 8, 3), 1), 8,
                OptimizerConfig.sgd(0.1f));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Trainer(session, gaussianBlobs(10, 5, 3, 1), 8, 1)).getMessage()
                .contains("data has 5 features, network 4-8-3 expects 4"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Trainer(session, gaussianBlobs(10, 4, 2, 1), 8, 1)).getMessage()
                .contains("data has 2 classes"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Trainer(session, gaussianBlobs(10, 4, 3, 1), 9, 1)).getMessage()
                .contains("batch size must be in [1, 8]"));
    }

    @Test
    void datasetValidationNamesRowAndColumn() {
        float[] x = {1, 2, 3, 4, Float.NaN, 6};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Dataset(x, new int[] {0, 1, 0}, 2, 2))
                .getMessage().contains("row 2, column 0 is NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Dataset(new float[6], new int[] {0, 2, 0}, 2, 2)).getMessage()
                .contains("row 1 has label 2, expected a class in [0, 2)"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Dataset(new float[5], new int[] {0, 1, 0}, 2, 2)).getMessage()
                .contains("3 labels need 6 feature values (2 per row), got 5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[0], new int[0], 2, 2))
                .getMessage().contains("empty"));
    }

    @Test
    void theSplitIsStratifiedSeededAndDisjoint() {
        Dataset data = gaussianBlobs(100, 3, 4, 5);
        Dataset[] a = data.split(0.2, 1);
        Dataset[] b = data.split(0.2, 1);
        Dataset[] c = data.split(0.2, 2);
        assertEquals(80, a[0].rows());
        assertEquals(20, a[1].rows());
        int[] perClass = new int[4];
        for (int y : a[1].labels()) {
            perClass[y]++;
        }
        assertArrayEquals(new int[] {5, 5, 5, 5}, perClass, "each class gives 20% of its 25 rows");
        assertArrayEquals(a[1].features(), b[1].features(), 0f, "same seed, same split");
        assertNotEquals(java.util.Arrays.toString(a[1].features()), java.util.Arrays.toString(c[1].features()));
        java.util.Set<Float> train = new java.util.HashSet<>();
        for (int r = 0; r < 80; r++) {
            train.add(a[0].features()[r * 3]);
        }
        for (int r = 0; r < 20; r++) {
            assertTrue(!train.contains(a[1].features()[r * 3]), "test row " + r + " is not in the training set");
        }
    }

    @Test
    void standardizationCentresAndScalesAndLeavesConstantFeaturesCentred() {
        float[] x = {1, 10, 5, 3, 20, 5, 5, 30, 5};
        Dataset data = new Dataset(x, new int[] {0, 1, 0}, 3, 2);
        Standardizer s = Standardizer.fit(data);
        assertArrayEquals(new float[] {3, 20, 5}, s.mean(), 1e-6f);
        assertEquals(Math.sqrt(8.0 / 3), s.std()[0], 1e-6);
        assertEquals(1f, s.std()[2], "constant feature: std 1");
        Dataset z = s.apply(data);
        assertEquals(0f, z.features()[2]);
        assertEquals(-1.2247449f, z.features()[0], 1e-6f);
        assertEquals(1f, x[0], "the original data is untouched");
    }
}
