package dev.edgetrain.fleet.aggregate;

import java.io.Serializable;

/**
 * A weighted sum of float vectors that comes out bit-identical whatever order the parts are added and merged in.
 *
 * <p>Why: Spark's {@code treeAggregate} merges partial sums in the order tasks finish, and a retried task
 * finishes at another time; floating-point addition is not associative, so a float or double sum would differ
 * in its last bits from run to run. Here each contribution {@code weight · v[i]} is rounded once, on its own, to
 * a fixed-point integer with {@value #FRACTION_BITS} fraction bits, and the integers are added exactly (overflow
 * is detected, never wrapped). The sum is exact; only the per-contribution rounding, at most 2<sup>-41</sup>
 * absolute, separates it from the real-number sum, far below a float's precision for values above
 * 2<sup>-17</sup> in magnitude.
 *
 * <p>Range: each rounded contribution must stay below 2<sup>{@value #MAGNITUDE_BITS}</sup> in magnitude; with
 * weights that add up to at most 1 (averaging), so does the total. Larger or non-finite values are refused with
 * {@link IllegalArgumentException} naming the element.
 *
 * <p>The vector is allocated on the first {@link #add}, so an empty sum costs nothing to ship to a task.
 */
public final class FixedPointSum implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Fraction bits of the fixed-point integers: a contribution is rounded to a multiple of 2<sup>-40</sup>. */
    public static final int FRACTION_BITS = 40;
    /** Largest magnitude a contribution or the total may reach, as a power of two. */
    public static final int MAGNITUDE_BITS = 22;
    private static final double SCALE = 0x1p40;
    private static final double UNSCALE = 0x1p-40;
    private static final double LIMIT = 0x1p62;

    /** The fixed-point sums, one per element ({@code [length]}, scaled by 2<sup>40</sup>); null while empty. */
    private long[] sums;

    /** An empty sum: {@link #length()} 0 until the first {@link #add}. */
    public FixedPointSum() {
    }

    /**
     * Adds {@code weight · values[i]} to element {@code i}.
     *
     * @param values the vector to add, {@code [length]}; its length fixes the sum's length on the first add
     * @param weight the factor of every element, e.g. a client's share of all rows
     * @param what names the contribution in errors, e.g. "client 3's weights"
     * @throws IllegalArgumentException if the weight or a product is not finite or too large, or the length differs
     *                                  from the sum's; the sum is then unchanged
     */
    public void add(float[] values, double weight, String what) {
        if (!(Math.abs(weight) < LIMIT)) {
            throw new IllegalArgumentException(what + ": weight " + weight + " is not a usable finite number");
        }
        if (sums != null && values.length != sums.length) {
            throw new IllegalArgumentException(what + " has " + values.length + " elements, the sum has "
                    + sums.length);
        }
        // Check everything first, so a refused contribution leaves the sum as it was.
        for (int i = 0; i < values.length; i++) {
            final long f = toFixed(values[i] * weight, i, what);
            if (sums != null) {
                addChecked(sums[i], f, i);
            }
        }
        if (sums == null) {
            sums = new long[values.length];
        }
        final long[] s = sums;
        for (int i = 0; i < values.length; i++) {
            s[i] += Math.round(values[i] * weight * SCALE);
        }
    }

    /**
     * Adds {@code weight · value} to element {@code index} (for a sum of scalars, e.g. losses).
     *
     * @param length the sum's length (fixed by the first add)
     * @param index the element to add to, in [0, length)
     * @param value the value to add, already weighted
     * @param what names the contribution in errors
     * @throws IllegalArgumentException if {@code value} is not finite or too large, {@code length} differs from the
     *                                  sum's, or the element overflows; the sum is then unchanged
     */
    public void add(int length, int index, double value, String what) {
        if (sums != null && length != sums.length) {
            throw new IllegalArgumentException(what + " has " + length + " elements, the sum has " + sums.length);
        }
        final long f = toFixed(value, index, what);
        if (sums == null) {
            sums = new long[length];
        }
        sums[index] = addChecked(sums[index], f, index);
    }

    /**
     * Whether {@link #add(float[], double, String)} would accept {@code weight · values[i]} for every element.
     *
     * @param values the vector, {@code [length]}
     * @param weight the factor of every element
     * @return true if every {@code weight · values[i]} is finite and below the fixed-point limit in magnitude
     */
    public static boolean accepts(float[] values, double weight) {
        for (float v : values) {
            if (!(Math.abs(v * weight * SCALE) < LIMIT)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The fixed-point integers {@link #add(float[], double, String)} would add for {@code weight · values[i]}, one per
     * element, rounded exactly as {@code add} rounds them: what a client hands to secure aggregation, whose masked
     * sum, once unmasked, is {@link #ofEncoded the sum} of these arrays. Refuses what {@code add} refuses, with the
     * same message.
     *
     * @param values the vector to encode, {@code [length]}
     * @param weight the factor of every element
     * @param what names the contribution in errors
     * @return the fixed-point integers, {@code [values.length]}, scaled by 2<sup>40</sup>
     * @throws IllegalArgumentException if the weight or a product is not finite or too large
     */
    public static long[] encode(float[] values, double weight, String what) {
        if (!(Math.abs(weight) < LIMIT)) {
            throw new IllegalArgumentException(what + ": weight " + weight + " is not a usable finite number");
        }
        final long[] fixed = new long[values.length]; // [values.length]
        for (int i = 0; i < values.length; i++) {
            fixed[i] = toFixed(values[i] * weight, i, what);
        }
        return fixed;
    }

    /**
     * The fixed-point integer {@link #add(int, int, double, String)} would add for {@code value} at {@code index}.
     *
     * @param value the value to encode, already weighted
     * @param index the element it goes to, named in errors
     * @param what names the contribution in errors
     * @return {@code round(value · 2^40)}
     * @throws IllegalArgumentException if {@code value} is not finite or too large
     */
    public static long encode(double value, int index, String what) {
        return toFixed(value, index, what);
    }

    /**
     * A sum whose elements are the given fixed-point integers (copied), e.g. the unmasked result of secure
     * aggregation: {@code ofEncoded(Σ_k encode(v_k, w_k))} equals, bit for bit, the sum built by
     * {@code add(v_k, w_k)}.
     *
     * @param fixedPoint the sums' fixed-point integers, {@code [length]}, scaled by 2<sup>40</sup>
     * @return a new sum holding a copy of them
     */
    public static FixedPointSum ofEncoded(long[] fixedPoint) {
        final FixedPointSum sum = new FixedPointSum();
        sum.sums = fixedPoint.clone();
        return sum;
    }

    private static long toFixed(double v, int index, String what) {
        final double scaled = v * SCALE;
        if (!(Math.abs(scaled) < LIMIT)) {
            throw new IllegalArgumentException(what + ", element " + index + ": " + v + (Double.isFinite(v)
                    ? " is too large to average (limit 2^" + MAGNITUDE_BITS + ")" : " is not finite"));
        }
        return Math.round(scaled);
    }

    /**
     * Adds {@code other} into this sum and returns this; either may be empty.
     *
     * @param other the sum to add; left unchanged
     * @return this sum
     * @throws IllegalArgumentException if both are non-empty with different lengths, or an element overflows; this sum
     *                                  is then unchanged
     */
    public FixedPointSum merge(FixedPointSum other) {
        if (other.sums == null) {
            return this;
        }
        if (sums == null) {
            sums = other.sums.clone();
            return this;
        }
        if (other.sums.length != sums.length) {
            throw new IllegalArgumentException("cannot merge sums of " + other.sums.length + " and " + sums.length
                    + " elements");
        }
        for (int i = 0; i < sums.length; i++) {
            addChecked(sums[i], other.sums[i], i); // all or nothing
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] += other.sums[i];
        }
        return this;
    }

    private static long addChecked(long a, long b, int i) {
        final long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw new IllegalArgumentException("element " + i + " of the sum overflows 2^" + (63 - FRACTION_BITS)
                    + ": the weights of the parts add up to more than 1, or the values are too large");
        }
        return r;
    }

    /**
     * Whether nothing has been added yet.
     *
     * @return true until the first {@link #add} or non-empty {@link #merge}
     */
    public boolean isEmpty() {
        return sums == null;
    }

    /**
     * Elements, 0 while empty.
     *
     * @return the sum's length, or 0 while empty
     */
    public int length() {
        return sums == null ? 0 : sums.length;
    }

    /**
     * Element {@code i} of the sum as a double (exact: at most 63 significant bits rounded to 53).
     *
     * @param i the element, in [0, {@link #length()})
     * @return the element's sum, unscaled
     */
    public double value(int i) {
        return sums[i] * UNSCALE;
    }

    /**
     * Writes {@code scale · sum[i]} as floats into {@code dst}, e.g. {@code scale = 1 / (sum of weights)}.
     *
     * @param dst receives the scaled sum, {@code [length]}
     * @param scale the factor applied to every element
     * @throws IllegalArgumentException if the sum is empty or {@code dst}'s length differs from it
     */
    public void copyTo(float[] dst, double scale) {
        if (sums == null || dst.length != sums.length) {
            throw new IllegalArgumentException("destination has " + dst.length + " elements, the sum has " + length());
        }
        for (int i = 0; i < sums.length; i++) {
            dst[i] = (float) (sums[i] * UNSCALE * scale);
        }
    }

    /**
     * Bytes of payload this sum carries when shipped: 8 per element.
     *
     * @return 8 times {@link #length()}
     */
    public long payloadBytes() {
        return 8L * length();
    }
}
