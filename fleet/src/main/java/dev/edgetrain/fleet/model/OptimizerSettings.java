package dev.edgetrain.fleet.model;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.io.Serializable;
import java.util.Locale;

/**
 * The optimizer a task builds, in a form Spark can ship: plain SGD, SGD with (Nesterov) momentum, Adam, or AdamW
 * (decoupled weight decay), each with optional weight decay and gradient clipping; constant learning rate.
 */
public final class OptimizerSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The update rules a fleet job offers. */
    public enum Rule {
        /** Plain stochastic gradient descent. */
        SGD,
        /** SGD with classical (heavy-ball) momentum. */
        MOMENTUM,
        /** SGD with Nesterov momentum. */
        NESTEROV,
        /** Adam. */
        ADAM,
        /** Adam with decoupled weight decay. */
        ADAMW
    }

    /** AdamW's decoupled weight decay unless one is given: the {@code edgetrain train} default. */
    public static final float ADAMW_WEIGHT_DECAY = 1e-4f;

    /** The update rule. */
    private final Rule rule;
    /** The constant learning rate, positive and finite. */
    private final float learningRate;
    /** Momentum of MOMENTUM and NESTEROV, in [0, 1); 0 otherwise. */
    private final float momentum;
    /** Weight decay λ, finite and at least 0: L2 for the SGD rules and Adam, decoupled for AdamW. */
    private final float weightDecay;
    /** Gradient clipping norm, finite and at least 0; 0 for no clipping. */
    private final float clipNorm;

    private OptimizerSettings(Rule rule, float learningRate, float momentum, float weightDecay, float clipNorm) {
        if (!(learningRate > 0 && learningRate <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0 && weightDecay <= Float.MAX_VALUE) || !(clipNorm >= 0 && clipNorm <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("weight decay and clip norm must be finite and >= 0, got " + weightDecay
                    + " and " + clipNorm);
        }
        this.rule = rule;
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
    }

    /**
     * Plain SGD at a constant rate, without momentum, weight decay or clipping.
     *
     * @param learningRate the learning rate, positive and finite
     * @return the settings
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public static OptimizerSettings sgd(float learningRate) {
        return new OptimizerSettings(Rule.SGD, learningRate, 0f, 0f, 0f);
    }

    /**
     * SGD with classical or Nesterov momentum, without weight decay or clipping.
     *
     * @param learningRate the learning rate, positive and finite
     * @param momentum the momentum coefficient, in [0, 1)
     * @param nesterov true for Nesterov momentum, false for classical momentum
     * @return the settings
     * @throws IllegalArgumentException if {@code learningRate} or {@code momentum} is out of range
     */
    public static OptimizerSettings momentum(float learningRate, float momentum, boolean nesterov) {
        return new OptimizerSettings(nesterov ? Rule.NESTEROV : Rule.MOMENTUM, learningRate, momentum, 0f, 0f);
    }

    /**
     * Adam at a constant rate, without weight decay or clipping.
     *
     * @param learningRate the learning rate, positive and finite
     * @return the settings
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public static OptimizerSettings adam(float learningRate) {
        return new OptimizerSettings(Rule.ADAM, learningRate, 0f, 0f, 0f);
    }

    /**
     * AdamW: Adam with decoupled weight decay {@code weightDecay} (on weights, not biases).
     *
     * @param learningRate the learning rate, positive and finite
     * @param weightDecay the decoupled weight decay, finite and at least 0
     * @return the settings
     * @throws IllegalArgumentException if either is out of range
     */
    public static OptimizerSettings adamW(float learningRate, float weightDecay) {
        return new OptimizerSettings(Rule.ADAMW, learningRate, 0f, weightDecay, 0f);
    }

    /**
     * The rule by name ({@code sgd}, {@code momentum}, {@code nesterov}, {@code adam}, {@code adamw}); momentum 0.9
     * where used, AdamW's weight decay {@link #ADAMW_WEIGHT_DECAY}.
     *
     * @param rule the rule's name, in any case
     * @param learningRate the learning rate, positive and finite
     * @return the settings
     * @throws IllegalArgumentException if the name is none of the five, or the learning rate is out of range
     */
    public static OptimizerSettings of(String rule, float learningRate) {
        switch (rule.toLowerCase(Locale.ROOT)) {
            case "sgd":
                return sgd(learningRate);
            case "momentum":
                return momentum(learningRate, 0.9f, false);
            case "nesterov":
                return momentum(learningRate, 0.9f, true);
            case "adam":
                return adam(learningRate);
            case "adamw":
                return adamW(learningRate, ADAMW_WEIGHT_DECAY);
            default:
                throw new IllegalArgumentException("optimizer must be sgd, momentum, nesterov, adam or adamw, got '"
                        + rule + "'");
        }
    }

    /**
     * A copy with another weight decay λ: L2 for the SGD rules and Adam, decoupled for AdamW.
     *
     * @param weightDecay the weight decay, finite and at least 0
     * @return the changed copy
     * @throws IllegalArgumentException if {@code weightDecay} is negative or not finite
     */
    public OptimizerSettings withWeightDecay(float weightDecay) {
        return new OptimizerSettings(rule, learningRate, momentum, weightDecay, clipNorm);
    }

    /**
     * A copy with gradient clipping to another norm.
     *
     * @param clipNorm the clipping norm, finite and at least 0; 0 for no clipping
     * @return the changed copy
     * @throws IllegalArgumentException if {@code clipNorm} is negative or not finite
     */
    public OptimizerSettings withClipNorm(float clipNorm) {
        return new OptimizerSettings(rule, learningRate, momentum, weightDecay, clipNorm);
    }

    /**
     * The update rule.
     *
     * @return the rule
     */
    public Rule rule() {
        return rule;
    }

    /**
     * The constant learning rate.
     *
     * @return the learning rate, positive and finite
     */
    public float learningRate() {
        return learningRate;
    }

    /**
     * The runtime's optimizer configuration.
     *
     * @return a new configuration with this rule, learning rate, momentum, weight decay and clipping
     */
    public OptimizerConfig config() {
        OptimizerConfig c;
        switch (rule) {
            case MOMENTUM:
                c = OptimizerConfig.sgd(learningRate).withMomentum(momentum, false);
                break;
            case NESTEROV:
                c = OptimizerConfig.sgd(learningRate).withMomentum(momentum, true);
                break;
            case ADAM:
                c = OptimizerConfig.adam(learningRate);
                break;
            case ADAMW:
                c = OptimizerConfig.adamW(learningRate, weightDecay);
                break;
            default:
                c = OptimizerConfig.sgd(learningRate);
                break;
        }
        return c.withWeightDecay(weightDecay).withClipNorm(clipNorm);
    }

    @Override
    public String toString() {
        return config().toString();
    }
}
