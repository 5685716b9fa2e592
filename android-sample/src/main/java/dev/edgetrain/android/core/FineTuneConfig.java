package dev.edgetrain.android.core;

import java.util.Locale;

/** Settings of one fine-tuning run; immutable, validated on construction. */
public final class FineTuneConfig {
    private final FineTuneMode mode;
    private final int epochs;
    private final float learningRate;
    private final int batchSize;
    private final long seed;

    /**
     * A run's settings, checked here so a bad value fails before any training starts.
     *
     * @param mode         which layers learn
     * @param epochs       passes over the examples, in [1, 10000]
     * @param learningRate Adam's learning rate, in (0, 1]
     * @param batchSize    rows per mini-batch, in [1, 1024]; a run with fewer examples uses them all per batch
     * @param seed         seeds the shuffling of the examples
     * @throws IllegalArgumentException if {@code mode} is null or a number is outside its range
     */
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

    /**
     * Adam at 0.005, mini-batches of 16, 40 epochs, shuffling seed 1.
     *
     * @param mode which layers learn
     * @return the app's settings for {@code mode}
     * @throws IllegalArgumentException if {@code mode} is null
     */
    public static FineTuneConfig defaults(FineTuneMode mode) {
        return new FineTuneConfig(mode, 40, 0.005f, 16, 1L);
    }

    /**
     * These settings with another number of epochs.
     *
     * @param n passes over the examples, in [1, 10000]
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException if {@code n} is outside [1, 10000]
     */
    public FineTuneConfig withEpochs(int n) {
        return new FineTuneConfig(mode, n, learningRate, batchSize, seed);
    }

    /**
     * These settings with another learning rate.
     *
     * @param lr Adam's learning rate, in (0, 1]
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException if {@code lr} is outside (0, 1] or NaN
     */
    public FineTuneConfig withLearningRate(float lr) {
        return new FineTuneConfig(mode, epochs, lr, batchSize, seed);
    }

    /**
     * These settings with another shuffling seed.
     *
     * @param s seeds the shuffling of the examples
     * @return a new config; this one is unchanged
     */
    public FineTuneConfig withSeed(long s) {
        return new FineTuneConfig(mode, epochs, learningRate, batchSize, s);
    }

    /**
     * Which layers learn.
     *
     * @return the mode, never null
     */
    public FineTuneMode mode() {
        return mode;
    }

    /**
     * Passes over the examples a run makes unless cancelled.
     *
     * @return the epochs, in [1, 10000]
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Adam's learning rate.
     *
     * @return the learning rate, in (0, 1]
     */
    public float learningRate() {
        return learningRate;
    }

    /**
     * Rows per mini-batch; {@link FineTuner} uses fewer when there are fewer examples.
     *
     * @return the batch size, in [1, 1024]
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Seeds the shuffling of the examples.
     *
     * @return the seed; the same seed, examples and base network give the same run
     */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, %d epochs, Adam lr %s, batch %d, seed %d", mode, epochs,
                Float.toString(learningRate), batchSize, seed);
    }
}
