package dev.edgetrain.app;

import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.TrainingListener;

/**
 * How {@link Model#fit} builds and trains a network, and how {@link Model#fineTune} trains it further. Immutable:
 * every {@code with…} returns a changed copy. {@link #defaults()}: one hidden layer of 64 ReLU units, Adam at
 * learning rate 0.001, 30 epochs of mini-batches of 32, inputs (and a regressor's targets) standardised, seed 42
 * (the same data and settings give the same model, bit for bit), the task from the call ({@link Task#CLASSIFY} for
 * labels, {@link Task#REGRESS} for targets) — the CLI's {@code train} defaults. Small data sets (a few hundred rows)
 * take few optimizer steps in 30 epochs: give them more epochs or a larger learning rate.
 */
public final class ModelSettings {
    private static final ModelSettings DEFAULTS = new ModelSettings(new int[] {64}, 30, 32, 1e-3f, 42L, true, null,
            null);

    private final int[] hidden;
    private final int epochs;
    private final int batchSize;
    private final float learningRate;
    private final long seed;
    private final boolean standardize;
    private final Task task;
    private final TrainingListener listener;

    private ModelSettings(int[] hidden, int epochs, int batchSize, float learningRate, long seed, boolean standardize,
                          Task task, TrainingListener listener) {
        this.hidden = hidden;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.seed = seed;
        this.standardize = standardize;
        this.task = task;
        this.listener = listener;
    }

    /**
     * The defaults described in the class comment.
     *
     * @return the shared default settings
     */
    public static ModelSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Hidden ReLU layers of these widths (none: a linear model); each at least 1.
     *
     * @param widths the hidden layers' widths, input side first; empty for none
     * @return changed settings; these stay as they are
     */
    public ModelSettings withHidden(int... widths) {
        if (widths == null) {
            throw new IllegalArgumentException("hidden widths must not be null; expected an array, empty for none");
        }
        for (int i = 0; i < widths.length; i++) {
            if (widths[i] < 1) {
                throw new IllegalArgumentException("hidden layer " + i + " has width " + widths[i]
                        + "; expected at least 1");
            }
        }
        return new ModelSettings(widths.clone(), epochs, batchSize, learningRate, seed, standardize, task, listener);
    }

    /**
     * Epochs to train, at least 0.
     *
     * @param n the number of epochs, 0 or more
     * @return changed settings; these stay as they are
     */
    public ModelSettings withEpochs(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + n);
        }
        return new ModelSettings(hidden, n, batchSize, learningRate, seed, standardize, task, listener);
    }

    /**
     * Rows per mini-batch, at least 1.
     *
     * @param n rows per batch, at least 1 (capped at the number of rows)
     * @return changed settings; these stay as they are
     */
    public ModelSettings withBatchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + n);
        }
        return new ModelSettings(hidden, epochs, n, learningRate, seed, standardize, task, listener);
    }

    /**
     * Adam's learning rate, finite and above 0.
     *
     * @param rate the learning rate, finite and above 0
     * @return changed settings; these stay as they are
     */
    public ModelSettings withLearningRate(float rate) {
        if (!(rate > 0 && rate <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + rate);
        }
        return new ModelSettings(hidden, epochs, batchSize, rate, seed, standardize, task, listener);
    }

    /**
     * The seed of the initial weights and of the shuffling.
     *
     * @param s any seed
     * @return changed settings; these stay as they are
     */
    public ModelSettings withSeed(long s) {
        return new ModelSettings(hidden, epochs, batchSize, learningRate, s, standardize, task, listener);
    }

    /**
     * Whether {@link Model#fit} standardises the inputs, and {@link Model#fitTargets} a regressor's targets (on by
     * default; the model folds the targets' scaling into its output layer, the exported model the inputs' into its
     * first).
     *
     * @param on true to standardise
     * @return changed settings; these stay as they are
     */
    public ModelSettings withStandardize(boolean on) {
        return new ModelSettings(hidden, epochs, batchSize, learningRate, seed, on, task, listener);
    }

    /**
     * The task: {@link Task#CLASSIFY} or {@link Task#BINARY} for {@link Model#fit} with labels, {@link Task#REGRESS}
     * or {@link Task#MULTILABEL} for {@link Model#fitTargets}; null: the call's default (classify, regress).
     *
     * @param t the task, or null
     * @return changed settings; these stay as they are
     */
    public ModelSettings withTask(Task t) {
        return new ModelSettings(hidden, epochs, batchSize, learningRate, seed, standardize, t, listener);
    }

    /**
     * Told about every epoch (counted from 0) and batch; null for none. A lambda will do: only onEpoch is abstract.
     *
     * @param l the listener, or null
     * @return changed settings; these stay as they are
     */
    public ModelSettings withListener(TrainingListener l) {
        return new ModelSettings(hidden, epochs, batchSize, learningRate, seed, standardize, task, l);
    }

    /**
     * A copy of the hidden widths.
     *
     * @return the widths, input side first; empty for a linear model
     */
    public int[] hidden() {
        return hidden.clone();
    }

    /**
     * Training epochs.
     *
     * @return the epoch count, 0 or more
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Rows per mini-batch.
     *
     * @return the batch size, at least 1
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The learning rate.
     *
     * @return Adam's learning rate, above 0
     */
    public float learningRate() {
        return learningRate;
    }

    /**
     * The seed of initialisation and shuffling.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Whether the inputs are standardised before training.
     *
     * @return true when standardising
     */
    public boolean standardize() {
        return standardize;
    }

    /**
     * The task, or null for the call's default.
     *
     * @return the task, or null
     */
    public Task task() {
        return task;
    }

    /**
     * The listener, or null.
     *
     * @return the listener, or null
     */
    public TrainingListener listener() {
        return listener;
    }
}
