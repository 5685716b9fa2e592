package dev.edgetrain.fleet.sgd;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import java.io.Serializable;

/**
 * The slices' contributions to one global step, added exactly: {@code Σ_p (b_p / B) · g_p}, where {@code g_p} is
 * the gradient of the mean loss over slice {@code p}'s {@code b_p} rows of the global batch of {@code B} rows —
 * which is the gradient of the mean loss over the whole batch — and the same sum of the slices' mean losses.
 */
final class StepSum implements Serializable {
    private static final long serialVersionUID = 1L;
    final FixedPointSum gradients = new FixedPointSum();
    final FixedPointSum loss = new FixedPointSum();
    long rows;
    /** A slice whose loss or gradient was not finite (or beyond the fixed-point range): the step diverged. */
    String diverged;

    StepSum merge(StepSum other) {
        gradients.merge(other.gradients);
        loss.merge(other.loss);
        rows += other.rows;
        if (diverged == null || (other.diverged != null && other.diverged.compareTo(diverged) < 0)) {
            diverged = other.diverged == null ? diverged : other.diverged; // the same message whatever the merge order
        }
        return this;
    }
}
