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
     * @param network  the network being trained (its parameters are copied by {@link #record}, written back by
     *                 {@link #restoreBest})
     * @param patience epochs without improvement before {@link #shouldStop()}; 0 never stops
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

    /** Whether {@code patience} epochs in a row have passed without improvement (never with patience 0). */
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

    /** Whether some epoch has been recorded as best (a finite loss was recorded). */
    public boolean hasBest() {
        return bestEpoch >= 0;
    }

    /** The epoch whose parameters are kept, as given to {@link #record}; -1 before any finite loss. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best (lowest finite) validation loss recorded; +∞ before any. */
    public double bestLoss() {
        return bestLoss;
    }

    /** Epochs recorded since the best one (0 right after an improvement). */
    public int epochsSinceBest() {
        return sinceBest;
    }

    /** Epochs without improvement before {@link #shouldStop()}; 0 never stops. */
    public int patience() {
        return patience;
    }

    /** A copy of the best epoch's parameters, for a checkpoint; null before any finite loss. */
    public float[] bestParameters() {
        return bestEpoch < 0 ? null : best.clone();
    }

    /**
     * Continues from a checkpoint's state: the best epoch, its loss, the epochs recorded since, and its parameters
     * ({@code [parameterCount]}, finite). Checked first; a rejected call changes nothing.
     */
    public void resume(int epoch, double loss, int epochsSince, float[] parameters) {
        if (epoch < 0 || epochsSince < 0 || !(loss < Double.POSITIVE_INFINITY) || parameters == null
                || parameters.length != best.length) {
            throw new IllegalArgumentException("early-stopping state must be a best epoch >= 0 with a finite loss, "
                    + "epochs since >= 0 and " + best.length + " parameters; got epoch " + epoch + ", loss " + loss
                    + ", since " + epochsSince + ", " + (parameters == null ? "no" : parameters.length) + " parameters");
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
