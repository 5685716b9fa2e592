package dev.edgetrain.runtime;

/**
 * Training produced a non-finite value: the loss, a gradient, or a parameter after an update. Thrown before
 * the bad value reaches the parameters (or, by {@link dev.edgetrain.runtime.train.Trainer}, after restoring
 * the last good parameters and optimizer state), so the model is never left holding NaN or infinity.
 */
public class DivergenceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    /** The optimizer step at which training diverged. */
    private final long optimizerStep;
    /** What went wrong, without the step or advice. */
    private final String reason;

    /**
     * Divergence at {@code optimizerStep}, described by {@code message} alone (its {@link #reason()} too).
     *
     * @param message what went wrong, where and what to do; also the {@link #reason()}
     * @param optimizerStep the optimizer steps taken before the one that diverged
     */
    public DivergenceException(String message, long optimizerStep) {
        this(message, optimizerStep, message);
    }

    /**
     * Divergence at {@code optimizerStep}: {@code message} says it all (what, where, what to do), {@code reason} only
     * what went wrong ({@code loss is NaN}), for a caller that reports the step and the advice itself.
     *
     * @param message the whole message: what, where, what to do
     * @param optimizerStep the optimizer steps taken before the one that diverged
     * @param reason only what went wrong, e.g. {@code loss is NaN}
     */
    public DivergenceException(String message, long optimizerStep, String reason) {
        super(message);
        this.optimizerStep = optimizerStep;
        this.reason = reason;
    }

    /**
     * What went wrong, without the step or advice: {@code loss is NaN}, {@code non-finite gradient at ...}.
     *
     * @return the bare reason
     */
    public String reason() {
        return reason;
    }

    /**
     * The optimizer step (0-based count of steps taken before it) at which training diverged.
     *
     * @return the step, 0 for the first
     */
    public long optimizerStep() {
        return optimizerStep;
    }
}
