package dev.edgetrain.runtime;

import dev.edgetrain.runtime.privacy.ChaChaRandom;

/**
 * DP-SGD steps (Abadi et al. 2016) on a {@link TrainingSession}: each example's gradient is clipped to L2 norm
 * {@code C}, the clipped gradients are summed, Gaussian noise {@code N(0, σ²C²)} is added to every trainable
 * coordinate of the sum, and the result, divided by the expected batch size {@code q·N} (as Opacus does), goes to
 * the session's optimizer:
 * <pre>{@code
 * PrivateTrainingSession dp = new PrivateTrainingSession(session, 1.0, 1.1, 256, ChaChaRandom.fromSecureRandom());
 * dp.accumulate(x, 0, labels, 0, rows);   // a Poisson-sampled batch, in one or more calls of ≤ maxBatch rows
 * dp.noisyStep();                         // noise, normalise, optimizer step, clear gradients
 * }</pre>
 * With a {@link dev.edgetrain.runtime.privacy.RdpAccountant} over the steps taken at sampling rate {@code q} and
 * noise multiplier {@code σ}, the trained parameters are (ε, δ)-differentially private with respect to adding or
 * removing one training example, provided the batches were Poisson-sampled
 * ({@link dev.edgetrain.runtime.train.PoissonSampler}) and the noise generator's key is secret.
 *
 * <p>Clipping: each example's gradient norm comes from {@link GhostNorms} (one extra input-gradient pass, no
 * per-example gradient is ever stored), then each example's loss-gradient row is multiplied by
 * {@code min(1, C/‖g_b‖)} before the ordinary backward pass sums the weight gradients. This is exact, not an
 * approximation: for fixed forward activations every per-example gradient is linear in that example's loss-gradient
 * row. An example's gradient is that of its loss as a one-example batch would compute it (cross-entropy of its row;
 * for the sigmoid and regression losses the mean over its outputs), times its class weight if the loss has class
 * weights.
 *
 * <p>Frozen layers take no part: their gradients are neither clipped nor noised, and they are not updated. Steps
 * allocate nothing once constructed. The norm pass runs on the calling thread; the summing backward pass uses the
 * session's pool as usual. Not thread-safe.
 */
public final class PrivateTrainingSession {
    private final TrainingSession session;
    private final double clipNorm;
    private final double noiseMultiplier;
    private final double expectedBatchSize;
    private final ChaChaRandom noise;
    /** Each example's loss gradient row as the loss gave it, {@code [maxBatch][outputs]}. */
    private final float[][] lossGradients;
    /** Each example's squared gradient norm over the trainable layers, {@code [maxBatch]}. */
    private final double[] squaredNorms;
    private long steps;
    private int examplesInStep;
    private int lastClipped;

    /**
     * DP-SGD on {@code session} (whose gradients are cleared here) with clip norm {@code clipNorm} (C), noise
     * multiplier {@code noiseMultiplier} (σ; the noise's standard deviation is σ·C) and expected batch size
     * {@code expectedBatchSize} (q·N), drawing the noise from {@code noise}.
     *
     * @param session the session whose network and optimizer are trained; its gradients are cleared
     * @param clipNorm C, the largest L2 norm an example's gradient keeps; finite and positive
     * @param noiseMultiplier σ, finite and at least 0 (0: clipping without noise, no privacy)
     * @param expectedBatchSize q·N, the divisor of the noisy sum; finite and positive
     * @param noise the generator of the noise; its key must be secret ({@link ChaChaRandom#fromSecureRandom()})
     * @throws IllegalArgumentException for a null argument, a clip norm or expected batch size that is not finite
     *                                  and positive, or a noise multiplier that is not finite and non-negative
     */
    public PrivateTrainingSession(TrainingSession session, double clipNorm, double noiseMultiplier,
                                  double expectedBatchSize, ChaChaRandom noise) {
        if (session == null || noise == null) {
            throw new IllegalArgumentException("session and noise generator must not be null");
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm C must be finite and > 0, got " + clipNorm);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier σ must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(expectedBatchSize > 0) || Double.isInfinite(expectedBatchSize)) {
            throw new IllegalArgumentException("expected batch size q·N must be finite and > 0, got "
                    + expectedBatchSize);
        }
        this.session = session;
        this.clipNorm = clipNorm;
        this.noiseMultiplier = noiseMultiplier;
        this.expectedBatchSize = expectedBatchSize;
        this.noise = noise;
        this.lossGradients = new float[session.maxBatch()][session.network().spec().outputs()];
        this.squaredNorms = new double[session.maxBatch()];
        session.zeroGrad();
    }

    /**
     * Adds the clipped gradients of {@code batch} labelled examples ({@code x [batch][inputs]} from {@code xOffset},
     * class indices from {@code labelOffset}) to the step's sum; {@code batch} may be 1 to the session's maxBatch,
     * and a step may take several calls. Returns their mean loss. Checks as
     * {@link TrainingSession#trainStep(float[], int, int[], int, int)}.
     *
     * @param x the examples' features, {@code [batch][inputs]} at {@code xOffset}
     * @param xOffset index of the first example's first feature in {@code x}
     * @param labels {@code [batch]} class indices at {@code labelOffset}
     * @param labelOffset index of the first example's label in {@code labels}
     * @param batch examples, in [1, the session's maxBatch]
     * @return the examples' mean loss, before clipping
     * @throws DivergenceException when the loss is not finite (the sum is then left as it was)
     */
    public float accumulate(float[] x, int xOffset, int[] labels, int labelOffset, int batch) {
        session.requireLabels();
        final double lossSum = session.forwardLoss(x, xOffset, labels, labelOffset, null, 0, batch, true);
        return clipAndSum(lossSum, labels, labelOffset, null, 0, batch);
    }

    /**
     * As {@link #accumulate(float[], int, int[], int, int)} with real-valued targets {@code [batch][outputs]}.
     *
     * @param x the examples' features, {@code [batch][inputs]} at {@code xOffset}
     * @param xOffset index of the first example's first feature in {@code x}
     * @param targets {@code [batch][outputs]} at {@code targetOffset}
     * @param targetOffset index of the first example's first target in {@code targets}
     * @param batch examples, in [1, the session's maxBatch]
     * @return the examples' mean loss, before clipping
     * @throws DivergenceException when the loss is not finite (the sum is then left as it was)
     */
    public float accumulate(float[] x, int xOffset, float[] targets, int targetOffset, int batch) {
        session.requireTargets(targets);
        final double lossSum = session.forwardLoss(x, xOffset, null, 0, targets, targetOffset, batch, true);
        return clipAndSum(lossSum, null, 0, targets, targetOffset, batch);
    }

    private float clipAndSum(double lossSum, int[] labels, int labelOffset, float[] targets, int targetOffset,
                             int batch) {
        final Network network = session.network();
        final float meanLoss = (float) (lossSum / session.lastNormaliser());
        if (!(Math.abs(meanLoss) <= Float.MAX_VALUE)) {
            throw new DivergenceException("loss is " + meanLoss + " at private step " + steps
                    + ": the network has diverged (lower the learning rate); the step's gradient sum left unchanged",
                    session.optimizer().steps());
        }
        final int lowest = session.lowestTrainable();
        if (lowest < 0) {
            return meanLoss;
        }
        final Workspace ws = session.workspace();
        final int outputs = network.spec().outputs();
        // each row the gradient of its own example's loss: the sum, not the mean, of the per-example terms
        final float perExample = session.loss().kind() == Loss.Kind.CROSS_ENTROPY ? 1f : 1f / outputs;
        session.lossBackward(labels, labelOffset, targets, targetOffset, batch, perExample);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(ws.gradRowsA[b], 0, lossGradients[b], 0, outputs);
        }
        GhostNorms.compute(network, ws, session.trainableFlags(), lowest, batch, squaredNorms);
        int clipped = 0;
        for (int b = 0; b < batch; b++) {
            final double norm = Math.sqrt(squaredNorms[b]);
            final float factor = norm > clipNorm ? (float) (clipNorm / norm) : 1f;
            if (norm > clipNorm) {
                clipped++;
            }
            final float[] row = ws.gradRowsA[b];
            final float[] saved = lossGradients[b];
            for (int o = 0; o < outputs; o++) {
                row[o] = saved[o] * factor;
            }
        }
        Passes.backward(network, ws, session.trainableFlags(), lowest, batch, session.backwardTask());
        lastClipped = clipped;
        examplesInStep += batch;
        return meanLoss;
    }

    /**
     * Ends a step: adds {@code σ·C·N(0, 1)} to every trainable gradient coordinate, divides by the expected batch
     * size, lets the optimizer update the parameters and clears the gradients. A step with no examples (Poisson
     * sampling can draw none) still adds noise and updates: skipping it would reveal that the batch was empty.
     *
     * @throws DivergenceException when a gradient is not finite (from the optimizer; nothing is updated)
     */
    public void noisyStep() {
        final Network network = session.network();
        final ParameterLayout layout = network.layout();
        final float[] grads = network.gradients();
        final boolean[] trainable = session.trainableFlags();
        final double std = noiseMultiplier * clipNorm;
        final double scale = 1.0 / expectedBatchSize;
        for (int l = 0; l < trainable.length; l++) {
            if (trainable[l]) {
                for (int i = layout.layerStart(l); i < layout.layerEnd(l); i++) {
                    grads[i] = (float) ((grads[i] + std * noise.nextGaussian()) * scale);
                }
            }
        }
        session.optimizerStep();
        session.zeroGrad();
        steps++;
        examplesInStep = 0;
    }

    /**
     * Noisy steps taken so far: what an accountant counts.
     *
     * @return the count, from 0
     */
    public long steps() {
        return steps;
    }

    /**
     * Examples accumulated into the step in progress.
     *
     * @return the count, from 0; back to 0 after {@link #noisyStep()}
     */
    public int examplesInStep() {
        return examplesInStep;
    }

    /**
     * Examples of the last {@code accumulate} call whose gradient was longer than C and so was scaled down.
     *
     * @return a count in [0, that call's batch]
     */
    public int lastClipped() {
        return lastClipped;
    }

    /**
     * The per-example gradient norm limit C.
     *
     * @return C, positive
     */
    public double clipNorm() {
        return clipNorm;
    }

    /**
     * The noise multiplier σ: the noise's standard deviation over C.
     *
     * @return σ, at least 0
     */
    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /**
     * The expected batch size the noisy sum is divided by.
     *
     * @return q·N, positive
     */
    public double expectedBatchSize() {
        return expectedBatchSize;
    }

    /**
     * The session underneath.
     *
     * @return the session given to the constructor
     */
    public TrainingSession session() {
        return session;
    }
}
