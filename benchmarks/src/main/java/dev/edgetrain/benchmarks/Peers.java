package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.kernels.KernelSet;
import dev.edgetrain.runtime.optim.OptimizerConfig;

/** What every benchmark shares so the rows compare like with like. */
public final class Peers {
    /** Plain SGD learning rate of every training benchmark. */
    public static final float LEARNING_RATE = 0.05f;
    /**
     * The JVM option the vector kernels need; the edgetrain benchmarks' forks run with it so that both kernel sets
     * ({@code @Param kernels}) are rows of the same run.
     */
    public static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

    private Peers() {
    }

    /**
     * A network of {@code arch} after one epoch of SGD on its data, so inference runs on realistic weights. Trained
     * with the plain kernels, so every runtime and kernel set gets the same weights whatever this JVM would choose.
     */
    public static Network trainedNetwork(Architecture arch) {
        Datasets data = Datasets.forArchitecture(arch);
        Network network = new Network(arch.spec(), 11).withKernels(KernelSet.plain());
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
