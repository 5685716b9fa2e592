package dev.edgetrain.runtime.privacy;

/**
 * Log-space arithmetic and the Gaussian tail the RDP accountant needs, in the form Opacus and TensorFlow Privacy
 * use ({@code _log_add}, {@code _log_sub}, {@code _log_erfc}), so the accountant reproduces their figures.
 * {@code log erfc} is computed without a library: a positive-term series below {@link #CONTINUED_FRACTION_FROM},
 * the Laplace continued fraction from there on (relative error about 1e-15 against SciPy's {@code log_ndtr}
 * everywhere; neither branch underflows, which matters because the accountant takes {@code log erfc} of
 * arguments in the hundreds).
 */
final class LogSpace {
    private LogSpace() {
    }

    /** From here on {@code erfc} comes from its continued fraction (fewer than 100 terms); below, from erf's series. */
    static final double CONTINUED_FRACTION_FROM = 1.5;
    private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    /** {@code log(e^x + e^y)}; {@code -∞} stands for 0. */
    static double add(double logX, double logY) {
        final double a = Math.min(logX, logY);
        final double b = Math.max(logX, logY);
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        return Math.log1p(Math.exp(a - b)) + b;
    }

    /**
     * {@code log(e^x − e^y)} for {@code x ≥ y}.
     *
     * @throws ArithmeticException when {@code x < y} (the difference would be negative)
     */
    static double subtract(double logX, double logY) {
        if (logX < logY) {
            throw new ArithmeticException("log-space subtraction " + logX + " - " + logY
                    + " would be negative: expected the first term to be the larger");
        }
        if (logY == Double.NEGATIVE_INFINITY) {
            return logX;
        }
        if (logX == logY) {
            return Double.NEGATIVE_INFINITY;
        }
        final double d = Math.expm1(logX - logY);
        return Double.isInfinite(d) ? logX : Math.log(d) + logY; // Python's OverflowError branch returns logX too
    }

    /** {@code log(erfc(x))}, accurate in relative terms for any {@code x}, including where erfc underflows. */
    static double logErfc(double x) {
        if (x < 0) {
            return Math.log(2 - Math.exp(logErfc(-x))); // erfc(x) = 2 − erfc(−x), in [1, 2]
        }
        if (x < CONTINUED_FRACTION_FROM) {
            return Math.log1p(-erfSeries(x));
        }
        return -x * x - LOG_SQRT_PI - Math.log(continuedFraction(x));
    }

    /** {@code erf(x) = 2/√π · e^{−x²} · Σ_n (2x²)ⁿ x / (2n+1)!!}: every term positive, so no cancellation. */
    private static double erfSeries(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
    }

    /**
     * {@code x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))}, by the modified Lentz method; erfc(x) is
     * {@code e^{−x²} / (√π · this)}. For {@code x ≥ 1.5} it converges to double precision in under 100 terms.
     */
    private static double continuedFraction(double x) {
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 10_000; k++) {
            final double a = k * 0.5;
            d = 1 / (x + a * d);
            c = x + a / c;
            final double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return f;
    }
}
