package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.PrivateTrainingSession;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.privacy.ChaChaRandom;
import dev.edgetrain.runtime.privacy.RdpAccountant;

/**
 * DP-SGD epochs over an in-memory {@link Dataset}: each step Poisson-samples a batch ({@link PoissonSampler}, rate
 * {@code q}), feeds it to a {@link PrivateTrainingSession} in chunks of at most the session's maxBatch rows, and
 * ends with the session's noisy step. An epoch is {@code stepsPerEpoch} steps (usually {@code ⌈1/q⌉}, one pass in
 * expectation). Used through {@link Trainer#makePrivate}, so that the trainer's loop, listeners and reports work
 * unchanged; {@link #epsilon(double)} gives the privacy spent so far.
 *
 * <p>Variable batch size without allocation: the row indices of a batch go to an array of one index per row
 * ({@code [rows]}, so any batch fits), and the rows themselves are copied into chunk buffers of the session's
 * {@code maxBatch} rows. A batch larger than maxBatch, rare when maxBatch is a few standard deviations above
 * {@code q·rows} (the size is binomial, standard deviation {@code √(q(1−q)·rows)}), is fed in several chunks: the
 * result is the same sum of clipped gradients, only slower. Nothing is dropped or truncated, which would break the
 * sampling the accountant assumes.
 */
public final class PrivateTraining {
    private final PrivateTrainingSession dp;
    private final Dataset data;
    private final PoissonSampler sampler;
    private final int stepsPerEpoch;
    private final RdpAccountant accountant = new RdpAccountant();
    /** The sampled batch's row indices, increasing, {@code [rows]}. */
    private final int[] batchRows;
    /** A chunk of the batch, {@code [maxBatch][features]}. */
    private final float[] chunkX;
    /** Its labels {@code [maxBatch]} (labelled data), or {@code null}. */
    private final int[] chunkY;
    /** Its targets {@code [maxBatch][targetWidth]} (target data), or {@code null}. */
    private final float[] chunkT;
    private float lastLoss = Float.NaN;
    private float lastAccuracy = Float.NaN;
    private long lastEpochExamples;

    /**
     * DP-SGD over {@code data} with Poisson-sampled batches at rate {@code samplingRate}.
     *
     * @param dp            the DP-SGD session; its expected batch size must be {@code samplingRate × data.rows()}
     * @param data          the training rows, in memory (Poisson sampling needs any row at any time)
     * @param samplingRate  {@code q}, in (0, 1]
     * @param stepsPerEpoch noisy steps per epoch, at least 1
     * @param sampling      the generator of the batches: secret, as the noise's ({@link ChaChaRandom#fromSecureRandom})
     * @throws IllegalArgumentException for a null argument, a rate outside (0, 1], fewer than one step, an expected
     *                                  batch size that does not match, or data that do not fit the network
     */
    public PrivateTraining(PrivateTrainingSession dp, Dataset data, double samplingRate, int stepsPerEpoch,
                           ChaChaRandom sampling) {
        if (dp == null || data == null || sampling == null) {
            throw new IllegalArgumentException("DP session, data and sampling generator must not be null");
        }
        if (!(samplingRate > 0 && samplingRate <= 1)) {
            throw new IllegalArgumentException("sampling rate q must be in (0, 1], got " + samplingRate);
        }
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("steps per epoch must be at least 1, got " + stepsPerEpoch);
        }
        final double expected = samplingRate * data.rows();
        if (Math.abs(dp.expectedBatchSize() - expected) > 1e-9 * expected) {
            throw new IllegalArgumentException("the DP session normalises by an expected batch of "
                    + dp.expectedBatchSize() + " rows, but sampling " + data.rows() + " rows at rate " + samplingRate
                    + " expects " + expected + "; expected the two to agree");
        }
        final TrainingSession session = dp.session();
        Trainer.checkFits(session.network().spec(), data);
        this.dp = dp;
        this.data = data;
        this.sampler = new PoissonSampler(data.rows(), samplingRate, sampling);
        this.stepsPerEpoch = stepsPerEpoch;
        this.batchRows = new int[data.rows()];
        final int chunk = session.maxBatch();
        this.chunkX = new float[chunk * data.featureCount()];
        this.chunkY = data.hasLabels() ? new int[chunk] : null;
        this.chunkT = data.hasLabels() ? null : new float[chunk * data.targetWidth()];
    }

    /**
     * One epoch of {@link #stepsPerEpoch()} noisy steps, reporting each step to {@code listener} as a batch.
     *
     * @param listener told of every step through {@link TrainingListener#onBatch}
     * @param epoch the epoch's number, from 0, for the listener and error messages
     * @throws dev.edgetrain.runtime.DivergenceException when a step's loss, gradient or update is not finite, naming
     *                                                   the epoch and step
     */
    public void runEpoch(TrainingListener listener, int epoch) {
        final TrainingSession session = dp.session();
        final int maxBatch = session.maxBatch();
        double lossSum = 0;
        long correct = 0;
        long counted = 0;
        long examples = 0;
        for (int step = 0; step < stepsPerEpoch; step++) {
            final int n = sampler.sample(batchRows);
            double stepLoss = 0;
            try {
                for (int from = 0; from < n; from += maxBatch) {
                    final int rows = Math.min(maxBatch, n - from);
                    gather(from, rows);
                    final float loss = chunkY != null ? dp.accumulate(chunkX, 0, chunkY, 0, rows)
                            : dp.accumulate(chunkX, 0, chunkT, 0, rows);
                    stepLoss += (double) loss * rows;
                    correct += session.lastCorrect();
                    counted += session.lastCounted();
                }
                dp.noisyStep();
            } catch (DivergenceException e) {
                throw new DivergenceException("DP-SGD diverged in epoch " + (epoch + 1) + ", step " + (step + 1)
                        + " of " + stepsPerEpoch + ": " + e.getMessage(), e.optimizerStep());
            }
            lossSum += stepLoss;
            examples += n;
            listener.onBatch(epoch, step, stepsPerEpoch, n == 0 ? Float.NaN : (float) (stepLoss / n));
        }
        lastLoss = examples == 0 ? Float.NaN : (float) (lossSum / examples);
        lastAccuracy = counted == 0 ? Float.NaN : (float) ((double) correct / counted);
        lastEpochExamples = examples;
    }

    /** Copies batch rows {@code [from, from + rows)} of {@link #batchRows} into the chunk buffers. */
    private void gather(int from, int rows) {
        final int f = data.featureCount();
        final float[] features = data.features();
        for (int k = 0; k < rows; k++) {
            final int row = batchRows[from + k];
            System.arraycopy(features, row * f, chunkX, k * f, f);
            if (chunkY != null) {
                chunkY[k] = data.labels()[row];
            } else {
                final int w = data.targetWidth();
                System.arraycopy(data.targets(), row * w, chunkT, k * w, w);
            }
        }
    }

    /**
     * ε spent so far for {@code delta}, by the RDP accountant over {@link #steps()} steps at rate q and noise σ.
     *
     * @param delta the δ of (ε, δ)-differential privacy, in (0, 1)
     * @return ε by {@link dev.edgetrain.runtime.privacy.RdpAccountant}; +∞ when every order gives NaN
     * @throws IllegalArgumentException when {@code delta} is outside (0, 1)
     */
    public double epsilon(double delta) {
        return accountant.epsilon(sampler.rate(), dp.noiseMultiplier(), dp.steps(), delta);
    }

    /**
     * Noisy steps taken so far.
     *
     * @return the session's step count
     */
    public long steps() {
        return dp.steps();
    }

    /**
     * Noisy steps per epoch.
     *
     * @return the count given to the constructor, at least 1
     */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * The sampling rate q: each row's chance of being in a batch.
     *
     * @return q, in (0, 1]
     */
    public double samplingRate() {
        return sampler.rate();
    }

    /**
     * The private session the steps run on.
     *
     * @return the session given to the constructor
     */
    public PrivateTrainingSession session() {
        return dp;
    }

    /**
     * Mean per-example loss over the last epoch's sampled examples (NaN before the first, or if none).
     *
     * @return the mean loss, or NaN
     */
    public float lastLoss() {
        return lastLoss;
    }

    /**
     * Training accuracy over the last epoch's sampled examples, as they were trained.
     *
     * @return a fraction in [0, 1]; NaN before the first epoch or for a regressor
     */
    public float lastAccuracy() {
        return lastAccuracy;
    }

    /**
     * Examples sampled in the last epoch (about {@code q · rows · stepsPerEpoch}).
     *
     * @return the count, from 0
     */
    public long lastEpochExamples() {
        return lastEpochExamples;
    }
}
