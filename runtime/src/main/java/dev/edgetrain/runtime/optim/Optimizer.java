package dev.edgetrain.runtime.optim;

import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.kernels.FiniteScan;
import dev.edgetrain.runtime.kernels.KernelSet;

/**
 * Updates a network's parameter slab from its gradient slab. All state (momentum, Adam moments) is one
 * or more slabs of the parameters' shape, allocated in the constructor; a step allocates nothing.
 *
 * <p>A step: the global L2 norm of the trainable gradients is computed first; if it is not finite the
 * step throws {@link DivergenceException} and changes nothing. Otherwise gradients are scaled down to
 * the clip norm if set, the schedule gives this step's learning rate, and each trainable layer's weights
 * (with weight decay) and biases and layer-norm parameters (without) are updated by one loop over their slab range.
 *
 * <p>With {@link #setUpdateCheck} on, each step then checks the parameters it wrote for NaN and infinity (an update
 * that overflowed), which {@link #lastUpdateFinite()} reports: what a {@link dev.edgetrain.runtime.train.Trainer}'s
 * divergence guard asks after every step, at a fraction of the cost of scanning the network's slab.
 *
 * <p>A {@link dev.edgetrain.runtime.TrainingSession} calls {@link #step} with its network's slabs and then rebuilds
 * what the network derives from them; that is the only way an optimizer changes a network.
 */
public abstract class Optimizer {
    final OptimizerConfig config;
    final int parameterCount;
    /** Optimizer steps taken; the schedule's and Adam's bias correction's step counter. */
    long steps;
    /** Global gradient norm seen by the last step, before clipping. */
    double lastGradientNorm;
    /** Multiplies the scheduled rate; lowered by divergence recovery. */
    double learningRateScale = 1.0;
    /** Whether each step checks the parameters it wrote ({@link #setUpdateCheck}). */
    private boolean checkUpdates;
    /** Whose {@link KernelSet#allFinite} the update check runs: the session's network's. */
    KernelSet kernels = KernelSet.plain();
    /** Writes from outside the steps ({@link #modifications()}). */
    private long modifications;
    /** Whether every parameter the last checked step wrote is finite. */
    private boolean lastUpdateFinite = true;
    private static final int CHUNK = FiniteScan.CHUNK;
    /**
     * Scratch for {@link #sumOfSquares} and the update check ({@link FiniteScan}): a chunk {@code [CHUNK]} of the
     * slab and one running sum per chunk position {@code [CHUNK]}.
     */
    private final float[] chunk = new float[CHUNK];
    private final float[] lanes = new float[CHUNK];
    /** Scratch per part of a split step ({@link #prepareParts}); part 0 uses {@link #chunk} and {@link #lanes} */
    private float[][] partChunks = {chunk};
    private float[][] partLanes = {lanes};
    /** Per part of the step in flight: whether what it wrote is finite. */
    private boolean[] partFinite = new boolean[1];
    /** The learning rate and gradient scale of the step in flight, set by {@link #beginStep}. */
    private float stepRate;
    private float stepGradScale;

    Optimizer(OptimizerConfig config, int parameterCount) {
        this.config = config;
        this.parameterCount = parameterCount;
    }

    /**
     * One update of {@code params} from {@code grads} (both laid out by {@code layout}); layers whose
     * {@code trainable} flag is false are left as they are. Gradients are not cleared.
     *
     * @param params    the parameter slab, {@code [parameterCount]}: the trainable layers' ranges are updated in place
     * @param grads     the gradient slab, same layout; only read (clipping scales what is used, not the slab)
     * @param layout    where each layer's parameters lie, of the same size
     * @param trainable one flag per layer: false leaves the layer as it is
     * @throws IllegalArgumentException when a slab, the layout or the flags are null or of another size than this
     *                                  optimizer was made for
     * @throws DivergenceException      when a gradient is not finite or their norm overflows; nothing is changed then
     */
    public final void step(float[] params, float[] grads, ParameterLayout layout, boolean[] trainable) {
        beginStep(params, grads, layout, trainable);
        stepPart(params, grads, layout, trainable, 0, 1);
        endStep(1);
    }

    /**
     * Makes room for steps split into up to {@code parts} parts ({@link #stepPart}); allocates, so call it once, before
     * training (a {@link dev.edgetrain.runtime.TrainingSession} with a pool does).
     *
     * @param parts the most parts a step will be split into, at least 1
     */
    public final void prepareParts(int parts) {
        if (parts < 1 || parts > 256) {
            throw new IllegalArgumentException("parts must be in [1, 256], got " + parts);
        }
        if (parts > partChunks.length) {
            final float[][] c = new float[parts][];
            final float[][] l = new float[parts][];
            c[0] = chunk;
            l[0] = lanes;
            for (int k = 1; k < parts; k++) {
                c[k] = new float[CHUNK];
                l[k] = new float[CHUNK];
            }
            partChunks = c;
            partLanes = l;
            partFinite = new boolean[parts];
        }
    }

    /**
     * The first of a step's three calls ({@link #step} is all three on one thread): checks the arguments and the
     * gradients, computes the global gradient norm and this step's learning rate, and counts the step. Then each of
     * {@code parts} threads calls {@link #stepPart} with its part, and one calls {@link #endStep}. The parts update
     * disjoint ranges of the slabs with the same arithmetic as one thread, so the result is the same to the bit.
     *
     * @param params    the parameter slab
     * @param grads     the gradient slab, same layout
     * @param layout    where each layer's parameters lie
     * @param trainable one flag per layer: false leaves the layer as it is
     * @throws IllegalArgumentException when a slab, the layout or the flags are null or of another size than this
     *                                  optimizer was made for
     * @throws DivergenceException      when a gradient is not finite or their norm overflows; nothing is changed then
     */
    public final void beginStep(float[] params, float[] grads, ParameterLayout layout, boolean[] trainable) {
        if (params == null || grads == null || layout == null) {
            throw new IllegalArgumentException("parameters, gradients and layout must not be null");
        }
        if (params.length != parameterCount || grads.length != parameterCount || layout.size() != parameterCount) {
            throw new IllegalArgumentException("optimizer was made for " + parameterCount + " parameters, got "
                    + params.length + " parameters, " + grads.length + " gradients and a layout of " + layout.size());
        }
        if (trainable == null || trainable.length != layout.layerCount()) {
            throw new IllegalArgumentException("trainable flags must have one entry per layer ("
                    + layout.layerCount() + "), got " + (trainable == null ? "null" : trainable.length));
        }
        double sumSquares = 0;
        for (int l = 0; l < trainable.length; l++) {
            if (trainable[l]) {
                sumSquares += sumOfSquares(grads, layout.layerStart(l), layout.layerEnd(l));
            }
        }
        if (!(sumSquares <= Double.MAX_VALUE)) {
            final int bad = firstNonFinite(grads);
            final String reason = bad >= 0 ? "non-finite gradient at " + layout.describe(bad)
                    : "gradient norm overflows (gradients near the float limit)";
            throw new DivergenceException(reason + " (optimizer step " + steps
                    + "); parameters and optimizer state left unchanged", steps, reason);
        }
        final double norm = Math.sqrt(sumSquares);
        lastGradientNorm = norm;
        final float gradScale = config.clipNorm > 0f && norm > config.clipNorm ? (float) (config.clipNorm / norm) : 1f;
        final float lr = (float) (config.learningRate * learningRateScale * config.schedule.factor(steps));
        steps++;
        prepareRate(lr);
        stepRate = lr;
        stepGradScale = gradScale;
    }

    /**
     * Part {@code part} of {@code parts} of the update begun by {@link #beginStep}: the trainable parameters whose slab
     * index lies in the part's share of the slab (and their check, with the update check on).
     *
     * @param params    the parameter slab, as given to {@link #beginStep}
     * @param grads     the gradient slab, as given to {@link #beginStep}
     * @param layout    the layout, as given to {@link #beginStep}
     * @param trainable the flags, as given to {@link #beginStep}
     * @param part      this thread's part, in {@code [0, parts)}
     * @param parts     how many parts, at most what {@link #prepareParts} made room for
     */
    public final void stepPart(float[] params, float[] grads, ParameterLayout layout, boolean[] trainable, int part,
                               int parts) {
        final int lo = (int) ((long) parameterCount * part / parts);
        final int hi = (int) ((long) parameterCount * (part + 1) / parts);
        final float lr = stepRate;
        final float gradScale = stepGradScale;
        boolean finite = true;
        for (int l = 0; l < trainable.length; l++) {
            if (!trainable[l] || layout.layerEnd(l) <= lo || layout.layerStart(l) >= hi) {
                continue;
            }
            final int w0 = Math.max(lo, layout.weightOffset(l));
            final int wEnd = Math.min(hi, layout.weightOffset(l) + layout.weightSize(l));
            if (w0 < wEnd) {
                update(params, grads, w0, wEnd, lr, gradScale, config.weightDecay);
            }
            final int b0 = Math.max(lo, layout.weightOffset(l) + layout.weightSize(l));
            final int bEnd = Math.min(hi, layout.layerEnd(l));
            if (b0 < bEnd) { // bias and layer-norm scale/shift: no weight decay
                update(params, grads, b0, bEnd, lr, gradScale, 0f);
            }
            if (checkUpdates) { // right after the layer's update, while its slab range is still in cache
                finite &= kernels.allFinite(params, Math.max(lo, layout.layerStart(l)),
                        Math.min(hi, layout.layerEnd(l)), partChunks[part], partLanes[part]);
            }
        }
        partFinite[part] = finite;
    }

    /**
     * Ends the step begun by {@link #beginStep}, after all its parts: sets {@link #lastUpdateFinite()}.
     *
     * @param parts how many parts the step was split into
     */
    public final void endStep(int parts) {
        boolean finite = true;
        for (int k = 0; k < parts; k++) {
            finite &= partFinite[k];
        }
        lastUpdateFinite = !checkUpdates || finite;
    }

    /**
     * {@code Σ g[i]²} over {@code [from, to)}. A single running sum is a chain of dependent additions the JIT
     * may not reorder (about 0.8 ns an element); instead each position of a 1,024-wide chunk keeps its own
     * float sum ({@code lanes[j] += chunk[j]²}, a loop the JIT vectorises: about 0.1 ns an element), and the
     * lanes are added up in double at the end. The chunk is copied first because the JIT vectorises loops over
     * arrays indexed from 0 (see {@link dev.edgetrain.runtime.kernels.Dense}).
     */
    private double sumOfSquares(float[] g, int from, int to) {
        final float[] c = chunk;
        final float[] s = lanes;
        final int used = Math.min(CHUNK, to - from);
        for (int j = 0; j < used; j++) {
            s[j] = 0f;
        }
        for (int start = from; start < to; start += CHUNK) {
            final int n = Math.min(CHUNK, to - start);
            System.arraycopy(g, start, c, 0, n);
            for (int j = 0; j < n; j++) {
                s[j] += c[j] * c[j];
            }
        }
        double t0 = 0;
        double t1 = 0;
        int j = 0;
        for (; j + 1 < used; j += 2) {
            t0 += s[j];
            t1 += s[j + 1];
        }
        if (j < used) {
            t0 += s[j];
        }
        return t0 + t1;
    }

    private static int firstNonFinite(float[] g) {
        for (int i = 0; i < g.length; i++) {
            if (!(Math.abs(g[i]) <= Float.MAX_VALUE)) {
                return i;
            }
        }
        return -1; // finite values whose squares overflowed
    }

    /** Per-step scalars (bias corrections); called once before the per-range updates. */
    void prepareRate(float lr) {
    }

    /**
     * Updates {@code params[from, to)} from {@code grads[from, to)}, with the gradient scaled by
     * {@code gradScale} (clipping) and {@code weightDecay} applied as the rule defines it.
     */
    abstract void update(float[] params, float[] grads, int from, int to, float lr, float gradScale, float weightDecay);

    /**
     * Turns the check of {@link #lastUpdateFinite()} on or off (off by default: a bare training loop that does not
     * ask pays nothing for it). A {@link dev.edgetrain.runtime.train.Trainer} turns it on for its session's optimizer.
     *
     * @param on whether each step checks what it wrote; either way {@link #lastUpdateFinite()} is reset to true
     */
    public void setUpdateCheck(boolean on) {
        this.checkUpdates = on;
        this.lastUpdateFinite = true;
    }

    /**
     * Whether steps check the parameters they write ({@link #setUpdateCheck}).
     *
     * @return {@code true} when the check is on
     */
    public boolean updateCheck() {
        return checkUpdates;
    }

    /**
     * Whether every parameter the last step wrote (the trainable layers' ranges) is finite: false when the update
     * overflowed a parameter to infinity or made it NaN, even though the gradients were finite. True when no step
     * was checked: with {@link #updateCheck()} off, or before the first step since it was turned on.
     *
     * @return {@code false} only after a checked step wrote a NaN or an infinity
     */
    public boolean lastUpdateFinite() {
        return lastUpdateFinite;
    }

    /**
     * The configuration this optimizer was created from.
     *
     * @return the config whose {@link OptimizerConfig#create} made this optimizer
     */
    public OptimizerConfig config() {
        return config;
    }

    /**
     * Optimizer steps taken so far.
     *
     * @return the step counter: steps begun, or the count set by {@link #setSteps} or {@link #copyStateFrom}
     */
    public long steps() {
        return steps;
    }

    /**
     * The learning rate the next step will use.
     *
     * @return the configured rate × {@link #learningRateScale()} × the schedule's factor at {@link #steps()}
     */
    public float currentLearningRate() {
        return (float) (config.learningRate * learningRateScale * config.schedule.factor(steps));
    }

    /**
     * The factor applied on top of the configured rate and schedule (1 unless lowered).
     *
     * @return the scale, positive and finite
     */
    public double learningRateScale() {
        return learningRateScale;
    }

    /**
     * Sets the factor applied on top of the configured rate and schedule, e.g. 0.5 to halve every later step.
     *
     * @param scale the new factor (not multiplied into the old one), positive and at most {@code Float.MAX_VALUE}
     * @throws IllegalArgumentException when {@code scale} is not positive, NaN or above {@code Float.MAX_VALUE}
     */
    public void setLearningRateScale(double scale) {
        if (!(scale > 0 && scale <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("learning-rate scale must be a positive finite number, got " + scale);
        }
        this.learningRateScale = scale;
        modifications++;
    }

    /**
     * Global L2 norm of the trainable gradients at the last step, before clipping.
     *
     * @return {@code sqrt(Σ g²)} over the trainable layers' gradients; 0 before the first step
     */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    /**
     * Number of state slabs (0 for plain SGD, 1 with momentum, 2 for Adam), for checkpoints.
     *
     * @return how many slabs {@link #stateSlab} and {@link #copyStateSlab} take, each {@code [parameterCount]}
     */
    public abstract int stateSlabCount();

    /**
     * Live state slab {@code k}, same layout as the parameters, for checkpoints. Handing out the live array counts
     * as a write ({@link #modifications()}), since the caller may write it; {@link #copyStateSlab} reads without.
     *
     * @param k the slab, in {@code [0, stateSlabCount())}: for Adam 0 is the first moment, 1 the second
     * @return the live slab {@code [parameterCount]}, not a copy
     * @throws IndexOutOfBoundsException when {@code k} is outside {@code [0, stateSlabCount())}
     */
    public final float[] stateSlab(int k) {
        final float[] s = slab(k); // throws for a k out of range before counting a write
        modifications++;
        return s;
    }

    /**
     * Copies state slab {@code k} into {@code dst} (of the parameters' length), without handing out the live array.
     *
     * @param k   the slab, in {@code [0, stateSlabCount())}
     * @param dst where to copy it, {@code [parameterCount]}
     * @throws IndexOutOfBoundsException when {@code k} is outside {@code [0, stateSlabCount())}
     * @throws IllegalArgumentException  when {@code dst} is null or not of the slab's length
     */
    public final void copyStateSlab(int k, float[] dst) {
        final float[] s = slab(k);
        if (dst == null || dst.length != s.length) {
            throw new IllegalArgumentException("state slab " + k + " has " + s.length + " values, destination "
                    + (dst == null ? "null" : "of " + dst.length));
        }
        System.arraycopy(s, 0, dst, 0, s.length);
    }

    /** Live state slab {@code k}; throws {@link IndexOutOfBoundsException} outside {@code [0, stateSlabCount())}. */
    abstract float[] slab(int k);

    /**
     * How many times this optimizer's state or settings were set from outside its steps: the learning-rate scale,
     * the step count, the state copied from another optimizer or handed out by {@link #stateSlab}. A counter that
     * only grows; steps do not change it. Whoever keeps a copy of the state (a trainer's divergence guard) compares it
     * to know whether that copy still describes how the steps since were taken.
     *
     * @return the count so far
     */
    public long modifications() {
        return modifications;
    }

    /**
     * Copies the step counter and all state slabs from {@code other}, made from an equal config.
     *
     * @param other an optimizer of the same rule for as many parameters; its last gradient norm and learning-rate
     *              scale are copied too (the configs themselves are not compared)
     * @throws IllegalArgumentException when {@code other} is of another rule (SGD, Adam), has another number of
     *                                  parameters or another number of state slabs (momentum or not)
     */
    public void copyStateFrom(Optimizer other) {
        if (other.getClass() != getClass() || other.parameterCount != parameterCount
                || other.stateSlabCount() != stateSlabCount()) {
            throw new IllegalArgumentException("cannot copy optimizer state of " + other.config + " for "
                    + other.parameterCount + " parameters into " + config + " for " + parameterCount);
        }
        for (int k = 0; k < stateSlabCount(); k++) {
            System.arraycopy(other.slab(k), 0, slab(k), 0, parameterCount);
        }
        modifications++;
        steps = other.steps;
        lastGradientNorm = other.lastGradientNorm;
        learningRateScale = other.learningRateScale;
    }

    /**
     * Restores the step counter, e.g. from a checkpoint, with the state slabs written through {@link #stateSlab}.
     *
     * @param steps the steps taken, at least 0: where the schedule and Adam's bias correction go on from
     * @throws IllegalArgumentException when {@code steps} is negative
     */
    public void setSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        this.steps = steps;
        modifications++;
    }

    @Override
    public String toString() {
        return config + " after " + steps + " steps";
    }
}
