package dev.edgetrain.fleet.secagg;

/**
 * Tests of whether values look uniform over Z<sub>2<sup>64</sup></sub>, with thresholds at a false-alarm probability
 * of about 10<sup>-6</sup> for a truly uniform source (the inputs come from fixed seeds, so each test's outcome is
 * fixed too; the thresholds only say how surprising a failure would be).
 */
final class RingUniformity {
    /** The 1 − 10<sup>-6</sup> quantile of χ² with 255 degrees of freedom (scipy.stats.chi2.ppf). */
    static final double CHI_SQUARE_255_LIMIT = 377.08;
    /** Largest |z| allowed for any of the 64 per-bit frequencies: P(any of 64 exceeds it) = 2.4·10<sup>-6</sup>. */
    static final double BIT_Z_LIMIT = 5.5;

    private RingUniformity() {
    }

    /** Pearson's χ² of the top 8 bits over 256 equally likely bins (255 degrees of freedom). */
    static double chiSquareOfTopByte(long[] values) {
        final long[] counts = new long[256]; // [bins]
        for (long v : values) {
            counts[(int) (v >>> 56)]++;
        }
        final double expected = values.length / 256.0;
        double chi = 0;
        for (long c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }

    /** The largest |z| = |ones − n/2| / sqrt(n/4) over the 64 bit positions. */
    static double largestBitZ(long[] values) {
        double worst = 0;
        for (int bit = 0; bit < 64; bit++) {
            long ones = 0;
            for (long v : values) {
                ones += (v >>> bit) & 1;
            }
            worst = Math.max(worst, Math.abs(ones - values.length / 2.0) / Math.sqrt(values.length / 4.0));
        }
        return worst;
    }

    static boolean looksUniform(long[] values) {
        return chiSquareOfTopByte(values) < CHI_SQUARE_255_LIMIT && largestBitZ(values) < BIT_Z_LIMIT;
    }

    static String describe(long[] values) {
        return String.format(java.util.Locale.ROOT, "chi-square of the top byte %.1f (limit %.2f), largest bit "
                + "|z| %.2f (limit %.1f)", chiSquareOfTopByte(values), CHI_SQUARE_255_LIMIT, largestBitZ(values),
                BIT_Z_LIMIT);
    }
}
