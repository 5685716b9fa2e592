package dev.edgetrain.runtime.train;

/** Progress callbacks from {@link Trainer}; primitives only, so reporting allocates nothing. */
public interface TrainingListener {
    /** After each mini-batch's optimizer step; {@code batchIndex} counts from 0 within the epoch. */
    void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss);

    /** After each epoch, with the mean training loss and accuracy over its mini-batches. */
    void onEpoch(int epoch, float loss, float accuracy);

    /**
     * Training diverged at optimizer step {@code step} and recovered: the last good parameters and optimizer
     * state were restored and the learning rate lowered to {@code newLearningRate}; training goes on.
     */
    default void onRecovery(int epoch, long step, String reason, float newLearningRate) {
    }

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
        @Override
        public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
        }

        @Override
        public void onEpoch(int epoch, float loss, float accuracy) {
        }
    };
}
