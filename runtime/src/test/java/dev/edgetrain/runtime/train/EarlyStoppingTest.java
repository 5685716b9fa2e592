package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    private static Dataset blobs(int rows, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * 4];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = r % 2;
            for (int j = 0; j < 4; j++) {
                x[r * 4 + j] = (float) (rng.nextGaussian() * 1.5 + (j % 2 == y[r] ? 1 : 0));
            }
        }
        return new Dataset(x, y, 4, 2);
    }

    @Test
    void restoresExactlyTheBestEpochsWeights() {
        Dataset[] split = blobs(300, 1).split(0.3, 2);
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(4, 32, 2), 3), 8,
                OptimizerConfig.sgd(0.3f).withMomentum(0.9f, false)); // a high rate: the validation loss wanders
        Trainer trainer = new Trainer(session, split[0], 8, 4);
        EarlyStopping stopping = new EarlyStopping(session.network(), 0);
        float[][] weights = new float[12][];
        double[] losses = new double[12];
        for (int e = 0; e < 12; e++) {
            trainer.runEpoch(TrainingListener.NONE);
            weights[e] = session.network().copyParameters();
            losses[e] = Trainer.evaluate(session, split[1]).loss();
            assertEquals(e == 0 || losses[e] < Arrays.stream(losses, 0, e).min().getAsDouble(),
                    stopping.record(e, losses[e]), "epoch " + e + " improved?");
        }
        int best = 0;
        for (int e = 1; e < 12; e++) {
            if (losses[e] < losses[best]) {
                best = e;
            }
        }
        assertTrue(best < 11, "the test needs a best epoch before the last one, losses " + Arrays.toString(losses));
        assertEquals(best, stopping.bestEpoch());
        assertEquals(losses[best], stopping.bestLoss(), 0.0);
        assertFalse(stopping.shouldStop(), "patience 0 never stops");
        stopping.restoreBest();
        assertArrayEquals(weights[best], session.network().copyParameters(), "the best epoch's weights, bit for bit");
        assertEquals(losses[best], Trainer.evaluate(session, split[1]).loss(), 0.0);
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        Network network = new Network(NetworkSpec.of(2, 3, 2), 1);
        EarlyStopping stopping = new EarlyStopping(network, 2);
        assertTrue(stopping.record(0, 1.0));
        assertTrue(stopping.record(1, 0.8));
        assertFalse(stopping.record(2, 0.8), "equal is no improvement");
        assertFalse(stopping.shouldStop());
        assertTrue(stopping.record(3, 0.7), "an improvement resets the count");
        assertFalse(stopping.record(4, 0.9));
        assertFalse(stopping.shouldStop());
        assertFalse(stopping.record(5, 0.75));
        assertTrue(stopping.shouldStop(), "two epochs without improvement with patience 2");
        assertEquals(3, stopping.bestEpoch());
        assertEquals(0.7, stopping.bestLoss(), 0.0);
    }

    @Test
    void nanAndInfiniteLossesNeverCountAsBest() {
        Network network = new Network(NetworkSpec.of(2, 3, 2), 1);
        float[] first = network.copyParameters();
        EarlyStopping stopping = new EarlyStopping(network, 3);
        assertFalse(stopping.record(0, Double.NaN));
        assertFalse(stopping.hasBest());
        assertThrows(IllegalStateException.class, stopping::restoreBest);
        assertTrue(stopping.record(1, 2.0));
        float[] changed = first.clone();
        changed[0] += 1;
        network.setParameters(changed);
        assertFalse(stopping.record(2, Double.NaN));
        assertFalse(stopping.record(3, Double.NEGATIVE_INFINITY));
        assertFalse(stopping.record(4, Double.POSITIVE_INFINITY));
        assertTrue(stopping.shouldStop(), "non-finite losses count as epochs without improvement");
        assertEquals(1, stopping.bestEpoch());
        stopping.restoreBest();
        assertArrayEquals(first, network.copyParameters());
    }

    @Test
    void negativePatienceIsRefused() {
        Network network = new Network(NetworkSpec.of(2, 3, 2), 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(network, -1)).getMessage()
                .contains("patience must be >= 0"));
    }

    @Test
    void aResumedStoppingContinuesWithTheCheckpointedBest() {
        Network network = new Network(dev.edgetrain.runtime.NetworkSpec.of(3, 4, 2), 1);
        EarlyStopping a = new EarlyStopping(network, 2);
        a.record(1, 0.5);
        float[] best = a.bestParameters();
        EarlyStopping b = new EarlyStopping(network, 2);
        b.resume(a.bestEpoch(), a.bestLoss(), a.epochsSinceBest(), best);
        org.junit.jupiter.api.Assertions.assertFalse(b.record(2, 0.6));
        org.junit.jupiter.api.Assertions.assertFalse(b.shouldStop());
        b.record(3, 0.7);
        org.junit.jupiter.api.Assertions.assertTrue(b.shouldStop(), "two epochs without improvement after the resume");
        org.junit.jupiter.api.Assertions.assertEquals(1, b.bestEpoch());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.resume(0, Double.NaN, 0, best));
        org.junit.jupiter.api.Assertions.assertEquals(1, b.bestEpoch(), "a rejected resume changes nothing");
    }
}
