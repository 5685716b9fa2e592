package dev.edgetrain.benchmarks.peers;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;

/**
 * One library training one network the same way as every other: dense layers with ReLU between them, softmax
 * and cross-entropy, plain SGD (no momentum, no weight decay) on the mean loss of each mini-batch, one thread.
 * The training benchmarks time {@link #step()}; the learning check runs epochs of steps and calls
 * {@link #accuracy} to prove the steps train.
 */
public interface Trainee extends AutoCloseable {
    /** Plain SGD learning rate (for the mean loss of a mini-batch) every library trains with. */
    float LEARNING_RATE = 0.05f;

    /** One SGD step on the next mini-batch of the training data (batches in order, wrapping around). */
    void step();

    /** Mini-batches in one pass over the training data. */
    int batchesPerEpoch();

    /** Fraction of {@code test}'s rows classified correctly by the current parameters. */
    double accuracy(Datasets test);

    /** The library and version, as shown in the results. */
    String name();

    @Override
    void close();

    /** Builds a trainee of one library. */
    interface Factory {
        Trainee create(Architecture arch, Datasets train, int batch, long seed);
    }
}
