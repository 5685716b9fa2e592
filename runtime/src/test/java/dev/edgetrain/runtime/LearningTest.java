package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.example.SpiralExample;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The runtime learns generated problems that need the hidden layer, and does so reproducibly. */
class LearningTest {
    private static float[] train(Dataset data, NetworkSpec spec, OptimizerConfig config, long seed, int epochs) {
        Network network = new Network(spec, seed);
        TrainingSession session = new TrainingSession(network, 32, config);
        new Trainer(session, data, 32, seed + 1).fit(epochs, TrainingListener.NONE);
        return network.copyParameters();
    }

    @Test
    void twoSpiralsReachAtLeast98PercentOnHeldOutPoints() {
        Dataset all = SpiralExample.spirals(600, 2.0, 17);
        Dataset[] split = all.split(0.25, 3);
        Network network = new Network(NetworkSpec.of(2, new int[] {64, 64}, 2), 5);
        TrainingSession session = new TrainingSession(network, 32, OptimizerConfig.adam(0.01f));
        new Trainer(session, split[0], 32, 6).fit(150, TrainingListener.NONE);
        Evaluation test = Trainer.evaluate(session, split[1]);
        System.out.println("two spirals (2 turns), held-out: " + test);
        assertTrue(test.accuracy() >= 0.98, "held-out accuracy " + test);
    }

    @Test
    void xorNeedsAndLearnsTheHiddenLayer() {
        // XOR of the signs of two coordinates: not linearly separable.
        Rng rng = new Rng(8);
        int rows = 800;
        float[] x = new float[rows * 2];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            x[2 * r] = (float) (rng.nextDouble() * 2 - 1);
            x[2 * r + 1] = (float) (rng.nextDouble() * 2 - 1);
            y[r] = (x[2 * r] > 0) != (x[2 * r + 1] > 0) ? 1 : 0;
        }
        Dataset data = new Dataset(x, y, 2, 2);
        Network linear = new Network(NetworkSpec.of(2, new int[0], 2), 1);
        TrainingSession linearSession = new TrainingSession(linear, 32, OptimizerConfig.sgd(0.1f));
        new Trainer(linearSession, data, 32, 2).fit(50, TrainingListener.NONE);
        Network hidden = new Network(NetworkSpec.of(2, 16, 2), 1);
        TrainingSession hiddenSession = new TrainingSession(hidden, 32,
                OptimizerConfig.sgd(0.1f).withMomentum(0.9f, true));
        new Trainer(hiddenSession, data, 32, 2).fit(100, TrainingListener.NONE);
        Evaluation withoutHidden = Trainer.evaluate(linearSession, data);
        Evaluation withHidden = Trainer.evaluate(hiddenSession, data);
        System.out.println("xor: softmax regression " + withoutHidden + "; one hidden layer " + withHidden);
        assertTrue(withoutHidden.accuracy() < 0.75, "a linear model cannot learn XOR: " + withoutHidden);
        assertTrue(withHidden.accuracy() >= 0.98, "one hidden layer learns XOR: " + withHidden);
    }

    @Test
    void theSameSeedGivesBitIdenticalWeights() {
        Dataset data = SpiralExample.spirals(200, 1.5, 4);
        NetworkSpec spec = NetworkSpec.of(2, new int[] {24, 12}, 2);
        OptimizerConfig adamW = OptimizerConfig.adamW(0.01f, 0.01f).withClipNorm(5f);
        float[] first = train(data, spec, adamW, 77, 15);
        float[] second = train(data, spec, adamW, 77, 15);
        assertArrayEquals(first, second, 0f, "two runs with seed 77");
        assertTrue(Arrays.equals(first, second), "bit-identical (Arrays.equals compares float bits)");
        float[] otherSeed = train(data, spec, adamW, 78, 15);
        assertFalse(Arrays.equals(first, otherSeed), "a different seed gives different weights");
    }
}
