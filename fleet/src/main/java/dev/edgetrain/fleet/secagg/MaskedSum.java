package dev.edgetrain.fleet.secagg;

import java.io.Serializable;

/**
 * A running sum of masked updates modulo 2<sup>64</sup> (Java's wrapping {@code long} addition), as the server and any
 * aggregator on the way (Spark's tree aggregation) add them: exact and order-independent like
 * {@link dev.edgetrain.fleet.aggregate.FixedPointSum}, but deliberately without overflow checks, since masked values
 * are uniform over the whole ring. The unmasked total is the plain fixed-point sum modulo 2<sup>64</sup>, which is the
 * plain sum itself as long as that fits in a {@code long}: with weights adding up to at most 1 it stays below
 * 2<sup>62</sup> (each client checks its own contribution against {@code FixedPointSum}'s limit before masking).
 * Allocated on the first {@link #add}, so an empty sum costs nothing to ship.
 */
public final class MaskedSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The running sums modulo 2<sup>64</sup>, {@code [update length]}; null while empty. */
    private long[] sums;

    /** An empty sum: nothing is allocated until the first {@link #add}. */
    public MaskedSum() {
    }

    /**
     * Adds one client's masked update.
     *
     * @param masked a masked update, {@code [update length]}; its length fixes the sum's on the first add (copied)
     * @throws IllegalArgumentException if its length differs from the sum's
     */
    public void add(long[] masked) {
        if (sums == null) {
            sums = masked.clone();
            return;
        }
        checkLength(masked.length);
        for (int i = 0; i < sums.length; i++) {
            sums[i] += masked[i];
        }
    }

    /**
     * Adds {@code other} into this sum and returns this; either may be empty.
     *
     * @param other the sum to add; left unchanged
     * @return this sum
     * @throws IllegalArgumentException if both are non-empty with different lengths
     */
    public MaskedSum merge(MaskedSum other) {
        if (other.sums != null) {
            add(other.sums);
        }
        return this;
    }

    private void checkLength(int length) {
        if (length != sums.length) {
            throw new IllegalArgumentException("a masked update has " + length + " elements, the sum has "
                    + sums.length);
        }
    }

    /**
     * Whether no masked update has been added yet.
     *
     * @return true while empty
     */
    public boolean isEmpty() {
        return sums == null;
    }

    /**
     * The sum so far (a copy); refuses an empty sum.
     *
     * @return the sums modulo 2<sup>64</sup>, {@code [update length]}
     * @throws IllegalStateException if the sum is empty
     */
    public long[] values() {
        if (sums == null) {
            throw new IllegalStateException("no masked update has been added");
        }
        return sums.clone();
    }
}
