package dev.edgetrain.cli.support;

import java.util.Locale;

/** How the commands print a figure whose size is not known in advance, such as a loss. */
public final class Numbers {
    private Numbers() {
    }

    /**
     * Four decimals for figures from 0.001 to 100,000 ({@code 0.4601}, {@code 279.9970}), four significant digits in
     * scientific notation beyond ({@code 1.085e+37}, {@code 2.500e-05}); {@code 0.0000}, {@code NaN} and
     * {@code Infinity} as they are. Never a 38-digit fixed-point number.
     *
     * @param x the figure
     * @return its text, with a decimal point in every locale
     */
    public static String compact(double x) {
        double magnitude = Math.abs(x);
        if (x == 0 || (magnitude >= 1e-3 && magnitude < 1e5)) {
            return String.format(Locale.ROOT, "%.4f", x);
        }
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return String.valueOf(x);
        }
        return String.format(Locale.ROOT, "%.3e", x);
    }
}
