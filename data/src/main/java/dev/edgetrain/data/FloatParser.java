package dev.edgetrain.data;

/**
 * Parses a float from characters in a buffer, correctly rounded: the result is always {@code Float.parseFloat} of
 * the same text, bit for bit (the tests hold it to that on millions of strings). Plain decimals, which is nearly
 * every cell of a data file, take an exact path that allocates nothing:
 * <ul>
 *   <li>a decimal mantissa below 2<sup>24</sup> times 10<sup>e</sup> with |e| ≤ 10: both are exact floats, so one
 *       float multiply or divide rounds the exact value once, correctly;</li>
 *   <li>a mantissa below 2<sup>53</sup> with |e| ≤ 22: one double operation gives the correctly rounded double,
 *       whose rounding to float is correct unless the double lies exactly halfway between two floats (then the
 *       true value may not, and the text goes the general way).</li>
 * </ul>
 * Everything else (longer mantissas, large exponents, hexadecimal, {@code NaN}, {@code 1f}, surrounding control
 * characters) goes to {@code Float.parseFloat(new String(...))}.
 */
public final class FloatParser {
    private static final float[] FLOAT_POWERS = {
        1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    private static final double[] DOUBLE_POWERS = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22};
    /** Digits (leading zeros included) kept in a {@code long} before the text goes the general way (10^18 < 2^63). */
    private static final int MAX_DIGITS = 18;
    /** An exponent beyond this makes any nonzero mantissa overflow or vanish; the general path decides. */
    private static final int EXPONENT_CAP = 100_000;

    private FloatParser() {
    }

    /**
     * {@code Float.parseFloat} of {@code chars[offset, offset + length)}: the same value or the same refusal.
     *
     * @param chars a buffer holding the text
     * @param offset where the text starts in {@code chars}
     * @param length the text's number of characters
     * @return the float the text denotes, infinite or NaN when it says so
     * @throws NumberFormatException when {@code Float.parseFloat} would throw
     */
    public static float parse(char[] chars, int offset, int length) {
        float v = parseDecimal(chars, offset, length);
        return v == v ? v : Float.parseFloat(new String(chars, offset, length));
    }

    /**
     * A data value: {@code Float.parseFloat} of the text when that is a finite number, else {@code NaN} (then
     * {@link #problem} says what is wrong).
     *
     * @param chars a buffer holding the text
     * @param offset where the text starts in {@code chars}
     * @param length the text's number of characters (0 for a missing value)
     * @return the finite value, or {@code NaN} for anything that is not a finite number
     */
    public static float parseFinite(char[] chars, int offset, int length) {
        float v = parseDecimal(chars, offset, length);
        if (v == v) {
            return v;
        }
        if (length == 0) {
            return Float.NaN;
        }
        try {
            v = Float.parseFloat(new String(chars, offset, length));
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
        return Math.abs(v) <= Float.MAX_VALUE ? v : Float.NaN;
    }

    /**
     * What is wrong with a value {@link #parseFinite} refused, in the words of the CLI's messages:
     * {@code "missing value"}, {@code "'abc' is not a number"} or {@code "'NaN' is not a finite number"}; null when
     * nothing is.
     *
     * @param chars a buffer holding the text
     * @param offset where the text starts in {@code chars}
     * @param length the text's number of characters
     * @return the problem, or null for a finite number
     */
    public static String problem(char[] chars, int offset, int length) {
        if (length == 0) {
            return "missing value";
        }
        String text = new String(chars, offset, length);
        float v;
        try {
            v = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            return "'" + text + "' is not a number";
        }
        return Math.abs(v) <= Float.MAX_VALUE ? null : "'" + text + "' is not a finite number";
    }

    /**
     * The exact paths: {@code [+-]digits[.digits][(e|E)[+-]digits]} whose value one float or double operation
     * rounds correctly; NaN for any other text (which the caller hands to {@code Float.parseFloat}).
     */
    private static float parseDecimal(char[] s, int offset, int length) {
        final int end = offset + length;
        int i = offset;
        if (i == end) {
            return Float.NaN;
        }
        char c = s[i];
        final boolean negative = c == '-';
        if (negative || c == '+') {
            i++;
        }
        // one loop over the digits and the point, with few branches: cells differ in length and form, and every
        // mispredicted branch costs more than the arithmetic
        long mantissa = 0;
        int digits = 0;
        int point = -1;
        for (; i < end; i++) {
            c = s[i];
            int d = c - '0';
            if (d >= 0 && d <= 9) {
                mantissa = mantissa * 10 + d;
                digits++;
            } else if (c == '.' && point < 0) {
                point = i;
            } else {
                break;
            }
        }
        if (digits == 0 || digits > MAX_DIGITS) {
            return Float.NaN; // no digits, or too many for a long (leading zeros included): the general path
        }
        int exponent = point < 0 ? 0 : point + 1 - i;
        if (i < end) {
            c = s[i];
            if (c != 'e' && c != 'E') {
                return Float.NaN;
            }
            i++;
            boolean negativeExponent = false;
            if (i < end && ((c = s[i]) == '-' || c == '+')) {
                negativeExponent = c == '-';
                i++;
            }
            if (i == end) {
                return Float.NaN;
            }
            int e = 0;
            for (; i < end; i++) {
                int d = s[i] - '0';
                if (d < 0 || d > 9) {
                    return Float.NaN;
                }
                if (e < EXPONENT_CAP) {
                    e = e * 10 + d;
                }
            }
            exponent += negativeExponent ? -e : e;
        }
        float v;
        if (mantissa == 0) {
            v = 0f;
        } else if (mantissa < (1L << 24) && exponent >= -10 && exponent <= 10) {
            v = exponent < 0 ? mantissa / FLOAT_POWERS[-exponent] : mantissa * FLOAT_POWERS[exponent];
        } else if (mantissa < (1L << 53) && exponent >= -22 && exponent <= 22) {
            double d = exponent < 0 ? mantissa / DOUBLE_POWERS[-exponent] : mantissa * DOUBLE_POWERS[exponent];
            v = (float) d;
            if (isHalfway(d, v)) {
                return Float.NaN;
            }
        } else {
            return Float.NaN;
        }
        return negative ? -v : v;
    }

    /** Whether {@code d} (positive, finite) lies exactly halfway between {@code f = (float) d} and a neighbour. */
    private static boolean isHalfway(double d, float f) {
        if (f == d) {
            return false;
        }
        if (Float.isInfinite(f)) {
            return true; // beyond the largest float: let the general path decide
        }
        float other = f < d ? Math.nextUp(f) : Math.nextDown(f);
        return ((double) f + (double) other) * 0.5 == d;
    }
}
