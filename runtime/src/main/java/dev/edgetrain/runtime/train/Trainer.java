package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.Optimizer;

/**
 * The training loop over a {@link BatchSource} (an in-memory {@link Dataset}, or rows streamed from disk): epochs
 * of shuffled mini-batches, each one {@code zeroGrad → trainStep → optimizerStep}. The mini-batch buffers are
 * allocated here once; an epoch allocates nothing (the source's own buffers are allocated by it, at the latest in
 * its first epoch).
 *
 * <p>Divergence: when a step's loss or gradient, or a parameter after an update, is not finite, the trainer
 * restores the last good parameters and optimizer state (those of the last step whose loss and gradients
 * were finite) and either stops with a {@link DivergenceException} that names the epoch and step (the
 * default), or, with {@link #setDivergenceRecovery}, lowers the learning rate and goes on. The two snapshots
 * this takes are allocated here; keeping them costs one copy of the parameters and optimizer state a step. Whether
 * an update overflowed, the optimizer checks as it steps ({@link Optimizer#setUpdateCheck}, which this trainer turns
 * on for its session's optimizer).
 *
 * <p>Shuffling is seeded: each epoch the source draws its order from the trainer's {@link Rng} (a {@link Dataset}
 * restarts from the identity permutation and shuffles it), so the order depends only on the generator state,
 * which {@link #rngState()} exposes for checkpoints. The same seed, data and settings give bit-identical weights.
 */
public final class Trainer {
    private final TrainingSession session;
    private final BatchSource source;
    private final int batchSize;
    private final Rng rng;
    /** The mini-batch being trained, {@code [batchSize][features]}. */
    private final float[] batchX;
    /** Its labels {@code [batchSize]} (a labelled source), or {@code null}. */
    private final int[] batchY;
    /** Its targets {@code [batchSize][targetWidth]} (a target source), or {@code null}. */
    private final float[] batchT;
    /** Parameters {@code [params]} and optimizer state slabs of the last good step, and of the step in flight. */
    private Snapshot good;
    private Snapshot pending;
    /**
     * Fallbacks when a restored state diverges again at once (its weights are finite but already too large):
     * the state at the start of the epoch, then the state at the start of this trainer's first epoch.
     */
    private final Snapshot epochStart;
    private final Snapshot runStart;
    private boolean runStartSaved;
    /** How far back the next recovery restores: 0 the last good step, 1 the epoch start, 2 the run start. */
    private int fallback;
    private double recoveryFactor;
    private int maxRecoveries;
    private int recoveries;
    private int epochsDone;
    private float lastLoss = Float.NaN;
    private float lastAccuracy = Float.NaN;
    /** DP-SGD epochs in place of shuffled mini-batches, or {@code null}. */
    private PrivateTraining privateTraining;

    /** A trainer over an in-memory set, through a cursor of its own ({@link Dataset#batches()}). */
    public Trainer(TrainingSession session, Dataset data, int batchSize, long shuffleSeed) {
        this(session, (BatchSource) data, batchSize, shuffleSeed);
    }

    /**
     * A trainer over {@code source}, which it then owns: don't draw from it elsewhere while the trainer trains
     * ({@link #evaluate} between epochs is fine). A {@link Dataset} is drawn through a cursor of its own.
     */
    public Trainer(TrainingSession session, BatchSource source, int batchSize, long shuffleSeed) {
        if (session == null || source == null) {
            throw new IllegalArgumentException("session and data must not be null");
        }
        checkFits(session.network().spec(), source);
        if (batchSize < 1 || batchSize > session.maxBatch()) {
            throw new IllegalArgumentException("batch size must be in [1, " + session.maxBatch()
                    + "] (the session's maxBatch), got " + batchSize);
        }
        if (source.rows() < 1) {
            throw new IllegalArgumentException("the training data has no rows: expected at least one");
        }
        this.session = session;
        this.source = source instanceof Dataset ? ((Dataset) source).batches() : source;
        this.batchSize = batchSize;
        this.rng = new Rng(shuffleSeed);
        this.batchX = new float[batchSize * source.featureCount()];
        this.batchY = source.classes() > 0 ? new int[batchSize] : null;
        this.batchT = source.classes() > 0 ? null : new float[batchSize * source.targetWidth()];
        this.good = new Snapshot(session);
        this.pending = new Snapshot(session);
        this.epochStart = new Snapshot(session);
        this.runStart = new Snapshot(session);
        session.optimizer().setUpdateCheck(true);
    }

    /**
     * On divergence, restore the last good state, multiply the learning rate by {@code factor} and go on, at most
     * {@code maxTimes} times in all; {@code maxTimes = 0} (the default) stops at the first divergence.
     */
    public void setDivergenceRecovery(double factor, int maxTimes) {
        if (!(factor > 0 && factor < 1) || maxTimes < 0) {
            throw new IllegalArgumentException("recovery needs a factor in (0, 1) and maxTimes >= 0, got " + factor
                    + " and " + maxTimes);
        }
        this.recoveryFactor = factor;
        this.maxRecoveries = maxTimes;
    }

    /**
     * Trains with DP-SGD from now on: each epoch is {@code dp}'s Poisson-sampled noisy steps instead of shuffled
     * mini-batches (listeners, {@link #lastLoss()}, {@link #lastAccuracy()} and {@link #epochsDone()} work as
     * before; a step's {@code onBatch} reports its mean loss, NaN for an empty batch). {@code dp} must train this
     * trainer's session. A divergence is not recovered from: restoring an earlier state and retrying would spend
     * privacy the accountant does not see, so it stops training with the {@link DivergenceException}.
     */
    public void makePrivate(PrivateTraining dp) {
        if (dp == null || dp.session().session() != session) {
            throw new IllegalArgumentException("private training must train this trainer's session");
        }
        this.privateTraining = dp;
    }

    /** The DP-SGD epochs of {@link #makePrivate}, or {@code null} for ordinary training. */
    public PrivateTraining privateTraining() {
        return privateTraining;
    }

    /** Divergences recovered from so far. */
    public int recoveries() {
        return recoveries;
    }

    /** Rows per epoch: the source's. */
    public int rowsPerEpoch() {
        return source.rows();
    }

    /** Mini-batches per epoch (the last one may be smaller). */
    public int batchesPerEpoch() {
        if (privateTraining != null) {
            return privateTraining.stepsPerEpoch();
        }
        return (int) (((long) source.rows() + batchSize - 1) / batchSize);
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

    /** One epoch over the source in an order freshly drawn from the trainer's generator. */
    public void runEpoch(TrainingListener listener) {
        if (privateTraining != null) {
            privateTraining.runEpoch(listener, epochsDone);
            lastLoss = privateTraining.lastLoss();
            lastAccuracy = privateTraining.lastAccuracy();
            listener.onEpoch(epochsDone, lastLoss, lastAccuracy);
            epochsDone++;
            return;
        }
        source.startEpoch(rng);
        good.save(session);
        if (!runStartSaved) {
            runStart.save(session);
            runStartSaved = true;
        }
        if (fallback == 0) {
            epochStart.save(session); // an epoch that ended recovering keeps the older, safer epoch start
        }
        final int batches = batchesPerEpoch();
        double lossSum = 0;
        int correct = 0;
        int counted = 0;
        int trained = 0;
        int n;
        for (int k = 0; (n = source.nextBatch(batchX, batchY, batchT, batchSize)) > 0; k++) {
            final float loss = step(n, k, listener);
            if (Float.isNaN(loss)) {
                continue; // recovered from a divergence: the batch is skipped
            }
            lossSum += (double) loss * n;
            correct += session.lastCorrect();
            counted += session.lastCounted();
            trained += n;
            listener.onBatch(epochsDone, k, batches, loss);
        }
        // Over the rows actually trained: batches skipped by a divergence recovery don't count.
        lastLoss = trained == 0 ? Float.NaN : (float) (lossSum / trained);
        lastAccuracy = counted == 0 ? Float.NaN : (float) correct / counted;
        listener.onEpoch(epochsDone, lastLoss, lastAccuracy);
        epochsDone++;
    }

    /**
     * One {@code zeroGrad → trainStep → optimizerStep} with the divergence guard. Returns the loss, or NaN when
     * the step diverged and training recovered.
     */
    private float step(int n, int batchIndex, TrainingListener listener) {
        Snapshot restoreTo = good;
        String reason;
        long at;
        try {
            session.zeroGrad();
            final float loss = batchY != null ? session.trainStep(batchX, 0, batchY, 0, n)
                    : session.trainStep(batchX, 0, batchT, 0, n);
            pending.save(session);
            session.optimizerStep();
            final Optimizer opt = session.optimizer();
            // The optimizer's check covers the layers it updated, the only parameters a step can change (the
            // network accepts finite parameters only); the scan is the fallback if someone turned the check off.
            if (opt.updateCheck() ? opt.lastUpdateFinite() : session.network().firstNonFiniteParameter() < 0) {
                final Snapshot t = good; // the step's starting point is now the last good state
                good = pending;
                pending = t;
                fallback = 0;
                return loss;
            }
            restoreTo = pending; // its loss and gradients were finite; only the update overflowed
            at = opt.steps() - 1;
            final int bad = session.network().firstNonFiniteParameter();
            reason = "parameter " + (bad >= 0 ? session.network().layout().describe(bad) : "?")
                    + " overflowed in the update";
        } catch (DivergenceException e) {
            at = e.optimizerStep();
            reason = e.reason();
        }
        if (fallback == 1) {
            restoreTo = epochStart;
        } else if (fallback >= 2) {
            restoreTo = runStart;
        }
        restoreTo.restore(session);
        good.save(session);
        session.zeroGrad();
        if (recoveries >= maxRecoveries) {
            throw new DivergenceException("training diverged in epoch " + (epochsDone + 1) + ", batch " + (batchIndex + 1)
                    + ", optimizer step " + at + ": " + reason + "; restored the parameters and optimizer state of step "
                    + restoreTo.steps + (maxRecoveries > 0 ? " after " + recoveries + " recoveries" : ""), at,
                    reason);
        }
        recoveries++;
        fallback = Math.min(2, fallback + 1);
        final Optimizer opt = session.optimizer();
        opt.setLearningRateScale(opt.learningRateScale() * recoveryFactor);
        listener.onRecovery(epochsDone, at, reason, opt.currentLearningRate());
        return Float.NaN;
    }

    /** Parameters, optimizer state and step count, in arrays allocated once. */
    private static final class Snapshot {
        final float[] params;
        final float[][] state;
        long steps;

        Snapshot(TrainingSession session) {
            params = new float[session.network().parameterCount()];
            Optimizer opt = session.optimizer();
            state = new float[opt.stateSlabCount()][];
            for (int k = 0; k < state.length; k++) {
                state[k] = new float[params.length];
            }
        }

        void save(TrainingSession session) {
            session.network().copyParameters(params, 0);
            Optimizer opt = session.optimizer();
            for (int k = 0; k < state.length; k++) {
                System.arraycopy(opt.stateSlab(k), 0, state[k], 0, params.length);
            }
            steps = opt.steps();
        }

        void restore(TrainingSession session) {
            session.network().setParameters(params);
            Optimizer opt = session.optimizer();
            for (int k = 0; k < state.length; k++) {
                System.arraycopy(state[k], 0, opt.stateSlab(k), 0, params.length);
            }
            opt.setSteps(steps);
        }
    }

    /**
     * Loss and accuracy of the session's network on {@code test}, in chunks of the session's maxBatch, without
     * dropout. The loss is the session's, averaged over rows.
     */
    public static Evaluation evaluate(TrainingSession session, Dataset test) {
        checkFits(session.network().spec(), test);
        final int f = test.featureCount();
        final int tw = test.targetWidth();
        double lossSum = 0;
        int correct = 0;
        int counted = 0;
        for (int start = 0; start < test.rows(); start += session.maxBatch()) {
            final int n = Math.min(session.maxBatch(), test.rows() - start);
            final float loss = test.hasLabels()
                    ? session.evalStep(test.features(), start * f, test.labels(), start, n)
                    : session.evalStep(test.features(), start * f, test.targets(), start * tw, n);
            lossSum += (double) loss * n;
            correct += session.lastCorrect();
            counted += session.lastCounted();
        }
        return new Evaluation(lossSum / test.rows(), correct, counted, test.rows());
    }

    /**
     * As {@link #evaluate(TrainingSession, Dataset)} over the rows of {@code test} in stored order (it starts an
     * epoch of the source with no generator). Allocates one chunk of maxBatch rows; a {@link Dataset} is read in
     * place.
     */
    public static Evaluation evaluate(TrainingSession session, BatchSource test) {
        if (test instanceof Dataset) {
            return evaluate(session, (Dataset) test);
        }
        checkFits(session.network().spec(), test);
        final int chunk = session.maxBatch();
        final float[] x = new float[chunk * test.featureCount()]; // [chunk][features]
        final int[] y = test.classes() > 0 ? new int[chunk] : null; // [chunk]
        final float[] t = y == null ? new float[chunk * test.targetWidth()] : null; // [chunk][targetWidth]
        double lossSum = 0;
        int correct = 0;
        int counted = 0;
        int rows = 0;
        test.startEpoch(null);
        int n;
        while ((n = test.nextBatch(x, y, t, chunk)) > 0) {
            final float loss = y != null ? session.evalStep(x, 0, y, 0, n) : session.evalStep(x, 0, t, 0, n);
            lossSum += (double) loss * n;
            correct += session.lastCorrect();
            counted += session.lastCounted();
            rows += n;
        }
        if (rows == 0) {
            throw new IllegalArgumentException("the evaluation data has no rows: expected at least one");
        }
        return new Evaluation(lossSum / rows, correct, counted, rows);
    }

    /**
     * Whether {@code data} can train or test a network of {@code spec}: features, and labels or targets that suit
     * its task.
     */
    static void checkFits(NetworkSpec spec, BatchSource data) {
        if (data.featureCount() != spec.inputs()) {
            throw new IllegalArgumentException("data has " + data.featureCount() + " features, network " + spec
                    + " expects " + spec.inputs());
        }
        final Task task = spec.task();
        if (data.classes() > 0) {
            final int classes = task == Task.BINARY ? 2 : spec.outputs();
            if (!task.hasClassLabels()) {
                throw new IllegalArgumentException("data has class labels, the " + task + " network " + spec
                        + " needs targets [rows][" + spec.outputs() + "]");
            }
            if (data.classes() != classes) {
                throw new IllegalArgumentException("data has " + data.classes() + " classes, network " + spec
                        + " has " + classes);
            }
        } else {
            if (task == Task.CLASSIFY) {
                throw new IllegalArgumentException("data has real-valued targets, the classifier " + spec
                        + " needs class labels");
            }
            if (data.targetWidth() != spec.outputs()) {
                throw new IllegalArgumentException("data has " + data.targetWidth() + " targets per row, network "
                        + spec + " has " + spec.outputs() + " outputs");
            }
        }
    }

    /** Epochs finished. */
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

    /** Restores the shuffling generator's state saved by {@link #rngState()}. */
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

    /** The session this trainer steps. */
    public TrainingSession session() {
        return session;
    }

    /** Rows per mini-batch. */
    public int batchSize() {
        return batchSize;
    }
}
