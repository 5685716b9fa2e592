package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.RegressionLoss;
import dev.edgetrain.runtime.kernels.SigmoidCrossEntropy;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;
import dev.edgetrain.runtime.optim.Optimizer;
import dev.edgetrain.runtime.optim.OptimizerConfig;

/**
 * Trains a {@link Network} in onnxruntime's training vocabulary:
 * <pre>{@code
 * TrainingSession session = new TrainingSession(network, 32, OptimizerConfig.adam(1e-3f));
 * float loss = session.trainStep(x, labels, batch);   // forward + backward; gradients accumulate
 * session.optimizerStep();                           // update parameters from gradients
 * session.zeroGrad();
 * }</pre>
 * Owns a {@link Workspace} for {@code maxBatch} rows, the optimizer's state and the dropout generator; once
 * constructed, none of its steps allocate. The loss is a {@link Loss} that suits the network's {@link Task}
 * ({@link Loss#defaultFor} unless given): for the founding classifier the mean cross-entropy
 * {@code −(1/batch) Σ_b log P[b][c_b]}, i.e. the objective {@code J = log P_c}, negated and averaged; descending
 * it ascends {@code J}.
 *
 * <p>Targets: class indices ({@code int[]}) for {@link Task#CLASSIFY} and {@link Task#BINARY} (0 or 1); values
 * {@code [batch][outputs]} ({@code float[]}) for {@link Task#BINARY} and {@link Task#MULTILABEL} (in [0, 1]) and
 * {@link Task#REGRESS}.
 *
 * <p>Every argument is checked before anything changes; a rejected step leaves parameters, gradients and
 * optimizer state as they were. Not thread-safe.
 */
public final class TrainingSession {
    /** The dropout generator's seed until {@link #setDropoutSeed} is called. */
    public static final long DEFAULT_DROPOUT_SEED = 0x5EEDD809L;

    private final Network network;
    private final Workspace ws;
    private final Optimizer optimizer;
    private final ParameterLayout layout;
    private final Loss loss;
    /** Per dense layer: whether its parameters get gradients and updates. */
    private final boolean[] trainable;
    /** Lowest trainable layer; the backward pass stops there. -1 when everything is frozen. */
    private int lowestTrainable;
    /** Draws the dropout masks of training passes; its state goes into checkpoints. */
    private final Rng dropout = new Rng(DEFAULT_DROPOUT_SEED);
    /** Writes of the trainable flags and the dropout generator ({@link #modifications()}). */
    private long modifications;
    private int lastCorrect;
    private int lastCounted;
    private int lastBatch;
    /** What the last forward pass's loss is a mean over: {@code Σ w} or {@code batch × outputs}. */
    private double lastNormaliser;
    /** With a pool: one layer's backward pass as a task, filled before each dispatch; {@code null} without. */
    private final Passes.BackwardTask backwardTask;

    /**
     * A session of {@code network} for up to {@code maxBatch} rows, trained with {@code optimizer}.
     *
     * @param network   the network to train; {@link #optimizerStep} updates its parameters in place
     * @param maxBatch  the most rows a step takes, at least 1
     * @param optimizer the update rule and its settings; the session creates its own optimizer from it
     * @throws IllegalArgumentException when {@code network} or {@code optimizer} is null or {@code maxBatch} is out
     *                                  of range
     */
    public TrainingSession(Network network, int maxBatch, OptimizerConfig optimizer) {
        this(network, maxBatch, optimizer, null, null);
    }

    /**
     * A session whose steps over large batches are split over {@code pool}'s threads: the forward pass by batch
     * rows, each layer's weight gradient by its output rows, its input gradient by batch rows. {@code null} runs
     * everything on the calling thread, as {@link #TrainingSession(Network, int, OptimizerConfig)}. Results
     * are the same either way, to the bit: every row's arithmetic is the same whoever computes it.
     *
     * @param network   the network to train; {@link #optimizerStep} updates its parameters in place
     * @param maxBatch  the most rows a step takes, at least 1
     * @param optimizer the update rule and its settings; the session creates its own optimizer from it
     * @param pool      the threads to split steps over, or {@code null}; it may be shared with other sessions
     * @throws IllegalArgumentException when {@code network} or {@code optimizer} is null or {@code maxBatch} is out
     *                                  of range
     */
    public TrainingSession(Network network, int maxBatch, OptimizerConfig optimizer, ComputePool pool) {
        this(network, maxBatch, optimizer, null, pool);
    }

    /**
     * A session minimising {@code loss} ({@code null}: {@link Loss#defaultFor} the network's task), optionally
     * split over {@code pool}.
     *
     * @param network   the network to train; {@link #optimizerStep} updates its parameters in place
     * @param maxBatch  the most rows a step takes, at least 1
     * @param optimizer the update rule and its settings; the session creates its own optimizer from it
     * @param loss      what to minimise, suited to the network's task; {@code null} for the task's default
     * @param pool      the threads to split steps over, or {@code null}
     * @throws IllegalArgumentException when {@code network} or {@code optimizer} is null, {@code maxBatch} is out
     *                                  of range, or {@code loss} does not suit the network's task or has class
     *                                  weights for other classes
     */
    public TrainingSession(Network network, int maxBatch, OptimizerConfig optimizer, Loss loss, ComputePool pool) {
        if (network == null || optimizer == null) {
            throw new IllegalArgumentException("network and optimizer config must not be null");
        }
        this.loss = loss == null ? Loss.defaultFor(network.spec().task()) : loss;
        String mismatch = this.loss.mismatch(network.spec());
        if (mismatch != null) {
            throw new IllegalArgumentException(mismatch);
        }
        this.network = network;
        this.layout = network.layout();
        this.ws = new Workspace(network.spec(), maxBatch, pool);
        this.backwardTask = pool == null ? null : new Passes.BackwardTask();
        this.optimizer = optimizer.create(layout.size(), network.kernels());
        if (pool != null) {
            this.optimizer.prepareParts(pool.threads());
        }
        this.trainable = new boolean[layout.layerCount()];
        java.util.Arrays.fill(trainable, true);
        this.lowestTrainable = 0;
    }

    /**
     * Forward and backward over {@code batch} rows: {@code x [batch][inputs]} from {@code xOffset}, class indices
     * {@code labels [batch]} from {@code labelOffset} (a classifier's classes, or 0/1 for a binary network). Adds
     * the gradient of the mean loss to the gradient slab (call {@link #zeroGrad()} between steps unless
     * accumulating on purpose) and returns the mean loss.
     *
     * @param x           {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset     where row 0 starts in {@code x}
     * @param labels      {@code [batch]} from {@code labelOffset}: classes in {@code [0, classes)}, or 0/1 for a
     *                    binary network
     * @param labelOffset where row 0's label is in {@code labels}
     * @param batch       rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch (with class weights, a classifier's sum is divided by the rows' summed
     *         weights instead of {@code batch}, as PyTorch does)
     * @throws IllegalArgumentException for a bad shape, a non-finite input, a label outside the classes, a network
     *                                  whose task has no class labels, or rows whose class weights are all 0
     * @throws DivergenceException      when the loss is not finite (gradients are then left untouched)
     */
    public float trainStep(float[] x, int xOffset, int[] labels, int labelOffset, int batch) {
        requireLabels();
        return train(forwardLoss(x, xOffset, labels, labelOffset, null, 0, batch, true), labels, labelOffset, null, 0,
                batch);
    }

    /**
     * {@link #trainStep(float[], int, int[], int, int)} from offset 0 of both arrays.
     *
     * @param x      {@code [batch][inputs]} from index 0, all finite
     * @param labels {@code [batch]} from index 0: classes, or 0/1 for a binary network
     * @param batch  rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch
     * @throws IllegalArgumentException as {@link #trainStep(float[], int, int[], int, int)}
     * @throws DivergenceException      when the loss is not finite (gradients are then left untouched)
     */
    public float trainStep(float[] x, int[] labels, int batch) {
        return trainStep(x, 0, labels, 0, batch);
    }

    /**
     * Forward and backward over {@code batch} rows with real-valued targets {@code [batch][outputs]} from
     * {@code targetOffset}: probabilities in [0, 1] for a binary or multi-label network, any finite values for a
     * regressor. Otherwise as {@link #trainStep(float[], int, int[], int, int)}.
     *
     * @param x            {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset      where row 0 starts in {@code x}
     * @param targets      {@code [batch][outputs]} from {@code targetOffset}: probabilities in [0, 1] for a binary
     *                     or multi-label network, finite values for a regressor
     * @param targetOffset where row 0's targets start in {@code targets}
     * @param batch        rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch's values ({@code batch × outputs})
     * @throws IllegalArgumentException for a bad shape, a non-finite input, a target that is not a probability (binary,
     *                                  multi-label) or not finite (regressor), {@code null} targets, or a classifier
     * @throws DivergenceException      when the loss is not finite (gradients are then left untouched)
     */
    public float trainStep(float[] x, int xOffset, float[] targets, int targetOffset, int batch) {
        requireTargets(targets);
        return train(forwardLoss(x, xOffset, null, 0, targets, targetOffset, batch, true), null, 0, targets,
                targetOffset, batch);
    }

    /**
     * {@link #trainStep(float[], int, float[], int, int)} from offset 0 of both arrays.
     *
     * @param x       {@code [batch][inputs]} from index 0, all finite
     * @param targets {@code [batch][outputs]} from index 0
     * @param batch   rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch's values
     * @throws IllegalArgumentException as {@link #trainStep(float[], int, float[], int, int)}
     * @throws DivergenceException      when the loss is not finite (gradients are then left untouched)
     */
    public float trainStep(float[] x, float[] targets, int batch) {
        return trainStep(x, 0, targets, 0, batch);
    }

    private float train(double lossSum, int[] labels, int labelOffset, float[] targets, int targetOffset, int batch) {
        final float meanLoss = (float) (lossSum / lastNormaliser);
        if (!(Math.abs(meanLoss) <= Float.MAX_VALUE)) {
            throw new DivergenceException("loss is " + meanLoss + " at optimizer step " + optimizer.steps()
                    + ": the network has diverged (lower the learning rate or clip gradients);"
                    + " gradients left unchanged",
                    optimizer.steps(), "loss is " + meanLoss);
        }
        if (lowestTrainable >= 0) {
            lossBackward(labels, labelOffset, targets, targetOffset, batch, (float) (1.0 / lastNormaliser));
            Passes.backward(network, ws, trainable, lowestTrainable, batch, backwardTask);
        }
        return meanLoss;
    }

    /**
     * The mean loss of {@code batch} rows with class labels, without gradients or dropout. Same checks as
     * {@link #trainStep}.
     *
     * @param x           {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset     where row 0 starts in {@code x}
     * @param labels      {@code [batch]} from {@code labelOffset}: classes in {@code [0, classes)}, or 0/1 for a
     *                    binary network
     * @param labelOffset where row 0's label is in {@code labels}
     * @param batch       rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch, as a train step's; not checked for finiteness (NaN or infinity when
     *         the network has diverged)
     * @throws IllegalArgumentException for a bad shape, a non-finite input, a label outside the classes, a network
     *                                  whose task has no class labels, or rows whose class weights are all 0
     */
    public float evalStep(float[] x, int xOffset, int[] labels, int labelOffset, int batch) {
        requireLabels();
        return (float) (forwardLoss(x, xOffset, labels, labelOffset, null, 0, batch, false) / lastNormaliser);
    }

    /**
     * The mean loss of {@code batch} rows with class labels, read from the start of the arrays.
     *
     * @param x      {@code [batch][inputs]} from index 0, all finite
     * @param labels {@code [batch]} from index 0: classes, or 0/1 for a binary network
     * @param batch  rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch, not checked for finiteness
     * @throws IllegalArgumentException as {@link #evalStep(float[], int, int[], int, int)}
     */
    public float evalStep(float[] x, int[] labels, int batch) {
        return evalStep(x, 0, labels, 0, batch);
    }

    /**
     * The mean loss of {@code batch} rows with targets {@code [batch][outputs]}, without gradients or dropout.
     *
     * @param x            {@code [batch][inputs]} from {@code xOffset}, all finite
     * @param xOffset      where row 0 starts in {@code x}
     * @param targets      {@code [batch][outputs]} from {@code targetOffset}: probabilities in [0, 1] for a binary
     *                     or multi-label network, finite values for a regressor
     * @param targetOffset where row 0's targets start in {@code targets}
     * @param batch        rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch's values, not checked for finiteness
     * @throws IllegalArgumentException for a bad shape, a non-finite input, a target that is not a probability (binary,
     *                                  multi-label) or not finite (regressor), {@code null} targets, or a classifier
     */
    public float evalStep(float[] x, int xOffset, float[] targets, int targetOffset, int batch) {
        requireTargets(targets);
        return (float) (forwardLoss(x, xOffset, null, 0, targets, targetOffset, batch, false) / lastNormaliser);
    }

    /**
     * The mean loss of {@code batch} rows with targets, read from the start of the arrays.
     *
     * @param x       {@code [batch][inputs]} from index 0, all finite
     * @param targets {@code [batch][outputs]} from index 0
     * @param batch   rows, in {@code [1, maxBatch()]}
     * @return the mean loss over the batch's values, not checked for finiteness
     * @throws IllegalArgumentException as {@link #evalStep(float[], int, float[], int, int)}
     */
    public float evalStep(float[] x, float[] targets, int batch) {
        return evalStep(x, 0, targets, 0, batch);
    }

    /**
     * What the last train or eval step got right: rows whose predicted class is the label (classify, binary), or
     * outputs on the right side of ½ (multilabel); 0 for a regressor.
     *
     * @return the count, out of {@link #lastCounted()}
     */
    public int lastCorrect() {
        return lastCorrect;
    }

    /**
     * What {@link #lastCorrect()} counts out of: rows, or rows × outputs for multilabel; 0 for a regressor.
     *
     * @return the count
     */
    public int lastCounted() {
        return lastCounted;
    }

    /**
     * Rows in the last train or eval step.
     *
     * @return the rows, 0 before the first step
     */
    public int lastBatch() {
        return lastBatch;
    }

    /**
     * Updates the trainable layers' parameters from the accumulated gradients.
     *
     * @throws DivergenceException when a gradient is not finite; nothing is changed then
     */
    public void optimizerStep() {
        final ComputePool pool = ws.pool;
        if (pool != null && pool.threads() > 1 && network.weightCount >= Passes.PARALLEL_MIN_WEIGHTS) {
            optimizer.beginStep(network.params, network.gradients(), layout, trainable);
            pool.run(OPTIMIZER_PART, this);
            optimizer.endStep(pool.threads());
        } else {
            optimizer.step(network.params, network.gradients(), layout, trainable);
        }
        network.refreshDerived(trainable, pool);
    }

    /** Part {@code p} of an optimizer step split over the pool: the same arithmetic on its share of the slab. */
    private static final ComputePool.Task<TrainingSession> OPTIMIZER_PART = new ComputePool.Task<TrainingSession>() {
        @Override
        public void run(TrainingSession s, int part, int parts) {
            s.optimizer.stepPart(s.network.params, s.network.gradients(), s.layout, s.trainable, part, parts);
        }
    };

    /** Sets every gradient to zero. */
    public void zeroGrad() {
        network.zeroGradients();
    }

    /**
     * Freezes ({@code false}) or unfreezes dense layer {@code layer}: a frozen layer gets no gradient or update.
     *
     * @param layer       the dense layer, in {@code [0, network().layout().layerCount())}
     * @param isTrainable {@code true} to train the layer, {@code false} to freeze it
     * @throws IllegalArgumentException when {@code layer} is not a layer of the network
     */
    public void setTrainable(int layer, boolean isTrainable) {
        if (layer < 0 || layer >= trainable.length) {
            throw new IllegalArgumentException("layer must be in [0, " + trainable.length + "), got " + layer);
        }
        trainable[layer] = isTrainable;
        modifications++;
        lowestTrainable = -1;
        for (int l = 0; l < trainable.length; l++) {
            if (trainable[l]) {
                lowestTrainable = l;
                break;
            }
        }
    }

    /** Freezes every layer but the output layer: the usual on-device personalisation. */
    public void trainOnlyLastLayer() {
        for (int l = 0; l < trainable.length; l++) {
            setTrainable(l, l == trainable.length - 1);
        }
    }

    /**
     * Whether layer {@code layer}'s parameters are updated.
     *
     * @param layer the dense layer, in {@code [0, network().layout().layerCount())}
     * @return {@code false} when the layer is frozen
     * @throws IllegalArgumentException when {@code layer} is not a layer of the network
     */
    public boolean isTrainable(int layer) {
        if (layer < 0 || layer >= trainable.length) {
            throw new IllegalArgumentException("layer must be in [0, " + trainable.length + "), got " + layer);
        }
        return trainable[layer];
    }

    /**
     * Restarts the dropout generator from {@code seed} (it starts from {@link #DEFAULT_DROPOUT_SEED}).
     *
     * @param seed the generator's new state: the same seed draws the same dropout masks
     */
    public void setDropoutSeed(long seed) {
        dropout.setState(seed);
        modifications++;
    }

    /**
     * The dropout generator's state, for checkpoints.
     *
     * @return the generator's whole state, for {@link #setDropoutRngState}
     */
    public long dropoutRngState() {
        return dropout.state();
    }

    /**
     * Restores the dropout generator's state saved by {@link #dropoutRngState()}.
     *
     * @param state a value {@link #dropoutRngState()} returned
     */
    public void setDropoutRngState(long state) {
        dropout.setState(state);
        modifications++;
    }

    /**
     * How many times what decides this session's steps was set from outside them: the network's parameters
     * ({@link Network#modifications()}), the optimizer's state and settings ({@link Optimizer#modifications()}), the
     * trainable flags and the dropout generator. A counter that only grows; {@link #trainStep}, {@link #evalStep},
     * {@link #optimizerStep} and {@link #zeroGrad} leave it as it is. A {@link dev.edgetrain.runtime.train.Trainer}
     * compares it between steps to know whether the steps since its last copy of the state can be run again.
     *
     * @return the count so far
     */
    public long modifications() {
        return network.modifications() + optimizer.modifications() + modifications;
    }

    /**
     * The network being trained.
     *
     * @return the network given to the constructor (not a copy)
     */
    public Network network() {
        return network;
    }

    /**
     * The optimizer.
     *
     * @return the session's own optimizer, made from the constructor's config for the network's parameters
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * The loss.
     *
     * @return the loss the steps compute: the constructor's, or {@link Loss#defaultFor} the network's task
     */
    public Loss loss() {
        return loss;
    }

    /**
     * The buffers of the passes.
     *
     * @return the session's workspace, for {@code maxBatch()} rows; after a step it holds that step's outputs
     */
    public Workspace workspace() {
        return ws;
    }

    /**
     * Most rows a step can take.
     *
     * @return the constructor's {@code maxBatch}
     */
    public int maxBatch() {
        return ws.maxBatch;
    }

    /** The trainable flags themselves, one per layer (for {@link PrivateTrainingSession}; not to be changed). */
    boolean[] trainableFlags() {
        return trainable;
    }

    /** What the last forward pass's summed loss is divided by for its mean. */
    double lastNormaliser() {
        return lastNormaliser;
    }

    /** The lowest trainable layer, or -1 when everything is frozen. */
    int lowestTrainable() {
        return lowestTrainable;
    }

    /** The pool's backward task, or {@code null} without a pool. */
    Passes.BackwardTask backwardTask() {
        return backwardTask;
    }

    void requireLabels() {
        if (!network.spec().task().hasClassLabels()) {
            throw new IllegalArgumentException("a " + network.spec().task() + " network trains on targets [batch]["
                    + network.spec().outputs() + "] (float[]), not class labels");
        }
    }

    void requireTargets(float[] targets) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must not be null");
        }
        if (network.spec().task() == Task.CLASSIFY) {
            throw new IllegalArgumentException("a classifier trains on class labels (int[]), not float targets");
        }
    }

    /**
     * The forward pass (a training pass with dropout when {@code train}) and the loss summed over the batch; sets
     * {@link #lastNormaliser}, the correct counts, and leaves the head's output in the workspace for the backward.
     */
    double forwardLoss(float[] x, int xOffset, int[] labels, int labelOffset, float[] targets, int targetOffset,
                       int batch, boolean train) {
        final NetworkSpec spec = network.spec();
        final int outputs = spec.outputs();
        Checks.batch(batch, ws.maxBatch);
        Checks.inputs(x, xOffset, batch, spec.inputs(), ws, network.kernels);
        if (targets == null) {
            Checks.labels(labels, labelOffset, batch, spec.task() == Task.BINARY ? 2 : outputs);
        } else {
            Checks.targets(targets, targetOffset, batch, outputs, spec.task().sigmoidHead());
        }
        if (loss.kind() == Loss.Kind.CROSS_ENTROPY && loss.classWeightsRef() != null
                && !(SoftmaxCrossEntropy.weightSum(labels, labelOffset, batch, loss.classWeightsRef()) > 0)) {
            // PyTorch's weighted mean divides by Σ w_c: 0 here, so the loss is undefined (not a divergence)
            throw new IllegalArgumentException("every row of this batch is of a class with weight 0 in " + loss
                    + ": the weighted mean loss divides by 0; expected a row of a class with a positive weight");
        }
        Passes.forward(network, ws, x, xOffset, batch, train ? dropout : null, false);
        lastBatch = batch;
        final float[] logits = ws.logits;
        final float[] weights = loss.classWeightsRef();
        switch (loss.kind()) {
            case CROSS_ENTROPY: {
                int correct = 0;
                for (int b = 0; b < batch; b++) {
                    if (network.classOf(logits, b) == labels[labelOffset + b]) {
                        correct++;
                    }
                }
                lastCorrect = correct;
                lastCounted = batch;
                lastNormaliser = SoftmaxCrossEntropy.weightSum(labels, labelOffset, batch, weights);
                return SoftmaxCrossEntropy.forward(ws.predictions, 0, logits, 0, labels, labelOffset, batch, outputs,
                        weights, loss.labelSmoothing());
            }
            case BINARY_CROSS_ENTROPY: {
                float[] t = targets;
                int t0 = targetOffset;
                if (labels != null) {
                    for (int b = 0; b < batch; b++) {
                        ws.targets[b] = labels[labelOffset + b];
                    }
                    t = ws.targets;
                    t0 = 0;
                }
                int correct = 0;
                for (int i = 0; i < batch * outputs; i++) {
                    if ((logits[i] >= 0f) == (t[t0 + i] >= 0.5f)) {
                        correct++;
                    }
                }
                lastCorrect = correct;
                lastCounted = batch * outputs;
                lastNormaliser = (double) batch * outputs;
                return SigmoidCrossEntropy.forward(ws.predictions, 0, logits, 0, t, t0, batch * outputs,
                        weights == null ? 1f : weights[0], weights == null ? 1f : weights[1]);
            }
            default: {
                lastCorrect = 0;
                lastCounted = 0;
                lastNormaliser = (double) batch * outputs;
                System.arraycopy(logits, 0, ws.predictions, 0, batch * outputs);
                return loss.kind() == Loss.Kind.MSE
                        ? RegressionLoss.squaredError(logits, 0, targets, targetOffset, batch * outputs)
                        : RegressionLoss.huber(logits, 0, targets, targetOffset, batch * outputs, loss.huberDelta());
            }
        }
    }

    /**
     * The loss's fused backward into {@code ws.gradRowsA}: {@code ∂L/∂a} of the output layer times {@code scale}:
     * the mean's {@code 1/normaliser} for a training step (for the founding classifier, {@code (P − y)/batch}),
     * or a per-example scale for DP-SGD ({@link PrivateTrainingSession}).
     */
    void lossBackward(int[] labels, int labelOffset, float[] targets, int targetOffset, int batch, float scale) {
        final int outputs = network.spec().outputs();
        final float[] weights = loss.classWeightsRef();
        switch (loss.kind()) {
            case CROSS_ENTROPY:
                SoftmaxCrossEntropy.backward(ws.gradRowsA, ws.predictions, 0, labels, labelOffset, batch, outputs,
                        scale, weights, loss.labelSmoothing());
                break;
            case BINARY_CROSS_ENTROPY:
                SigmoidCrossEntropy.backward(ws.gradRowsA, ws.predictions, 0, labels != null ? ws.targets : targets,
                        labels != null ? 0 : targetOffset, batch, outputs, scale, weights == null ? 1f : weights[0],
                        weights == null ? 1f : weights[1]);
                break;
            case MSE:
                RegressionLoss.squaredErrorBackward(ws.gradRowsA, ws.logits, 0, targets, targetOffset, batch, outputs,
                        scale);
                break;
            default:
                RegressionLoss.huberBackward(ws.gradRowsA, ws.logits, 0, targets, targetOffset, batch, outputs, scale,
                        loss.huberDelta());
                break;
        }
    }
}
