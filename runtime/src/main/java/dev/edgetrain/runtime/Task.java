package dev.edgetrain.runtime;

import java.util.Locale;

/**
 * What a network's output means, which fixes its head (the function after the output layer) and the losses it
 * can train with:
 *
 * <table>
 *   <caption>Tasks</caption>
 *   <tr><th>task</th><th>outputs</th><th>head</th><th>targets</th><th>losses</th></tr>
 *   <tr><td>{@link #CLASSIFY}</td><td>k ≥ 2 classes</td><td>softmax</td><td>a class index</td>
 *       <td>cross-entropy (class weights, label smoothing)</td></tr>
 *   <tr><td>{@link #BINARY}</td><td>1</td><td>sigmoid</td><td>0 or 1 (or a probability)</td>
 *       <td>binary cross-entropy</td></tr>
 *   <tr><td>{@link #MULTILABEL}</td><td>k ≥ 2 labels</td><td>sigmoid per output</td><td>k values in [0, 1]</td>
 *       <td>binary cross-entropy per output</td></tr>
 *   <tr><td>{@link #REGRESS}</td><td>k ≥ 1 targets</td><td>identity</td><td>k real values</td>
 *       <td>MSE or Huber</td></tr>
 * </table>
 */
public enum Task {
    /** Softmax over k ≥ 2 classes. */
    CLASSIFY("classify", 2),
    /** One sigmoid output: yes or no. */
    BINARY("binary", 1),
    /** One sigmoid per label. */
    MULTILABEL("multilabel", 2),
    /** Real-valued targets. */
    REGRESS("regress", 1);

    private final String id;
    private final int minOutputs;

    Task(String id, int minOutputs) {
        this.id = id;
        this.minOutputs = minOutputs;
    }

    /**
     * {@code classify}, {@code binary}, {@code multilabel} or {@code regress}.
     *
     * @return the task's lower-case name, as {@link #parse} reads it and checkpoints and ONNX metadata store it
     */
    public String id() {
        return id;
    }

    /**
     * The fewest outputs the task allows.
     *
     * @return 2 for {@link #CLASSIFY} and {@link #MULTILABEL}, 1 for {@link #BINARY} and {@link #REGRESS}
     */
    public int minOutputs() {
        return minOutputs;
    }

    /**
     * The most outputs the task allows: 1 for {@link #BINARY}, otherwise the runtime's widest layer.
     *
     * @return 1, or {@link NetworkSpec#MAX_WIDTH}
     */
    public int maxOutputs() {
        return this == BINARY ? 1 : NetworkSpec.MAX_WIDTH;
    }

    /**
     * Whether the head is a sigmoid ({@link #BINARY}, {@link #MULTILABEL}).
     *
     * @return true for {@link #BINARY} and {@link #MULTILABEL}
     */
    public boolean sigmoidHead() {
        return this == BINARY || this == MULTILABEL;
    }

    /**
     * Whether rows have a single class index as their target ({@link #CLASSIFY}, {@link #BINARY}).
     *
     * @return true for {@link #CLASSIFY} and {@link #BINARY}
     */
    public boolean hasClassLabels() {
        return this == CLASSIFY || this == BINARY;
    }

    /**
     * Parses {@link #id()} (case-insensitive; {@code classification}, {@code regression} also accepted).
     *
     * @param text a task's name, as {@link #id()} gives it
     * @return the task
     * @throws IllegalArgumentException when {@code text} is null or names no task
     */
    public static Task parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("classification")) {
            return CLASSIFY;
        }
        if (t.equals("regression")) {
            return REGRESS;
        }
        for (Task k : values()) {
            if (k.id.equals(t)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown task '" + text
                + "', expected one of [classify, binary, multilabel, regress]");
    }

    @Override
    public String toString() {
        return id;
    }
}
