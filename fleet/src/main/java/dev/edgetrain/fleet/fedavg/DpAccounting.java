package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.runtime.privacy.RdpAccountant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The privacy accounting of DP-FedAvg ({@link DpFedAvg}) over rounds, at the level of a device (user-level DP: the
 * guarantee covers adding or removing one device with all its rows). Each round is one step of the sampled Gaussian
 * mechanism on the averaged change, whose sensitivity is C/m, with noise multiplier z, sampling rate
 * {@code q = m / K} (m devices sampled of K), so the runtime's {@link RdpAccountant} (Opacus's orders and conversion)
 * gives ε for δ after r rounds as {@code epsilon(q, z, r, δ)}.
 *
 * <p>The accountant assumes Poisson sampling (each device independently with probability q); FedAvg samples a
 * fixed-size subset of m devices without replacement instead ({@link ClientSampler}), so the reported ε is the
 * accountant's value for the Poisson mechanism with the same q and an approximation for the run, not a proof
 * (the common practice of DP-FedAvg's reports; an exact bound for fixed-size sampling would need the
 * substitution-relation analysis of Wang, Balle and Kasiviswanathan 2019). Poisson sampling of devices was not
 * chosen because its rounds of 0 or 1 device cannot be securely aggregated and its denominator would no longer be
 * the count of devices sampled. Dropped devices (diverged or lost) contribute zero and the denominator stays m,
 * which does not raise the sensitivity.
 */
public final class DpAccounting {
    /** Metadata keys, as {@code edgetrain train --dp-clip} writes them. */
    public static final String EPSILON = "privacy.epsilon";
    /** Metadata key of δ. */
    public static final String DELTA = "privacy.delta";
    /** Metadata key of the noise multiplier z. */
    public static final String NOISE_MULTIPLIER = "privacy.noise_multiplier";
    /** Metadata key of the clipping norm C. */
    public static final String CLIP_NORM = "privacy.clip_norm";
    /** Metadata key of the sampling rate q = m/K. */
    public static final String SAMPLING_RATE = "privacy.sampling_rate";
    /** Metadata key of the number of accounted steps (rounds). */
    public static final String STEPS = "privacy.steps";
    /** Metadata key of how the privacy loss was accounted. */
    public static final String ACCOUNTANT = "privacy.accountant";
    /** Metadata key of where the server's noise came from. */
    public static final String RANDOMNESS = "privacy.randomness";

    private final RdpAccountant accountant = new RdpAccountant();
    private final double clip;
    private final double noiseMultiplier;
    private final double samplingRate;
    private final double delta;

    private DpAccounting(double clip, double noiseMultiplier, double samplingRate, double delta) {
        this.clip = clip;
        this.noiseMultiplier = noiseMultiplier;
        this.samplingRate = samplingRate;
        this.delta = delta;
    }

    /**
     * The accounting of a DP-FedAvg run of {@code config} over {@code clients} devices, at the config's δ or, when
     * it has none, {@link #defaultDelta}.
     *
     * @param config the run's settings, with a clipping norm above 0
     * @param clients K, the number of devices (shards) the run samples from, at least 1
     * @return the accounting, ready for {@link #epsilonAfter}
     * @throws IllegalArgumentException when the config has no DP-FedAvg (clip 0) or there are no clients
     */
    public static DpAccounting of(FedAvgConfig config, int clients) {
        if (config.dpClip() == 0) {
            throw new IllegalArgumentException("no DP-FedAvg in " + config + ": expected a clipping norm > 0");
        }
        final double q = samplingRate(clients, config.clientFraction());
        final double delta = config.dpDelta() > 0 ? config.dpDelta() : defaultDelta(clients);
        return new DpAccounting(config.dpClip(), config.dpNoise(), q, delta);
    }

    /**
     * δ when none is given: {@code min(1e-5, 0.1 / clients)}, well below 1/K as a meaningful δ must be (a δ of 1/K
     * would allow publishing one device's data outright), the same rule as {@code edgetrain train}'s per row.
     *
     * @param clients K, the number of devices, at least 1
     * @return δ, at most 1e-5
     * @throws IllegalArgumentException if {@code clients} is below 1
     */
    public static double defaultDelta(int clients) {
        checkClients(clients);
        return Math.min(1e-5, 0.1 / clients);
    }

    /**
     * {@code q = m / K}: the devices sampled a round ({@link ClientSampler#count}) over all of them.
     *
     * @param clients K, the number of devices, at least 1
     * @param fraction the client fraction of the run, in (0, 1]
     * @return q, in (0, 1]
     * @throws IllegalArgumentException if {@code clients} is below 1
     */
    public static double samplingRate(int clients, double fraction) {
        checkClients(clients);
        return (double) ClientSampler.count(clients, fraction) / clients;
    }

    /**
     * The noise multiplier z for which {@code rounds} rounds at sampling rate {@code q} spend at most
     * {@code targetEpsilon} for {@code delta}: Opacus's search ({@link RdpAccountant#noiseMultiplier}), so its ε is
     * at most the target and within 0.01 of it.
     *
     * @param targetEpsilon the ε to stay within
     * @param delta δ, in (0, 1)
     * @param q the sampling rate, in (0, 1]
     * @param rounds the rounds the run will take
     * @return z
     * @throws IllegalArgumentException for a target no z up to 10⁶ reaches, or a bad argument, with the reason
     */
    public static double noiseMultiplierFor(double targetEpsilon, double delta, double q, int rounds) {
        return new RdpAccountant().noiseMultiplier(targetEpsilon, delta, q, rounds);
    }

    /**
     * ε for δ after {@code rounds} rounds; +∞ without noise (z = 0: clipping alone protects nothing).
     *
     * @param rounds the rounds done so far
     * @return ε, or positive infinity when the noise multiplier is 0
     */
    public double epsilonAfter(int rounds) {
        return accountant.epsilon(samplingRate, noiseMultiplier, rounds, delta);
    }

    /**
     * The sampling rate q = m/K of one round.
     *
     * @return q, in (0, 1]
     */
    public double samplingRate() {
        return samplingRate;
    }

    /**
     * The δ the ε is reported for.
     *
     * @return δ, in (0, 1)
     */
    public double delta() {
        return delta;
    }

    /**
     * The noise multiplier z of the server's Gaussian noise.
     *
     * @return z, at least 0
     */
    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /**
     * The clipping norm C of each client's model change (L2).
     *
     * @return C, above 0
     */
    public double clipNorm() {
        return clip;
    }

    /**
     * The {@code privacy.*} metadata of a model after {@code rounds} rounds: ε, δ, z, C, q, the rounds as steps, how
     * they were accounted and where the noise came from ({@code reproducibleNoise}: a seeded generator for tests).
     *
     * @param rounds the rounds done, accounted as steps
     * @param reproducibleNoise whether the server's noise came from a seeded generator rather than SecureRandom
     * @return the {@code privacy.*} keys and their values, in a fixed order
     */
    public Map<String, String> metadata(int rounds, boolean reproducibleNoise) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(EPSILON, String.format(Locale.ROOT, "%.6f", epsilonAfter(rounds)));
        m.put(DELTA, String.valueOf(delta));
        m.put(NOISE_MULTIPLIER, String.valueOf(noiseMultiplier));
        m.put(CLIP_NORM, String.valueOf(clip));
        m.put(SAMPLING_RATE, String.valueOf(samplingRate));
        m.put(STEPS, String.valueOf(rounds));
        m.put(ACCOUNTANT, "RDP of the sampled Gaussian mechanism (Mironov et al. 2019), one step per round, Opacus's "
                + "orders, conversion of Balle et al. 2020; user-level (add/remove one device); devices sampled as a "
                + "fixed-size subset, not Poisson, so the value is the Poisson mechanism's at q = m/K");
        m.put(RANDOMNESS, reproducibleNoise ? "server noise from a seeded generator: reproducible, no privacy"
                : "server noise from java.security.SecureRandom");
        return m;
    }

    private static void checkClients(int clients) {
        if (clients < 1) {
            throw new IllegalArgumentException("expected at least 1 client, got " + clients);
        }
    }
}
