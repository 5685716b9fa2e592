package dev.edgetrain.runtime.privacy;

import java.util.Arrays;

/**
 * Rényi-DP accounting of the sampled Gaussian mechanism, the mechanism of DP-SGD: each step includes every example
 * independently with probability {@code q} (Poisson sampling), clips each example's gradient to norm {@code C} and
 * adds Gaussian noise of standard deviation {@code σ·C} to the sum. The RDP of one step at order α is
 * {@code log(A_α) / (α − 1)} (Mironov, Talwar and Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian
 * Mechanism", §3.3); T steps compose to T times that; and (ε, δ) follows by the conversion of Balle et al. 2020
 * ("Hypothesis Testing Interpretations and Rényi Differential Privacy", Theorem 21),
 * {@code ε = min_α [ RDP(α) − (log δ + log α)/(α − 1) + log((α − 1)/α) ]}.
 *
 * <p>This is Opacus's {@code opacus/accountants/analysis/rdp.py} ({@code _compute_log_a_for_int_alpha},
 * {@code _compute_log_a_for_frac_alpha}, {@code _compute_rdp}, {@code get_privacy_spent}) step for step, with its
 * default orders ({@link #opacusOrders()}), so the two give the same ε to about 1e-12 relative. The older
 * conversion of Mironov 2017 (Proposition 3, {@code ε = min_α [RDP(α) − log δ/(α − 1)]}; TensorFlow Privacy before
 * December 2020 and the figures published with it) is available as {@link Conversion#MIRONOV_2017} to reproduce
 * those figures; it is looser (a larger ε) and has no other use.
 *
 * <p>Immutable and thread-safe. Computing ε takes about a millisecond (150 orders).
 */
public final class RdpAccountant {
    /** How RDP at several orders becomes an (ε, δ) guarantee. */
    public enum Conversion {
        /** Balle et al. 2020, Theorem 21: Opacus's and (since December 2020) TensorFlow Privacy's. */
        BALLE_2020,
        /** Mironov 2017, Proposition 3: TensorFlow Privacy's before December 2020. Looser. */
        MIRONOV_2017
    }

    /** ε and the RDP order that attained it. */
    public static final class Spent {
        private final double epsilon;
        private final double order;

        Spent(double epsilon, double order) {
            this.epsilon = epsilon;
            this.order = order;
        }

        /**
         * The ε spent.
         *
         * @return ε; may be slightly negative for a tiny RDP (0 is then the true bound), +∞ when no order gave a number
         */
        public double epsilon() {
            return epsilon;
        }

        /**
         * The order α where the minimum was; at the first or last order, a wider range might give a smaller ε.
         *
         * @return one of the accountant's orders, or NaN when no order gave a number
         */
        public double order() {
            return order;
        }

        @Override
        public String toString() {
            return "ε = " + epsilon + " (at order " + order + ")";
        }
    }

    /** Opacus's {@code get_noise_multiplier}: the largest σ it tries, beyond which the budget is "too low". */
    static final double MAX_SIGMA = 1e6;

    private final double[] orders;
    private final Conversion conversion;

    /** Opacus's accountant: {@link #opacusOrders()} and {@link Conversion#BALLE_2020}. */
    public RdpAccountant() {
        this(opacusOrders(), Conversion.BALLE_2020);
    }

    /**
     * An accountant over the given RDP orders (each finite and greater than 1) with the given conversion.
     *
     * @param orders the RDP orders α to minimise over, copied
     * @param conversion how RDP becomes (ε, δ)
     * @throws IllegalArgumentException for no orders, an order that is not a finite number above 1, or a null
     *                                  conversion
     */
    public RdpAccountant(double[] orders, Conversion conversion) {
        if (orders == null || orders.length == 0) {
            throw new IllegalArgumentException("RDP orders must not be empty: expected finite orders above 1");
        }
        for (int k = 0; k < orders.length; k++) {
            if (!(orders[k] > 1) || Double.isInfinite(orders[k])) {
                throw new IllegalArgumentException("RDP order " + k + " is " + orders[k]
                        + ": expected a finite order above 1");
            }
        }
        if (conversion == null) {
            throw new IllegalArgumentException("conversion must not be null");
        }
        this.orders = orders.clone();
        this.conversion = conversion;
    }

    /**
     * Opacus's {@code RDPAccountant.DEFAULT_ALPHAS}: 1.1, 1.2, …, 10.9, then 12, 13, …, 63 (150 orders).
     *
     * @return a fresh {@code [150]} array
     */
    public static double[] opacusOrders() {
        final double[] a = new double[99 + 52];
        for (int x = 1; x < 100; x++) {
            a[x - 1] = 1 + x / 10.0;
        }
        for (int k = 12; k < 64; k++) {
            a[99 + k - 12] = k;
        }
        return a;
    }

    /**
     * TensorFlow Privacy's {@code compute_dp_sgd_privacy} orders: 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5,
     * then 5, 6, …, 63, then 128, 256, 512 (72 orders).
     *
     * @return a fresh {@code [72]} array
     */
    public static double[] tfPrivacyOrders() {
        final double[] head = {1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5};
        final double[] a = Arrays.copyOf(head, head.length + 59 + 3);
        for (int k = 5; k < 64; k++) {
            a[head.length + k - 5] = k;
        }
        a[a.length - 3] = 128;
        a[a.length - 2] = 256;
        a[a.length - 1] = 512;
        return a;
    }

    /**
     * The orders this accountant minimises over (a copy).
     *
     * @return a fresh copy, in the constructor's order
     */
    public double[] orders() {
        return orders.clone();
    }

    /**
     * How RDP becomes an (ε, δ) guarantee.
     *
     * @return the conversion; never null
     */
    public Conversion conversion() {
        return conversion;
    }

    /**
     * Steps of {@code epochs} epochs at sampling rate {@code q}: {@code ⌊epochs / q⌋}, as Opacus's
     * {@code int(epochs / sample_rate)} (for q = 0.04 and 90 epochs, 2,250).
     *
     * @param epochs passes over the data, finite and at least 0
     * @param q the sampling rate, in [0, 1]
     * @return the step count, rounded down
     * @throws IllegalArgumentException when {@code epochs} or {@code q} is out of range
     */
    public static long stepsForEpochs(double epochs, double q) {
        checkRate(q);
        if (!(epochs >= 0) || Double.isInfinite(epochs)) {
            throw new IllegalArgumentException("epochs must be finite and >= 0, got " + epochs);
        }
        return (long) (epochs / q);
    }

    /**
     * The RDP of {@code steps} steps of the sampled Gaussian mechanism at every order of this accountant
     * ({@code [orders]}, in order); {@code +∞} where it is infinite (σ = 0).
     *
     * @param q the sampling rate, in [0, 1]
     * @param sigma the noise multiplier σ (noise standard deviation over clipping norm), finite and at least 0
     * @param steps the steps composed, at least 0
     * @return {@code [orders]} RDP values, in nats
     * @throws IllegalArgumentException when an argument is out of range
     */
    public double[] rdp(double q, double sigma, long steps) {
        checkMechanism(q, sigma, steps);
        final double[] r = new double[orders.length];
        for (int k = 0; k < orders.length; k++) {
            r[k] = steps == 0 ? 0 : rdpOfOneStep(q, sigma, orders[k]) * steps;
        }
        return r;
    }

    /**
     * ε after {@code steps} steps at sampling rate {@code q} and noise multiplier {@code sigma}, for {@code delta}.
     *
     * @param q the sampling rate, in [0, 1]
     * @param sigma the noise multiplier σ, finite and at least 0
     * @param steps the steps composed, at least 0
     * @param delta the δ of the guarantee, in (0, 1)
     * @return ε as {@link Spent#epsilon()} gives it
     * @throws IllegalArgumentException when an argument is out of range
     */
    public double epsilon(double q, double sigma, long steps, double delta) {
        return privacySpent(rdp(q, sigma, steps), delta).epsilon();
    }

    /**
     * ε for {@code delta} from RDP values at this accountant's orders (several mechanisms compose by adding their
     * {@link #rdp} arrays), and the order that attained it. Orders whose ε is NaN are skipped; {@code +∞} when all
     * are. As Opacus's {@code get_privacy_spent}, the ε may be negative for a tiny RDP (then 0 is the true bound).
     *
     * @param rdp {@code [orders]} RDP values, as {@link #rdp} returns them (or their sum over mechanisms)
     * @param delta the δ of the guarantee, in (0, 1)
     * @return the smallest ε over the orders and its order
     * @throws IllegalArgumentException when {@code rdp} is not one value per order or {@code delta} is outside (0, 1)
     */
    public Spent privacySpent(double[] rdp, double delta) {
        if (rdp == null || rdp.length != orders.length) {
            throw new IllegalArgumentException("expected RDP values at the " + orders.length + " orders, got "
                    + (rdp == null ? "null" : rdp.length + " values"));
        }
        checkDelta(delta);
        double best = Double.NaN;
        double bestOrder = Double.NaN;
        final double logDelta = Math.log(delta);
        for (int k = 0; k < orders.length; k++) {
            final double a = orders[k];
            final double eps = conversion == Conversion.BALLE_2020
                    ? rdp[k] - (logDelta + Math.log(a)) / (a - 1) + Math.log((a - 1) / a)
                    : rdp[k] - logDelta / (a - 1);
            if (!Double.isNaN(eps) && (Double.isNaN(best) || eps < best)) {
                best = eps;
                bestOrder = a;
            }
        }
        return Double.isNaN(best) ? new Spent(Double.POSITIVE_INFINITY, Double.NaN) : new Spent(best, bestOrder);
    }

    /**
     * The noise multiplier σ for which {@code steps} steps at rate {@code q} spend at most {@code targetEpsilon}
     * for {@code delta}, found as Opacus's {@code get_noise_multiplier} (Opacus 1.1 and later) finds it: double σ
     * from 20 until ε falls below the target, then bisect between 0 and that σ until the target is at most
     * {@code epsilonTolerance} above the ε of the upper end, and return the upper end (so its ε is below the
     * target). Opacus's default tolerance is 0.01; its test expects σ ≈ 1.416 for ε = 8, δ = 1e-5, q = 0.04,
     * 90 epochs.
     *
     * @param targetEpsilon the ε to spend at most, finite and positive
     * @param delta the δ of the guarantee, in (0, 1)
     * @param q the sampling rate, in (0, 1]
     * @param steps the steps to be taken, at least 1
     * @param epsilonTolerance how far below the target the returned σ's ε may be, positive
     * @return σ, at most 10⁶
     * @throws IllegalArgumentException when no σ up to 10⁶ reaches the target ("the privacy budget is too low")
     */
    public double noiseMultiplier(double targetEpsilon, double delta, double q, long steps, double epsilonTolerance) {
        checkSearch(targetEpsilon, delta, q, steps);
        if (!(epsilonTolerance > 0) || Double.isInfinite(epsilonTolerance)) {
            throw new IllegalArgumentException("epsilon tolerance must be finite and > 0, got " + epsilonTolerance);
        }
        double epsHigh = Double.POSITIVE_INFINITY;
        double sigmaLow = 0;
        double sigmaHigh = 10;
        while (epsHigh > targetEpsilon) {
            sigmaHigh = 2 * sigmaHigh;
            epsHigh = epsilon(q, sigmaHigh, steps, delta);
            if (sigmaHigh > MAX_SIGMA) {
                throw budgetTooLow(targetEpsilon, delta, q, steps);
            }
        }
        while (targetEpsilon - epsHigh > epsilonTolerance) {
            final double sigma = (sigmaLow + sigmaHigh) / 2;
            final double eps = epsilon(q, sigma, steps, delta);
            if (eps < targetEpsilon) {
                sigmaHigh = sigma;
                epsHigh = eps;
            } else {
                sigmaLow = sigma;
            }
        }
        return sigmaHigh;
    }

    /**
     * {@link #noiseMultiplier(double, double, double, long, double)} with Opacus's tolerance, 0.01.
     *
     * @param targetEpsilon the ε to spend at most, finite and positive
     * @param delta the δ of the guarantee, in (0, 1)
     * @param q the sampling rate, in (0, 1]
     * @param steps the steps to be taken, at least 1
     * @return σ, whose ε is at most the target
     * @throws IllegalArgumentException when an argument is out of range or the budget is too low
     */
    public double noiseMultiplier(double targetEpsilon, double delta, double q, long steps) {
        return noiseMultiplier(targetEpsilon, delta, q, steps, 0.01);
    }

    /**
     * The noise multiplier as Opacus 1.0 (October 2021 to February 2022) searched for it: bisection on σ in
     * [0.01, 20·2ᵏ] until the interval is narrower than 0.01, returning the last midpoint tried. Its ε can be a
     * little above or below the target; it is here only to reproduce figures published with that version, such as
     * σ ≈ 1.425307617 for ε = 8, δ = 1e-5, q = 0.04, 90 epochs (Opacus's test then). Prefer
     * {@link #noiseMultiplier(double, double, double, long)}.
     *
     * @param targetEpsilon the ε aimed at, finite and positive
     * @param delta the δ of the guarantee, in (0, 1)
     * @param q the sampling rate, in (0, 1]
     * @param steps the steps to be taken, at least 1
     * @return σ, to within 0.01 of Opacus 1.0's
     * @throws IllegalArgumentException when an argument is out of range or the budget is too low
     */
    public double noiseMultiplierOpacus10(double targetEpsilon, double delta, double q, long steps) {
        checkSearch(targetEpsilon, delta, q, steps);
        double eps = Double.POSITIVE_INFINITY;
        double sigmaMin = 0.01;
        double sigmaMax = 10;
        while (eps > targetEpsilon) {
            sigmaMax = 2 * sigmaMax;
            eps = epsilon(q, sigmaMax, steps, delta);
            if (sigmaMax > 2000) {
                throw budgetTooLow(targetEpsilon, delta, q, steps);
            }
        }
        double sigma = sigmaMax;
        while (sigmaMax - sigmaMin > 0.01) {
            sigma = (sigmaMin + sigmaMax) / 2;
            eps = epsilon(q, sigma, steps, delta);
            if (eps < targetEpsilon) {
                sigmaMax = sigma;
            } else {
                sigmaMin = sigma;
            }
        }
        return sigma;
    }

    /**
     * The RDP of one step of the sampled Gaussian mechanism at order {@code alpha} (Opacus's {@code _compute_rdp}):
     * 0 for q = 0, ∞ for σ = 0, {@code α/(2σ²)} for q = 1 (the plain Gaussian mechanism), else
     * {@code log(A_α)/(α − 1)}.
     */
    static double rdpOfOneStep(double q, double sigma, double alpha) {
        if (q == 0) {
            return 0;
        }
        if (sigma == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1) {
            return alpha / (2 * sigma * sigma);
        }
        final double logA = alpha == Math.rint(alpha) ? logAIntegerOrder(q, sigma, (int) alpha)
                : logAFractionalOrder(q, sigma, alpha);
        return logA / (alpha - 1);
    }

    /** {@code log A_α} for an integer α: {@code log Σ_{i=0}^{α} C(α, i) q^i (1−q)^{α−i} e^{(i²−i)/(2σ²)}}. */
    static double logAIntegerOrder(double q, double sigma, int alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        double logBinomial = 0; // log C(alpha, i), built up term by term
        final double logQ = Math.log(q);
        final double log1mQ = Math.log(1 - q);
        for (int i = 0; i <= alpha; i++) {
            if (i > 0) {
                logBinomial += Math.log((double) (alpha - i + 1) / i);
            }
            final double logCoef = logBinomial + i * logQ + (alpha - i) * log1mQ;
            logA = LogSpace.add(logA, logCoef + ((double) i * i - i) / (2 * (sigma * sigma)));
        }
        return logA;
    }

    /**
     * {@code log A_α} for a fractional α: the two integrals over {@code (−∞, z₀]} and {@code [z₀, ∞)} as series in
     * {@code i} with generalised binomial coefficients (which change sign once {@code i > α}), summed until both
     * terms fall below {@code e^{−30}}.
     */
    static double logAFractionalOrder(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        final double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        final double logQ = Math.log(q);
        final double log1mQ = Math.log(1 - q);
        final double sqrt2Sigma = Math.sqrt(2) * sigma;
        final double log05 = Math.log(0.5);
        double logAbsCoef = 0; // log |C(alpha, i)|
        double coefSign = 1;
        for (int i = 0; ; i++) {
            if (i > 0) {
                final double factor = (alpha - (i - 1)) / i;
                logAbsCoef += Math.log(Math.abs(factor));
                coefSign *= Math.signum(factor);
            }
            final double j = alpha - i;
            final double logT0 = logAbsCoef + i * logQ + j * log1mQ;
            final double logT1 = logAbsCoef + j * logQ + i * log1mQ;
            final double logE0 = log05 + LogSpace.logErfc((i - z0) / sqrt2Sigma);
            final double logE1 = log05 + LogSpace.logErfc((z0 - j) / sqrt2Sigma);
            final double logS0 = logT0 + ((double) i * i - i) / (2 * (sigma * sigma)) + logE0;
            final double logS1 = logT1 + (j * j - j) / (2 * (sigma * sigma)) + logE1;
            if (coefSign > 0) {
                logA0 = LogSpace.add(logA0, logS0);
                logA1 = LogSpace.add(logA1, logS1);
            } else {
                logA0 = LogSpace.subtract(logA0, logS0);
                logA1 = LogSpace.subtract(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < -30) {
                return LogSpace.add(logA0, logA1);
            }
        }
    }

    private static IllegalArgumentException budgetTooLow(double eps, double delta, double q, long steps) {
        return new IllegalArgumentException("the privacy budget is too low: no noise multiplier up to " + MAX_SIGMA
                + " reaches ε = " + eps + " at δ = " + delta + " in " + steps + " steps at sampling rate " + q
                + "; expected a larger ε, fewer steps or a lower sampling rate");
    }

    private static void checkSearch(double targetEpsilon, double delta, double q, long steps) {
        if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
            throw new IllegalArgumentException("target ε must be finite and > 0, got " + targetEpsilon);
        }
        checkDelta(delta);
        checkMechanism(q, 1, steps);
        if (q == 0 || steps == 0) {
            throw new IllegalArgumentException("with sampling rate " + q + " and " + steps
                    + " steps nothing is spent: expected q > 0 and steps > 0 to calibrate noise");
        }
    }

    private static void checkMechanism(double q, double sigma, long steps) {
        checkRate(q);
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("noise multiplier σ must be finite and >= 0, got " + sigma);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
    }

    private static void checkRate(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + q);
        }
    }

    private static void checkDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("δ must be in (0, 1), got " + delta);
        }
    }
}
