package dev.edgetrain.android.core;

import java.util.Locale;

/** The model's answer for one image: the most probable digit and every digit's probability. */
public final class Prediction {
    private final int digit;
    private final float[] probabilities;

    Prediction(float[] probabilities) {
        this.probabilities = probabilities.clone();
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) {
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        this.digit = best;
    }

    /**
     * The most probable digit; the lowest one when several share the highest probability.
     *
     * @return the digit 0–9 with the highest probability
     */
    public int digit() {
        return digit;
    }

    /**
     * The probability of {@link #digit()}.
     *
     * @return the model's probability for its answer, in [0, 1]
     */
    public float probability() {
        return probabilities[digit];
    }

    /**
     * A copy, {@code [10]}.
     *
     * @return every digit's probability, index = digit; a fresh array the caller may change
     */
    public float[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d (%.0f%%)", digit, 100 * probability());
    }
}
