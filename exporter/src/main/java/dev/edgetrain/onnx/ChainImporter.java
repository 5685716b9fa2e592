package dev.edgetrain.onnx;

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
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link ModelProto} into a runtime network by walking the single chain of nodes from the graph's
 * one feature input to its output:
 * <pre>
 *   [Flatten | Reshape | Identity]*  ( dense  [Relu] )*  dense  [Softmax | LogSoftmax]  [Identity]*
 *   dense = Gemm(x, B, C?)  |  MatMul(x, W) [Add(·, b)]
 * </pre>
 * Constants come from initializers (also when listed as graph inputs), {@code Constant} nodes and
 * {@code Transpose}/{@code Identity} nodes of constants, which are folded first. Everything else is
 * refused with an {@link OnnxImportException} that names the node and says what was expected.
 */
final class ChainImporter {
    /**
     * The newest default-domain opset whose definitions of the ops read here were checked (ONNX main at
     * opset 28: Gemm last changed in 13, Relu 14, Softmax/LogSoftmax 13, MatMul 13, Add 14, Flatten 25,
     * later versions of Reshape/Transpose/Identity/Constant only added types). A newer opset could redefine
     * one of them, so it is refused rather than guessed.
     */
    static final int MAX_KNOWN_OPSET = dev.edgetrain.onnx.graph.OnnxOp.MAX_KNOWN_OPSET;

    private enum State {
        /** Before the first dense layer: only Flatten, Reshape, Identity, then a dense op. */
        START,
        /** Right after a dense layer's output: Add (bias), Relu, Softmax, LogSoftmax, Identity or the end. */
        DENSE,
        /** After a Relu: the next dense layer (or Identity). */
        ACTIVATED,
        /** After Softmax/LogSoftmax: only Identity or the end. */
        TAIL
    }

    /** One dense layer read from the graph, in the runtime's layout. */
    private static final class Layer {
        final int in;
        final int out;
        /** {@code [out][in]} row-major. */
        final float[] weight;
        /** {@code [out]}, or null. */
        float[] bias;
        /** Whether an {@code Add} may still supply the bias (a MatMul, or a Gemm without C). */
        boolean biasOpen;
        final String where;

        Layer(int in, int out, float[] weight, float[] bias, String where) {
            this.in = in;
            this.out = out;
            this.weight = weight;
            this.bias = bias;
            this.biasOpen = bias == null;
            this.where = where;
        }
    }

    private final ModelProto model;
    private final GraphProto graph;
    private final ImportLimits limits;
    /** Elements of every constant tensor read or folded so far, against {@link ImportLimits#maxTotalElements()}. */
    private long totalElements;
    /** Parameters of the layers read so far, against {@link ImportLimits#maxParameters()}. */
    private long parameters;
    private int opset;
    private final Map<String, ConstantTensor> constants = new HashMap<String, ConstantTensor>();
    private final List<Layer> layers = new ArrayList<Layer>();

    private ChainImporter(ModelProto model, ImportLimits limits) {
        this.model = model;
        this.graph = model.getGraph();
        this.limits = limits;
    }

    static ImportedModel convert(ModelProto model, ImportLimits limits) throws OnnxImportException {
        if (!model.hasGraph()) {
            throw new OnnxImportException("the model has no graph (ModelProto field 7); expected an ONNX model"
                    + (model.getSerializedSize() == 0 ? " (the input is empty)" : ""));
        }
        return new ChainImporter(model, limits).run();
    }

    private ImportedModel run() throws OnnxImportException {
        if (graph.getNodeCount() > limits.maxNodes()) {
            throw new OnnxImportException("the graph has " + graph.getNodeCount() + " nodes; expected at most "
                    + limits.maxNodes() + " (ImportLimits.maxNodes)");
        }
        opset = defaultOpset();
        if (graph.getSparseInitializerCount() > 0) {
            throw new OnnxImportException("the graph has " + graph.getSparseInitializerCount()
                    + " sparse initializer(s); expected dense initializers");
        }
        Set<String> initializerNames = new HashSet<String>();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getName().isEmpty()) {
                throw new OnnxImportException("initializer " + i + " has no name; expected every initializer to be named");
            }
            if (!initializerNames.add(t.getName())) {
                throw new OnnxImportException("initializer '" + t.getName()
                        + "' is defined twice; expected unique initializer names");
            }
            ConstantTensor c = ConstantTensor.of(t, "initializer '" + t.getName() + "'", limits);
            charge(c.origin, c.count);
            constants.put(t.getName(), c);
        }

        // The one feature input: graph inputs that are also initializers are constants (IR < 4 style).
        List<ValueInfoProto> feeds = new ArrayList<ValueInfoProto>();
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializerNames.contains(in.getName())) {
                feeds.add(in);
            }
        }
        if (feeds.size() != 1) {
            List<String> names = new ArrayList<String>();
            for (ValueInfoProto f : feeds) {
                names.add(f.getName());
            }
            throw new OnnxImportException("the graph has " + feeds.size() + " input(s) that are not initializers "
                    + abbreviate(names) + "; expected exactly one (the features), with every weight a constant");
        }
        final ValueInfoProto feed = feeds.get(0);
        final long[] inputShape = inputShape(feed);

        final List<NodeProto> nodes = graph.getNodeList();
        checkAssignedOnce(nodes, initializerNames, feed.getName());
        boolean[] folded = foldConstants(nodes);

        // Who consumes each non-constant value.
        Map<String, List<Integer>> consumers = new HashMap<String, List<Integer>>();
        for (int i = 0; i < nodes.size(); i++) {
            if (folded[i]) {
                continue;
            }
            Set<String> seen = new HashSet<String>();
            for (String in : nodes.get(i).getInputList()) {
                if (!in.isEmpty() && !constants.containsKey(in) && seen.add(in)) {
                    List<Integer> c = consumers.get(in);
                    if (c == null) {
                        c = new ArrayList<Integer>();
                        consumers.put(in, c);
                    }
                    c.add(i);
                }
            }
        }

        // Walk the chain.
        boolean[] visited = new boolean[nodes.size()];
        Set<String> chainValues = new HashSet<String>();
        String value = feed.getName();
        chainValues.add(value);
        long[] shape = inputShape == null ? null : inputShape.clone();
        State state = State.START;
        OutputKind kind = OutputKind.LOGITS;
        int lastRelu = -1;
        List<String> opsSeen = new ArrayList<String>();
        while (true) {
            List<Integer> users = consumers.get(value);
            if (users == null || users.isEmpty()) {
                break;
            }
            if (users.size() > 1) {
                StringBuilder sb = new StringBuilder();
                for (int u : users) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(describe(u, nodes.get(u)));
                }
                throw new OnnxImportException("value '" + value + "' feeds " + users.size() + " nodes (" + sb
                        + "); expected a single chain of nodes from input '" + feed.getName() + "' to the output");
            }
            final int index = users.get(0);
            final NodeProto node = nodes.get(index);
            if (visited[index]) {
                throw nodeError(index, node, "is reached twice from input '" + feed.getName()
                        + "'; expected an acyclic chain");
            }
            visited[index] = true;
            opsSeen.add(node.getOpType());
            checkNodeShape(index, node, value);
            final String op = node.getOpType();

            if (op.equals("Identity")) {
                checkInputCount(index, node, 1, 1);
                checkAttributes(index, node);
            } else if (op.equals("Flatten") || op.equals("Reshape")) {
                if (state != State.START) {
                    throw nodeError(index, node, op + " after a dense layer; expected it only before the first Gemm/MatMul"
                            + " (to make the input [N, features])");
                }
                shape = op.equals("Flatten") ? flatten(index, node, shape) : reshape(index, node, shape);
            } else if (op.equals("Gemm") || op.equals("MatMul")) {
                if (state == State.DENSE) {
                    throw nodeError(index, node, "follows dense layer " + layers.size() + " with no Relu in between;"
                            + " expected Relu between dense layers");
                }
                if (state == State.TAIL) {
                    throw nodeError(index, node, "follows the softmax output; expected the chain to end there");
                }
                Layer layer = op.equals("Gemm") ? gemm(index, node, value, shape) : matMul(index, node, value, shape);
                if (layers.isEmpty() && shape != null && shape[1] >= 0 && shape[1] != layer.in) {
                    throw nodeError(index, node, "takes " + layer.in + " inputs, but its input rows have " + shape[1]
                            + " values (input '" + feed.getName() + "' is declared " + dims(inputShape)
                            + "); expected the widths to match");
                }
                if (!layers.isEmpty() && layers.get(layers.size() - 1).out != layer.in) {
                    throw nodeError(index, node, "takes " + layer.in + " inputs, but the previous dense layer ("
                            + layers.get(layers.size() - 1).where + ") produces " + layers.get(layers.size() - 1).out + "; expected the widths to match");
                }
                layers.add(layer);
                shape = new long[] {shape == null ? -1 : shape[0], layer.out};
                state = State.DENSE;
            } else if (op.equals("Add")) {
                if (state != State.DENSE) {
                    throw nodeError(index, node, "is not right after a dense layer; expected Add only as the bias of a"
                            + " MatMul (or of a Gemm without C)");
                }
                addBias(index, node, value, layers.get(layers.size() - 1));
            } else if (op.equals("Relu")) {
                if (state != State.DENSE) {
                    throw nodeError(index, node, state == State.ACTIVATED ? "follows another Relu; expected a dense layer"
                            : state == State.START ? "comes before any dense layer; expected Gemm or MatMul first"
                            : "follows the softmax output; expected the chain to end there");
                }
                checkInputCount(index, node, 1, 1);
                checkAttributes(index, node, "consumed_inputs");
                layers.get(layers.size() - 1).biasOpen = false;
                state = State.ACTIVATED;
                lastRelu = index;
            } else if (op.equals("Softmax") || op.equals("LogSoftmax")) {
                if (state != State.DENSE) {
                    throw nodeError(index, node, state == State.START
                            ? "comes before any dense layer; expected at least one Gemm or MatMul before it"
                            : state == State.ACTIVATED ? "follows a Relu; expected the output layer to be a dense layer"
                            : "follows another softmax; expected the chain to end");
                }
                checkSoftmaxAxis(index, node);
                layers.get(layers.size() - 1).biasOpen = false;
                kind = op.equals("Softmax") ? OutputKind.PROBABILITIES : OutputKind.LOG_PROBABILITIES;
                state = State.TAIL;
            } else {
                throw nodeError(index, node, "is not supported; expected " + expected(state));
            }
            value = node.getOutput(0);
            chainValues.add(value);
        }

        if (layers.isEmpty()) {
            throw new OnnxImportException("no dense layer (Gemm or MatMul with constant weights) between input '"
                    + feed.getName() + "' and the output" + (opsSeen.isEmpty() ? " (the input feeds no node)"
                    : " (the chain is " + opsSeen + ")") + "; expected a feed-forward classifier");
        }
        if (state == State.ACTIVATED) {
            throw nodeError(lastRelu, nodes.get(lastRelu), "ends the network; expected a dense output layer after the"
                    + " last Relu (the runtime's output layer has no activation other than softmax)");
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (!folded[i] && !visited[i]) {
                throw nodeError(i, nodes.get(i), "is not on the chain from input '" + feed.getName() + "' to '" + value
                        + "'; expected a single chain of nodes (no branches, no unused nodes)");
            }
        }
        checkOutputs(value, chainValues);

        Layer last = layers.get(layers.size() - 1);
        if (last.out < 2) {
            throw new OnnxImportException("the output layer (" + last.where + ") has " + last.out
                    + " output(s); expected a classifier with at least 2 classes (a single-output model, e.g. a"
                    + " regressor or a sigmoid binary classifier, cannot be an edgetrain network)");
        }
        Network network = buildNetwork();
        int features = network.spec().inputs();
        long[] declared = inputShape == null ? new long[] {-1, features} : inputShape;
        Map<String, String> metadata = metadata();
        String[] classLabels = metadataList(metadata, ModelMetadata.CLASS_LABELS, network.spec().classes(), "classes");
        String[] featureNames = metadataList(metadata, ModelMetadata.FEATURE_NAMES, features, "input features");
        return new ImportedModel(network, kind, feed.getName(), value, declared, classLabels, featureNames, metadata,
                opset, model.getIrVersion(), model.getProducerName(), model.getProducerVersion(),
                model.hasModelVersion() ? Long.valueOf(model.getModelVersion()) : null,
                model.hasDocString() ? model.getDocString() : null);
    }

    // ---- model-level checks ----

    private int defaultOpset() throws OnnxImportException {
        int found = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                if (found >= 0) {
                    throw new OnnxImportException("the model imports the default operator set twice; expected one"
                            + " opset_import entry for it");
                }
                if (o.getVersion() < 1 || o.getVersion() > MAX_KNOWN_OPSET) {
                    throw new OnnxImportException("the model uses default opset " + o.getVersion()
                            + "; expected 1 to " + MAX_KNOWN_OPSET + " (newer opsets may redefine the operators read here)");
                }
                found = (int) o.getVersion();
            }
        }
        if (found < 0) {
            if (model.getOpsetImportCount() == 0 && model.getIrVersion() < 3) {
                return 1; // before IR 3 there was no opset_import: opset 1 is implied
            }
            throw new OnnxImportException("the model imports no default ('ai.onnx') operator set; expected one in"
                    + " opset_import");
        }
        return found;
    }

    /** The feed's declared shape, -1 for symbolic or unknown dimensions; null when the rank is unknown. */
    private long[] inputShape(ValueInfoProto feed) throws OnnxImportException {
        if (!feed.hasType() || feed.getType().getValueCase() != TypeProto.ValueCase.TENSOR_TYPE) {
            throw new OnnxImportException("graph input '" + feed.getName() + "' is not a tensor; expected a FLOAT tensor"
                    + " [N, features]");
        }
        TypeProto.Tensor t = feed.getType().getTensorType();
        if (t.getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new OnnxImportException("graph input '" + feed.getName() + "' has element type "
                    + ConstantTensor.typeName(t.getElemType()) + "; expected FLOAT");
        }
        if (!t.hasShape()) {
            return null;
        }
        long[] dims = new long[t.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = t.getShape().getDim(i);
            dims[i] = d.getValueCase() == TensorShapeProto.Dimension.ValueCase.DIM_VALUE ? d.getDimValue() : -1;
            if (d.getValueCase() == TensorShapeProto.Dimension.ValueCase.DIM_VALUE && d.getDimValue() < 0) {
                throw new OnnxImportException("graph input '" + feed.getName() + "' has dimension " + i + " = "
                        + d.getDimValue() + "; expected a non-negative size or a symbolic name");
            }
        }
        if (dims.length == 0) {
            throw new OnnxImportException("graph input '" + feed.getName() + "' is a scalar; expected [N, features]");
        }
        checkDimsProduct(dims, "graph input '" + feed.getName() + "' is declared " + dims(dims));
        return dims;
    }

    private static void checkAssignedOnce(List<NodeProto> nodes, Set<String> initializers, String feed)
            throws OnnxImportException {
        Map<String, Integer> producer = new HashMap<String, Integer>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            checkNoNul(i, n);
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw nodeError(i, n, "is in operator domain '" + n.getDomain()
                        + "'; expected the default ONNX domain");
            }
            for (String out : n.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (initializers.contains(out) || out.equals(feed)) {
                    throw nodeError(i, n, "writes '" + out + "', which is already a graph input or initializer; expected"
                            + " every value assigned once");
                }
                Integer before = producer.put(out, i);
                if (before != null) {
                    throw nodeError(i, n, "writes '" + out + "', which " + describe(before, nodes.get(before))
                            + " already writes; expected every value assigned once");
                }
            }
        }
    }

    /**
     * Evaluates {@code Constant} nodes, and {@code Transpose}/{@code Identity} nodes whose input is a
     * constant, in graph order (nodes are topologically sorted). Returns which nodes were folded.
     */
    private boolean[] foldConstants(List<NodeProto> nodes) throws OnnxImportException {
        boolean[] folded = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            String op = n.getOpType();
            if (op.equals("Constant")) {
                if (n.getOutputCount() != 1 || n.getOutput(0).isEmpty()) {
                    throw nodeError(i, n, "has " + n.getOutputCount() + " outputs; expected 1");
                }
                constants.put(n.getOutput(0), constantValue(i, n));
                folded[i] = true;
            } else if ((op.equals("Transpose") || op.equals("Identity")) && n.getInputCount() == 1
                    && constants.containsKey(n.getInput(0)) && n.getOutputCount() == 1) {
                ConstantTensor in = constants.get(n.getInput(0));
                constants.put(n.getOutput(0), op.equals("Identity") ? in : transpose(i, n, in));
                folded[i] = true;
            }
        }
        return folded;
    }

    private ConstantTensor constantValue(int index, NodeProto n) throws OnnxImportException {
        if (n.getAttributeCount() != 1) {
            throw nodeError(index, n, "has " + n.getAttributeCount() + " attributes; expected exactly one value attribute");
        }
        AttributeProto a = n.getAttribute(0);
        String origin = "the value of " + describe(index, n);
        String name = a.getName();
        if (name.equals("value")) {
            ConstantTensor c = ConstantTensor.of(a.getT(), origin, limits);
            charge(origin, c.count);
            return c;
        } else if (name.equals("value_float")) {
            return ConstantTensor.ofFloats(origin, new long[0], new float[] {a.getF()});
        } else if (name.equals("value_floats")) {
            checkTensorSize(origin, a.getFloatsCount());
            float[] v = new float[a.getFloatsCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.getFloats(i);
            }
            return ConstantTensor.ofFloats(origin, new long[] {v.length}, v);
        } else if (name.equals("value_int")) {
            return ConstantTensor.ofLongs(origin, new long[0], new long[] {a.getI()});
        } else if (name.equals("value_ints")) {
            checkTensorSize(origin, a.getIntsCount());
            long[] v = new long[a.getIntsCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.getInts(i);
            }
            return ConstantTensor.ofLongs(origin, new long[] {v.length}, v);
        }
        throw nodeError(index, n, "has attribute '" + name + "'; expected a tensor, float or int value"
                + " (value, value_float(s), value_int(s))");
    }

    private ConstantTensor transpose(int index, NodeProto n, ConstantTensor in) throws OnnxImportException {
        long[] perm = null;
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("perm")) {
                perm = new long[a.getIntsCount()];
                for (int i = 0; i < perm.length; i++) {
                    perm[i] = a.getInts(i);
                }
            } else {
                throw nodeError(index, n, "has attribute '" + a.getName() + "'; expected only 'perm'");
            }
        }
        if (in.rank() != 2) {
            throw nodeError(index, n, "transposes constant " + in.origin + " of shape " + in.shape()
                    + "; expected a 2-D weight");
        }
        boolean swap;
        if (perm == null || Arrays.equals(perm, new long[] {1, 0})) {
            swap = true;
        } else if (Arrays.equals(perm, new long[] {0, 1})) {
            swap = false;
        } else {
            throw nodeError(index, n, "has perm " + Arrays.toString(perm) + "; expected [1, 0] or [0, 1] for a 2-D tensor");
        }
        float[] src = in.floats();
        String origin = "the transpose of " + in.origin;
        if (!swap) {
            return ConstantTensor.ofFloats(origin, in.dims.clone(), src);
        }
        int rows = (int) in.dims[0];
        int cols = (int) in.dims[1];
        charge(origin, src.length);
        float[] t = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = src[r * cols + c];
            }
        }
        return ConstantTensor.ofFloats(origin, new long[] {cols, rows}, t);
    }

    // ---- per-node checks ----

    /** One output; the chain value used once; every other input a constant. */
    private void checkNodeShape(int index, NodeProto node, String value) throws OnnxImportException {
        if (node.getOutputCount() != 1 || node.getOutput(0).isEmpty()) {
            throw nodeError(index, node, "has " + node.getOutputCount() + " outputs " + abbreviate(node.getOutputList())
                    + "; expected exactly one");
        }
        int uses = 0;
        for (String in : node.getInputList()) {
            if (in.equals(value)) {
                uses++;
            } else if (!in.isEmpty() && !constants.containsKey(in)) {
                throw nodeError(index, node, "reads '" + in + "', which is neither a constant (initializer or Constant"
                        + " node) nor the output of the previous node in the chain ('" + value + "'); expected only"
                        + " constants besides the chain's value");
            }
        }
        if (uses != 1) {
            throw nodeError(index, node, "reads '" + value + "' " + uses + " times; expected once");
        }
    }

    private static void checkInputCount(int index, NodeProto node, int min, int max) throws OnnxImportException {
        if (node.getInputCount() < min || node.getInputCount() > max) {
            throw nodeError(index, node, "has " + node.getInputCount() + " inputs; expected "
                    + (min == max ? String.valueOf(min) : min + " to " + max));
        }
    }

    /** Input {@code position} of {@code node}, which must be a constant. */
    private ConstantTensor constant(int index, NodeProto node, int position, String role) throws OnnxImportException {
        ConstantTensor c = constants.get(node.getInput(position));
        if (c == null) {
            throw nodeError(index, node, "has no " + role + " (input " + position + " is '" + node.getInput(position)
                    + "'); expected a constant");
        }
        return c;
    }

    private static void checkAttributes(int index, NodeProto node, String... allowed) throws OnnxImportException {
        for (AttributeProto a : node.getAttributeList()) {
            if (!Arrays.asList(allowed).contains(a.getName())) {
                throw nodeError(index, node, "has attribute '" + a.getName() + "'; expected "
                        + (allowed.length == 0 ? "none" : "only " + Arrays.toString(allowed)));
            }
        }
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static long intAttribute(int index, NodeProto node, String name, long dflt) throws OnnxImportException {
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return dflt;
        }
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.INT) {
            throw nodeError(index, node, "has attribute '" + name + "' of type " + a.getType() + "; expected INT");
        }
        return a.getI();
    }

    private static float floatAttribute(int index, NodeProto node, String name, float dflt) throws OnnxImportException {
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return dflt;
        }
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.FLOAT) {
            throw nodeError(index, node, "has attribute '" + name + "' of type " + a.getType() + "; expected FLOAT");
        }
        if (!(Math.abs(a.getF()) <= Float.MAX_VALUE)) {
            throw nodeError(index, node, "has " + name + "=" + a.getF() + "; expected a finite number");
        }
        return a.getF();
    }

    private long[] flatten(int index, NodeProto node, long[] shape) throws OnnxImportException {
        checkInputCount(index, node, 1, 1);
        checkAttributes(index, node, "axis");
        long axis = intAttribute(index, node, "axis", 1);
        if (shape == null) {
            if (axis != 1) {
                throw nodeError(index, node, "has axis=" + axis + " on an input of unknown rank; expected axis=1");
            }
            return new long[] {-1, -1};
        }
        int rank = shape.length;
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a > rank) {
            throw nodeError(index, node, "has axis=" + axis + "; expected an axis in [-" + rank + ", " + rank
                    + "] for an input of shape " + dims(shape));
        }
        if (a == 0) {
            throw nodeError(index, node, "has axis=" + axis + ", which folds the batch into one row; expected axis=1"
                    + " (keep the batch dimension, flatten the rest)");
        }
        for (int d = 1; d < a; d++) {
            if (shape[d] != 1) {
                throw nodeError(index, node, "has axis=" + axis + ", which merges dimension " + d + " of input shape "
                        + dims(shape) + " into the batch; expected axis=1");
            }
        }
        return new long[] {shape[0], product(shape, (int) a)};
    }

    private long[] reshape(int index, NodeProto node, long[] shape) throws OnnxImportException {
        long[] target;
        long allowZero = 0;
        if (opset < 5) {
            checkAttributes(index, node, "shape");
            AttributeProto a = attribute(node, "shape");
            checkInputCount(index, node, 1, 1);
            if (a == null) {
                throw nodeError(index, node, "has no 'shape' attribute; expected one (Reshape before opset 5)");
            }
            target = new long[a.getIntsCount()];
            for (int i = 0; i < target.length; i++) {
                target[i] = a.getInts(i);
            }
        } else {
            checkAttributes(index, node, "allowzero");
            allowZero = intAttribute(index, node, "allowzero", 0);
            checkInputCount(index, node, 2, 2);
            ConstantTensor s = constant(index, node, 1, "target shape");
            if (s.rank() != 1) {
                throw nodeError(index, node, "has target shape " + s.origin + " of shape " + s.shape()
                        + "; expected a 1-D INT64 tensor");
            }
            target = s.longs();
        }
        if (target.length != 2) {
            throw nodeError(index, node, "reshapes to " + Arrays.toString(target) + " (rank " + target.length
                    + "); expected rank 2, [N, features]");
        }
        try {
            checkDimsProduct(target, "has target shape " + Arrays.toString(target));
        } catch (OnnxImportException e) {
            throw nodeError(index, node, e.getMessage());
        }
        if (allowZero != 0 && (target[0] == 0 || target[1] == 0)) {
            throw nodeError(index, node, "reshapes to an empty tensor " + Arrays.toString(target)
                    + " (allowzero=1); expected [N, features]");
        }
        long batch = shape == null ? -1 : shape[0];
        long rowSize = shape == null ? -1 : product(shape, 1);
        long features;
        if (target[1] > 0) {
            features = target[1];
            if (rowSize >= 0 && rowSize != features) {
                throw nodeError(index, node, "reshapes input " + dims(shape) + " to " + Arrays.toString(target)
                        + ", which moves values between the batch rows (a row has " + rowSize + " values); expected [N, "
                        + rowSize + "]");
            }
        } else if (target[1] == -1) {
            if (target[0] == -1) {
                throw nodeError(index, node, "has two -1 entries in its target shape; expected at most one");
            }
            if (rowSize < 0) {
                throw nodeError(index, node, "reshapes to " + Arrays.toString(target) + " but the input shape is not"
                        + " known; expected a declared input shape or a fixed feature count");
            }
            features = rowSize;
        } else if (target[1] == 0 && shape != null && shape.length == 2) {
            features = shape[1];
        } else {
            throw nodeError(index, node, "reshapes " + (shape == null ? "an input of unknown shape" : dims(shape)) + " to "
                    + Arrays.toString(target) + "; expected [N, features] with N = -1 or 0");
        }
        if (target[0] > 0 && target[0] != batch) {
            throw nodeError(index, node, "fixes the batch size to " + target[0] + " for input " + dims(shape)
                    + "; expected -1 or 0 (keep the batch)");
        } else if (target[0] < -1) {
            throw nodeError(index, node, "has target shape " + Arrays.toString(target) + "; expected [N, features]");
        }
        return new long[] {batch, features};
    }

    private Layer gemm(int index, NodeProto node, String value, long[] shape) throws OnnxImportException {
        checkAttributes(index, node, opset < 7 ? new String[] {"alpha", "beta", "transA", "transB", "broadcast"}
                : new String[] {"alpha", "beta", "transA", "transB"});
        checkInputCount(index, node, 2, 3);
        if (!node.getInput(0).equals(value)) {
            throw nodeError(index, node, "takes the features '" + value + "' as its "
                    + (node.getInput(1).equals(value) ? "B" : "C") + " input; expected them as A (Gemm(x, W, b))");
        }
        checkDenseInput(index, node, shape);
        float alpha = floatAttribute(index, node, "alpha", 1f);
        float beta = floatAttribute(index, node, "beta", 1f);
        long transA = intAttribute(index, node, "transA", 0);
        long transB = intAttribute(index, node, "transB", 0);
        if (transA != 0) {
            throw nodeError(index, node, "has transA=" + transA + ", which makes the batch a column of A; expected"
                    + " transA=0 (one row per example)");
        }
        if (transB != 0 && transB != 1) {
            throw nodeError(index, node, "has transB=" + transB + "; expected 0 or 1");
        }
        ConstantTensor b = constant(index, node, 1, "B");
        if (b.rank() != 2) {
            throw nodeError(index, node, "has B " + b.origin + " of shape " + b.shape() + "; expected a 2-D weight");
        }
        // W is [out][in]: B itself when transB=1 (PyTorch), else B transposed.
        final int in = checkedWidth(index, node, transB == 1 ? b.dims[1] : b.dims[0], "input");
        final int out = checkedWidth(index, node, transB == 1 ? b.dims[0] : b.dims[1], "output");
        chargeParameters(index, node, in, out);
        float[] weight = weight(b.floats(), in, out, transB == 1, alpha);
        float[] bias = null;
        if (node.getInputCount() == 3 && !node.getInput(2).isEmpty()) {
            if (opset < 7 && intAttribute(index, node, "broadcast", 0) != 1) {
                throw nodeError(index, node, "(opset " + opset + ") has broadcast=0, so C must be shaped like the"
                        + " output [M, N], which ties it to the batch size; expected broadcast=1 for a bias");
            }
            ConstantTensor c = constant(index, node, 2, "C");
            if (beta != 0f) {
                chargeParameters(index, node, 0, out);
                bias = bias(index, node, c, out, beta);
            }
        }
        return new Layer(in, out, weight, bias, describe(index, node));
    }

    private Layer matMul(int index, NodeProto node, String value, long[] shape) throws OnnxImportException {
        checkAttributes(index, node);
        checkInputCount(index, node, 2, 2);
        if (!node.getInput(0).equals(value)) {
            throw nodeError(index, node, "multiplies the constant by the features (W·x); expected MatMul(features, weight)");
        }
        checkDenseInput(index, node, shape);
        ConstantTensor w = constant(index, node, 1, "weight");
        if (w.rank() != 2) {
            throw nodeError(index, node, "has weight " + w.origin + " of shape " + w.shape()
                    + "; expected a 2-D weight [in, out]");
        }
        int in = checkedWidth(index, node, w.dims[0], "input");
        int out = checkedWidth(index, node, w.dims[1], "output");
        chargeParameters(index, node, in, out);
        return new Layer(in, out, weight(w.floats(), in, out, false, 1f), null, describe(index, node));
    }

    /** The input of a dense op must be [N, features] (rank 2) when its rank is known. */
    private void checkDenseInput(int index, NodeProto node, long[] shape) throws OnnxImportException {
        if (shape != null && shape.length != 2) {
            throw nodeError(index, node, "gets input of shape " + dims(shape) + "; expected [N, features]"
                    + (layers.isEmpty() ? " (add a Flatten or Reshape before it)" : ""));
        }
    }

    private void addBias(int index, NodeProto node, String value, Layer layer) throws OnnxImportException {
        checkAttributes(index, node, opset < 7 ? new String[] {"broadcast", "axis"} : new String[0]);
        checkInputCount(index, node, 2, 2);
        if (!layer.biasOpen) {
            throw nodeError(index, node, "adds a second bias to " + layer.where + ", which already has one; expected"
                    + " one bias per dense layer");
        }
        if (opset < 7) {
            if (intAttribute(index, node, "broadcast", 0) != 1) {
                throw nodeError(index, node, "(opset " + opset + ") has broadcast=0, so its operands must have the"
                        + " same shape [M, N]; expected broadcast=1 for a bias");
            }
            long axis = intAttribute(index, node, "axis", 1);
            if (attribute(node, "axis") != null && axis != 1 && axis != -1) {
                throw nodeError(index, node, "has axis=" + axis + ", which adds the bias along the batch; expected"
                        + " axis=1");
            }
        }
        int other = node.getInput(0).equals(value) ? 1 : 0;
        chargeParameters(index, node, 0, layer.out);
        layer.bias = bias(index, node, constant(index, node, other, "bias"), layer.out, 1f);
        layer.biasOpen = false;
    }

    /** A bias of shape [n], [1, n] or a single value (scalar, [1], [1, 1]) as {@code [n]}, times {@code beta}. */
    private static float[] bias(int index, NodeProto node, ConstantTensor c, int n, float beta)
            throws OnnxImportException {
        boolean vector = (c.rank() == 1 && c.dims[0] == n) || (c.rank() == 2 && c.dims[0] == 1 && c.dims[1] == n);
        boolean single = c.count == 1 && c.rank() <= 2;
        if (!vector && !single) {
            throw nodeError(index, node, "has bias " + c.origin + " of shape " + c.shape() + "; expected [" + n + "], [1, "
                    + n + "] or a scalar (a bias with a batch dimension depends on the batch size)");
        }
        float[] v = c.floats();
        float[] bias = new float[n];
        for (int o = 0; o < n; o++) {
            float x = v[single ? 0 : o];
            bias[o] = beta == 1f ? x : beta * x;
        }
        return bias;
    }

    /** {@code [out][in]} from a 2-D constant that is {@code [out][in]} ({@code outMajor}) or {@code [in][out]}. */
    private static float[] weight(float[] src, int in, int out, boolean outMajor, float alpha) {
        float[] w = new float[in * out];
        if (outMajor) {
            System.arraycopy(src, 0, w, 0, w.length);
        } else {
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    w[o * in + i] = src[i * out + o];
                }
            }
        }
        if (alpha != 1f) {
            for (int k = 0; k < w.length; k++) {
                w[k] *= alpha;
            }
        }
        return w;
    }

    private int checkedWidth(int index, NodeProto node, long width, String what) throws OnnxImportException {
        if (width < 1) {
            throw nodeError(index, node, "has " + width + " " + what + "s; expected 1 to " + limits.maxLayerWidth());
        }
        if (width > limits.maxLayerWidth()) {
            throw nodeError(index, node, "has " + width + " " + what + "s; expected at most " + limits.maxLayerWidth()
                    + " (ImportLimits.maxLayerWidth)");
        }
        return (int) width;
    }

    // ---- limits ----

    /** Counts {@code count} more constant elements against the total, before they are allocated. */
    private void charge(String origin, long count) throws OnnxImportException {
        if (count > limits.maxTotalElements() - totalElements) {
            throw new OnnxImportException(origin + " brings the constants to " + (totalElements + count)
                    + " elements; expected at most " + limits.maxTotalElements()
                    + " in all tensors together (ImportLimits.maxTotalElements)");
        }
        totalElements += count;
    }

    /**
     * Counts a dense layer's weights ({@code in × out}) or bias ({@code out}, when {@code in} is 0) against
     * {@link ImportLimits#maxParameters()} before its copy is made: one small tensor used as the weight of many
     * layers must not build a huge network.
     */
    private void chargeParameters(int index, NodeProto node, int in, int out) throws OnnxImportException {
        long count = in == 0 ? out : (long) in * out;
        if (count > limits.maxParameters() - parameters) {
            throw nodeError(index, node, (in == 0 ? "adds a bias of " + out : "makes a " + in + "->" + out + " layer")
                    + ", which brings the network to " + (parameters + count) + " parameters; expected at most "
                    + limits.maxParameters() + " (ImportLimits.maxParameters)");
        }
        parameters += count;
    }

    /** A constant made from an attribute's list ({@code value_floats}): the per-tensor limit, then the total. */
    private void checkTensorSize(String origin, long count) throws OnnxImportException {
        if (count > limits.maxTensorElements()) {
            throw new OnnxImportException(origin + " has " + count + " elements; expected at most "
                    + limits.maxTensorElements() + " elements per tensor (ImportLimits.maxTensorElements)");
        }
        charge(origin, count);
    }

    /**
     * The product of the known, non-zero dimensions of {@code shape} (negative entries are unknown) against
     * {@link ImportLimits#maxDimsProduct()}, without overflow. {@code what} starts the message.
     */
    private void checkDimsProduct(long[] shape, String what) throws OnnxImportException {
        long product = 1;
        for (long d : shape) {
            if (d <= 0) {
                continue;
            }
            if (product > limits.maxDimsProduct() / d) {
                throw new OnnxImportException(what + ", whose dimensions multiply to more than "
                        + limits.maxDimsProduct() + "; expected at most that (ImportLimits.maxDimsProduct)");
            }
            product *= d;
        }
    }

    /** A NUL in a name is never a real name: it cuts strings short in C-based tools and logs. */
    private static void checkNoNul(int index, NodeProto n) throws OnnxImportException {
        String bad = n.getName().indexOf(0) >= 0 ? "its name" : null;
        for (int k = 0; bad == null && k < n.getInputCount(); k++) {
            bad = n.getInput(k).indexOf(0) >= 0 ? "input " + k : null;
        }
        for (int k = 0; bad == null && k < n.getOutputCount(); k++) {
            bad = n.getOutput(k).indexOf(0) >= 0 ? "output " + k : null;
        }
        if (bad != null) {
            throw nodeError(index, n, "has a NUL character in " + bad + "; expected names without NUL");
        }
    }

    private void checkSoftmaxAxis(int index, NodeProto node) throws OnnxImportException {
        checkInputCount(index, node, 1, 1);
        checkAttributes(index, node, "axis");
        // Opset < 13 coerces to 2-D around axis (default 1); opset >= 13 works along axis (default -1).
        // For the rank-2 logits [N, classes], axis 1 and -1 mean the same in both: over the classes.
        long axis = intAttribute(index, node, "axis", opset < 13 ? 1 : -1);
        if (axis != 1 && axis != -1) {
            throw nodeError(index, node, "has axis=" + axis + " on the 2-D logits [N, classes]; expected axis=1 or -1"
                    + " (over the classes" + (axis == 0 || axis == -2 ? ", not over the batch" : "") + ")");
        }
    }

    private void checkOutputs(String end, Set<String> chainValues) throws OnnxImportException {
        boolean found = false;
        List<String> names = new ArrayList<String>();
        for (ValueInfoProto out : graph.getOutputList()) {
            names.add(out.getName());
            if (out.getName().equals(end)) {
                found = true;
            } else if (!chainValues.contains(out.getName())) {
                throw new OnnxImportException("graph output '" + out.getName() + "' is not computed by the chain from"
                        + " the input to '" + end + "'; expected the outputs to be values of that chain");
            }
        }
        if (!found) {
            throw new OnnxImportException("the chain ends in '" + end + "', which is not a graph output (outputs: "
                    + abbreviate(names) + "); expected the chain to end in a graph output");
        }
    }

    private static String expected(State state) {
        switch (state) {
            case START:
                return "Gemm or MatMul (optionally after Flatten, Reshape or Identity)";
            case DENSE:
                return "Relu, Add (bias), Softmax, LogSoftmax or Identity after a dense layer";
            case ACTIVATED:
                return "Gemm or MatMul after Relu";
            default:
                return "nothing after Softmax/LogSoftmax but Identity";
        }
    }

    // ---- building the result ----

    private Network buildNetwork() throws OnnxImportException {
        int[] hidden = new int[layers.size() - 1];
        boolean[] bias = new boolean[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            if (l < hidden.length) {
                hidden[l] = layers.get(l).out;
            }
            bias[l] = layers.get(l).bias != null;
        }
        NetworkSpec spec;
        try {
            spec = NetworkSpec.of(layers.get(0).in, hidden, layers.get(layers.size() - 1).out).withLayerBias(bias);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException("the layers " + describeLayers() + " do not make an edgetrain network"
                    + " (expected widths up to " + limits.maxLayerWidth() + " and at most " + NetworkSpec.MAX_PARAMETERS
                    + " parameters): " + e.getMessage(), e);
        }
        // The runtime owns the layout: fill a slab laid out as it says, then hand it over.
        ParameterLayout layout = new Network(spec, 0L).layout();
        float[] params = new float[layout.size()];
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            System.arraycopy(layer.weight, 0, params, layout.weightOffset(l), layer.weight.length);
            if (layer.bias != null) {
                System.arraycopy(layer.bias, 0, params, layout.biasOffset(l), layer.bias.length);
            }
        }
        for (int i = 0; i < params.length; i++) {
            if (!(Math.abs(params[i]) <= Float.MAX_VALUE)) {
                // Only alpha/beta scaling can get here: the stored values were checked finite.
                int l = 0;
                while (i >= layout.layerEnd(l)) {
                    l++;
                }
                throw new OnnxImportException(layers.get(l).where + " gives " + layout.describe(i) + " = " + params[i]
                        + " after scaling by alpha/beta; expected finite weights");
            }
        }
        return Network.fromParameters(spec, params);
    }

    private String describeLayers() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            sb.append(sb.length() == 0 ? "" : ", ").append(l.in).append("->").append(l.out);
        }
        return "[" + sb + "]";
    }

    /** {@code metadata_props} as a map: keys non-empty and unique (as the ONNX checker requires). */
    private Map<String, String> metadata() throws OnnxImportException {
        Map<String, String> m = new LinkedHashMap<String, String>();
        for (int i = 0; i < model.getMetadataPropsCount(); i++) {
            StringStringEntryProto e = model.getMetadataProps(i);
            if (e.getKey().isEmpty()) {
                throw new OnnxImportException("metadata_props entry " + i + " has an empty key; expected a non-empty"
                        + " key");
            }
            if (m.put(e.getKey(), e.getValue()) != null) {
                throw new OnnxImportException("metadata_props entry " + i + " repeats key '" + e.getKey()
                        + "'; expected unique keys");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static String[] metadataList(Map<String, String> metadata, String key, int expected, String what)
            throws OnnxImportException {
        String encoded = metadata.get(key);
        if (encoded == null) {
            return null;
        }
        String[] items;
        try {
            items = ModelMetadata.decodeList(encoded);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException("metadata '" + key + "' is malformed: " + e.getMessage(), e);
        }
        if (items.length != expected) {
            throw new OnnxImportException("metadata '" + key + "' lists " + items.length + " names, the network has "
                    + expected + " " + what);
        }
        return items;
    }

    // ---- messages ----

    static String describe(int index, NodeProto node) {
        return "node " + index + (node.getName().isEmpty() ? "" : " '" + node.getName() + "'") + " ("
                + node.getOpType() + ")";
    }

    static OnnxImportException nodeError(int index, NodeProto node, String message) {
        return new OnnxImportException(describe(index, node) + " " + message, node.getName(), node.getOpType(), index,
                null);
    }

    /** {@code [a, b, c]}, or the first ten and the count: a hostile file's lists must not make huge messages. */
    static String abbreviate(List<String> names) {
        if (names.size() <= 10) {
            return names.toString();
        }
        String first = names.subList(0, 10).toString();
        return first.substring(0, first.length() - 1) + ", ... (" + names.size() + " in all)]";
    }

    private static String dims(long[] shape) {
        if (shape == null) {
            return "[unknown]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i] < 0 ? (i == 0 ? "N" : "?") : String.valueOf(shape[i]));
        }
        return sb.append(']').toString();
    }

    /** Product of {@code shape[from..]}, or -1 when a dimension is unknown. */
    private static long product(long[] shape, int from) {
        long p = 1;
        for (int i = from; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            p = shape[i] != 0 && p > Long.MAX_VALUE / shape[i] ? Long.MAX_VALUE : p * shape[i];
        }
        return p;
    }
}
