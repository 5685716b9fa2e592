package dev.edgetrain.runtime.optim;

import dev.edgetrain.runtime.kernels.KernelSet;

/**
 * What optimizer to build and with which settings; immutable, with value equality over all its fields.
 * {@link #create(int)} allocates the optimizer and all its state for a given number of parameters.
 *
 * <pre>{@code
 * OptimizerConfig.sgd(0.1f).withMomentum(0.9f, true)      // Nesterov momentum
 * OptimizerConfig.adamW(1e-3f, 0.01f).withClipNorm(1f).withSchedule(LearningRateSchedule.cosine(10_000, 0))
 * }</pre>
 *
 * <p>Weight decay applies to weights, not biases. For SGD and Adam it is L2 regularisation added to the
 * gradient ({@code g + λw}); for AdamW it is decoupled ({@code w −= lr·λ·w}), as Loshchilov &amp; Hutter define it.
 */
public final class OptimizerConfig {
    /** The update rule. */
    public enum Kind {
        /** Stochastic gradient descent, with optional momentum. */
        SGD,
        /** Adam, weight decay as L2. */
        ADAM,
        /** Adam with decoupled weight decay. */
        ADAMW
    }

    final Kind kind;
    final float learningRate;
    final float momentum;
    final boolean nesterov;
    final float beta1;
    final float beta2;
    final float epsilon;
    final float weightDecay;
    final float clipNorm;
    final LearningRateSchedule schedule;

    private OptimizerConfig(Kind kind, float learningRate, float momentum, boolean nesterov, float beta1, float beta2,
                            float epsilon, float weightDecay, float clipNorm, LearningRateSchedule schedule) {
        check("learning rate", learningRate, 0, false, Float.MAX_VALUE);
        check("momentum", momentum, 0, true, 1);
        check("beta1", beta1, 0, true, 1);
        check("beta2", beta2, 0, true, 1);
        check("epsilon", epsilon, 0, false, 1);
        check("weight decay", weightDecay, 0, true, Float.MAX_VALUE);
        check("clip norm", clipNorm, 0, true, Float.MAX_VALUE);
        if (nesterov && momentum == 0f) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum in (0, 1), got 0");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must not be null (use LearningRateSchedule.constant())");
        }
        this.kind = kind;
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.schedule = schedule;
    }

    /**
     * {@code min <= v < max}, or {@code min < v < max} when {@code minInclusive} is false; max inclusive for
     * MAX_VALUE.
     */
    private static void check(String name, float v, float min, boolean minInclusive, float max) {
        boolean ok = (minInclusive ? v >= min : v > min) && (max == Float.MAX_VALUE ? v <= max : v < max);
        if (!ok) {
            throw new IllegalArgumentException(name + " must be in " + (minInclusive ? "[" : "(") + min + ", "
                    + (max == Float.MAX_VALUE ? "inf)" : max + ")") + ", got " + v);
        }
    }

    /**
     * Plain stochastic gradient descent, {@code w −= lr · g}.
     *
     * @param learningRate the step size, positive and finite
     * @return SGD without momentum, weight decay or clipping, at a constant rate
     * @throws IllegalArgumentException when the learning rate is not positive and finite
     */
    public static OptimizerConfig sgd(float learningRate) {
        return new OptimizerConfig(Kind.SGD, learningRate, 0f, false, 0.9f, 0.999f, 1e-8f, 0f, 0f,
                LearningRateSchedule.constant());
    }

    /**
     * Adam with the usual defaults (β1 0.9, β2 0.999, ε 1e-8).
     *
     * @param learningRate the step size, positive and finite (1e-3 is the usual)
     * @return Adam without weight decay or clipping, at a constant rate
     * @throws IllegalArgumentException when the learning rate is not positive and finite
     */
    public static OptimizerConfig adam(float learningRate) {
        return new OptimizerConfig(Kind.ADAM, learningRate, 0f, false, 0.9f, 0.999f, 1e-8f, 0f, 0f,
                LearningRateSchedule.constant());
    }

    /**
     * AdamW: Adam with decoupled weight decay.
     *
     * @param learningRate the step size, positive and finite
     * @param weightDecay the decoupled decay λ, finite and at least 0 (0.01 is the usual)
     * @return AdamW with the defaults of {@link #adam}, at a constant rate
     * @throws IllegalArgumentException when either value is out of range
     */
    public static OptimizerConfig adamW(float learningRate, float weightDecay) {
        return new OptimizerConfig(Kind.ADAMW, learningRate, 0f, false, 0.9f, 0.999f, 1e-8f, weightDecay, 0f,
                LearningRateSchedule.constant());
    }

    /**
     * A configuration from all its fields at once, as the accessors report them (for readers of stored
     * configurations, such as checkpoints). Validated like the other factories.
     *
     * @param kind the update rule, not null
     * @param learningRate the base step size, positive and finite
     * @param momentum SGD's μ in [0, 1); 0 for Adam and AdamW
     * @param nesterov whether SGD's momentum is Nesterov's (needs a momentum above 0)
     * @param beta1 Adam's β1, in [0, 1) (stored but unused by SGD)
     * @param beta2 Adam's β2, in [0, 1) (stored but unused by SGD)
     * @param epsilon Adam's ε, in (0, 1) (stored but unused by SGD)
     * @param weightDecay λ, finite and at least 0
     * @param clipNorm the global gradient-norm limit, finite and at least 0 (0: none)
     * @param schedule the learning-rate schedule, not null
     * @return the configuration
     * @throws IllegalArgumentException naming the field out of range
     */
    public static OptimizerConfig of(Kind kind, float learningRate, float momentum, boolean nesterov, float beta1,
                                     float beta2, float epsilon, float weightDecay, float clipNorm,
                                     LearningRateSchedule schedule) {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null, expected one of SGD, ADAM, ADAMW");
        }
        if (kind != Kind.SGD && momentum != 0f) {
            throw new IllegalArgumentException("momentum applies to SGD, not " + kind + ", got " + momentum);
        }
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                clipNorm, schedule);
    }

    /**
     * SGD with momentum {@code μ}: {@code v = μv + g}; step {@code v}, or {@code g + μv} with Nesterov (PyTorch's
     * form).
     *
     * @param momentum μ, in [0, 1)
     * @param nesterov whether to use Nesterov's form (needs μ above 0)
     * @return a changed copy
     * @throws IllegalArgumentException when this is not SGD, μ is out of range, or Nesterov is asked with μ 0
     */
    public OptimizerConfig withMomentum(float momentum, boolean nesterov) {
        requireKind(Kind.SGD, "momentum");
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                clipNorm, schedule);
    }

    /**
     * A copy with Adam's moment decay rates β1 and β2 (Adam and AdamW only).
     *
     * @param beta1 the first-moment decay rate, in [0, 1)
     * @param beta2 the second-moment decay rate, in [0, 1)
     * @return a changed copy
     * @throws IllegalArgumentException when this is SGD or a rate is out of range
     */
    public OptimizerConfig withBetas(float beta1, float beta2) {
        if (kind == Kind.SGD) {
            throw new IllegalArgumentException("betas apply to Adam and AdamW, not " + kind);
        }
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                clipNorm, schedule);
    }

    /**
     * A copy with {@code epsilon} as the ε added to Adam's denominator.
     *
     * @param epsilon ε, in (0, 1)
     * @return a changed copy
     * @throws IllegalArgumentException when ε is out of range
     */
    public OptimizerConfig withEpsilon(float epsilon) {
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                clipNorm, schedule);
    }

    /**
     * A copy with {@code learningRate} as the base learning rate (before the schedule).
     *
     * @param learningRate positive and finite
     * @return a changed copy
     * @throws IllegalArgumentException when the rate is not positive and finite
     */
    public OptimizerConfig withLearningRate(float learningRate) {
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                clipNorm, schedule);
    }

    /**
     * A copy with weight decay λ: L2 for SGD and Adam, decoupled for AdamW; 0 for none.
     *
     * @param weightDecay λ, finite and at least 0
     * @return a changed copy
     * @throws IllegalArgumentException when λ is negative or not finite
     */
    public OptimizerConfig withWeightDecay(float weightDecay) {
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                clipNorm, schedule);
    }

    /**
     * Scales all gradients down so their global L2 norm is at most {@code maxNorm}; 0 turns clipping off.
     *
     * @param maxNorm the limit, finite and at least 0
     * @return a changed copy
     * @throws IllegalArgumentException when the limit is negative or not finite
     */
    public OptimizerConfig withClipNorm(float maxNorm) {
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                maxNorm, schedule);
    }

    /**
     * A copy whose learning rate follows {@code schedule}, step by step.
     *
     * @param schedule the schedule, not null ({@link LearningRateSchedule#constant()} for none)
     * @return a changed copy
     * @throws IllegalArgumentException when {@code schedule} is null
     */
    public OptimizerConfig withSchedule(LearningRateSchedule schedule) {
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                clipNorm, schedule);
    }

    private void requireKind(Kind k, String what) {
        if (kind != k) {
            throw new IllegalArgumentException(what + " applies to " + k + ", not " + kind);
        }
    }

    /**
     * Builds the optimizer with all its state allocated for {@code parameterCount} parameters.
     *
     * @param parameterCount the length of the parameter and gradient slabs, positive
     * @return a new {@link Sgd} or {@link Adam}
     * @throws IllegalArgumentException when {@code parameterCount} is not positive
     */
    public Optimizer create(int parameterCount) {
        return create(parameterCount, KernelSet.plain());
    }

    /**
     * Builds the optimizer with all its state allocated for {@code parameterCount} parameters, checking its updates
     * ({@link Optimizer#setUpdateCheck}) with {@code kernels}' scan: a session passes its network's.
     *
     * @param parameterCount the length of the parameter and gradient slabs, positive
     * @param kernels        whose {@link KernelSet#allFinite} checks updates
     * @return a new {@link Sgd} or {@link Adam}
     * @throws IllegalArgumentException when {@code parameterCount} is not positive or {@code kernels} is null
     */
    public Optimizer create(int parameterCount, KernelSet kernels) {
        if (parameterCount < 1) {
            throw new IllegalArgumentException("parameterCount must be positive, got " + parameterCount);
        }
        if (kernels == null) {
            throw new IllegalArgumentException("kernels must not be null");
        }
        Optimizer o = kind == Kind.SGD ? new Sgd(this, parameterCount) : new Adam(this, parameterCount);
        o.kernels = kernels;
        return o;
    }

    /**
     * The update rule.
     *
     * @return the kind; never null
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The base learning rate.
     *
     * @return the rate, positive
     */
    public float learningRate() {
        return learningRate;
    }

    /**
     * SGD's momentum μ (0: none).
     *
     * @return μ, in [0, 1)
     */
    public float momentum() {
        return momentum;
    }

    /**
     * Whether SGD's momentum is Nesterov's.
     *
     * @return true for Nesterov momentum
     */
    public boolean nesterov() {
        return nesterov;
    }

    /**
     * Adam's first-moment decay rate β1.
     *
     * @return β1, in [0, 1)
     */
    public float beta1() {
        return beta1;
    }

    /**
     * Adam's second-moment decay rate β2.
     *
     * @return β2, in [0, 1)
     */
    public float beta2() {
        return beta2;
    }

    /**
     * Adam's ε.
     *
     * @return ε, in (0, 1)
     */
    public float epsilon() {
        return epsilon;
    }

    /**
     * The weight decay λ (0: none).
     *
     * @return λ, at least 0
     */
    public float weightDecay() {
        return weightDecay;
    }

    /**
     * The global gradient-norm limit (0: no clipping).
     *
     * @return the limit, at least 0
     */
    public float clipNorm() {
        return clipNorm;
    }

    /**
     * The learning-rate schedule.
     *
     * @return the schedule; never null ({@link LearningRateSchedule#constant()} by default)
     */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptimizerConfig)) {
            return false;
        }
        OptimizerConfig c = (OptimizerConfig) o;
        return kind == c.kind && same(learningRate, c.learningRate) && same(momentum, c.momentum)
                && nesterov == c.nesterov && same(beta1, c.beta1) && same(beta2, c.beta2) && same(epsilon, c.epsilon)
                && same(weightDecay, c.weightDecay) && same(clipNorm, c.clipNorm) && schedule.equals(c.schedule);
    }

    private static boolean same(float a, float b) {
        return Float.floatToIntBits(a) == Float.floatToIntBits(b);
    }

    @Override
    public int hashCode() {
        int h = kind.hashCode();
        for (float f : new float[] {learningRate, momentum, beta1, beta2, epsilon, weightDecay, clipNorm}) {
            h = 31 * h + Float.floatToIntBits(f);
        }
        return 31 * (31 * h + (nesterov ? 1 : 0)) + schedule.hashCode();
    }

    /** For people, not for machines: the text may change between versions (checkpoints store the fields). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT))
                .append("(lr=").append(learningRate);
        if (kind == Kind.SGD && momentum != 0f) {
            sb.append(", momentum=").append(momentum).append(nesterov ? ", nesterov" : "");
        }
        if (kind != Kind.SGD) {
            sb.append(", betas=").append(beta1).append('/').append(beta2).append(", eps=").append(epsilon);
        }
        if (weightDecay != 0f) {
            sb.append(", weightDecay=").append(weightDecay);
        }
        if (clipNorm != 0f) {
            sb.append(", clipNorm=").append(clipNorm);
        }
        return sb.append(", schedule=").append(schedule).append(')').toString();
    }
}
