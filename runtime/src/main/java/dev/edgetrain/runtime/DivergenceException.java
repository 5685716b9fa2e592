package dev.edgetrain.runtime;

/**
 * Training produced a non-finite value: the loss, a gradient, or a parameter after an update. Thrown before
 * the bad value reaches the parameters (or, by {@link dev.edgetrain.runtime.train.Trainer}, after restoring
 * the last good parameters and optimizer state), so the model is never left holding NaN or infinity.
 */
public class DivergenceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final long optimizerStep;

    public DivergenceException(String message, long optimizerStep) {
        super(message);
        this.optimizerStep = optimizerStep;
    }

    /** The optimizer step (0-based count of steps taken before it) at which training diverged. */
    public long optimizerStep() {
        return optimizerStep;
    }
}
