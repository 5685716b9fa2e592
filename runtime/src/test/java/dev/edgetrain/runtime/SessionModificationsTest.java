package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.Optimizer;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainingSession#modifications()} counts every write from outside the steps (what a trainer's replay of
 * steps cannot know about) and nothing the steps themselves do.
 */
class SessionModificationsTest {
    private static final float[] X = {0.5f, -1f, 2f, 0.25f}; // [2][2]
    private static final int[] Y = {1, 0};

    @Test
    void stepsLeaveTheCountAsItIsAndEveryOutsideWriteRaisesIt() {
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.builder(2).hidden(8).dropout(0.2f)
                .output(2, Task.CLASSIFY).build(), 1), 2, OptimizerConfig.adam(0.01f));
        Optimizer opt = session.optimizer();
        long count = session.modifications();
        for (int i = 0; i < 3; i++) {
            session.zeroGrad();
            session.trainStep(X, Y, 2);
            session.optimizerStep();
            session.evalStep(X, Y, 2);
        }
        float[] copy = new float[session.network().parameterCount()];
        opt.copyStateSlab(0, copy);
        session.network().copyParameters(copy, 0);
        assertEquals(count, session.modifications(), "steps and reads");

        Runnable[] writes = {
            () -> session.network().setParameters(session.network().copyParameters()),
            () -> session.network().setParameters(0, new float[] {0.5f}, 0, 1),
            () -> opt.setLearningRateScale(0.5),
            () -> opt.setSteps(7),
            () -> opt.stateSlab(1),
            () -> opt.copyStateFrom(opt),
            () -> session.setTrainable(0, false),
            () -> session.trainOnlyLastLayer(),
            () -> session.setDropoutSeed(3),
            () -> session.setDropoutRngState(5),
        };
        for (int w = 0; w < writes.length; w++) {
            writes[w].run();
            long now = session.modifications();
            assertTrue(now > count, "write " + w + " is counted");
            count = now;
        }
    }
}
