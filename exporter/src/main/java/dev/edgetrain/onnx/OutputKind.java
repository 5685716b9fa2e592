package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Task;

/**
 * What the exported graph's main output holds, and what an imported graph computes at its end: the network's
 * head ({@link Task}) applied, or not.
 *
 * <table>
 *   <caption>Output kinds by task</caption>
 *   <tr><th>kind</th><th>classify</th><th>binary, multilabel</th><th>regress</th></tr>
 *   <tr><td>{@link #PROBABILITIES}</td><td>Softmax (default)</td><td>Sigmoid (default)</td><td>—</td></tr>
 *   <tr><td>{@link #LOG_PROBABILITIES}</td><td>LogSoftmax</td><td>—</td><td>—</td></tr>
 *   <tr><td>{@link #LOGITS}</td><td>no head</td><td>no head</td><td>—</td></tr>
 *   <tr><td>{@link #PREDICTIONS}</td><td>—</td><td>—</td><td>no head (default)</td></tr>
 * </table>
 */
public enum OutputKind {
    /** Softmax (classify) or sigmoid (binary, multilabel) of the output layer. Output {@code probabilities}. */
    PROBABILITIES("probabilities"),
    /** The output layer's values, no head. Output {@code logits}. */
    LOGITS("logits"),
    /** {@code LogSoftmax(axis=-1)} of the output layer (classify). Output {@code log_probabilities}. */
    LOG_PROBABILITIES("log_probabilities"),
    /** A regressor's values (its head is the identity). Output {@code predictions}. */
    PREDICTIONS("predictions");

    private final String outputName;

    OutputKind(String outputName) {
        this.outputName = outputName;
    }

    /**
     * The exported graph output's name: {@code probabilities}, {@code logits}, {@code log_probabilities} or {@code
     * predictions}.
     *
     * @return the output's name
     */
    public String outputName() {
        return outputName;
    }

    /**
     * The default output of a network for {@code task}: {@link #PREDICTIONS} for regression, else {@link
     * #PROBABILITIES}.
     *
     * @param task the network's task
     * @return the default output kind for it
     */
    public static OutputKind defaultFor(Task task) {
        return task == Task.REGRESS ? PREDICTIONS : PROBABILITIES;
    }

    /**
     * Whether a network for {@code task} can have this output.
     *
     * @param task the network's task
     * @return true when this output fits it (a regressor has only predictions)
     */
    public boolean suits(Task task) {
        switch (this) {
            case PROBABILITIES:
            case LOGITS:
                return task != Task.REGRESS;
            case LOG_PROBABILITIES:
                return task == Task.CLASSIFY;
            default:
                return task == Task.REGRESS;
        }
    }
}
