package dev.edgetrain.runtime.train;

/**
 * Progress callbacks from {@link Trainer}; primitives only, so reporting allocates nothing. Only {@link #onEpoch} is
 * abstract, so a lambda is a listener: {@code trainer.fit(30, (epoch, loss, accuracy) -> log(epoch + 1, loss))}.
 * Epochs count from 0 (the first epoch is epoch 0; the CLI prints {@code epoch + 1}).
 */
public interface TrainingListener {
    /**
     * After each mini-batch's optimizer step; {@code epoch} counts from 0 (as in {@link #onEpoch}), {@code batchIndex}
     * from 0 within the epoch. Does nothing unless overridden.
     *
     * @param epoch the epoch, from 0
     * @param batchIndex the mini-batch within the epoch, from 0
     * @param batchesPerEpoch the mini-batches (DP-SGD: the steps) in an epoch
     * @param loss the mini-batch's mean loss, computed before its step; NaN for an empty Poisson batch
     */
    default void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
    }

    /**
     * After each epoch, with the mean training loss and accuracy over its mini-batches. {@code epoch} counts from 0:
     * the trainer's epochs done before this one ({@link Trainer#epochsDone()} − 1 once it returns).
     *
     * @param epoch the epoch just finished, from 0
     * @param loss the mean training loss over the epoch's mini-batches
     * @param accuracy the training accuracy in [0, 1] over the epoch; NaN for a regressor
     */
    void onEpoch(int epoch, float loss, float accuracy);

    /**
     * Training diverged at optimizer step {@code step} and recovered: the last good parameters and optimizer
     * state were restored and the learning rate lowered to {@code newLearningRate}; training goes on.
     *
     * @param epoch the epoch in which training diverged, from 0
     * @param step the optimizer step that diverged (steps taken before it)
     * @param reason what went wrong, e.g. {@code loss is NaN}
     * @param newLearningRate the lowered base learning rate training continues with
     */
    default void onRecovery(int epoch, long step, String reason, float newLearningRate) {
    }

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
        @Override
        public void onEpoch(int epoch, float loss, float accuracy) {
        }
    };
}
