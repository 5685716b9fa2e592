package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;

/**
 * The training loop over an in-memory {@link Dataset}: epochs of shuffled mini-batches, each one
 * {@code zeroGrad → trainStep → optimizerStep}. The permutation and the mini-batch buffers are allocated
 * here once; an epoch allocates nothing.
 *
 * <p>Shuffling is seeded: each epoch restarts from the identity permutation and shuffles it with the
 * trainer's {@link Rng}, so the order depends only on the generator state, which {@link #rngState()} exposes
 * for checkpoints. The same seed, data and settings give bit-identical weights.
 */
public final class Trainer {
    private final TrainingSession session;
    private final Dataset data;
    private final int batchSize;
    private final Rng rng;
    /** Row order of the current epoch, {@code [rows]}. */
    private final int[] order;
    /** The mini-batch being trained, {@code [batchSize][features]}. */
    private final float[] batchX;
    /** Its labels, {@code [batchSize]}. */
    private final int[] batchY;
    private int epochsDone;
    private float lastLoss = Float.NaN;
    private float lastAccuracy = Float.NaN;

    public Trainer(TrainingSession session, Dataset data, int batchSize, long shuffleSeed) {
        if (session == null || data == null) {
            throw new IllegalArgumentException("session and data must not be null");
        }
        if (data.featureCount() != session.network().spec().inputs()) {
            throw new IllegalArgumentException("data has " + data.featureCount() + " features, network "
                    + session.network().spec() + " expects " + session.network().spec().inputs());
        }
        if (data.classes() != session.network().spec().classes()) {
            throw new IllegalArgumentException("data has " + data.classes() + " classes, network "
                    + session.network().spec() + " has " + session.network().spec().classes());
        }
        if (batchSize < 1 || batchSize > session.maxBatch()) {
            throw new IllegalArgumentException("batch size must be in [1, " + session.maxBatch()
                    + "] (the session's maxBatch), got " + batchSize);
        }
        this.session = session;
        this.data = data;
        this.batchSize = batchSize;
        this.rng = new Rng(shuffleSeed);
        this.order = new int[data.rows()];
        this.batchX = new float[batchSize * data.featureCount()];
        this.batchY = new int[batchSize];
    }

    /** Mini-batches per epoch (the last one may be smaller). */
    public int batchesPerEpoch() {
        return (data.rows() + batchSize - 1) / batchSize;
    }

    /** Trains {@code epochs} more epochs, reporting to {@code listener}. */
    public void fit(int epochs, TrainingListener listener) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        for (int e = 0; e < epochs; e++) {
            runEpoch(l);
        }
    }

    /** One epoch over the data set in a freshly shuffled order. */
    public void runEpoch(TrainingListener listener) {
        final int rows = data.rows();
        final int f = data.featureCount();
        final float[] x = data.features();
        final int[] y = data.labels();
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        rng.shuffle(order, rows);
        final int batches = batchesPerEpoch();
        double lossSum = 0;
        int correct = 0;
        for (int k = 0; k < batches; k++) {
            final int start = k * batchSize;
            final int n = Math.min(batchSize, rows - start);
            for (int b = 0; b < n; b++) {
                final int r = order[start + b];
                System.arraycopy(x, r * f, batchX, b * f, f);
                batchY[b] = y[r];
            }
            session.zeroGrad();
            final float loss = session.trainStep(batchX, 0, batchY, 0, n);
            session.optimizerStep();
            lossSum += (double) loss * n;
            correct += session.lastCorrect();
            listener.onBatch(epochsDone, k, batches, loss);
        }
        lastLoss = (float) (lossSum / rows);
        lastAccuracy = (float) correct / rows;
        listener.onEpoch(epochsDone, lastLoss, lastAccuracy);
        epochsDone++;
    }

    /** Loss and accuracy of the session's network on {@code test}, in chunks of the session's maxBatch. */
    public static Evaluation evaluate(TrainingSession session, Dataset test) {
        if (test.featureCount() != session.network().spec().inputs()) {
            throw new IllegalArgumentException("data has " + test.featureCount() + " features, network "
                    + session.network().spec() + " expects " + session.network().spec().inputs());
        }
        final int f = test.featureCount();
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < test.rows(); start += session.maxBatch()) {
            final int n = Math.min(session.maxBatch(), test.rows() - start);
            lossSum += (double) session.evalStep(test.features(), start * f, test.labels(), start, n) * n;
            correct += session.lastCorrect();
        }
        return new Evaluation(lossSum / test.rows(), correct, test.rows());
    }

    public int epochsDone() {
        return epochsDone;
    }

    /** For resuming from a checkpoint taken after {@code epochs} epochs. */
    public void setEpochsDone(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        this.epochsDone = epochs;
    }

    /** The shuffling generator's state, for checkpoints. */
    public long rngState() {
        return rng.state();
    }

    public void setRngState(long state) {
        rng.setState(state);
    }

    /** Mean training loss of the last epoch (NaN before the first). */
    public float lastLoss() {
        return lastLoss;
    }

    /** Training accuracy of the last epoch, measured on the mini-batches as they were trained. */
    public float lastAccuracy() {
        return lastAccuracy;
    }

    public TrainingSession session() {
        return session;
    }

    public int batchSize() {
        return batchSize;
    }
}
