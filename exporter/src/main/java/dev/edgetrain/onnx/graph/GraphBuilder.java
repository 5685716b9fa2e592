package dev.edgetrain.onnx.graph;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Builds one {@link GraphProto}, the "graph fragment" of an export: it owns the names, so every value and
 * every node gets a unique one, and it refuses a node whose inputs were never defined, whose arity its
 * {@link OnnxOp} does not allow, or whose attributes the op does not have (name and type, at the model's opset).
 * The opset a model needs is tracked from the ops added; a builder made for a target opset refuses any op
 * newer than it.
 *
 * <p>Values (graph inputs, initializers, node outputs) and nodes are separate namespaces, as in ONNX.
 * Not thread-safe; one builder per export.
 */
public final class GraphBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    /** Every value name handed out, defined or not yet. */
    private final Set<String> valueNames = new HashSet<String>();
    /** Value names that exist in the graph: inputs, initializers, node outputs. */
    private final Set<String> defined = new HashSet<String>();
    private final Set<String> nodeNames = new HashSet<String>();
    private int opsetVersion;
    /** The opset the model will declare, or 0 when it is whatever the ops need ({@link #opsetVersion()}). */
    private final int targetOpset;

    /**
     * A builder whose model declares the opset its ops need ({@link #opsetVersion()}).
     *
     * @param graphName the graph's name
     */
    public GraphBuilder(String graphName) {
        this(graphName, 0);
    }

    /**
     * A builder for a model declaring default-domain opset {@code targetOpset} ({@link OnnxOp#MIN_OPSET} to
     * {@link OnnxOp#MAX_KNOWN_OPSET}), or 0 for the opset its ops need: a node whose op is newer than the target,
     * or that has an attribute its op does not have at the target, is refused.
     *
     * @param graphName the graph's name
     * @param targetOpset the opset to declare, or 0
     */
    public GraphBuilder(String graphName, int targetOpset) {
        if (targetOpset != 0 && (targetOpset < OnnxOp.MIN_OPSET || targetOpset > OnnxOp.MAX_KNOWN_OPSET)) {
            throw new IllegalArgumentException("target opset must be 0 or in [" + OnnxOp.MIN_OPSET + ", "
                    + OnnxOp.MAX_KNOWN_OPSET + "], got " + targetOpset);
        }
        graph.setName(requireName("graph name", graphName));
        this.targetOpset = targetOpset;
    }

    /**
     * Claims exactly {@code name} for a value (a graph input or output must keep its name).
     *
     * @param name the value's name, not empty
     * @return {@code name}
     * @throws IllegalArgumentException when the name is already used
     */
    public String reserveValueName(String name) {
        requireName("value name", name);
        if (!valueNames.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is already used in graph '"
                    + graph.getName() + "'");
        }
        return name;
    }

    /**
     * Takes in a value that exists in the model from elsewhere (a backbone's graph input, initializer or node
     * output, merged with this fragment): it counts as used, so no name handed out later equals it, and as defined,
     * so nodes may read it. Adopting a name twice is allowed (a backbone may list a value in several places).
     *
     * @param name the value's name, not empty
     */
    public void adoptValue(String name) {
        requireName("value name", name);
        valueNames.add(name);
        defined.add(name);
    }

    /**
     * A copy of every value name used so far (defined, reserved or adopted).
     *
     * @return the names, a new set
     */
    public Set<String> valueNames() {
        return new HashSet<String>(valueNames);
    }

    /**
     * Takes in a node name used elsewhere in the model (a backbone's), so no node added here gets it.
     *
     * @param name the node's name
     */
    public void adoptNodeName(String name) {
        nodeNames.add(requireName("node name", name));
    }

    /**
     * A value name not used yet: {@code base}, else {@code base_1}, {@code base_2}, …
     *
     * @param base the name wanted, not empty
     * @return the name, now claimed
     */
    public String uniqueValueName(String base) {
        return unique(valueNames, requireName("value name", base));
    }

    /**
     * A node name not used yet: {@code base}, else {@code base_1}, {@code base_2}, …
     *
     * @param base the name wanted, not empty
     * @return the name, now claimed
     */
    public String uniqueNodeName(String base) {
        return unique(nodeNames, requireName("node name", base));
    }

    private static String unique(Set<String> names, String base) {
        String name = base;
        for (int i = 1; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /**
     * Declares a float graph input {@code [batchParam, trailingDims...]} with a symbolic batch dimension, e.g.
     * {@code [N, features]} or {@code [N, 16, 96]}.
     *
     * @param name the input's name, not used yet
     * @param batchParam the batch dimension's symbol, e.g. {@code N}
     * @param trailingDims the other dimensions, each at least 1
     * @return {@code name}
     */
    public String addFloatInput(String name, String batchParam, long... trailingDims) {
        return addFloatInput(name, symbolicDimension(batchParam), trailingDims);
    }

    /**
     * Declares a float graph input {@code [batch, trailingDims...]}, the batch symbolic ({@link #symbolicDimension})
     * or fixed ({@link #fixedDimension}).
     *
     * @param name the input's name, not used yet
     * @param batch the batch dimension
     * @param trailingDims the other dimensions, each at least 1
     * @return {@code name}
     */
    public String addFloatInput(String name, TensorShapeProto.Dimension batch, long... trailingDims) {
        reserveValueName(name);
        graph.addInput(floatValueInfo(name, batch, trailingDims));
        defined.add(name);
        return name;
    }

    /**
     * Declares {@code value}, already defined, as a float graph output {@code [batchParam, width]}.
     *
     * @param value the value's name
     * @param batchParam the batch dimension's symbol, e.g. {@code N}
     * @param width the second dimension, at least 1
     */
    public void addFloatOutput(String value, String batchParam, long width) {
        addFloatOutput(value, symbolicDimension(batchParam), width);
    }

    /**
     * Declares {@code value}, already defined, as a float graph output {@code [batch, width]}.
     *
     * @param value the value's name
     * @param batch the batch dimension
     * @param width the second dimension, at least 1
     */
    public void addFloatOutput(String value, TensorShapeProto.Dimension batch, long width) {
        requireDefined(value, "graph output");
        graph.addOutput(floatValueInfo(value, batch, width));
    }

    /**
     * Adds a float initializer holding {@code data[offset ..]} of shape {@code dims} (row-major), stored as
     * little-endian {@code raw_data}. Returns its name: {@code baseName}, made unique if needed.
     *
     * @param baseName the name wanted
     * @param data holds the values, row-major
     * @param offset index of the first value in {@code data}
     * @param dims the tensor's shape; their product values are read
     * @return the initializer's name
     */
    public String addFloatInitializer(String baseName, float[] data, int offset, long... dims) {
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("dimension " + d + " of initializer '" + baseName + "' is negative");
            }
            count *= d;
        }
        if (offset < 0 || count > data.length - offset) {
            throw new IllegalArgumentException("initializer '" + baseName + "' needs " + count + " values from offset "
                    + offset + ", array has " + data.length);
        }
        String name = uniqueValueName(baseName);
        graph.addInitializer(floatTensor(name, data, offset, dims));
        defined.add(name);
        return name;
    }

    /**
     * Adds an INT64 initializer holding {@code values} of shape {@code dims} (e.g. a {@code Reshape} target),
     * little-endian {@code raw_data}. Returns its name: {@code baseName}, made unique if needed.
     *
     * @param baseName the name wanted
     * @param values the values, as many as the product of {@code dims}
     * @param dims the tensor's shape
     * @return the initializer's name
     */
    public String addInt64Initializer(String baseName, long[] values, long... dims) {
        long count = 1;
        for (long d : dims) {
            if (d < 0 || (d > 0 && count > Integer.MAX_VALUE / d)) {
                throw new IllegalArgumentException("initializer '" + baseName + "' has an invalid shape "
                        + Arrays.toString(dims));
            }
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("initializer '" + baseName + "' of shape " + Arrays.toString(dims)
                    + " holds " + count + " values, got " + values.length);
        }
        String name = uniqueValueName(baseName);
        // 8 bytes per value, little-endian as ONNX's raw_data requires.
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buffer.putLong(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(UnsafeByteOperations.unsafeWrap(buffer.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t.build());
        defined.add(name);
        return name;
    }

    /**
     * Adds a node computing {@code op} of {@code inputs} into the value {@code output}, a name obtained from
     * {@link #reserveValueName} or {@link #uniqueValueName} and not produced by another node. Returns the
     * node's unique name (from {@code nodeBaseName}).
     *
     * @param op the op, its opset within the target's
     * @param nodeBaseName the node name wanted
     * @param inputs the names of defined values the node reads, as many as the op takes
     * @param output the value the node computes
     * @param attributes the node's attributes, each one the op has at the target opset
     * @return the node's name
     */
    public String addNode(OnnxOp op, String nodeBaseName, String[] inputs, String output,
            AttributeProto... attributes) {
        if (inputs.length < op.minInputs() || inputs.length > op.maxInputs()) {
            throw new IllegalArgumentException(op.opType() + " takes " + op.minInputs() + " to " + op.maxInputs()
                    + " inputs, got " + inputs.length);
        }
        if (targetOpset != 0 && op.sinceVersion() > targetOpset) {
            throw new IllegalArgumentException(op.opType() + " (node '" + nodeBaseName + "') needs opset "
                    + op.sinceVersion() + ", graph '" + graph.getName() + "' is built for opset " + targetOpset
                    + "; expected only ops of opset " + targetOpset + " or older");
        }
        if (targetOpset != 0) {
            checkAttributes(op, nodeBaseName, attributes, targetOpset);
        }
        for (String in : inputs) {
            requireDefined(in, op.opType() + " input");
        }
        if (!valueNames.contains(output)) {
            throw new IllegalArgumentException("output '" + output + "' of " + op.opType()
                    + " was not reserved with this builder");
        }
        if (!defined.add(output)) {
            throw new IllegalArgumentException("value '" + output
                    + "' is already defined; ONNX values are assigned once");
        }
        String nodeName = uniqueNodeName(nodeBaseName);
        NodeProto.Builder node = NodeProto.newBuilder()
                .setName(nodeName)
                .setOpType(op.opType())
                .addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        opsetVersion = Math.max(opsetVersion, op.sinceVersion());
        return nodeName;
    }

    /**
     * Sets the graph's {@code doc_string}.
     *
     * @param doc the text
     */
    public void setDocString(String doc) {
        graph.setDocString(doc);
    }

    /**
     * The default-domain operator-set version the ops added so far need (at least {@link OnnxOp#MIN_OPSET}).
     *
     * @return the opset version
     */
    public int opsetVersion() {
        return Math.max(opsetVersion, OnnxOp.MIN_OPSET);
    }

    /**
     * The opset the model declares: the target given to the constructor, or else {@link #opsetVersion()}.
     *
     * @return the opset version
     */
    public int modelOpset() {
        return targetOpset != 0 ? targetOpset : opsetVersion();
    }

    /**
     * The graph. Every node's attributes are checked against its op at {@link #modelOpset()} first (a builder
     * without a target only knows that opset now).
     *
     * @return the graph, as built so far
     */
    public GraphProto build() {
        final int opset = modelOpset();
        for (NodeProto n : graph.getNodeList()) {
            OnnxOp op = OnnxOp.forType(n.getOpType());
            checkAttributes(op, n.getName(), n.getAttributeList().toArray(new AttributeProto[0]), opset);
        }
        return graph.build();
    }

    /** Each attribute must exist for {@code op} at {@code opset}, with its declared type. */
    private static void checkAttributes(OnnxOp op, String node, AttributeProto[] attributes, int opset) {
        for (AttributeProto a : attributes) {
            OnnxOp.Attribute spec = op.attribute(a.getName(), opset);
            if (spec == null) {
                throw new IllegalArgumentException(op.opType() + " (node '" + node + "') has no attribute '"
                        + a.getName() + "' at opset " + opset + "; expected one of " + op.attributeNames(opset));
            }
            if (spec.type() != a.getType()) {
                throw new IllegalArgumentException(op.opType() + " (node '" + node + "') attribute '" + a.getName()
                        + "' is " + a.getType() + "; expected " + spec.type());
            }
        }
    }

    /**
     * An {@code INT} attribute {@code name = value}.
     *
     * @param name the attribute's name
     * @param value its value
     * @return the attribute
     */
    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /**
     * A {@code FLOAT} attribute {@code name = value}.
     *
     * @param name the attribute's name
     * @param value its value
     * @return the attribute
     */
    public static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                .build();
    }

    /**
     * An {@code INTS} attribute {@code name = values}.
     *
     * @param name the attribute's name
     * @param values its values
     * @return the attribute
     */
    public static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /**
     * A STRING attribute, UTF-8 encoded as ONNX requires.
     *
     * @param name the attribute's name
     * @param value its value
     * @return the attribute
     */
    public static AttributeProto stringAttribute(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    /**
     * A FLOAT tensor {@code dims} of {@code data[offset ..]}, as little-endian {@code raw_data}.
     *
     * @param name the tensor's name
     * @param data holds the values, row-major
     * @param offset index of the first value in {@code data}
     * @param dims the tensor's shape; their product values are read
     * @return the tensor
     */
    public static TensorProto floatTensor(String name, float[] data, int offset, long... dims) {
        long count = 1;
        for (long d : dims) {
            if (d < 0 || (d > 0 && count > Integer.MAX_VALUE / d)) {
                throw new IllegalArgumentException("tensor '" + name + "' has an invalid shape "
                        + Arrays.toString(dims));
            }
            count *= d;
        }
        if (count > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor '" + name + "' of " + count
                    + " floats is too large for raw_data");
        }
        // Tight little-endian packing, as ONNX requires for raw_data; 4 bytes per float.
        ByteBuffer buffer = ByteBuffer.allocate((int) count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            buffer.putFloat(data[offset + i]);
        }
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                // The buffer is private to this call, so wrapping it without a copy is safe.
                .setRawData(UnsafeByteOperations.unsafeWrap(buffer.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /**
     * A symbolic dimension, e.g. the batch {@code N}.
     *
     * @param param the dimension's symbol
     * @return the dimension
     */
    public static TensorShapeProto.Dimension symbolicDimension(String param) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(requireName("dimension name", param)).build();
    }

    /**
     * A fixed dimension of {@code size} (at least 1).
     *
     * @param size the dimension's size, at least 1
     * @return the dimension
     */
    public static TensorShapeProto.Dimension fixedDimension(long size) {
        if (size < 1) {
            throw new IllegalArgumentException("fixed dimension " + size + " must be positive");
        }
        return TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
    }

    /**
     * A float tensor type {@code [batchParam, trailingDims...]}, e.g. {@code [N, width]}.
     *
     * @param name the value's name
     * @param batchParam the batch dimension's symbol, e.g. {@code N}
     * @param trailingDims the other dimensions
     * @return the value info
     */
    public static ValueInfoProto floatValueInfo(String name, String batchParam, long... trailingDims) {
        return floatValueInfo(name, symbolicDimension(batchParam), trailingDims);
    }

    /**
     * A float tensor type {@code [batch, trailingDims...]}, e.g. {@code [N, width]} or {@code [1, 16, 96]}.
     *
     * @param name the value's name
     * @param batch the batch dimension
     * @param trailingDims the other dimensions
     * @return the value info
     */
    public static ValueInfoProto floatValueInfo(String name, TensorShapeProto.Dimension batch,
                                                long... trailingDims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(batch);
        for (long d : trailingDims) {
            if (d < 1) {
                throw new IllegalArgumentException("dimension " + d + " of value '" + name + "' must be positive");
            }
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape.build()))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private void requireDefined(String value, String role) {
        if (!defined.contains(value)) {
            throw new IllegalArgumentException(role + " '" + value + "' is not defined in graph '" + graph.getName()
                    + "' (expected a graph input, an initializer or an earlier node's output)");
        }
    }

    private static String requireName(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return name;
    }
}
