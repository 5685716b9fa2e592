package dev.edgetrain.onnx;

import dev.edgetrain.onnx.graph.GraphBuilder;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.LayerSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the nodes of one dense layer into a graph, in the runtime's order {@code Gemm → [layer norm] →
 * [activation]} (dropout is training-only and writes nothing), each stage in the form the {@link OpsetPlan}
 * allows. Nodes and their values are named {@code layer<l>.<stage>} ({@code layer0.gemm}, {@code layer0.norm},
 * {@code layer0.gelu}, …); the parts of a decomposed stage are {@code layer<l>.<stage>.<part>}. Scalar constants
 * are initializers: {@code layer<l>.norm.epsilon} per layer, the others shared by name ({@code norm.exponent},
 * {@code gelu.sqrt2}, …).
 *
 * <p>The decompositions are the ones PyTorch's exporter writes below the native op's opset
 * ({@code torch.onnx} {@code symbolic_opset9}), so importers that know PyTorch's graphs read them.
 */
final class LayerWriter {
    /** {@code √2} for the exact GELU's {@code x / √2}, as PyTorch writes it (1.4142135623730951 in float). */
    static final float SQRT_2 = (float) Math.sqrt(2.0);
    /** {@code √(2/π)}, the tanh GELU's inner scale. */
    static final float GELU_TANH_BETA = (float) Math.sqrt(2.0 / Math.PI);
    /** The tanh GELU's cubic coefficient. */
    static final float GELU_TANH_KAPPA = 0.044715f;

    private final GraphBuilder graph;
    private final OpsetPlan plan;
    /** Put before every name this writer chooses: {@code ""}, or {@code member<k>.} for an ensemble's member. */
    private final String namePrefix;
    /** Scalar constants written so far, by name; a name always holds one value. */
    private final Map<String, String> scalars = new HashMap<String, String>();
    /** One entry per stage written, for the doc string: {@code Gemm}, {@code LayerNormalization}, … */
    private final List<String> stages = new ArrayList<String>();

    LayerWriter(GraphBuilder graph, OpsetPlan plan) {
        this(graph, plan, "");
    }

    /** A writer whose layer names start with {@code namePrefix} ({@code member2.layer0.gemm}). */
    LayerWriter(GraphBuilder graph, OpsetPlan plan, String namePrefix) {
        this.graph = graph;
        this.plan = plan;
        this.namePrefix = namePrefix;
    }

    /** The prefix of this writer's names: {@code ""}, or {@code member<k>.}. */
    String namePrefix() {
        return namePrefix;
    }

    /** The stages written so far, in order, e.g. {@code Gemm}, {@code Gelu(Div/Erf/Add/Mul/Mul)}. */
    List<String> stages() {
        return stages;
    }

    /** Records a stage that is not a layer's, e.g. the leading {@code Flatten} or the head. */
    void addStage(String stage) {
        stages.add(stage);
    }

    /**
     * Writes layer {@code l} reading {@code x}: one Gemm with B = {@code weight} {@code [out][in]} (transB=1) and
     * C = {@code bias} (null: none), then the layer norm ({@code scale}, {@code shift} {@code [out]}) and the
     * activation of {@code spec}. The last node writes {@code out} (a reserved name), or a fresh
     * {@code layer<l>.<stage>} value when {@code out} is null. Returns the layer's output value.
     */
    String write(int l, LayerSpec spec, String x, String weight, String bias, String scale, String shift,
                 String out) {
        final String prefix = namePrefix + "layer" + l;
        final boolean norm = spec.layerNorm();
        final boolean activation = spec.activation().kind() != Activation.Kind.IDENTITY;
        String[] inputs = bias == null ? new String[] {x, weight} : new String[] {x, weight, bias};
        String linear = !norm && !activation && out != null ? out : graph.uniqueValueName(prefix + ".linear");
        graph.addNode(OnnxOp.GEMM, prefix + ".gemm", inputs, linear, GraphBuilder.intAttribute("transB", 1));
        stages.add(OnnxOp.GEMM.opType());
        String value = linear;
        if (norm) {
            String normed = !activation && out != null ? out : graph.uniqueValueName(prefix + ".norm");
            value = layerNorm(prefix + ".norm", value, scale, shift, spec.normEpsilon(), normed);
        }
        if (activation) {
            String name = prefix + "." + spec.activation().kind().id();
            value = activation(name, spec.activation(), value, out != null ? out : graph.uniqueValueName(name));
        }
        return value;
    }

    // ---- layer norm ------------------------------------------------------------------------------------------

    /** {@code (x − mean) / sqrt(var + ε) · scale + shift} over the last axis, into {@code out}. */
    private String layerNorm(String name, String x, String scale, String shift, float epsilon, String out) {
        if (plan.nativeLayerNorm) {
            graph.addNode(OnnxOp.LAYER_NORMALIZATION, name, new String[] {x, scale, shift}, out,
                    GraphBuilder.intAttribute("axis", -1), GraphBuilder.floatAttribute("epsilon", epsilon));
            stages.add(OnnxOp.LAYER_NORMALIZATION.opType());
            return out;
        }
        // PyTorch's native_layer_norm below opset 17: ReduceMean / Sub / Pow / ReduceMean / Add / Sqrt / Div /
        // Mul / Add, the means over axes [-1] with keepdims (the default).
        AttributeProto lastAxis = GraphBuilder.intsAttribute("axes", -1);
        Stage s = new Stage(name);
        String mean = s.node(OnnxOp.REDUCE_MEAN, "mean", lastAxis, x);
        String centred = s.node(OnnxOp.SUB, "centred", null, x, mean);
        String squared = s.node(OnnxOp.POW, "squared", null, centred, scalar("norm.exponent", 2f));
        String variance = s.node(OnnxOp.REDUCE_MEAN, "variance", lastAxis, squared);
        String shifted = s.node(OnnxOp.ADD, "variance_eps", null, variance, scalar(name + ".epsilon", epsilon));
        String std = s.node(OnnxOp.SQRT, "std", null, shifted);
        String normalized = s.node(OnnxOp.DIV, "normalized", null, centred, std);
        String scaled = s.node(OnnxOp.MUL, "scaled", null, normalized, scale);
        s.last(OnnxOp.ADD, out, null, scaled, shift);
        stages.add(s.describe("LayerNorm"));
        return out;
    }

    // ---- activations -----------------------------------------------------------------------------------------

    /** {@code f(x)} into {@code out}; {@code f} is not the identity. */
    private String activation(String name, Activation f, String x, String out) {
        switch (f.kind()) {
            case RELU:
                return single(OnnxOp.RELU, name, x, out);
            case LEAKY_RELU:
                graph.addNode(OnnxOp.LEAKY_RELU, name, new String[] {x}, out,
                        GraphBuilder.floatAttribute("alpha", f.alpha()));
                stages.add(OnnxOp.LEAKY_RELU.opType() + "(alpha=" + f.alpha() + ")");
                return out;
            case TANH:
                return single(OnnxOp.TANH, name, x, out);
            case SIGMOID:
                return single(OnnxOp.SIGMOID, name, x, out);
            case GELU:
                return plan.nativeGelu ? gelu(name, "none", x, out) : geluDecomposed(name, x, out);
            case GELU_TANH:
                return plan.nativeGelu ? gelu(name, "tanh", x, out) : geluTanhDecomposed(name, x, out);
            default:
                throw new IllegalStateException("no ONNX form for activation " + f);
        }
    }

    private String single(OnnxOp op, String name, String x, String out) {
        graph.addNode(op, name, new String[] {x}, out);
        stages.add(op.opType());
        return out;
    }

    private String gelu(String name, String approximate, String x, String out) {
        graph.addNode(OnnxOp.GELU, name, new String[] {x}, out,
                GraphBuilder.stringAttribute("approximate", approximate));
        stages.add(approximate.equals("none") ? OnnxOp.GELU.opType()
                : OnnxOp.GELU.opType() + "(approximate=" + approximate + ")");
        return out;
    }

    /** PyTorch's exact GELU below opset 20: {@code Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)}. */
    private String geluDecomposed(String name, String x, String out) {
        Stage s = new Stage(name);
        String scaled = s.node(OnnxOp.DIV, "scaled", null, x, scalar("gelu.sqrt2", SQRT_2));
        String erf = s.node(OnnxOp.ERF, "erf", null, scaled);
        String erfPlusOne = s.node(OnnxOp.ADD, "erf_plus_one", null, erf, scalar("gelu.one", 1f));
        String product = s.node(OnnxOp.MUL, "x_times", null, x, erfPlusOne);
        s.last(OnnxOp.MUL, out, null, product, scalar("gelu.half", 0.5f));
        stages.add(s.describe("Gelu"));
        return out;
    }

    /**
     * PyTorch's tanh GELU below opset 20, {@code ½·x·(1 + tanh(β·(x + κ·x·x·x)))} as
     * {@code Mul(½, Mul(x, Add(1, Tanh(Mul(β, Add(x, Mul(κ, Mul(x, Mul(x, x)))))))))}.
     */
    private String geluTanhDecomposed(String name, String x, String out) {
        Stage s = new Stage(name);
        String square = s.node(OnnxOp.MUL, "square", null, x, x);
        String cube = s.node(OnnxOp.MUL, "cube", null, x, square);
        String cubic = s.node(OnnxOp.MUL, "cubic_term", null, scalar("gelu.kappa", GELU_TANH_KAPPA), cube);
        String sum = s.node(OnnxOp.ADD, "inner_sum", null, x, cubic);
        String inner = s.node(OnnxOp.MUL, "inner", null, scalar("gelu.beta", GELU_TANH_BETA), sum);
        String tanh = s.node(OnnxOp.TANH, "tanh", null, inner);
        String onePlus = s.node(OnnxOp.ADD, "one_plus_tanh", null, scalar("gelu.one", 1f), tanh);
        String product = s.node(OnnxOp.MUL, "x_times", null, x, onePlus);
        s.last(OnnxOp.MUL, out, null, scalar("gelu.half", 0.5f), product);
        stages.add(s.describe("GeluTanh"));
        return out;
    }

    /** The scalar float initializer {@code name} holding {@code value}, written on first use. */
    private String scalar(String name, float value) {
        String existing = scalars.get(name);
        if (existing != null) {
            return existing;
        }
        String written = graph.addFloatInitializer(name, new float[] {value}, 0);
        scalars.put(name, written);
        return written;
    }

    /** The nodes of one decomposed stage: {@code <name>.<part>} each, the last one writing the stage's output. */
    private final class Stage {
        private final String name;
        private final List<String> ops = new ArrayList<String>();

        Stage(String name) {
            this.name = name;
        }

        /** A node {@code <name>.<part>} of {@code op} over {@code inputs}; returns its output value. */
        String node(OnnxOp op, String part, AttributeProto attribute, String... inputs) {
            String value = graph.uniqueValueName(name + "." + part);
            add(op, name + "." + part, value, attribute, inputs);
            return value;
        }

        /** The stage's last node, named after the stage, writing {@code out}. */
        void last(OnnxOp op, String out, AttributeProto attribute, String... inputs) {
            add(op, name, out, attribute, inputs);
        }

        private void add(OnnxOp op, String node, String value, AttributeProto attribute, String[] inputs) {
            if (attribute == null) {
                graph.addNode(op, node, inputs, value);
            } else {
                graph.addNode(op, node, inputs, value, attribute);
            }
            ops.add(op.opType());
        }

        /** {@code label(Op/Op/…)}. */
        String describe(String label) {
            StringBuilder sb = new StringBuilder(label).append('(');
            for (int i = 0; i < ops.size(); i++) {
                sb.append(i == 0 ? "" : "/").append(ops.get(i));
            }
            return sb.append(')').toString();
        }
    }
}
