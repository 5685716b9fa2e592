package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Network;

/**
 * Early stopping on a validation loss: after each epoch {@link #record} the loss; the parameters of the best epoch
 * so far (lowest loss; a NaN or infinite loss never counts as best) are kept in a copy of the network's slab,
 * allocated here once, so recording allocates nothing. {@link #shouldStop()} turns true after {@code patience}
 * epochs in a row without improvement (patience 0: never, only remember the best), and {@link #restoreBest()} puts
 * the best epoch's parameters back.
 *
 * <pre>{@code
 * EarlyStopping stopping = new EarlyStopping(network, patience);
 * while (trainer.epochsDone() < epochs && !stopping.shouldStop()) {
 *     trainer.runEpoch(listener);
 *     stopping.record(trainer.epochsDone(), Trainer.evaluate(session, validation).loss());
 * }
 * stopping.restoreBest();
 * }</pre>
 */
public final class EarlyStopping {
    private final Network network;
    private final int patience;
    /** The best epoch's parameters, {@code [parameterCount]}. */
    private final float[] best;
    private int bestEpoch = -1;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int sinceBest;

    /**
     * Watches {@code network}'s validation loss, with a slab-sized copy of its parameters allocated here.
     *
     * @param network  the network being trained (its parameters are copied by {@link #record}, written back by
     *                 {@link #restoreBest})
     * @param patience epochs without improvement before {@link #shouldStop()}; 0 never stops
     * @throws IllegalArgumentException when {@code network} is null or {@code patience} is negative
     */
    public EarlyStopping(Network network, int patience) {
        if (network == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0 epochs (0 = never stop), got " + patience);
        }
        this.network = network;
        this.patience = patience;
        this.best = new float[network.parameterCount()];
    }

    /**
     * Records the validation loss after {@code epoch}. Returns whether it improved on the best so far (strictly
     * lower, and finite); if so, the network's current parameters become the best.
     *
     * @param epoch the epoch's number, as the caller counts (the CLI: {@link Trainer#epochsDone()}); kept as
     *              {@link #bestEpoch()}
     * @param validationLoss the mean validation loss after that epoch; NaN or infinite counts as no improvement
     * @return true when this epoch is the new best
     */
    public boolean record(int epoch, double validationLoss) {
        if (validationLoss < bestLoss && !Double.isInfinite(validationLoss)) { // false for NaN
            bestLoss = validationLoss;
            bestEpoch = epoch;
            sinceBest = 0;
            network.copyParameters(best, 0);
            return true;
        }
        sinceBest++;
        return false;
    }

    /**
     * Whether {@code patience} epochs in a row have passed without improvement (never with patience 0).
     *
     * @return true once {@link #epochsSinceBest()} reaches a positive patience
     */
    public boolean shouldStop() {
        return patience > 0 && sinceBest >= patience;
    }

    /** Puts the best epoch's parameters back into the network. */
    public void restoreBest() {
        if (bestEpoch < 0) {
            throw new IllegalStateException("no epoch with a finite validation loss was recorded, so there are no "
                    + "best parameters to restore");
        }
        network.setParameters(best);
    }

    /**
     * Whether some epoch has been recorded as best (a finite loss was recorded).
     *
     * @return true after the first finite loss
     */
    public boolean hasBest() {
        return bestEpoch >= 0;
    }

    /**
     * The epoch whose parameters are kept, as given to {@link #record}; -1 before any finite loss.
     *
     * @return the epoch, or -1
     */
    public int bestEpoch() {
        return bestEpoch;
    }

    /**
     * The best (lowest finite) validation loss recorded; +∞ before any.
     *
     * @return the loss, or {@code +∞}
     */
    public double bestLoss() {
        return bestLoss;
    }

    /**
     * Epochs recorded since the best one (0 right after an improvement).
     *
     * @return a count, from 0
     */
    public int epochsSinceBest() {
        return sinceBest;
    }

    /**
     * Epochs without improvement before {@link #shouldStop()}; 0 never stops.
     *
     * @return the patience given to the constructor, at least 0
     */
    public int patience() {
        return patience;
    }

    /**
     * A copy of the best epoch's parameters, for a checkpoint; null before any finite loss.
     *
     * @return {@code [parameterCount]}, a fresh copy; or null
     */
    public float[] bestParameters() {
        return bestEpoch < 0 ? null : best.clone();
    }

    /**
     * Continues from a checkpoint's state: the best epoch, its loss, the epochs recorded since, and its parameters
     * ({@code [parameterCount]}, finite). Checked first; a rejected call changes nothing.
     *
     * @param epoch the best epoch, at least 0
     * @param loss its validation loss, finite
     * @param epochsSince epochs recorded since it, at least 0
     * @param parameters its parameters {@code [parameterCount]}, finite; copied
     * @throws IllegalArgumentException when a value is out of range or the parameters do not fit the network, naming
     *                                  which
     */
    public void resume(int epoch, double loss, int epochsSince, float[] parameters) {
        if (epoch < 0 || epochsSince < 0 || !(loss < Double.POSITIVE_INFINITY) || parameters == null
                || parameters.length != best.length) {
            throw new IllegalArgumentException("early-stopping state must be a best epoch >= 0 with a finite loss, "
                    + "epochs since >= 0 and " + best.length + " parameters; got epoch " + epoch + ", loss " + loss
                    + ", since " + epochsSince + ", " + (parameters == null ? "no" : parameters.length)
                    + " parameters");
        }
        for (int i = 0; i < parameters.length; i++) {
            if (!(Math.abs(parameters[i]) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("best parameter " + i + " is " + parameters[i]
                        + ", expected a finite number");
            }
        }
        System.arraycopy(parameters, 0, best, 0, best.length);
        bestEpoch = epoch;
        bestLoss = loss;
        sinceBest = epochsSince;
    }
}
