package dev.edgetrain.onnx;

import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import dev.edgetrain.onnx.proto.TensorProto;

import java.util.Random;

import static dev.edgetrain.onnx.Models.raw;
import static dev.edgetrain.onnx.Models.value;

/**
 * A hand-built chain, one node at a time, in the style of PyTorch's exporter: {@link #v} is the chain's current
 * value, each method appends nodes reading it and moves it on. Weights are random (seeded); constants are
 * initializers. The decomposed patterns are written exactly as {@code torch.onnx} writes them.
 */
final class Sketch {
    final GraphProto.Builder g = GraphProto.newBuilder();
    final Random r;
    /** The chain's current value. */
    String v;
    private int count;

    Sketch(long seed, String input, Object... dims) {
        this.r = new Random(seed);
        g.addInput(value(input, dims));
        v = input;
    }

    /** A fresh value name with {@code prefix}. */
    String fresh(String prefix) {
        return prefix + "_" + (count++);
    }

    /** A FLOAT initializer of {@code values} with {@code dims}; returns its name. */
    String constant(float[] values, long... dims) {
        String name = fresh("c");
        g.addInitializer(raw(name, values, dims));
        return name;
    }

    /** A FLOAT scalar initializer (rank 0, as torch writes its constants). */
    String scalar(float value) {
        return constant(new float[] {value});
    }

    String int64s(long... values) {
        String name = fresh("i");
        g.addInitializer(Models.int64s(name, values, values.length));
        return name;
    }

    /** A BOOL scalar initializer. */
    String bool(boolean value) {
        String name = fresh("b");
        g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.BOOL_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) (value ? 1 : 0)})));
        return name;
    }

    /** {@code out = op(inputs)}; returns {@code out} (the chain does not move). */
    String node(String op, String[] inputs, AttributeProto... attrs) {
        String out = fresh(op.toLowerCase());
        g.addNode(Models.node(op, fresh("n_" + op), inputs, out, attrs));
        return out;
    }

    /** {@code v = op(v, extra...)}. */
    Sketch then(String op, AttributeProto... attrs) {
        v = node(op, new String[] {v}, attrs);
        return this;
    }

    /** {@code v = op(v, inputs...)}. */
    Sketch then(String op, String[] more, AttributeProto... attrs) {
        String[] inputs = new String[more.length + 1];
        inputs[0] = v;
        System.arraycopy(more, 0, inputs, 1, more.length);
        v = node(op, inputs, attrs);
        return this;
    }

    /** PyTorch's Linear: {@code Gemm(v, W [out, in], b, transB=1)}. */
    Sketch linear(int in, int out, boolean bias) {
        String w = constant(Models.random(r, in * out, 1.0 / Math.sqrt(in)), out, in);
        String[] more = bias ? new String[] {w, constant(Models.random(r, out, 0.3), out)} : new String[] {w};
        return then("Gemm", more, Models.intAttr("transB", 1));
    }

    /** PyTorch's BatchNorm1d in eval mode on {@code width} channels (running statistics away from 0 and 1). */
    Sketch batchNorm(int width, AttributeProto... attrs) {
        float[] var = new float[width];
        float[] gamma = new float[width];
        for (int i = 0; i < width; i++) {
            var[i] = 0.2f + r.nextFloat() * 2;
            gamma[i] = 0.5f + r.nextFloat();
        }
        return then("BatchNormalization", new String[] {constant(gamma, width),
                constant(Models.random(r, width, 0.5), width), constant(Models.random(r, width, 0.5), width),
                constant(var, width)}, attrs);
    }

    /** torch.onnx's exact GELU (opset 9 to 19): Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5. */
    Sketch geluExact() {
        String x = v;
        String e = node("Erf", new String[] {node("Div", new String[] {x, scalar((float) Math.sqrt(2))})});
        String a = node("Add", new String[] {e, scalar(1f)});
        String m = node("Mul", new String[] {x, a});
        v = node("Mul", new String[] {m, scalar(0.5f)});
        return this;
    }

    /** torch.onnx's tanh GELU (symbolic_opset9): 0.5·(x·(1 + tanh(β·(x + κ·(x·(x·x)))))). */
    Sketch geluTanh(float beta, float kappa) {
        String x = v;
        String cube = node("Mul", new String[] {x, node("Mul", new String[] {x, x})});
        String inner = node("Mul", new String[] {scalar(beta),
                node("Add", new String[] {x, node("Mul", new String[] {scalar(kappa), cube})})});
        String a = node("Add", new String[] {scalar(1f), node("Tanh", new String[] {inner})});
        v = node("Mul", new String[] {scalar(0.5f), node("Mul", new String[] {x, a})});
        return this;
    }

    /**
     * torch.onnx's LayerNorm before opset 17: ReduceMean(axes) → Sub → Pow(exponent) → ReduceMean → Add(ε) → Sqrt →
     * Div → Mul(γ) → Add(β). {@code axes} is an attribute before opset 18 and an input from it ({@code axesInput}).
     */
    Sketch layerNormDecomposed(int width, long axis, float exponent, String epsilon, boolean axesInput) {
        String x = v;
        String mean = reduceMean(x, axis, axesInput);
        String d = node("Sub", new String[] {x, mean});
        String variance = reduceMean(node("Pow", new String[] {d, scalar(exponent)}), axis, axesInput);
        String std = node("Sqrt", new String[] {node("Add", new String[] {variance, epsilon})});
        String n = node("Div", new String[] {d, std});
        float[] gamma = Models.random(r, width, 0.5);
        for (int i = 0; i < width; i++) {
            gamma[i] += 1;
        }
        String scaled = node("Mul", new String[] {n, constant(gamma, width)});
        v = node("Add", new String[] {scaled, constant(Models.random(r, width, 0.3), width)});
        return this;
    }

    private String reduceMean(String x, long axis, boolean axesInput) {
        return axesInput ? node("ReduceMean", new String[] {x, int64s(axis)})
                : node("ReduceMean", new String[] {x}, Models.intsAttr("axes", axis));
    }

    /** The model: opset, graph output {@code v} of {@code outDims}, metadata pairs. */
    ModelProto model(int opset, Object[] outDims, String... metadata) {
        GraphProto.Builder graph = g.clone().addOutput(value(v, outDims));
        ModelProto.Builder m = Models.model(8, opset, graph).toBuilder();
        for (int i = 0; i + 1 < metadata.length; i += 2) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(metadata[i]).setValue(metadata[i + 1]));
        }
        return m.build();
    }

    /** The model with output {@code [N, outputs]}. */
    ModelProto model(int opset, int outputs, String... metadata) {
        return model(opset, new Object[] {"N", (long) outputs}, metadata);
    }

    static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }
}
