package dev.edgetrain.runtime;

import java.util.Arrays;
import java.util.Locale;

/**
 * The loss a {@link TrainingSession} minimises, which must suit the network's {@link Task}. Immutable.
 *
 * <table>
 *   <caption>Losses</caption>
 *   <tr><th>loss</th><th>tasks</th><th>mean over</th></tr>
 *   <tr><td>{@link #crossEntropy()} (optionally {@link #withClassWeights class weights} and
 *       {@link #withLabelSmoothing label smoothing})</td><td>classify</td>
 *       <td>the rows, weighted: {@code Σ ℓ_b / Σ w_{c_b}} (PyTorch's {@code cross_entropy})</td></tr>
 *   <tr><td>{@link #binaryCrossEntropy()} (optionally class weights {@code [w₀, w₁]} for binary)</td>
 *       <td>binary, multilabel</td><td>every output of every row (PyTorch's {@code BCEWithLogitsLoss})</td></tr>
 *   <tr><td>{@link #meanSquaredError()}</td><td>regress</td><td>every output of every row ({@code MSELoss})</td></tr>
 *   <tr><td>{@link #huber(float)}</td><td>regress</td><td>every output of every row ({@code HuberLoss})</td></tr>
 * </table>
 */
public final class Loss {
    /** The loss function. */
    public enum Kind {
        /** Softmax cross-entropy over class labels. */
        CROSS_ENTROPY("cross_entropy"),
        /** Sigmoid cross-entropy per output. */
        BINARY_CROSS_ENTROPY("binary_cross_entropy"),
        /** Mean squared error. */
        MSE("mse"),
        /** Huber loss. */
        HUBER("huber");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /**
         * The lower-case name of the loss, such as {@code cross_entropy}.
         *
         * @return {@code cross_entropy}, {@code binary_cross_entropy}, {@code mse} or {@code huber}
         */
        public String id() {
            return id;
        }
    }

    /** PyTorch's default Huber threshold. */
    public static final float DEFAULT_HUBER_DELTA = 1f;

    private final Kind kind;
    private final float[] classWeights;
    private final float labelSmoothing;
    private final float huberDelta;

    private Loss(Kind kind, float[] classWeights, float labelSmoothing, float huberDelta) {
        this.kind = kind;
        this.classWeights = classWeights;
        this.labelSmoothing = labelSmoothing;
        this.huberDelta = huberDelta;
    }

    /**
     * Softmax cross-entropy {@code −log P_c}: the founding objective {@code J = log P_c}, negated.
     *
     * @return the unweighted, unsmoothed cross-entropy, for {@link Task#CLASSIFY}
     */
    public static Loss crossEntropy() {
        return new Loss(Kind.CROSS_ENTROPY, null, 0f, 0f);
    }

    /**
     * Sigmoid binary cross-entropy per output.
     *
     * @return the unweighted binary cross-entropy, for {@link Task#BINARY} and {@link Task#MULTILABEL}
     */
    public static Loss binaryCrossEntropy() {
        return new Loss(Kind.BINARY_CROSS_ENTROPY, null, 0f, 0f);
    }

    /**
     * Mean squared error.
     *
     * @return MSE, for {@link Task#REGRESS}
     */
    public static Loss meanSquaredError() {
        return new Loss(Kind.MSE, null, 0f, 0f);
    }

    /**
     * Huber loss with threshold {@code delta > 0}: squared below it, linear above.
     *
     * @param delta the threshold δ, positive and finite, in the targets' (standardised) units
     * @return a Huber loss, for {@link Task#REGRESS}
     * @throws IllegalArgumentException when {@code delta} is not positive and finite
     */
    public static Loss huber(float delta) {
        if (!(delta > 0 && delta <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("huber delta must be a positive finite number, got " + delta);
        }
        return new Loss(Kind.HUBER, null, 0f, delta);
    }

    /**
     * A loss from all its fields at once, as the accessors report them (for readers of stored losses, such as
     * checkpoints). Validated like the other factories and {@code with} methods.
     *
     * @param kind the loss function, not null
     * @param classWeights the class weights as {@link #withClassWeights} takes them, or {@code null} for none
     * @param labelSmoothing ε in [0, 1) for {@link Kind#CROSS_ENTROPY}; 0 for the other kinds
     * @param huberDelta δ, positive and finite, for {@link Kind#HUBER}; 0 for the other kinds
     * @return the loss, equal to one built by the factories with the same settings
     * @throws IllegalArgumentException when {@code kind} is null or a field does not suit the kind or is out of
     *                                  range, naming the field
     */
    public static Loss of(Kind kind, float[] classWeights, float labelSmoothing, float huberDelta) {
        if (kind == null) {
            throw new IllegalArgumentException(
                    "loss kind must not be null, expected one of cross_entropy, binary_cross_entropy, mse, huber");
        }
        if (kind != Kind.HUBER && Float.floatToIntBits(huberDelta) != 0) {
            throw new IllegalArgumentException("huber delta applies to huber, not " + kind.id + "; got " + huberDelta
                    + ", expected 0");
        }
        Loss loss;
        switch (kind) {
            case CROSS_ENTROPY:
                loss = crossEntropy();
                break;
            case BINARY_CROSS_ENTROPY:
                loss = binaryCrossEntropy();
                break;
            case MSE:
                loss = meanSquaredError();
                break;
            default:
                loss = huber(huberDelta);
                break;
        }
        if (classWeights != null) {
            loss = loss.withClassWeights(classWeights);
        }
        if (Float.floatToIntBits(labelSmoothing) != 0) { // -0 too, so that it comes back bit for bit
            loss = loss.withLabelSmoothing(labelSmoothing);
        }
        return loss;
    }

    /**
     * The usual loss of {@code task}: cross-entropy, binary cross-entropy, or MSE for regression.
     *
     * @param task the network's task
     * @return a loss without class weights or smoothing
     */
    public static Loss defaultFor(Task task) {
        switch (task) {
            case CLASSIFY:
                return crossEntropy();
            case BINARY:
            case MULTILABEL:
                return binaryCrossEntropy();
            default:
                return meanSquaredError();
        }
    }

    /**
     * Parses {@code cross_entropy} (also {@code ce}), {@code binary_cross_entropy} ({@code bce}), {@code mse},
     * {@code huber} or {@code huber:DELTA}.
     *
     * @param text a loss name, case-insensitive; {@code -} for {@code _}
     * @return the loss; {@code huber} has δ {@link #DEFAULT_HUBER_DELTA}
     * @throws IllegalArgumentException when the name is unknown or the δ is not a positive number
     */
    public static Loss parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        int colon = trimmed.indexOf(':');
        // '-' for '_' in the name only: the argument is a number, whose minus sign stays
        String t = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT).replace('-', '_')
                + (colon < 0 ? "" : trimmed.substring(colon));
        if (t.equals("cross_entropy") || t.equals("ce")) {
            return crossEntropy();
        }
        if (t.equals("binary_cross_entropy") || t.equals("bce")) {
            return binaryCrossEntropy();
        }
        if (t.equals("mse")) {
            return meanSquaredError();
        }
        if (t.equals("huber")) {
            return huber(DEFAULT_HUBER_DELTA);
        }
        if (t.startsWith("huber:")) {
            try {
                return huber(Float.parseFloat(t.substring(6)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("loss '" + text + "': '" + t.substring(6)
                        + "' is not a number; expected e.g. huber:0.5");
            }
        }
        throw new IllegalArgumentException("unknown loss '" + text
                + "', expected one of [cross_entropy, binary_cross_entropy, mse, huber[:delta]]");
    }

    /**
     * The same loss with a weight per class ({@code [classes]} for cross-entropy, {@code [w₀, w₁]} for binary
     * cross-entropy): each finite and ≥ 0, not all 0. A rare class gets a larger weight.
     *
     * @param weights the weights, copied; {@code null} removes them
     * @return a changed copy
     * @throws IllegalArgumentException when this is not a cross-entropy loss, a weight is negative or not finite, or
     *                                  all are 0
     */
    public Loss withClassWeights(float[] weights) {
        if (kind != Kind.CROSS_ENTROPY && kind != Kind.BINARY_CROSS_ENTROPY) {
            throw new IllegalArgumentException("class weights apply to cross-entropy losses, not " + kind.id);
        }
        if (weights == null) {
            return new Loss(kind, null, labelSmoothing, huberDelta);
        }
        boolean any = false;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0 && weights[i] <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("class weight " + i + " is " + weights[i]
                        + "; expected a finite number >= 0");
            }
            any |= weights[i] > 0;
        }
        if (!any) {
            throw new IllegalArgumentException("class weights are all 0; expected at least one positive weight");
        }
        return new Loss(kind, weights.clone(), labelSmoothing, huberDelta);
    }

    /**
     * Cross-entropy against {@code (1 − ε)·onehot + ε/classes}; ε in [0, 1).
     *
     * @param epsilon the smoothing ε, in [0, 1); 0 for none
     * @return a changed copy
     * @throws IllegalArgumentException when this is not {@link Kind#CROSS_ENTROPY} or ε is outside [0, 1)
     */
    public Loss withLabelSmoothing(float epsilon) {
        if (kind != Kind.CROSS_ENTROPY) {
            throw new IllegalArgumentException("label smoothing applies to cross_entropy, not " + kind.id);
        }
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + epsilon);
        }
        return new Loss(kind, classWeights, epsilon, huberDelta);
    }

    /**
     * The loss function.
     *
     * @return the kind; never null
     */
    public Kind kind() {
        return kind;
    }

    /**
     * A copy of the class weights, or {@code null}.
     *
     * @return {@code [classes]} or {@code [w₀, w₁]}, a fresh copy; {@code null} when unweighted
     */
    public float[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    float[] classWeightsRef() {
        return classWeights;
    }

    /**
     * The label-smoothing ε of a cross-entropy (0: none).
     *
     * @return ε in [0, 1)
     */
    public float labelSmoothing() {
        return labelSmoothing;
    }

    /**
     * The Huber threshold δ (meaningful for {@link Kind#HUBER}).
     *
     * @return δ, positive for {@link Kind#HUBER}; 0 for the other kinds
     */
    public float huberDelta() {
        return huberDelta;
    }

    /** Whether this loss can train a network of {@code spec}; {@code null} if so, else the reason. */
    String mismatch(NetworkSpec spec) {
        Task task = spec.task();
        boolean fits;
        switch (kind) {
            case CROSS_ENTROPY:
                fits = task == Task.CLASSIFY;
                break;
            case BINARY_CROSS_ENTROPY:
                fits = task.sigmoidHead();
                break;
            default:
                fits = task == Task.REGRESS;
                break;
        }
        if (!fits) {
            return "loss " + this + " does not suit a " + task + " network; expected " + defaultFor(task)
                    + (task == Task.REGRESS ? " or huber" : "");
        }
        if (classWeights != null) {
            int expected = task == Task.BINARY ? 2 : task == Task.CLASSIFY ? spec.outputs() : -1;
            if (expected < 0) {
                return "class weights apply to classify and binary networks, not " + task;
            }
            if (classWeights.length != expected) {
                return classWeights.length + " class weights given, the " + task + " network " + spec + " needs "
                        + expected + (task == Task.BINARY ? " (negative, positive)" : " (one per class)");
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Loss)) {
            return false;
        }
        Loss l = (Loss) o;
        return kind == l.kind && Arrays.equals(classWeights, l.classWeights)
                && Float.floatToIntBits(labelSmoothing) == Float.floatToIntBits(l.labelSmoothing)
                && Float.floatToIntBits(huberDelta) == Float.floatToIntBits(l.huberDelta);
    }

    @Override
    public int hashCode() {
        return ((kind.hashCode() * 31 + Arrays.hashCode(classWeights)) * 31 + Float.floatToIntBits(labelSmoothing)) * 31
                + Float.floatToIntBits(huberDelta);
    }

    /**
     * For example {@code cross_entropy}, {@code cross_entropy(weights=[1.0, 3.0], smoothing=0.1)},
     * {@code huber:0.5}.
     */
    @Override
    public String toString() {
        if (kind == Kind.HUBER) {
            return "huber:" + huberDelta;
        }
        if (classWeights == null && labelSmoothing == 0f) {
            return kind.id;
        }
        StringBuilder sb = new StringBuilder(kind.id).append('(');
        if (classWeights != null) {
            sb.append("weights=").append(Arrays.toString(classWeights));
        }
        if (labelSmoothing != 0f) {
            sb.append(classWeights != null ? ", " : "").append("smoothing=").append(labelSmoothing);
        }
        return sb.append(')').toString();
    }
}
