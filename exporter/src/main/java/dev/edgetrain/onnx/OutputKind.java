package dev.edgetrain.onnx;

/** What the exported graph's main output holds, and what an imported graph computes at its end. */
public enum OutputKind {
    /** {@code Softmax(axis=-1)} of the last layer: rows sum to 1. Output {@code probabilities}. The default. */
    PROBABILITIES("probabilities"),
    /** The last dense layer's output, no softmax. Output {@code logits}. */
    LOGITS("logits"),
    /** {@code LogSoftmax(axis=-1)} of the last layer. Output {@code log_probabilities}. */
    LOG_PROBABILITIES("log_probabilities");

    private final String outputName;

    OutputKind(String outputName) {
        this.outputName = outputName;
    }

    /** The exported graph output's name: {@code probabilities}, {@code logits} or {@code log_probabilities}. */
    public String outputName() {
        return outputName;
    }
}
