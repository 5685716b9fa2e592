package dev.edgetrain.onnx.graph;

/**
 * The operators the exporter emits, each with the operator-set version whose semantics it relies on and
 * its input arity. The model's opset is the highest {@link #sinceVersion()} among the ops a graph uses,
 * so adding an op here with a newer version raises the opset of exactly the models that use it.
 */
public enum OnnxOp {
    /** {@code Y = alpha·A'·B' + beta·C}; C optional since opset 11, unidirectional broadcast since 7. */
    GEMM("Gemm", 13, 2, 3),
    /** {@code max(0, x)}; version 13 only added bfloat16. */
    RELU("Relu", 13, 1, 1),
    /** Along the single axis {@code axis} (default -1) since opset 13; before, the input was coerced to 2-D. */
    SOFTMAX("Softmax", 13, 1, 1),
    /** As {@link #SOFTMAX}, {@code log} of it. */
    LOG_SOFTMAX("LogSoftmax", 13, 1, 1);

    /** Default-domain operator sets before this one had no Gemm with an optional C (see {@link #GEMM}). */
    public static final int MIN_OPSET = 13;

    private final String opType;
    private final int sinceVersion;
    private final int minInputs;
    private final int maxInputs;

    OnnxOp(String opType, int sinceVersion, int minInputs, int maxInputs) {
        this.opType = opType;
        this.sinceVersion = sinceVersion;
        this.minInputs = minInputs;
        this.maxInputs = maxInputs;
    }

    /** The ONNX {@code op_type}, e.g. {@code Gemm}. */
    public String opType() {
        return opType;
    }

    /** The default-domain operator-set version whose definition of this op the exporter relies on. */
    public int sinceVersion() {
        return sinceVersion;
    }

    public int minInputs() {
        return minInputs;
    }

    public int maxInputs() {
        return maxInputs;
    }

    /** Every op emitted here has a single output. */
    public int outputs() {
        return 1;
    }
}
