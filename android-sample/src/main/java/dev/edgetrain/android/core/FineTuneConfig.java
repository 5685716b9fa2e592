package dev.edgetrain.android.core;

import java.util.Locale;

/** Settings of one fine-tuning run; immutable, validated on construction. */
public final class FineTuneConfig {
    private final FineTuneMode mode;
    private final int epochs;
    private final float learningRate;
    private final int batchSize;
    private final long seed;

    public FineTuneConfig(FineTuneMode mode, int epochs, float learningRate, int batchSize, long seed) {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (epochs < 1 || epochs > 10_000) {
            throw new IllegalArgumentException("epochs must be in [1, 10000], got " + epochs);
        }
        if (!(learningRate > 0f && learningRate <= 1f)) {
            throw new IllegalArgumentException("learning rate must be in (0, 1], got " + learningRate);
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batch size must be in [1, 1024], got " + batchSize);
        }
        this.mode = mode;
        this.epochs = epochs;
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** Adam at 0.005, mini-batches of 16, 40 epochs, shuffling seed 1. */
    public static FineTuneConfig defaults(FineTuneMode mode) {
        return new FineTuneConfig(mode, 40, 0.005f, 16, 1L);
    }

    public FineTuneConfig withEpochs(int n) {
        return new FineTuneConfig(mode, n, learningRate, batchSize, seed);
    }

    public FineTuneConfig withLearningRate(float lr) {
        return new FineTuneConfig(mode, epochs, lr, batchSize, seed);
    }

    public FineTuneConfig withSeed(long s) {
        return new FineTuneConfig(mode, epochs, learningRate, batchSize, s);
    }

    public FineTuneMode mode() {
        return mode;
    }

    public int epochs() {
        return epochs;
    }

    public float learningRate() {
        return learningRate;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Seeds the shuffling of the examples. */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, %d epochs, Adam lr %s, batch %d, seed %d", mode, epochs,
                Float.toString(learningRate), batchSize, seed);
    }
}
