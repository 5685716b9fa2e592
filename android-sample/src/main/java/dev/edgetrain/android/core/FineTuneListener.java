package dev.edgetrain.android.core;

/** Progress of a fine-tuning run, reported after every epoch. */
public interface FineTuneListener {
    /**
     * Called by {@link FineTuner#run} on the thread that runs it (in the app, {@link BackgroundTrainer}'s worker
     * thread), after each completed epoch and before the cancel flag is checked again.
     *
     * @param epoch    epochs done so far, 1-based
     * @param epochs   epochs the run was configured for ({@link FineTuneConfig#epochs()})
     * @param loss     mean training loss of that epoch
     * @param accuracy training accuracy of that epoch, in [0, 1]
     */
    void onEpoch(int epoch, int epochs, float loss, float accuracy);
}
