package dev.edgetrain.onnx;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds an ONNX model from a fuzzer's choices: first a network the importer accepts, in one of the
 * dialects it reads (Gemm with or without transB, MatMul + Add, Constant or Transpose-folded weights, a
 * Flatten or Reshape in front, BatchNormalization, layer norms as the op or decomposed, activations with GELU
 * decomposed, Dropout, Softmax/LogSoftmax/Sigmoid/Identity at the end, labels in the metadata), then a few
 * perturbations of it drawn from what the importer checks (a dimension, an attribute, a wire, an op, a data
 * type, the opset, an extra node or metadata entry). Without perturbations the model imports, so the fuzzer
 * starts on valid graphs and mutates its way to the edges. Sizes stay small to keep executions fast.
 */
final class StructuredModels {
    private static final String[] OPS = {"Gemm", "MatMul", "Add", "Relu", "Softmax", "LogSoftmax", "Identity",
            "Flatten", "Reshape", "Transpose", "Constant", "Sigmoid", "Tanh", "LeakyRelu", "Gelu", "Erf", "Mul", "Div",
            "Sub", "Pow", "Sqrt", "ReduceMean", "LayerNormalization", "BatchNormalization", "Dropout", "If", ""};
    private static final String[] ATTRIBUTES = {"alpha", "beta", "transA", "transB", "axis", "perm", "broadcast",
            "allowzero", "shape", "value", "value_float", "value_floats", "value_int", "value_ints",
            "consumed_inputs", "sparse_value", "epsilon", "axes", "keepdims", "approximate", "training_mode", "ratio",
            "is_test", "stash_type", "spatial", "momentum"};
    private static final String[] METADATA_KEYS = {ModelMetadata.CLASS_LABELS, ModelMetadata.FEATURE_NAMES,
            ModelMetadata.OUTPUT, ModelMetadata.ARCHITECTURE, ModelMetadata.METADATA_VERSION,
            ModelMetadata.STANDARDIZATION, ModelMetadata.TASK, "note", ""};
    private static final String[] DOMAINS = {"", "ai.onnx", "com.microsoft"};
    private static final int[] DATA_TYPES = {TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT64_VALUE,
            TensorProto.DataType.INT32_VALUE, TensorProto.DataType.DOUBLE_VALUE, 0};

    private StructuredModels() {
    }

    static ModelProto build(FuzzedDataProvider d) {
        ModelProto.Builder m = validModel(d);
        int perturbations = d.consumeInt(0, 3);
        for (int i = 0; i < perturbations; i++) {
            perturb(d, m);
        }
        return m.build();
    }

    // ---- a valid classifier ----

    private static ModelProto.Builder validModel(FuzzedDataProvider d) {
        int opset = d.consumeInt(7, 28);
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        int features = d.consumeInt(1, 5);
        String value = "x";
        // The input, maybe [N, a, b] with a Flatten or Reshape in front of the first dense layer.
        switch (d.consumeInt(0, 2)) {
            case 0 -> g.addInput(valueInfo("x", "N", (long) features));
            case 1 -> {
                g.addInput(valueInfo("x", "N", 1L, (long) features));
                g.addNode(node("Flatten", "flat", new String[] {"x"}, "f"));
                value = "f";
            }
            default -> {
                g.addInput(valueInfo("x", "N", 1L, (long) features));
                g.addInitializer(TensorProto.newBuilder().setName("shape").setDataType(TensorProto.DataType.INT64_VALUE)
                        .addDims(2).addInt64Data(d.consumeBoolean() ? -1 : 0).addInt64Data(features));
                g.addNode(node("Reshape", "rs", new String[] {"x", "shape"}, "f"));
                value = "f";
            }
        }
        int layers = d.consumeInt(1, 3);
        int in = features;
        for (int l = 0; l < layers; l++) {
            int out = l == layers - 1 ? d.consumeInt(1, 4) : d.consumeInt(1, 5);
            String w = "w" + l;
            String b = "b" + l;
            String y = "y" + l;
            switch (d.consumeInt(0, 3)) {
                case 0 -> { // PyTorch: Gemm(x, W [out, in], b, transB=1)
                    g.addInitializer(floats(d, w, out, in)).addInitializer(floats(d, b, out));
                    g.addNode(node("Gemm", "fc" + l, new String[] {value, w, b}, y, intAttr("transB", 1)));
                }
                case 1 -> { // Gemm(x, W [in, out]) + C, with alpha/beta
                    g.addInitializer(floats(d, w, in, out)).addInitializer(floats(d, b, 1, out));
                    g.addNode(node("Gemm", "fc" + l, new String[] {value, w, b}, y,
                            floatAttr("alpha", d.consumeRegularFloat(-2f, 2f)),
                            floatAttr("beta", d.consumeRegularFloat(-2f, 2f))));
                }
                case 2 -> { // Keras: MatMul(x, W [in, out]) + Add(b), the bias from a Constant node
                    g.addInitializer(floats(d, w, in, out));
                    g.addNode(node("Constant", "c" + l, new String[0], b,
                            AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                    .setT(floats(d, "", out)).build()));
                    g.addNode(node("MatMul", "mm" + l, new String[] {value, w}, "m" + l));
                    g.addNode(node("Add", "add" + l, new String[] {"m" + l, b}, y));
                }
                default -> { // MatMul(x, Transpose(W [out, in])), no bias
                    g.addInitializer(floats(d, w, out, in));
                    g.addNode(node("Transpose", "t" + l, new String[] {w}, "wt" + l));
                    g.addNode(node("MatMul", "mm" + l, new String[] {value, "wt" + l}, y));
                }
            }
            value = layerTail(d, g, opset, y, l, out, l < layers - 1);
            in = out;
        }
        switch (d.consumeInt(0, 4)) {
            case 0 -> {
                g.addNode(node("Softmax", "sm", new String[] {value}, "p",
                        intAttr("axis", d.consumeBoolean() ? 1 : -1)));
                value = "p";
            }
            case 1 -> {
                g.addNode(node("LogSoftmax", "lsm", new String[] {value}, "p"));
                value = "p";
            }
            case 2 -> {
                g.addNode(node("Identity", "out", new String[] {value}, "p"));
                value = "p";
            }
            case 3 -> {
                g.addNode(node("Sigmoid", "sig", new String[] {value}, "p"));
                value = "p";
            }
            default -> {
            }
        }
        g.addOutput(valueInfo(value, "N", (long) in));
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(d.consumeInt(3, 10)).setProducerName("fuzz")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g);
        if (in >= 2 && d.consumeBoolean()) { // (a single output's label count depends on its task)
            String[] labels = new String[in];
            for (int i = 0; i < in; i++) {
                labels[i] = d.consumeString(4);
            }
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelMetadata.CLASS_LABELS)
                    .setValue(ModelMetadata.encodeList(labels)));
        }
        return m;
    }

    /**
     * What may follow dense layer {@code l} (output {@code y}, {@code width} wide): a BatchNormalization, a layer
     * norm (the op from opset 17, else PyTorch's decomposition), an activation (a hidden layer always gets one, as
     * two dense layers in a row are legal but rarely fuzz-worthy), a Dropout. Returns the layer's output.
     */
    private static String layerTail(FuzzedDataProvider d, GraphProto.Builder g, int opset, String y, int l, int width,
                                    boolean hidden) {
        String v = y;
        if (d.consumeInt(0, 5) == 0) {
            String[] stats = new String[4];
            for (int k = 0; k < 4; k++) {
                stats[k] = "bn" + l + "_" + k;
                g.addInitializer(k == 3 ? positive(d, stats[k], width) : floats(d, stats[k], width));
            }
            g.addNode(node("BatchNormalization", "bn" + l, new String[] {v, stats[0], stats[1], stats[2], stats[3]},
                    "bn" + l));
            v = "bn" + l;
        }
        if (d.consumeInt(0, 4) == 0) {
            v = layerNorm(d, g, opset, v, l, width);
        }
        if (hidden || d.consumeInt(0, 3) == 0) {
            v = activation(d, g, opset, v, l);
        }
        if (hidden && d.consumeInt(0, 5) == 0) {
            String ratio = "ratio" + l;
            g.addInitializer(TensorProto.newBuilder().setName(ratio).setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addFloatData(d.consumeRegularFloat(0f, 0.9f)));
            g.addNode(opset >= 12 ? node("Dropout", "drop" + l, new String[] {v, ratio}, "drop" + l)
                    : node("Dropout", "drop" + l, new String[] {v}, "drop" + l, floatAttr("ratio", 0.5f)));
            v = "drop" + l;
        }
        return v;
    }

    private static String layerNorm(FuzzedDataProvider d, GraphProto.Builder g, int opset, String x, int l,
                                    int width) {
        String p = "ln" + l + "_";
        g.addInitializer(floats(d, p + "scale", width)).addInitializer(floats(d, p + "shift", width));
        if (opset >= 17 && d.consumeBoolean()) {
            g.addNode(node("LayerNormalization", p + "op", new String[] {x, p + "scale", p + "shift"}, p + "y"));
            return p + "y";
        }
        g.addInitializer(scalar(p + "two", 2f)).addInitializer(scalar(p + "eps", d.consumeRegularFloat(1e-6f, 1e-2f)));
        if (opset >= 18) {
            g.addInitializer(TensorProto.newBuilder().setName(p + "axes").setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(1).addInt64Data(-1));
        }
        g.addNode(mean(opset, p + "mean", x, p + "m", p));
        g.addNode(node("Sub", p + "sub", new String[] {x, p + "m"}, p + "d"));
        g.addNode(node("Pow", p + "pow", new String[] {p + "d", p + "two"}, p + "sq"));
        g.addNode(mean(opset, p + "var", p + "sq", p + "v", p));
        g.addNode(node("Add", p + "addeps", new String[] {p + "v", p + "eps"}, p + "ve"));
        g.addNode(node("Sqrt", p + "sqrt", new String[] {p + "ve"}, p + "s"));
        g.addNode(node("Div", p + "div", new String[] {p + "d", p + "s"}, p + "n"));
        g.addNode(node("Mul", p + "mul", new String[] {p + "n", p + "scale"}, p + "g"));
        g.addNode(node("Add", p + "add", new String[] {p + "g", p + "shift"}, p + "y"));
        return p + "y";
    }

    private static NodeProto mean(int opset, String name, String x, String out, String prefix) {
        return opset >= 18 ? node("ReduceMean", name, new String[] {x, prefix + "axes"}, out)
                : node("ReduceMean", name, new String[] {x}, out, AttributeProto.newBuilder().setName("axes")
                .setType(AttributeProto.AttributeType.INTS).addInts(-1).build());
    }

    private static String activation(FuzzedDataProvider d, GraphProto.Builder g, int opset, String x, int l) {
        String a = "act" + l;
        switch (d.consumeInt(0, 5)) {
            case 0 -> g.addNode(node("Relu", a, new String[] {x}, a));
            case 1 -> g.addNode(node("LeakyRelu", a, new String[] {x}, a,
                    floatAttr("alpha", d.consumeRegularFloat(0f, 1f))));
            case 2 -> g.addNode(node("Tanh", a, new String[] {x}, a));
            case 3 -> g.addNode(node("Sigmoid", a, new String[] {x}, a));
            case 4 -> {
                if (opset >= 20) {
                    g.addNode(node("Gelu", a, new String[] {x}, a));
                } else {
                    g.addNode(node("Relu", a, new String[] {x}, a));
                }
            }
            default -> { // torch.onnx's exact GELU before opset 20
                String p = "gelu" + l + "_";
                g.addInitializer(scalar(p + "sqrt2", 1.4142135f)).addInitializer(scalar(p + "one", 1f))
                        .addInitializer(scalar(p + "half", 0.5f));
                g.addNode(node("Div", p + "div", new String[] {x, p + "sqrt2"}, p + "q"));
                g.addNode(node("Erf", p + "erf", new String[] {p + "q"}, p + "e"));
                g.addNode(node("Add", p + "add", new String[] {p + "e", p + "one"}, p + "a"));
                g.addNode(node("Mul", p + "mulx", new String[] {x, p + "a"}, p + "m"));
                g.addNode(node("Mul", p + "half", new String[] {p + "m", p + "half"}, a));
            }
        }
        return a;
    }

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(v)
                .build();
    }

    /** A FLOAT vector of positive values (a variance). */
    private static TensorProto positive(FuzzedDataProvider d, String name, int n) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(n);
        for (int i = 0; i < n; i++) {
            t.addFloatData(d.consumeRegularFloat(0.1f, 3f));
        }
        return t.build();
    }

    // ---- perturbations ----

    private static void perturb(FuzzedDataProvider d, ModelProto.Builder m) {
        GraphProto.Builder g = m.getGraph().toBuilder();
        perturb(d, m, g);
        m.setGraph(g);
    }

    private static void perturb(FuzzedDataProvider d, ModelProto.Builder m, GraphProto.Builder g) {
        switch (d.consumeInt(0, 11)) {
            case 0 -> { // a dimension of an initializer
                if (g.getInitializerCount() > 0) {
                    int k = d.consumeInt(0, g.getInitializerCount() - 1);
                    TensorProto.Builder t = g.getInitializer(k).toBuilder();
                    if (t.getDimsCount() > 0) {
                        t.setDims(d.consumeInt(0, t.getDimsCount() - 1), dim(d));
                    } else {
                        t.addDims(dim(d));
                    }
                    g.setInitializer(k, t);
                }
            }
            case 1 -> { // an attribute added or replaced
                if (g.getNodeCount() > 0) {
                    int k = d.consumeInt(0, g.getNodeCount() - 1);
                    NodeProto.Builder n = g.getNode(k).toBuilder();
                    AttributeProto a = attribute(d, d.pickValue(ATTRIBUTES));
                    if (n.getAttributeCount() > 0 && d.consumeBoolean()) {
                        n.setAttribute(d.consumeInt(0, n.getAttributeCount() - 1), a);
                    } else {
                        n.addAttribute(a);
                    }
                    g.setNode(k, n);
                }
            }
            case 2 -> { // a wire: some node's input or output renamed to another value
                if (g.getNodeCount() > 0) {
                    int k = d.consumeInt(0, g.getNodeCount() - 1);
                    NodeProto.Builder n = g.getNode(k).toBuilder();
                    String name = someValue(d, g);
                    if (n.getInputCount() > 0 && d.consumeBoolean()) {
                        n.setInput(d.consumeInt(0, n.getInputCount() - 1), name);
                    } else if (n.getOutputCount() > 0) {
                        n.setOutput(d.consumeInt(0, n.getOutputCount() - 1), name);
                    }
                    g.setNode(k, n);
                }
            }
            case 3 -> { // an op type
                if (g.getNodeCount() > 0) {
                    int k = d.consumeInt(0, g.getNodeCount() - 1);
                    g.setNode(k, g.getNode(k).toBuilder().setOpType(d.pickValue(OPS)));
                }
            }
            case 4 -> { // a node removed or duplicated
                if (g.getNodeCount() > 0) {
                    int k = d.consumeInt(0, g.getNodeCount() - 1);
                    if (d.consumeBoolean()) {
                        g.removeNode(k);
                    } else {
                        g.addNode(g.getNode(k));
                    }
                }
            }
            case 5 -> { // a stray node
                NodeProto.Builder n = NodeProto.newBuilder().setOpType(d.pickValue(OPS)).setName("stray");
                int inputs = d.consumeInt(0, 3);
                for (int i = 0; i < inputs; i++) {
                    n.addInput(someValue(d, g));
                }
                n.addOutput(someValue(d, g));
                g.addNode(d.consumeInt(0, g.getNodeCount()), n.build());
            }
            case 6 -> { // a tensor's data type or payload
                if (g.getInitializerCount() > 0) {
                    int k = d.consumeInt(0, g.getInitializerCount() - 1);
                    TensorProto.Builder t = g.getInitializer(k).toBuilder();
                    switch (d.consumeInt(0, 3)) {
                        case 0 -> t.setDataType(d.pickValue(DATA_TYPES));
                        case 1 -> t.setRawData(ByteString.copyFrom(d.consumeBytes(d.consumeInt(0, 64))));
                        case 2 -> t.clearRawData().addFloatData(d.consumeFloat());
                        default -> t.setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(
                                StringStringEntryProto.newBuilder().setKey("location").setValue("../w.bin"));
                    }
                    g.setInitializer(k, t);
                }
            }
            case 7 -> { // the opset or IR version
                if (d.consumeBoolean()) {
                    m.setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain(d.pickValue(DOMAINS))
                            .setVersion(d.consumeBoolean() ? d.consumeInt(0, 30) : d.consumeLong()));
                } else {
                    m.setIrVersion(d.consumeInt(0, 12));
                }
            }
            case 8 -> { // a metadata entry
                String value = d.consumeBoolean() ? d.consumeString(12) : list(d);
                m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(d.pickValue(METADATA_KEYS))
                        .setValue(value));
            }
            case 9 -> { // the declared input or output shape
                boolean input = d.consumeBoolean();
                int count = input ? g.getInputCount() : g.getOutputCount();
                if (count > 0) {
                    int rank = d.consumeInt(0, 4);
                    Object[] dims = new Object[rank];
                    for (int i = 0; i < rank; i++) {
                        dims[i] = d.consumeBoolean() ? "N" : (Object) dim(d);
                    }
                    int k = d.consumeInt(0, count - 1);
                    String name = input ? g.getInput(k).getName() : g.getOutput(k).getName();
                    ValueInfoProto v = d.consumeInt(0, 7) == 0 ? ValueInfoProto.newBuilder().setName(name).build()
                            : valueInfo(name, dims);
                    if (input) {
                        g.setInput(k, v);
                    } else {
                        g.setOutput(k, v);
                    }
                }
            }
            case 10 -> { // an extra graph input or output
                if (d.consumeBoolean()) {
                    g.addInput(valueInfo(someValue(d, g), "N", dim(d)));
                } else {
                    g.addOutput(valueInfo(someValue(d, g), "N", dim(d)));
                }
            }
            default -> { // an extra initializer, maybe shadowing a value
                g.addInitializer(floats(d, someValue(d, g), (int) Math.min(6, Math.max(0, dim(d)))));
            }
        }
    }

    /** A value name of the graph (an input, an initializer or a node's output), or a new one. */
    private static String someValue(FuzzedDataProvider d, GraphProto.Builder g) {
        switch (d.consumeInt(0, 4)) {
            case 0:
                return g.getInputCount() > 0 ? g.getInput(0).getName() : "x";
            case 1:
                return g.getInitializerCount() > 0
                        ? g.getInitializer(d.consumeInt(0, g.getInitializerCount() - 1)).getName() : "w0";
            case 2:
            case 3:
                if (g.getNodeCount() > 0) {
                    NodeProto n = g.getNode(d.consumeInt(0, g.getNodeCount() - 1));
                    if (n.getOutputCount() > 0) {
                        return n.getOutput(0);
                    }
                }
                return "y0";
            default:
                return d.pickValue(new String[] {"", "new", "model/dense/kernel:0", "../w"});
        }
    }

    // ---- pieces ----

    private static long dim(FuzzedDataProvider d) {
        return d.consumeInt(0, 15) == 0 ? d.consumeLong() : d.consumeInt(0, 6);
    }

    private static String list(FuzzedDataProvider d) {
        int n = d.consumeInt(1, 4);
        String[] items = new String[n];
        for (int i = 0; i < n; i++) {
            items[i] = d.consumeString(4);
        }
        return ModelMetadata.encodeList(items);
    }

    /** A FLOAT tensor of the given shape with small values, in raw_data or float_data. */
    private static TensorProto floats(FuzzedDataProvider d, String name, int... dims) {
        int n = 1;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (int dim : dims) {
            n *= dim;
            t.addDims(dim);
        }
        boolean raw = d.consumeBoolean();
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float v = d.consumeRegularFloat(-3f, 3f);
            if (raw) {
                b.putFloat(v);
            } else {
                t.addFloatData(v);
            }
        }
        if (raw) {
            t.setRawData(ByteString.copyFrom(b.array()));
        }
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder b = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String p) {
                b.setDimParam(p);
            } else {
                b.setDimValue((Long) dim);
            }
            s.addDim(b);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static NodeProto node(String op, String name, String[] inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static AttributeProto attribute(FuzzedDataProvider d, String name) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (d.consumeInt(0, 5)) {
            case 0 -> a.setType(AttributeProto.AttributeType.INT).setI(d.consumeBoolean() ? d.consumeLong(-3, 3)
                    : d.consumeLong());
            case 1 -> a.setType(AttributeProto.AttributeType.FLOAT).setF(d.consumeBoolean()
                    ? d.consumeRegularFloat(-2f, 2f) : d.consumeFloat());
            case 2 -> {
                a.setType(AttributeProto.AttributeType.INTS);
                int k = d.consumeInt(0, 3);
                for (int i = 0; i < k; i++) {
                    a.addInts(d.consumeLong(-2, 6));
                }
            }
            case 3 -> {
                a.setType(AttributeProto.AttributeType.FLOATS);
                int k = d.consumeInt(0, 3);
                for (int i = 0; i < k; i++) {
                    a.addFloats(d.consumeRegularFloat(-2f, 2f));
                }
            }
            case 4 -> a.setType(AttributeProto.AttributeType.TENSOR).setT(floats(d, "", d.consumeInt(0, 3)));
            default -> a.setI(d.consumeLong(-1, 2)); // no type, as old exporters wrote
        }
        return a.build();
    }
}
