package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;

/** What every benchmark shares so the rows compare like with like. */
public final class Peers {
    /** Plain SGD learning rate of every training benchmark. */
    public static final float LEARNING_RATE = 0.05f;

    private Peers() {
    }

    /** A network of {@code arch} after one epoch of SGD on its data, so inference runs on realistic weights. */
    public static Network trainedNetwork(Architecture arch) {
        Datasets data = Datasets.forArchitecture(arch);
        Network network = new Network(arch.spec(), 11);
        TrainingSession session = new TrainingSession(network, 32, OptimizerConfig.sgd(LEARNING_RATE));
        for (int row = 0; row + 32 <= data.rows; row += 32) {
            session.zeroGrad();
            session.trainStep(data.x, row * data.features, data.y, row, 32);
            session.optimizerStep();
        }
        return network;
    }

    /** The first {@code batch} rows of the architecture's data, repeated if the set is smaller. */
    public static float[] inferenceInput(Architecture arch, int batch) {
        Datasets data = Datasets.forArchitecture(arch);
        float[] x = new float[batch * arch.inputs()];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(data.x, (b % data.rows) * data.features, x, b * arch.inputs(), arch.inputs());
        }
        return x;
    }
}
