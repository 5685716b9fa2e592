package dev.edgetrain.onnx.graph;

import dev.edgetrain.onnx.proto.AttributeProto.AttributeType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX operators edgetrain writes or reads, one table for the exporter and the importer: each op's type,
 * the first default-domain opset that has it, the version whose definition the exporter relies on
 * ({@link #sinceVersion()}), its input and output arity, and its attributes with their types, defaults and the
 * opsets they exist in. The exporter's model opset is the highest {@link #sinceVersion()} among the ops a graph
 * uses, so adding an op with a newer version raises the opset of exactly the models that use it; the importer
 * checks every node's attributes against {@link #attributes(int)} for the model's opset.
 *
 * <p>Version histories are from ONNX's {@code docs/Changelog.md} (opsets 1 to {@link #MAX_KNOWN_OPSET}); where a
 * later version only added types, the exporter's version is the earliest with the semantics it needs.
 */
public enum OnnxOp {
    /** {@code Y = alpha·A'·B' + beta·C}; {@code broadcast} before opset 7, C optional since 11. */
    GEMM("Gemm", 1, 13, 2, 3, 1, 1,
            Attribute.f("alpha", 1f), Attribute.f("beta", 1f), Attribute.i("transA", 0), Attribute.i("transB", 0),
            Attribute.i("broadcast", 0).until(7)),
    /** Numpy matmul. */
    MAT_MUL("MatMul", 1, 13, 2, 2, 1, 1),
    /**
     * Elementwise, multidirectional broadcasting since 7 (before: {@code broadcast} and {@code axis}). Version 14
     * of Add, Sub, Mul and Div only added integer types, so the float definition the exporter relies on is 13's.
     */
    ADD("Add", 1, 13, 2, 2, 1, 1, legacyBroadcast()),
    /** Elementwise {@code A - B}. */
    SUB("Sub", 1, 13, 2, 2, 1, 1, legacyBroadcast()),
    /** Elementwise {@code A · B}. */
    MUL("Mul", 1, 13, 2, 2, 1, 1, legacyBroadcast()),
    /** Elementwise {@code A / B}. */
    DIV("Div", 1, 13, 2, 2, 1, 1, legacyBroadcast()),
    /** {@code X^Y}; Y a tensor input since 7 (opset 1 had broadcast/axis too). */
    POW("Pow", 1, 13, 2, 2, 1, 1, Attribute.i("broadcast", 0).until(7), Attribute.i("axis", 0).until(7)),
    /** Elementwise square root. */
    SQRT("Sqrt", 1, 13, 1, 1, 1, 1, Attribute.ints("consumed_inputs").until(6)),
    /** Elementwise Gauss error function. */
    ERF("Erf", 9, 13, 1, 1, 1, 1),
    /** Mean over {@code axes} (an attribute before opset 18, an optional input since). */
    REDUCE_MEAN("ReduceMean", 1, 13, 1, 2, 1, 1,
            Attribute.ints("axes").until(18), Attribute.i("keepdims", 1),
            Attribute.i("noop_with_empty_axes", 0).from(18)),
    /** {@code max(0, x)}; versions 13 and 14 only added types. */
    RELU("Relu", 1, 13, 1, 1, 1, 1, Attribute.ints("consumed_inputs").until(6)),
    /** {@code x ≥ 0 ? x : alpha·x}. */
    LEAKY_RELU("LeakyRelu", 1, 6, 1, 1, 1, 1, Attribute.f("alpha", 0.01f), Attribute.ints("consumed_inputs").until(6)),
    /** Elementwise hyperbolic tangent. */
    TANH("Tanh", 1, 13, 1, 1, 1, 1, Attribute.ints("consumed_inputs").until(6)),
    /** Elementwise logistic sigmoid. */
    SIGMOID("Sigmoid", 1, 13, 1, 1, 1, 1, Attribute.ints("consumed_inputs").until(6)),
    /** {@code x·Φ(x)}, or its tanh approximation with {@code approximate="tanh"}; new in opset 20. */
    GELU("Gelu", 20, 20, 1, 1, 1, 1, Attribute.s("approximate", "none")),
    /**
     * Along the single axis {@code axis} (default -1) since opset 13; before, the input was coerced to 2-D
     * around {@code axis} (default 1). For rank-2 logits and axis 1 or -1 the two agree.
     */
    SOFTMAX("Softmax", 1, 13, 1, 1, 1, 1, Attribute.i("axis", 1).until(13), Attribute.i("axis", -1).from(13)),
    /** As {@link #SOFTMAX}, {@code log} of it. */
    LOG_SOFTMAX("LogSoftmax", 1, 13, 1, 1, 1, 1, Attribute.i("axis", 1).until(13), Attribute.i("axis", -1).from(13)),
    /** Normalisation over the axes from {@code axis}, scale and optional bias; outputs Mean and InvStdDev optional. */
    LAYER_NORMALIZATION("LayerNormalization", 17, 17, 2, 3, 1, 3,
            Attribute.i("axis", -1), Attribute.f("epsilon", 1e-5f), Attribute.i("stash_type", 1)),
    /** Inference form {@code γ·(x − mean)/sqrt(var + ε) + β}; training outputs and attributes are refused on import. */
    BATCH_NORMALIZATION("BatchNormalization", 1, 15, 5, 5, 1, 5,
            Attribute.f("epsilon", 1e-5f), Attribute.f("momentum", 0.9f), Attribute.i("spatial", 1).until(9),
            Attribute.i("is_test", 0).until(7), Attribute.ints("consumed_inputs").until(6),
            Attribute.i("training_mode", 0).from(14)),
    /** The identity at inference; {@code ratio} an attribute before opset 12, an optional input since. */
    DROPOUT("Dropout", 1, 13, 1, 3, 1, 2,
            Attribute.f("ratio", 0.5f).until(12), Attribute.i("is_test", 0).until(7),
            Attribute.ints("consumed_inputs").until(6), Attribute.i("seed", 0).from(12)),
    /** {@code [prod(d < axis), prod(d ≥ axis)]}, default axis 1. */
    FLATTEN("Flatten", 1, 13, 1, 1, 1, 1, Attribute.i("axis", 1)),
    /**
     * The target shape is an attribute before opset 5 and an input since. The exporter writes
     * {@code Reshape(data, shape)} without {@code allowzero}, whose float semantics are the same from opset 5 on
     * (13 added types, 14 {@code allowzero} with default 0): 13, the lowest opset of an export.
     */
    RESHAPE("Reshape", 1, 13, 1, 2, 1, 1,
            Attribute.ints("shape").until(5), Attribute.ints("consumed_inputs").until(5),
            Attribute.i("allowzero", 0).from(14)),
    /** Its input, unchanged. */
    IDENTITY("Identity", 1, 13, 1, 1, 1, 1),
    /**
     * {@code Mean(x1, …, xk)}, elementwise: the average of an ensemble's outputs. Float semantics are the same from
     * opset 6 on (8 added broadcasting, 13 more types); 13, the lowest opset of an export.
     */
    MEAN("Mean", 1, 13, 1, Integer.MAX_VALUE, 1, 1, Attribute.ints("consumed_inputs").until(6)),
    /** Permutes the axes ({@code perm}). */
    TRANSPOSE("Transpose", 1, 13, 1, 1, 1, 1, Attribute.ints("perm")),
    /** A constant from exactly one of its value attributes. */
    CONSTANT("Constant", 1, 13, 0, 0, 1, 1,
            Attribute.tensor("value"), Attribute.tensor("sparse_value").from(11),
            Attribute.f("value_float", 0f).from(12),
            Attribute.floats("value_floats").from(12), Attribute.i("value_int", 0).from(12),
            Attribute.ints("value_ints").from(12), Attribute.s("value_string", "").from(12),
            Attribute.strings("value_strings").from(12));

    /** The lowest default-domain opset an exported model declares (Gemm with an optional C, Softmax on one axis). */
    public static final int MIN_OPSET = 13;
    /**
     * The newest default-domain opset whose definitions of these ops were checked (ONNX main at opset 28). A
     * newer opset could redefine one of them, so the importer refuses it rather than guessing.
     */
    public static final int MAX_KNOWN_OPSET = 28;

    private static final Map<String, OnnxOp> BY_TYPE = new HashMap<String, OnnxOp>();

    static {
        for (OnnxOp op : values()) {
            BY_TYPE.put(op.opType, op);
        }
    }

    private final String opType;
    private final int firstVersion;
    private final int sinceVersion;
    private final int minInputs;
    private final int maxInputs;
    private final int minOutputs;
    private final int maxOutputs;
    private final List<Attribute> attributes;

    OnnxOp(String opType, int firstVersion, int sinceVersion, int minInputs, int maxInputs, int minOutputs,
           int maxOutputs, Attribute... attributes) {
        this.opType = opType;
        this.firstVersion = firstVersion;
        this.sinceVersion = sinceVersion;
        this.minInputs = minInputs;
        this.maxInputs = maxInputs;
        this.minOutputs = minOutputs;
        this.maxOutputs = maxOutputs;
        List<Attribute> list = new ArrayList<Attribute>();
        Collections.addAll(list, attributes);
        this.attributes = Collections.unmodifiableList(list);
    }

    private static Attribute[] legacyBroadcast() {
        return new Attribute[] {Attribute.i("broadcast", 0).until(7), Attribute.i("axis", 0).until(7),
                Attribute.ints("consumed_inputs").until(6)};
    }

    /**
     * The op of ONNX type {@code opType} (default domain), or {@code null} when edgetrain has none.
     *
     * @param opType an ONNX op type, e.g. {@code Gemm}
     * @return the op, or null
     */
    public static OnnxOp forType(String opType) {
        return BY_TYPE.get(opType);
    }

    /**
     * The ONNX {@code op_type}, e.g. {@code Gemm}.
     *
     * @return the op type
     */
    public String opType() {
        return opType;
    }

    /**
     * The first default-domain opset in which the op exists.
     *
     * @return an opset version, at least 1
     */
    public int firstVersion() {
        return firstVersion;
    }

    /**
     * The default-domain operator-set version whose definition of this op the exporter relies on.
     *
     * @return an opset version, at least {@link #firstVersion()}
     */
    public int sinceVersion() {
        return sinceVersion;
    }

    /**
     * Fewest inputs the op takes.
     *
     * @return the minimum input count, 0 or more
     */
    public int minInputs() {
        return minInputs;
    }

    /**
     * Most inputs the op takes.
     *
     * @return the maximum input count
     */
    public int maxInputs() {
        return maxInputs;
    }

    /**
     * Fewest outputs the op has.
     *
     * @return the minimum output count, at least 1
     */
    public int minOutputs() {
        return minOutputs;
    }

    /**
     * Most outputs the op has.
     *
     * @return the maximum output count
     */
    public int maxOutputs() {
        return maxOutputs;
    }

    /**
     * The op's attributes at {@code opset}.
     *
     * @param opset a default-domain opset version
     * @return the attributes that exist at that opset (unmodifiable)
     */
    public List<Attribute> attributes(int opset) {
        List<Attribute> at = new ArrayList<Attribute>();
        for (Attribute a : attributes) {
            if (a.existsAt(opset)) {
                at.add(a);
            }
        }
        return at;
    }

    /**
     * Attribute {@code name} at {@code opset}, or {@code null} when the op has no such attribute there.
     *
     * @param name the attribute's name
     * @param opset a default-domain opset version
     * @return the attribute, or null
     */
    public Attribute attribute(String name, int opset) {
        for (Attribute a : attributes) {
            if (a.name.equals(name) && a.existsAt(opset)) {
                return a;
            }
        }
        return null;
    }

    /**
     * The names of the op's attributes at {@code opset}, for messages.
     *
     * @param opset a default-domain opset version
     * @return the names, in spec order
     */
    public List<String> attributeNames(int opset) {
        List<String> names = new ArrayList<String>();
        for (Attribute a : attributes(opset)) {
            names.add(a.name);
        }
        return names;
    }

    /** An attribute of an op: name, type, default (when the spec gives one) and the opsets it exists in. */
    public static final class Attribute {
        private final String name;
        private final AttributeType type;
        private final Object defaultValue;
        private final int fromOpset;
        private final int untilOpset;

        private Attribute(String name, AttributeType type, Object defaultValue, int fromOpset, int untilOpset) {
            this.name = name;
            this.type = type;
            this.defaultValue = defaultValue;
            this.fromOpset = fromOpset;
            this.untilOpset = untilOpset;
        }

        static Attribute i(String name, long dflt) {
            return new Attribute(name, AttributeType.INT, Long.valueOf(dflt), 1, Integer.MAX_VALUE);
        }

        static Attribute f(String name, float dflt) {
            return new Attribute(name, AttributeType.FLOAT, Float.valueOf(dflt), 1, Integer.MAX_VALUE);
        }

        static Attribute s(String name, String dflt) {
            return new Attribute(name, AttributeType.STRING, dflt, 1, Integer.MAX_VALUE);
        }

        static Attribute ints(String name) {
            return new Attribute(name, AttributeType.INTS, null, 1, Integer.MAX_VALUE);
        }

        static Attribute floats(String name) {
            return new Attribute(name, AttributeType.FLOATS, null, 1, Integer.MAX_VALUE);
        }

        static Attribute strings(String name) {
            return new Attribute(name, AttributeType.STRINGS, null, 1, Integer.MAX_VALUE);
        }

        static Attribute tensor(String name) {
            return new Attribute(name, AttributeType.TENSOR, null, 1, Integer.MAX_VALUE);
        }

        /** The same attribute, existing only before {@code opset}. */
        Attribute until(int opset) {
            return new Attribute(name, type, defaultValue, fromOpset, opset);
        }

        /** The same attribute, existing from {@code opset} on. */
        Attribute from(int opset) {
            return new Attribute(name, type, defaultValue, opset, untilOpset);
        }

        /**
         * The attribute's name.
         *
         * @return the name, as in the ONNX spec
         */
        public String name() {
            return name;
        }

        /**
         * The attribute's type.
         *
         * @return the type
         */
        public AttributeType type() {
            return type;
        }

        /**
         * Whether the attribute exists at {@code opset}.
         *
         * @param opset a default-domain opset version
         * @return true when the op has the attribute at that opset
         */
        public boolean existsAt(int opset) {
            return opset >= fromOpset && opset < untilOpset;
        }

        /**
         * The default as a {@code Long}, {@code Float} or {@code String}, or {@code null} when the spec has none.
         *
         * @return the default, or null
         */
        public Object defaultValue() {
            return defaultValue;
        }

        /**
         * The default of an INT attribute.
         *
         * @return the default value
         */
        public long defaultInt() {
            return ((Long) defaultValue).longValue();
        }

        /**
         * The default of a FLOAT attribute.
         *
         * @return the default value
         */
        public float defaultFloat() {
            return ((Float) defaultValue).floatValue();
        }

        @Override
        public String toString() {
            return name + ":" + type + (defaultValue == null ? "" : "=" + defaultValue);
        }
    }
}
