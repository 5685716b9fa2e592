package dev.edgetrain.benchmarks.peers;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.kernels.KernelSet;
import dev.edgetrain.runtime.optim.OptimizerConfig;

/** edgetrain: {@link TrainingSession} with {@link OptimizerConfig#sgd}, computing with a given kernel set. */
public final class EdgetrainTrainee implements Trainee {
    private final Datasets data;
    private final int batch;
    private final TrainingSession session;
    private final String kernelName;
    private int cursor;

    public EdgetrainTrainee(Architecture arch, Datasets train, int batch, long seed, KernelSet kernels) {
        this.data = train;
        this.batch = batch;
        this.kernelName = kernels == KernelSet.plain() ? "plain" : "vector";
        Network network = new Network(arch.spec(), seed).withKernels(kernels);
        this.session = new TrainingSession(network, batch, OptimizerConfig.sgd(LEARNING_RATE));
    }

    @Override
    public void step() {
        final int row = cursor;
        cursor = row + 2 * batch > data.rows ? 0 : row + batch;
        session.zeroGrad();
        session.trainStep(data.x, row * data.features, data.y, row, batch);
        session.optimizerStep();
    }

    /** The loss of the step, for JMH to consume. */
    public float stepWithLoss() {
        final int row = cursor;
        cursor = row + 2 * batch > data.rows ? 0 : row + batch;
        session.zeroGrad();
        final float loss = session.trainStep(data.x, row * data.features, data.y, row, batch);
        session.optimizerStep();
        return loss;
    }

    public TrainingSession session() {
        return session;
    }

    @Override
    public int batchesPerEpoch() {
        return data.rows / batch;
    }

    @Override
    public double accuracy(Datasets test) {
        Network network = session.network();
        Workspace ws = new Workspace(network.spec(), 256);
        int[] predicted = new int[256];
        int correct = 0;
        for (int r = 0; r < test.rows; r += 256) {
            int n = Math.min(256, test.rows - r);
            network.predictClasses(ws, test.x, r * test.features, n, predicted, 0);
            for (int b = 0; b < n; b++) {
                if (predicted[b] == test.y[r + b]) {
                    correct++;
                }
            }
        }
        return correct / (double) test.rows;
    }

    @Override
    public String name() {
        return "edgetrain, " + kernelName + " kernels";
    }

    @Override
    public void close() {
    }
}
