package dev.edgetrain.android.core;

/** Progress of a fine-tuning run, reported after every epoch. */
public interface FineTuneListener {
    /**
     * @param epoch    epochs done so far, 1-based
     * @param loss     mean training loss of that epoch
     * @param accuracy training accuracy of that epoch, in [0, 1]
     */
    void onEpoch(int epoch, int epochs, float loss, float accuracy);
}
