package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import org.junit.jupiter.api.Test;

/**
 * The {@link Trainer} with every task: a regressor learns a sine, a multi-label network two independent labels, a
 * binary network with class labels a circle, and class weights move a classifier's decisions toward the weighted
 * class. Each is measured on held-out rows.
 */
class TaskLearningTest {
    @Test
    void aRegressorLearnsASine() {
        Rng rng = new Rng(1);
        int rows = 600;
        float[] x = new float[rows];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            x[r] = (float) (rng.nextDouble() * 2 * Math.PI - Math.PI);
            y[r] = (float) Math.sin(x[r]);
        }
        Dataset[] split = Dataset.withTargets(x, y, 1, 1, new String[] {"sin"}, new String[] {"x"}).split(0.25, 2);
        NetworkSpec spec = NetworkSpec.builder(1).hidden(32, Activation.TANH).hidden(32, Activation.GELU)
                .output(1, Task.REGRESS).build();
        TrainingSession session = new TrainingSession(new Network(spec, 3), 32, OptimizerConfig.adam(0.01f));
        Evaluation before = Trainer.evaluate(session, split[1]);
        new Trainer(session, split[0], 32, 4).fit(150, TrainingListener.NONE);
        Evaluation after = Trainer.evaluate(session, split[1]);
        System.out.println("sine regression, held-out MSE: " + before + " -> " + after);
        assertTrue(Double.isNaN(after.accuracy()), "a regressor has no accuracy");
        assertTrue(after.loss() < before.loss() / 50 && after.loss() < 0.005,
                "held-out MSE " + before + " -> " + after);
    }

    @Test
    void aMultilabelNetworkLearnsTwoIndependentLabels() {
        Rng rng = new Rng(5);
        int rows = 800;
        float[] x = new float[rows * 2];
        float[] t = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            x[2 * r] = (float) rng.nextGaussian();
            x[2 * r + 1] = (float) rng.nextGaussian();
            t[2 * r] = x[2 * r] * x[2 * r + 1] > 0 ? 1 : 0; // needs the hidden layer
            t[2 * r + 1] = x[2 * r + 1] > 0.3f ? 1 : 0;
        }
        Dataset[] split = Dataset.withTargets(x, t, 2, 2, null, null).split(0.25, 6);
        NetworkSpec spec = NetworkSpec.builder(2).hidden(32).hidden(16).output(2, Task.MULTILABEL).build();
        TrainingSession session = new TrainingSession(new Network(spec, 7), 32, OptimizerConfig.adam(0.01f));
        new Trainer(session, split[0], 32, 8).fit(60, TrainingListener.NONE);
        Evaluation test = Trainer.evaluate(session, split[1]);
        // each label on its own, from the network's probabilities
        Dataset held = split[1];
        float[] p = new float[held.rows() * 2];
        session.network().predictProbabilities(new Workspace(spec, held.rows()), held.features(), 0, held.rows(), p, 0);
        int[] right = new int[2];
        for (int r = 0; r < held.rows(); r++) {
            for (int k = 0; k < 2; k++) {
                right[k] += (p[2 * r + k] >= 0.5f) == (held.targets()[2 * r + k] == 1f) ? 1 : 0;
            }
        }
        System.out.println("two labels, held-out: " + test + "; per label " + right[0] + ", " + right[1] + " of "
                + held.rows());
        assertTrue(test.counted() == 2 * held.rows(), "accuracy counts every output of every row");
        assertTrue(right[0] >= 0.95 * held.rows() && right[1] >= 0.95 * held.rows(),
                "each label right on 95% of held-out rows: " + right[0] + ", " + right[1] + " of " + held.rows());
    }

    @Test
    void aBinaryNetworkLearnsFromClassLabels() {
        Rng rng = new Rng(9);
        int rows = 800;
        float[] x = new float[rows * 2];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            x[2 * r] = (float) (2 * rng.nextDouble() - 1);
            x[2 * r + 1] = (float) (2 * rng.nextDouble() - 1);
            y[r] = x[2 * r] * x[2 * r] + x[2 * r + 1] * x[2 * r + 1] < 0.4 ? 1 : 0; // inside a circle
        }
        Dataset[] split = new Dataset(x, y, 2, 2).split(0.25, 10);
        NetworkSpec spec = NetworkSpec.builder(2).hidden(32).layerNorm().hidden(16).output(1, Task.BINARY).build();
        TrainingSession session = new TrainingSession(new Network(spec, 11), 32, OptimizerConfig.adam(0.01f));
        Evaluation before = Trainer.evaluate(session, split[1]);
        new Trainer(session, split[0], 32, 12).fit(60, TrainingListener.NONE);
        Evaluation after = Trainer.evaluate(session, split[1]);
        Dataset held = split[1];
        int[] predicted = new int[held.rows()];
        session.network().predictClasses(new Workspace(spec, held.rows()), held.features(), 0, held.rows(), predicted,
                0);
        int right = 0;
        for (int r = 0; r < held.rows(); r++) {
            right += predicted[r] == held.labels()[r] ? 1 : 0;
        }
        System.out.println("binary circle, held-out: " + before + " -> " + after);
        assertTrue(after.accuracy() >= 0.95 && right == after.correct(), "held-out " + after + ", predictClasses "
                + right);
        assertTrue(after.loss() < before.loss() / 3, before + " -> " + after);
    }

    @Test
    void classWeightsMoveDecisionsTowardTheWeightedClass() {
        // Two overlapping classes on a line: the unweighted boundary is near 0; weighting class 1 five times moves
        // it toward class 0, so more of the held-out rows are called class 1 (log 5 / separation of the means ≈ 0.8).
        Rng rng = new Rng(13);
        int rows = 1000;
        float[] x = new float[rows];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = r % 2;
            x[r] = (float) (rng.nextGaussian() + (y[r] == 1 ? 1 : -1));
        }
        Dataset[] split = new Dataset(x, y, 1, 2).split(0.3, 14);
        NetworkSpec spec = NetworkSpec.builder(1).hidden(8).output(2, Task.CLASSIFY).build();
        double plain = fractionCalledOne(spec, Loss.crossEntropy(), split);
        double weighted = fractionCalledOne(spec, Loss.crossEntropy().withClassWeights(new float[] {1f, 5f}), split);
        System.out.printf("class weights [1, 5]: held-out rows called class 1: %.3f -> %.3f%n", plain, weighted);
        assertTrue(plain > 0.4 && plain < 0.6, "unweighted: about half called class 1, got " + plain);
        assertTrue(weighted > plain + 0.15, "weighted toward class 1: " + plain + " -> " + weighted);
    }

    private static double fractionCalledOne(NetworkSpec spec, Loss loss, Dataset[] split) {
        TrainingSession session = new TrainingSession(new Network(spec, 15), 32, OptimizerConfig.adam(0.02f), loss,
                null);
        new Trainer(session, split[0], 32, 16).fit(40, TrainingListener.NONE);
        Dataset held = split[1];
        int[] predicted = new int[held.rows()];
        session.network().predictClasses(new Workspace(spec, held.rows()), held.features(), 0, held.rows(), predicted,
                0);
        int ones = 0;
        for (int c : predicted) {
            ones += c;
        }
        return (double) ones / held.rows();
    }
}
