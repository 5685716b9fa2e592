package dev.edgetrain.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.runtime.PrivateTrainingSession;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.privacy.ChaChaRandom;
import dev.edgetrain.runtime.privacy.RdpAccountant;
import dev.edgetrain.runtime.train.BatchSource;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.PrivateTraining;
import dev.edgetrain.runtime.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Differentially private training (DP-SGD) for {@code edgetrain train}: {@code --dp-clip C} with {@code --dp-noise σ}
 * or {@code --dp-epsilon ε}. Each step Poisson-samples the training rows at rate {@code q = batch / rows}, clips each
 * example's gradient to C, adds N(0, σ²C²) and divides by the expected batch; an epoch is
 * {@code ⌈rows / batch⌉} steps. The RDP accountant (Opacus's) gives ε for δ after every epoch; with
 * {@code --dp-epsilon}, σ is the smallest noise (Opacus's search) that keeps ε at or below the target after all
 * epochs. The model's metadata records ε, δ, σ, C, q and the steps ({@link #metadata}).
 */
final class PrivacyOptions {
    /** Metadata keys of a privately trained model. */
    static final String EPSILON = "privacy.epsilon";
    static final String DELTA = "privacy.delta";
    static final String NOISE_MULTIPLIER = "privacy.noise_multiplier";
    static final String CLIP_NORM = "privacy.clip_norm";
    static final String SAMPLING_RATE = "privacy.sampling_rate";
    static final String STEPS = "privacy.steps";
    static final String ACCOUNTANT = "privacy.accountant";
    static final String RANDOMNESS = "privacy.randomness";
    static final String NOT_COVERED = "privacy.not_covered";

    @Option(names = "--dp-clip", paramLabel = "C",
            description = "Train with DP-SGD: clip each example's gradient to L2 norm C (needs --dp-noise or "
                    + "--dp-epsilon).")
    Double clip;

    @Option(names = "--dp-noise", paramLabel = "SIGMA",
            description = "DP-SGD noise multiplier: Gaussian noise of standard deviation SIGMA x C on each step's sum.")
    Double noise;

    @Option(names = "--dp-epsilon", paramLabel = "EPS",
            description = "DP-SGD privacy budget: the noise is chosen so that all epochs spend at most EPS.")
    Double epsilon;

    @Option(names = "--dp-delta", paramLabel = "DELTA",
            description = "DP-SGD delta (default: 1e-5, or 0.1 / training rows when smaller).")
    Double delta;

    @Option(names = "--dp-seed", paramLabel = "N",
            description = "Seed DP-SGD's noise and sampling for a reproducible experiment. The guarantee then holds "
                    + "only against someone who does not know N (default: keyed from SecureRandom).")
    Long seed;

    /** Whether any DP option was given. */
    boolean enabled() {
        return clip != null || noise != null || epsilon != null || delta != null || seed != null;
    }

    /** Checks the DP options alone and against the run's other settings. */
    void check(boolean resume, boolean stream, String onDivergence) {
        if (!enabled()) {
            return;
        }
        if (clip == null) {
            throw new CliException("DP-SGD needs --dp-clip C (each example's gradient norm bound), with --dp-noise "
                    + "or --dp-epsilon");
        }
        if (!(clip > 0) || clip.isInfinite()) {
            throw new CliException("--dp-clip must be a finite number > 0, got " + clip);
        }
        if ((noise == null) == (epsilon == null)) {
            throw new CliException("DP-SGD needs exactly one of --dp-noise SIGMA and --dp-epsilon EPS, got "
                    + (noise == null ? "neither" : "both"));
        }
        if (noise != null && (!(noise >= 0) || noise.isInfinite())) {
            throw new CliException("--dp-noise must be a finite number >= 0, got " + noise);
        }
        if (epsilon != null && (!(epsilon > 0) || epsilon.isInfinite())) {
            throw new CliException("--dp-epsilon must be a finite number > 0, got " + epsilon);
        }
        if (delta != null && !(delta > 0 && delta < 1)) {
            throw new CliException("--dp-delta must be in (0, 1), got " + delta);
        }
        if (resume) {
            throw new CliException("--resume cannot continue a DP-SGD run: the privacy spent before the interruption "
                    + "and the secret noise generator are not in the checkpoint; start the run again");
        }
        if (stream) {
            throw new CliException("DP-SGD samples rows at random from memory: --stream cannot be used with --dp-clip");
        }
        if (!"stop".equals(onDivergence)) {
            throw new CliException("DP-SGD stops at a divergence (retrying would spend privacy the accountant does "
                    + "not count): --on-divergence " + onDivergence + " cannot be used with --dp-clip");
        }
    }

    /**
     * The session's maxBatch for a run at {@code batchSize} on {@code rows} rows: the expected batch plus four
     * standard deviations of Poisson sampling, so that almost every batch is one pass (a larger one is split).
     */
    int maxBatch(int batchSize, int rows) {
        if (!enabled()) {
            return batchSize;
        }
        double q = rate(batchSize, rows);
        // never below the batch size itself: a batch larger than the rows is refused with its reason by apply()
        return Math.max(batchSize, (int) Math.min(rows, Math.ceil(batchSize + 4 * Math.sqrt(batchSize * (1 - q)) + 1)));
    }

    /**
     * Makes {@code trainer} train with DP-SGD for {@code epochs} epochs, or does nothing (returns null) without DP
     * options. Prints the settings. {@code notCovered} names what else the model holds that was computed from the
     * training rows without noise (standardization statistics, balanced class weights), or is null: the guarantee
     * does not extend to it, and the run says so.
     */
    Plan apply(Trainer trainer, BatchSource train, int batchSize, int epochs, String notCovered, Console console) {
        if (!enabled()) {
            return null;
        }
        if (!(train instanceof Dataset)) {
            throw new CliException("DP-SGD needs the training rows in memory; these are streamed");
        }
        Dataset data = (Dataset) train;
        int rows = data.rows();
        if (batchSize > rows) {
            throw new CliException("--batch-size " + batchSize + " is more than the " + rows
                    + " training rows: DP-SGD samples each row with probability batch / rows, at most 1");
        }
        double q = rate(batchSize, rows);
        int stepsPerEpoch = (int) Math.ceil((double) rows / batchSize);
        long totalSteps = (long) stepsPerEpoch * epochs;
        double d = delta != null ? delta : Math.min(1e-5, 0.1 / rows);
        RdpAccountant accountant = new RdpAccountant();
        double sigma;
        if (noise != null) {
            sigma = noise;
        } else {
            try {
                sigma = accountant.noiseMultiplier(epsilon, d, q, totalSteps);
            } catch (IllegalArgumentException e) {
                throw new CliException("--dp-epsilon " + epsilon + ": " + e.getMessage());
            }
        }
        ChaChaRandom noiseSource = seed == null ? ChaChaRandom.fromSecureRandom() : ChaChaRandom.seeded(seed);
        ChaChaRandom sampling = seed == null ? ChaChaRandom.fromSecureRandom() : ChaChaRandom.seeded(seed + 1);
        TrainingSession session = trainer.session();
        PrivateTrainingSession dp = new PrivateTrainingSession(session, clip, sigma, q * rows, noiseSource);
        PrivateTraining training = new PrivateTraining(dp, data, q, stepsPerEpoch, sampling);
        trainer.makePrivate(training);
        Plan plan = new Plan(training, d, accountant.epsilon(q, sigma, totalSteps, d), totalSteps, seed != null,
                notCovered);
        console.line("DP-SGD: clip C = %s, noise sigma = %.4f%s, Poisson sampling q = %.5f (expected batch %d), "
                        + "%d steps: epsilon %.3f at delta %.3g after %d epochs%s",
                clip, sigma, epsilon != null ? " (for epsilon <= " + epsilon + ")" : "", q, batchSize, totalSteps,
                plan.plannedEpsilon, d, epochs, seed != null ? "; seeded with --dp-seed: reproducible, not secret"
                        : "");
        if (notCovered != null) {
            console.line("DP-SGD covers the network's training; not covered, computed from the training rows "
                    + "without noise: %s", notCovered);
        }
        return plan;
    }

    /**
     * What a DP-SGD model holds that was computed from the training rows without noise, for {@code notCovered}
     * of {@link #apply}: the standardiser's statistics, the targets' scaling, balanced class weights; null if none.
     */
    static String notCovered(boolean standardized, boolean targetsScaled, LossOptions loss) {
        List<String> parts = new ArrayList<>();
        if (standardized) {
            parts.add("the features' mean and std (--no-standardize to leave them out)");
        }
        if (targetsScaled) {
            parts.add("the targets' mean and std");
        }
        if (loss.classWeights != null && loss.classWeights.trim().equalsIgnoreCase("balanced")) {
            parts.add("the balanced class weights");
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static double rate(int batchSize, int rows) {
        return Math.min(1.0, (double) batchSize / rows);
    }

    /** A DP-SGD run: its training, δ, and the ε it will have spent after every planned step. */
    static final class Plan {
        final PrivateTraining training;
        final double delta;
        final double plannedEpsilon;
        final long plannedSteps;
        final boolean seeded;
        final String notCovered;

        Plan(PrivateTraining training, double delta, double plannedEpsilon, long plannedSteps, boolean seeded,
             String notCovered) {
            this.training = training;
            this.delta = delta;
            this.plannedEpsilon = plannedEpsilon;
            this.plannedSteps = plannedSteps;
            this.seeded = seeded;
            this.notCovered = notCovered;
        }

        /** ε spent so far. */
        double epsilon() {
            return training.epsilon(delta);
        }

        /** What the per-epoch progress line gets: {@code   ε 1.234}. */
        String epochNote() {
            return String.format(Locale.ROOT, "  eps %.3f", epsilon());
        }

        /** ε, δ, σ, C, q and steps for the model's metadata, and how they were accounted. */
        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            PrivateTrainingSession dp = training.session();
            m.put(EPSILON, String.format(Locale.ROOT, "%.6f", epsilon()));
            m.put(DELTA, String.valueOf(delta));
            m.put(NOISE_MULTIPLIER, String.valueOf(dp.noiseMultiplier()));
            m.put(CLIP_NORM, String.valueOf(dp.clipNorm()));
            m.put(SAMPLING_RATE, String.valueOf(training.samplingRate()));
            m.put(STEPS, String.valueOf(training.steps()));
            m.put(ACCOUNTANT, "RDP of the Poisson-sampled Gaussian mechanism (Mironov et al. 2019), Opacus's orders, "
                    + "conversion of Balle et al. 2020; example-level, add/remove one row");
            m.put(RANDOMNESS, seeded ? "ChaCha20 seeded by --dp-seed: reproducible, so the guarantee assumes the seed "
                    + "is secret" : "ChaCha20 keyed from SecureRandom");
            if (notCovered != null) {
                m.put(NOT_COVERED, notCovered);
            }
            return m;
        }

        /** The same, for the JSON document. */
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epsilon", epsilon());
            m.put("delta", delta);
            m.put("noise_multiplier", training.session().noiseMultiplier());
            m.put("clip_norm", training.session().clipNorm());
            m.put("sampling_rate", training.samplingRate());
            m.put("steps", training.steps());
            m.put("seeded", seeded);
            m.put("not_covered", notCovered);
            return m;
        }
    }
}
