package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.example.SpiralExample;
import dev.edgetrain.runtime.optim.Optimizer;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A diverging run never leaves NaN or infinity in the model: it stops, or recovers with a lower rate. */
class DivergenceTest {
    private static final Dataset DATA = SpiralExample.spirals(200, 1.0, 2);

    private static boolean allFinite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** SGD at a rate of 1e30: the first update sends the weights to ~1e30 and the next loss is not finite. */
    private static Trainer explosive() {
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(2, 16, 2), 1), 16,
                OptimizerConfig.sgd(1e30f));
        return new Trainer(session, DATA, 16, 3);
    }

    @Test
    void byDefaultTrainingStopsAtTheFirstDivergenceWithTheLastGoodStateRestored() {
        Trainer trainer = explosive();
        Network network = trainer.session().network();
        float[] initial = network.copyParameters();
        DivergenceException e = assertThrows(DivergenceException.class, () -> trainer.fit(3, TrainingListener.NONE));
        System.out.println("stopped: " + e.getMessage());
        assertTrue(e.getMessage().contains("training diverged in epoch 1, batch 2, optimizer step 1"), e.getMessage());
        assertTrue(e.getMessage().contains("loss is NaN") || e.getMessage().contains("loss is Infinity"),
                e.getMessage());
        assertEquals(1, e.optimizerStep());
        assertTrue(allFinite(network.copyParameters()), "no NaN or infinity left in the parameters");
        // The last step whose loss and gradients were finite is the very first: its starting point is restored.
        assertArrayEquals(initial, network.copyParameters(), 0f);
        assertEquals(0, trainer.session().optimizer().steps(), "the optimizer's step count is restored too");
        assertTrue(Float.isFinite(trainer.session().evalStep(DATA.features(), 0, DATA.labels(), 0, 16)));
    }

    @Test
    void withRecoveryTheRateIsLoweredUntilTrainingIsStableAndTheRunCompletes() {
        Trainer trainer = explosive();
        trainer.setDivergenceRecovery(1e-4, 20);
        List<String> events = new ArrayList<>();
        trainer.fit(5, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
                assertTrue(Float.isFinite(loss));
            }

            @Override
            public void onEpoch(int epoch, float loss, float accuracy) {
            }

            @Override
            public void onRecovery(int epoch, long step, String reason, float newLearningRate) {
                events.add("epoch " + epoch + " step " + step + " lr " + newLearningRate + ": " + reason);
            }
        });
        System.out.println("recoveries: " + events);
        assertTrue(trainer.recoveries() >= 1 && trainer.recoveries() == events.size());
        assertTrue(trainer.session().optimizer().currentLearningRate() < 1e27f, "the rate was lowered");
        assertTrue(allFinite(trainer.session().network().copyParameters()));
        assertEquals(5, trainer.epochsDone());
        assertTrue(Float.isFinite(trainer.lastLoss()));
    }

    @Test
    void aRecoveryIsRememberedByTheCheckpoint() throws Exception {
        Trainer trainer = explosive();
        trainer.setDivergenceRecovery(1e-4, 20);
        trainer.fit(2, TrainingListener.NONE);
        double scale = trainer.session().optimizer().learningRateScale();
        assertTrue(scale < 1);
        Checkpoint c = Checkpoint.fromBytes(Checkpoint.capture(trainer, null, null).toBytes(), "x");
        assertEquals(scale, c.learningRateScale());
        Trainer resumed = explosive();
        c.restoreInto(resumed);
        assertEquals(scale, resumed.session().optimizer().learningRateScale());
    }

    @Test
    void recoverySettingsAreChecked() {
        Trainer trainer = explosive();
        assertThrows(IllegalArgumentException.class, () -> trainer.setDivergenceRecovery(1.5, 3));
        assertThrows(IllegalArgumentException.class, () -> trainer.setDivergenceRecovery(0.5, -1));
    }

    /** The bits of each value, so that comparisons are bitwise (and -0 differs from 0). */
    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    private static OptimizerConfig config(String name) {
        switch (name) {
            case "sgd":
                return OptimizerConfig.sgd(10f);
            case "momentum":
                return OptimizerConfig.sgd(10f).withMomentum(0.9f, false);
            default:
                return OptimizerConfig.adam(10f);
        }
    }

    /**
     * Three ordinary steps at an effective rate of 10·1e-3, then the rate scale is raised so that the fourth step's
     * rate overflows the float range: its loss and gradients are finite, its update is not. The trainer must put
     * back, bit for bit, the parameters, optimizer state slabs and step count the fourth step started from (those
     * the listener saw after the third), and say which step overflowed. With the optimizer's update check turned
     * off, the trainer falls back to scanning the parameters, with the same result.
     */
    @ParameterizedTest(name = "{0}, update check {1}")
    @CsvSource({"sgd, true", "momentum, true", "adam, true", "sgd, false", "momentum, false", "adam, false"})
    void anUpdateThatOverflowsIsUndoneBitForBitToTheStateTheStepStartedFrom(String name, boolean updateCheck) {
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(2, 16, 2), 1), 16, config(name));
        Trainer trainer = new Trainer(session, DATA, 16, 3);
        Optimizer opt = session.optimizer();
        opt.setUpdateCheck(updateCheck);
        opt.setLearningRateScale(1e-3);
        float[][] before = new float[1 + opt.stateSlabCount()][];
        long[] stepsBefore = {-1};
        DivergenceException e = assertThrows(DivergenceException.class, () -> trainer.fit(1, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
                if (batchIndex == 2) {
                    before[0] = session.network().copyParameters();
                    for (int k = 0; k < opt.stateSlabCount(); k++) {
                        before[1 + k] = opt.stateSlab(k).clone();
                    }
                    stepsBefore[0] = opt.steps();
                    opt.setLearningRateScale(Float.MAX_VALUE); // 10 × 3.4e38: the next rate is +Infinity
                }
            }

            @Override
            public void onEpoch(int epoch, float loss, float accuracy) {
            }
        }));
        assertTrue(e.getMessage().contains("training diverged in epoch 1, batch 4, optimizer step 3: parameter "),
                e.getMessage());
        assertTrue(e.getMessage().contains("overflowed in the update"), e.getMessage());
        assertEquals(3, stepsBefore[0]);
        assertArrayEquals(bits(before[0]), bits(session.network().copyParameters()), "parameters, bit for bit");
        for (int k = 0; k < opt.stateSlabCount(); k++) {
            assertArrayEquals(bits(before[1 + k]), bits(opt.stateSlab(k)), "optimizer state slab " + k);
        }
        assertEquals(stepsBefore[0], opt.steps(), "the step count the overflowing step started from");
    }
}
