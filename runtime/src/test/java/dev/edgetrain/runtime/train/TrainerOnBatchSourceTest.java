package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The trainer draws its batches from a {@link BatchSource}; over a {@link Dataset} it trains exactly as it did. */
class TrainerOnBatchSourceTest {
    private static final int EPOCHS = 4;
    private static final int BATCH = 16;

    private static Dataset labelled(int rows, int features, int classes, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = (int) (rng.nextDouble() * classes);
            for (int j = 0; j < features; j++) {
                x[r * features + j] = (float) (rng.nextGaussian() + (j % classes == y[r] ? 2 : 0));
            }
        }
        return new Dataset(x, y, features, classes);
    }

    private static Dataset regression(int rows, int features, int width, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * features];
        float[] t = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                x[r * features + j] = (float) rng.nextGaussian();
            }
            for (int k = 0; k < width; k++) {
                t[r * width + k] = x[r * features + k] - 0.5f * x[r * features + (k + 1) % features];
            }
        }
        return Dataset.withTargets(x, t, features, width, null, null);
    }

    private static NetworkSpec classifier() {
        return NetworkSpec.builder(6).hidden(12).activation(Activation.parse("gelu")).dropout(0.2f)
                .output(3, Task.CLASSIFY).build();
    }

    private static NetworkSpec regressor() {
        return NetworkSpec.builder(5).hidden(10).layerNorm().activation(Activation.parse("tanh"))
                .output(2, Task.REGRESS).build();
    }

    private static TrainingSession session(NetworkSpec spec) {
        TrainingSession s = new TrainingSession(new Network(spec, 7), BATCH, OptimizerConfig.adam(0.01f),
                Loss.defaultFor(spec.task()), null);
        s.setDropoutSeed(11);
        return s;
    }

    /**
     * The loop the trainer ran before it drew from a BatchSource: each epoch the identity permutation shuffled with
     * the trainer's generator, then batches copied in that order, {@code zeroGrad → trainStep → optimizerStep}.
     */
    private static float[] formerLoop(TrainingSession session, Dataset data, long seed) {
        Rng rng = new Rng(seed);
        int rows = data.rows();
        int f = data.featureCount();
        int tw = data.targetWidth();
        int[] order = new int[rows];
        float[] bx = new float[BATCH * f];
        int[] by = new int[BATCH];
        float[] bt = new float[BATCH * Math.max(1, tw)];
        for (int e = 0; e < EPOCHS; e++) {
            for (int r = 0; r < rows; r++) {
                order[r] = r;
            }
            rng.shuffle(order, rows);
            for (int start = 0; start < rows; start += BATCH) {
                int n = Math.min(BATCH, rows - start);
                for (int b = 0; b < n; b++) {
                    int r = order[start + b];
                    System.arraycopy(data.features(), r * f, bx, b * f, f);
                    if (data.hasLabels()) {
                        by[b] = data.labels()[r];
                    } else {
                        System.arraycopy(data.targets(), r * tw, bt, b * tw, tw);
                    }
                }
                session.zeroGrad();
                if (data.hasLabels()) {
                    session.trainStep(bx, 0, by, 0, n);
                } else {
                    session.trainStep(bx, 0, bt, 0, n);
                }
                session.optimizerStep();
            }
        }
        return session.network().copyParameters();
    }

    private static float[] trained(TrainingSession session, BatchSource source, long seed) {
        Trainer trainer = new Trainer(session, source, BATCH, seed);
        trainer.fit(EPOCHS, TrainingListener.NONE);
        return session.network().copyParameters();
    }

    @Test
    void aDatasetTrainsBitIdenticallyToTheFormerLoop() {
        Dataset classes = labelled(203, 6, 3, 1);
        assertArrayEquals(formerLoop(session(classifier()), classes, 5), trained(session(classifier()), classes, 5),
                "classifier with dropout: weights differ from the former loop");
        Dataset targets = regression(150, 5, 2, 2);
        assertArrayEquals(formerLoop(session(regressor()), targets, 5), trained(session(regressor()), targets, 5),
                "regressor: weights differ from the former loop");
        assertFalse(Arrays.equals(trained(session(classifier()), classes, 5),
                trained(session(classifier()), classes, 6)), "another shuffle seed must give other weights");
    }

    @Test
    void aSourceThatIsNotADatasetTrainsLikeTheDatasetWithTheSameOrder() {
        Dataset data = labelled(203, 6, 3, 3);
        ArraySource source = new ArraySource(data);
        TrainingSession overSource = session(classifier());
        Trainer trainer = new Trainer(overSource, source, BATCH, 9);
        assertEquals(13, trainer.batchesPerEpoch());
        trainer.fit(EPOCHS, TrainingListener.NONE);
        assertEquals(EPOCHS, source.shuffledEpochs, "one shuffled epoch of the source per training epoch");
        assertArrayEquals(trained(session(classifier()), data, 9), overSource.network().copyParameters());

        Dataset targets = regression(90, 5, 2, 4);
        TrainingSession regress = session(regressor());
        new Trainer(regress, new ArraySource(targets), BATCH, 9).fit(EPOCHS, TrainingListener.NONE);
        assertArrayEquals(trained(session(regressor()), targets, 9), regress.network().copyParameters());
    }

    @Test
    void evaluatingASourceReadsItInStoredOrderAndAgreesWithTheDataset() {
        Dataset data = labelled(150, 6, 3, 5);
        TrainingSession session = session(classifier());
        new Trainer(session, data, BATCH, 1).fit(2, TrainingListener.NONE);
        ArraySource source = new ArraySource(data);
        Evaluation streamed = Trainer.evaluate(session, source);
        Evaluation inMemory = Trainer.evaluate(session, data);
        assertEquals(1, source.storedOrderEpochs);
        assertEquals(0, source.shuffledEpochs);
        assertEquals(inMemory.loss(), streamed.loss(), 0.0, "same chunks in the same order: the same loss");
        assertEquals(inMemory.correct(), streamed.correct());
        assertEquals(150, streamed.rows());
    }

    @Test
    void twoTrainersShareOneDatasetWithoutDisturbingEachOther() {
        Dataset data = labelled(120, 6, 3, 6);
        TrainingSession a = session(classifier());
        TrainingSession b = session(classifier());
        Trainer ta = new Trainer(a, data, BATCH, 1);
        Trainer tb = new Trainer(b, data, BATCH, 2);
        for (int e = 0; e < EPOCHS; e++) { // interleaved, and an evaluation in between
            ta.runEpoch(TrainingListener.NONE);
            Trainer.evaluate(a, (BatchSource) data);
            tb.runEpoch(TrainingListener.NONE);
        }
        assertArrayEquals(trained(session(classifier()), data, 1), a.network().copyParameters());
        assertArrayEquals(trained(session(classifier()), data, 2), b.network().copyParameters());
    }

    @Test
    void aSourceThatDoesNotFitTheNetworkIsRejected() {
        TrainingSession session = session(classifier());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Trainer(session, new ArraySource(labelled(20, 5, 3, 1)), BATCH, 1)).getMessage()
                .contains("data has 5 features"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Trainer(session, new ArraySource(regression(20, 6, 3, 1)), BATCH, 1)).getMessage()
                .contains("data has real-valued targets, the classifier"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Trainer.evaluate(session, new ArraySource(labelled(20, 6, 2, 1)))).getMessage()
                .contains("data has 2 classes"));
    }

    @Test
    void aDatasetAsASourceVisitsEveryRowOnceAndChecksTheCallersArrays() {
        Dataset data = labelled(37, 6, 3, 8);
        float[] x = new float[10 * 6];
        int[] y = new int[10];
        int[] seen = new int[37];
        data.startEpoch(new Rng(4));
        int n;
        int total = 0;
        while ((n = data.nextBatch(x, y, null, 10)) > 0) {
            for (int b = 0; b < n; b++) {
                int row = -1;
                for (int r = 0; r < 37 && row < 0; r++) {
                    if (Arrays.equals(Arrays.copyOfRange(data.features(), r * 6, r * 6 + 6),
                            Arrays.copyOfRange(x, b * 6, b * 6 + 6))) {
                        row = r;
                    }
                }
                assertTrue(row >= 0, "a batch row that is no row of the set");
                assertEquals(data.labels()[row], y[b]);
                seen[row]++;
            }
            total += n;
        }
        assertEquals(37, total);
        int[] once = new int[37];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
        data.startEpoch(null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> data.nextBatch(new float[5], y, null, 10))
                .getMessage().contains("needs x of at least 60 floats (6 per row), got 5"));
    }
}
