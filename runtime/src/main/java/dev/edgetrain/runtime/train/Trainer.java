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
 * default), or, with {@link #setDivergenceRecovery}, lowers the learning rate and goes on. Whether an update
 * overflowed, the optimizer checks as it steps ({@link Optimizer#setUpdateCheck}, which this trainer turns on).
 *
 * <p>How the guard keeps those states without copying them every step: every few steps it copies the parameters,
 * the optimizer state and what else decides a step (learning-rate scale, trainable flags, dropout generator) into an
 * <em>anchor</em>, and it keeps the mini-batches since in a ring (they are drawn into it, not copied). The state at
 * the start of any step since the anchor is the anchor's with those steps run again: steps are deterministic, so
 * the restore is bit for bit the state the step started from. A write from outside the steps between two batches (a
 * listener that sets parameters, the rate, a trainable flag; see {@link TrainingSession#modifications()}), or an
 * optimizer step the trainer did not take, makes the next step take a new anchor first, so a replay never runs a
 * step under settings it was not taken with. Anchors are taken every {@code min(16, 2·state / batch)} steps
 * (state: parameters and optimizer slabs; batch: a mini-batch's values), so the ring holds at most about two states'
 * worth of rows; diverging costs at most that many steps again. All of it is allocated here.
 *
 * <p>Shuffling is seeded: each epoch the source draws its order from the trainer's {@link Rng} (a {@link Dataset}
 * restarts from the identity permutation and shuffles it), so the order depends only on the generator state,
 * which {@link #rngState()} exposes for checkpoints. The same seed, data and settings give bit-identical weights.
 */
public final class Trainer {
    /** The most steps between two anchors; see the class comment for how the interval is chosen. */
    static final int MAX_ANCHOR_INTERVAL = 16;
    private final TrainingSession session;
    private final BatchSource source;
    private final int batchSize;
    private final Rng rng;
    /** Steps between anchors, in {@code [1, MAX_ANCHOR_INTERVAL]}. */
    private final int anchorInterval;
    /**
     * The ring of the last {@code anchorInterval + 1} mini-batches, the one being trained included; slot
     * {@code position % slots} holds step {@code position}'s: rows {@code [slots][batchSize][features]}, labels
     * {@code [slots][batchSize]} (a labelled source, else {@code null}), targets
     * {@code [slots][batchSize][targetWidth]} (a target source, else {@code null}), row counts {@code [slots]}.
     */
    private final float[][] ringX;
    private final int[][] ringY;
    private final float[][] ringT;
    private final int[] ringRows;
    /** The two newest anchors; {@code anchors[newest]} is the newer. The older is kept for one step after. */
    private final Snapshot[] anchors;
    private int newest;
    /** The step the next {@link #step} trains: steps begun by this trainer, skipped ones included. */
    private long position;
    /** The step whose starting state a failed forward or backward pass restores. */
    private long goodPosition;
    /** {@link TrainingSession#modifications()} when the newest anchor was taken or the trainer last wrote. */
    private long expectedModifications;
    /** The optimizer's step count after this trainer's last step: more means someone else stepped it. */
    private long expectedOptimizerSteps;
    /** The session's trainable flags while a replay runs under an anchor's, {@code [layers]}. */
    private final boolean[] trainableNow;
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

    /**
     * A trainer over an in-memory set, through a cursor of its own ({@link Dataset#batches()}).
     *
     * @param session     the session to train; its optimizer's update check is turned on
     * @param data        the training rows, with labels or targets that suit the network's task
     * @param batchSize   rows per mini-batch, in {@code [1, session.maxBatch()]}; an epoch's last may be smaller
     * @param shuffleSeed the seed of the shuffling generator ({@link #rngState()})
     * @throws IllegalArgumentException when {@code session} or the data is null, the data does not fit the network
     *                                  (features, labels or targets for its task), it has no rows, or
     *                                  {@code batchSize} is out of range
     */
    public Trainer(TrainingSession session, Dataset data, int batchSize, long shuffleSeed) {
        this(session, (BatchSource) data, batchSize, shuffleSeed);
    }

    /**
     * A trainer over {@code source}, which it then owns: don't draw from it elsewhere while the trainer trains
     * ({@link #evaluate} between epochs is fine). A {@link Dataset} is drawn through a cursor of its own.
     *
     * @param session     the session to train; its optimizer's update check is turned on
     * @param source      the training rows, with labels or targets that suit the network's task
     * @param batchSize   rows per mini-batch, in {@code [1, session.maxBatch()]}; an epoch's last may be smaller
     * @param shuffleSeed the seed of the shuffling generator ({@link #rngState()})
     * @throws IllegalArgumentException when {@code session} or the data is null, the data does not fit the network
     *                                  (features, labels or targets for its task), it has no rows, or
     *                                  {@code batchSize} is out of range
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
        final int features = source.featureCount();
        final boolean labelled = source.classes() > 0;
        final int perRow = features + (labelled ? 1 : source.targetWidth());
        final long stateValues = (long) session.network().parameterCount()
                * (1 + session.optimizer().stateSlabCount());
        this.anchorInterval = (int) Math.max(1, Math.min(MAX_ANCHOR_INTERVAL,
                2 * stateValues / ((long) batchSize * perRow)));
        final int slots = anchorInterval + 1;
        this.ringX = new float[slots][batchSize * features];
        this.ringY = labelled ? new int[slots][batchSize] : null;
        this.ringT = labelled ? null : new float[slots][batchSize * source.targetWidth()];
        this.ringRows = new int[slots];
        this.anchors = new Snapshot[] {new Snapshot(session), new Snapshot(session)};
        this.trainableNow = new boolean[session.network().layout().layerCount()];
        this.epochStart = new Snapshot(session);
        this.runStart = new Snapshot(session);
        session.optimizer().setUpdateCheck(true);
    }

    /**
     * On divergence, restore the last good state, multiply the learning rate by {@code factor} and go on, at most
     * {@code maxTimes} times in all; {@code maxTimes = 0} (the default) stops at the first divergence.
     *
     * @param factor   what each recovery multiplies the optimizer's learning-rate scale by, in (0, 1), e.g. 0.5
     * @param maxTimes the most recoveries over this trainer's life ({@link #recoveries()} counts them), at least 0
     * @throws IllegalArgumentException when {@code factor} is not in (0, 1) or {@code maxTimes} is negative
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
     *
     * @param dp the DP-SGD epochs: their private session wraps this trainer's session
     * @throws IllegalArgumentException when {@code dp} is null or trains another session
     */
    public void makePrivate(PrivateTraining dp) {
        if (dp == null || dp.session().session() != session) {
            throw new IllegalArgumentException("private training must train this trainer's session");
        }
        this.privateTraining = dp;
    }

    /**
     * The DP-SGD epochs of {@link #makePrivate}, or {@code null} for ordinary training.
     *
     * @return the DP-SGD epochs, or {@code null}
     */
    public PrivateTraining privateTraining() {
        return privateTraining;
    }

    /** Steps between the guard's anchors (see the class comment). */
    int anchorInterval() {
        return anchorInterval;
    }

    /**
     * Divergences recovered from so far.
     *
     * @return the count so far; once it reaches {@link #setDivergenceRecovery}'s {@code maxTimes}, the next
     *         divergence throws
     */
    public int recoveries() {
        return recoveries;
    }

    /**
     * Rows per epoch: the source's.
     *
     * @return the source's {@link BatchSource#rows()}
     */
    public int rowsPerEpoch() {
        return source.rows();
    }

    /**
     * Mini-batches per epoch (the last one may be smaller).
     *
     * @return {@code ⌈rows / batchSize⌉}, or the DP-SGD steps per epoch after {@link #makePrivate}
     */
    public int batchesPerEpoch() {
        if (privateTraining != null) {
            return privateTraining.stepsPerEpoch();
        }
        return (int) (((long) source.rows() + batchSize - 1) / batchSize);
    }

    /**
     * Trains {@code epochs} more epochs, reporting to {@code listener}.
     *
     * @param epochs   how many epochs to run, at least 0
     * @param listener told of every batch, epoch and recovery; {@code null} for none
     * @throws IllegalArgumentException when {@code epochs} is negative, or the session rejects a mini-batch
     * @throws DivergenceException      when training diverges with no recovery left (the last good state is restored
     *                                  first), or at once under DP-SGD (the failing step updates nothing)
     */
    public void fit(int epochs, TrainingListener listener) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        for (int e = 0; e < epochs; e++) {
            runEpoch(l);
        }
    }

    /**
     * One epoch over the source in an order freshly drawn from the trainer's generator.
     *
     * @param listener told of every batch, the epoch's end and any recovery; {@code null} for none
     * @throws IllegalArgumentException when the session rejects a mini-batch
     * @throws DivergenceException      when training diverges with no recovery left (the last good state is restored
     *                                  first), or at once under DP-SGD (the failing step updates nothing)
     */
    public void runEpoch(TrainingListener listener) {
        if (listener == null) {
            runEpoch(TrainingListener.NONE);
            return;
        }
        if (privateTraining != null) {
            privateTraining.runEpoch(listener, epochsDone);
            lastLoss = privateTraining.lastLoss();
            lastAccuracy = privateTraining.lastAccuracy();
            listener.onEpoch(epochsDone, lastLoss, lastAccuracy);
            epochsDone++;
            return;
        }
        source.startEpoch(rng);
        if (!runStartSaved) {
            runStart.save(session);
            runStartSaved = true;
        }
        if (fallback == 0) {
            epochStart.save(session); // an epoch that ended recovering keeps the older, safer epoch start
        }
        goodPosition = position; // a failure in the epoch's first step restores the epoch's start
        anchor();
        final int batches = batchesPerEpoch();
        double lossSum = 0;
        int correct = 0;
        int counted = 0;
        int trained = 0;
        int n;
        for (int k = 0; (n = nextBatch()) > 0; k++) {
            final float loss = step(k, listener);
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

    /** Draws the next mini-batch into the ring slot of step {@link #position}; returns its rows, 0 at the end. */
    private int nextBatch() {
        final int slot = slot(position);
        final int n = source.nextBatch(ringX[slot], ringY == null ? null : ringY[slot],
                ringT == null ? null : ringT[slot], batchSize);
        ringRows[slot] = n;
        return n;
    }

    private int slot(long step) {
        return (int) (step % ringX.length);
    }

    /** {@code zeroGrad → trainStep} on the mini-batch of step {@code step}, from the ring. */
    private float trainStep(long step) {
        final int slot = slot(step);
        session.zeroGrad();
        return ringY != null ? session.trainStep(ringX[slot], 0, ringY[slot], 0, ringRows[slot])
                : session.trainStep(ringX[slot], 0, ringT[slot], 0, ringRows[slot]);
    }

    /**
     * One {@code zeroGrad → trainStep → optimizerStep} of step {@link #position} with the divergence guard. Returns
     * the loss, or NaN when the step diverged and training recovered.
     */
    private float step(int batchIndex, TrainingListener listener) {
        final long p = position;
        if (session.modifications() != expectedModifications || session.optimizer().steps() != expectedOptimizerSteps
                || p - anchors[newest].position >= anchorInterval) {
            // A listener wrote or stepped between batches, or the anchor is as old as the ring is long.
            anchor();
        }
        long restoreTo = goodPosition;
        String reason;
        long at;
        try {
            final float loss = trainStep(p);
            session.optimizerStep();
            final Optimizer opt = session.optimizer();
            // The optimizer's check covers the layers it updated, the only parameters a step can change (the
            // network accepts finite parameters only); the scan is the fallback if someone turned the check off.
            if (opt.updateCheck() ? opt.lastUpdateFinite() : session.network().firstNonFiniteParameter() < 0) {
                goodPosition = p; // the next step's failure restores this step's start
                position = p + 1;
                expectedOptimizerSteps = opt.steps();
                fallback = 0;
                return loss;
            }
            restoreTo = p; // its loss and gradients were finite; only the update overflowed
            at = opt.steps() - 1;
            final int bad = session.network().firstNonFiniteParameter();
            reason = "parameter " + (bad >= 0 ? session.network().layout().describe(bad) : "?")
                    + " overflowed in the update";
        } catch (DivergenceException e) {
            at = e.optimizerStep();
            reason = e.reason();
        }
        if (fallback == 1) {
            epochStart.restore(session);
        } else if (fallback >= 2) {
            runStart.restore(session);
        } else {
            restoreStartOf(restoreTo);
        }
        session.zeroGrad();
        position = p + 1; // the failed batch is skipped: the restored state is where the next step starts
        goodPosition = position;
        final long restoredSteps = session.optimizer().steps();
        if (recoveries >= maxRecoveries) {
            expectedModifications = session.modifications();
            expectedOptimizerSteps = restoredSteps;
            throw new DivergenceException("training diverged in epoch " + (epochsDone + 1) + ", batch "
                    + (batchIndex + 1) + ", optimizer step " + at + ": " + reason
                    + "; restored the parameters and optimizer state of step " + restoredSteps
                    + (maxRecoveries > 0 ? " after " + recoveries + " recoveries" : ""), at, reason);
        }
        recoveries++;
        fallback = Math.min(2, fallback + 1);
        final Optimizer opt = session.optimizer();
        opt.setLearningRateScale(opt.learningRateScale() * recoveryFactor);
        anchor(); // after the lower rate: the steps from here are taken with it
        listener.onRecovery(epochsDone, at, reason, opt.currentLearningRate());
        return Float.NaN;
    }

    /**
     * Copies the session's state and step settings into the older anchor, which becomes the newer, for step
     * {@link #position}. The older one is never still needed here: the step a failure would restore
     * ({@link #goodPosition}) is at or after the newer anchor whenever a step starts.
     */
    private void anchor() {
        if (goodPosition < anchors[newest].position) {
            throw new IllegalStateException("anchor at step " + position + " would drop the one step "
                    + goodPosition + " needs");
        }
        newest = 1 - newest;
        final Snapshot a = anchors[newest];
        a.save(session);
        a.saveSettings(session);
        a.position = position;
        expectedModifications = session.modifications();
        expectedOptimizerSteps = a.optimizerSteps;
    }

    /**
     * Puts the session in the state step {@code target} started from: the newest anchor at or before it, and the
     * steps from there to {@code target} run again from the ring under the anchor's settings, which are then set
     * back to the session's current ones (rate scale, trainable flags, dropout generator).
     */
    void restoreStartOf(long target) {
        final Snapshot a = anchors[newest].position <= target ? anchors[newest] : anchors[1 - newest];
        if (a.position > target || target - a.position >= ringX.length) {
            throw new IllegalStateException("no anchor to restore step " + target + " from (anchors at steps "
                    + anchors[0].position + " and " + anchors[1].position + ", ring of " + ringX.length + ")");
        }
        final Optimizer opt = session.optimizer();
        final double scaleNow = opt.learningRateScale();
        final long dropoutNow = session.dropoutRngState();
        for (int l = 0; l < trainableNow.length; l++) {
            trainableNow[l] = session.isTrainable(l);
        }
        a.restore(session);
        a.restoreSettings(session);
        for (long q = a.position; q < target; q++) {
            try {
                trainStep(q);
                session.optimizerStep();
            } catch (DivergenceException e) {
                throw new IllegalStateException("replaying step " + q + " diverged where it had not: " + e.reason(), e);
            }
            if (opt.updateCheck() && !opt.lastUpdateFinite()) {
                throw new IllegalStateException("replaying step " + q + " overflowed where it had not");
            }
        }
        opt.setLearningRateScale(scaleNow);
        session.setDropoutRngState(dropoutNow);
        for (int l = 0; l < trainableNow.length; l++) {
            if (session.isTrainable(l) != trainableNow[l]) {
                session.setTrainable(l, trainableNow[l]);
            }
        }
    }

    /**
     * A copy of a session's parameters, optimizer state slabs and step count, in arrays allocated once; for an
     * anchor also the settings its steps are taken with.
     */
    private static final class Snapshot {
        final float[] params;
        final float[][] state;
        long optimizerSteps;
        /** For an anchor: the step ({@link Trainer#position}) whose starting state it holds. */
        long position;
        double learningRateScale;
        long dropoutState;
        final boolean[] trainable;

        Snapshot(TrainingSession session) {
            params = new float[session.network().parameterCount()];
            Optimizer opt = session.optimizer();
            state = new float[opt.stateSlabCount()][];
            for (int k = 0; k < state.length; k++) {
                state[k] = new float[params.length];
            }
            trainable = new boolean[session.network().layout().layerCount()];
        }

        void save(TrainingSession session) {
            session.network().copyParameters(params, 0);
            Optimizer opt = session.optimizer();
            for (int k = 0; k < state.length; k++) {
                opt.copyStateSlab(k, state[k]);
            }
            optimizerSteps = opt.steps();
        }

        void saveSettings(TrainingSession session) {
            learningRateScale = session.optimizer().learningRateScale();
            dropoutState = session.dropoutRngState();
            for (int l = 0; l < trainable.length; l++) {
                trainable[l] = session.isTrainable(l);
            }
        }

        void restore(TrainingSession session) {
            session.network().setParameters(params);
            Optimizer opt = session.optimizer();
            for (int k = 0; k < state.length; k++) {
                System.arraycopy(state[k], 0, opt.stateSlab(k), 0, params.length);
            }
            opt.setSteps(optimizerSteps);
        }

        void restoreSettings(TrainingSession session) {
            session.optimizer().setLearningRateScale(learningRateScale);
            session.setDropoutRngState(dropoutState);
            for (int l = 0; l < trainable.length; l++) {
                if (session.isTrainable(l) != trainable[l]) {
                    session.setTrainable(l, trainable[l]);
                }
            }
        }
    }

    /**
     * Loss and accuracy of the session's network on {@code test}, in chunks of the session's maxBatch, without
     * dropout. The loss is the session's, averaged over rows.
     *
     * @param session the session whose network and loss to evaluate; its gradients and parameters are untouched
     * @param test    the rows, with labels or targets that suit the network's task
     * @return the mean loss per row and the accuracy counts
     * @throws IllegalArgumentException when {@code test} does not fit the network (features, labels or targets)
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
     *
     * @param session the session whose network and loss to evaluate; its gradients and parameters are untouched
     * @param test    the rows, with labels or targets that suit the network's task; an epoch of it is started
     * @return the mean loss per row and the accuracy counts
     * @throws IllegalArgumentException when {@code test} does not fit the network (features, labels or targets), or
     *                                  has no rows
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

    /**
     * Epochs finished.
     *
     * @return the epochs run by this trainer, counted on from {@link #setEpochsDone}
     */
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * For resuming from a checkpoint taken after {@code epochs} epochs.
     *
     * @param epochs the epochs already finished, at least 0; the listener's next epoch number
     * @throws IllegalArgumentException when {@code epochs} is negative
     */
    public void setEpochsDone(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        this.epochsDone = epochs;
    }

    /**
     * The shuffling generator's state, for checkpoints.
     *
     * @return the generator's whole state, for {@link #setRngState}
     */
    public long rngState() {
        return rng.state();
    }

    /**
     * Restores the shuffling generator's state saved by {@link #rngState()}.
     *
     * @param state a value {@link #rngState()} returned: the next epochs shuffle as they would have then
     */
    public void setRngState(long state) {
        rng.setState(state);
    }

    /**
     * Mean training loss of the last epoch (NaN before the first).
     *
     * @return the loss per row over the mini-batches trained (skipped ones left out); NaN when none was
     */
    public float lastLoss() {
        return lastLoss;
    }

    /**
     * Training accuracy of the last epoch, measured on the mini-batches as they were trained.
     *
     * @return a fraction in [0, 1]; NaN before the first epoch, for a regressor, or when no mini-batch was trained
     */
    public float lastAccuracy() {
        return lastAccuracy;
    }

    /**
     * The session this trainer steps.
     *
     * @return the session given to the constructor
     */
    public TrainingSession session() {
        return session;
    }

    /**
     * Rows per mini-batch.
     *
     * @return the constructor's {@code batchSize}
     */
    public int batchSize() {
        return batchSize;
    }
}
