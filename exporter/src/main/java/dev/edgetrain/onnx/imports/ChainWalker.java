package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OutputTensorNeededException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.runtime.Activation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.edgetrain.onnx.imports.ImportErrors.abbreviate;
import static dev.edgetrain.onnx.imports.ImportErrors.describe;
import static dev.edgetrain.onnx.imports.ImportErrors.dims;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;
import static dev.edgetrain.onnx.imports.ImportErrors.product;

/**
 * Walks the single chain of nodes from the feature input to the output and reads it into {@link LayerDraft}s:
 * <pre>
 *   [Flatten | Reshape | Identity | Dropout]*
 *   ( dense [bias] [BatchNormalization] [layer norm] [activation] [Dropout] )+
 *   [Softmax | LogSoftmax | Sigmoid]  [Identity]*
 * </pre>
 * with Identity and Dropout allowed anywhere after the first dense layer. A value read by several nodes is only
 * allowed where a decomposed layer norm or GELU starts ({@link NormReader}, {@link GeluPattern}). The readers
 * check each node; this class keeps the order, the shapes and the widths.
 */
final class ChainWalker {
    /** The ops a chain node may be (patterns aside). */
    private static final Set<String> SUPPORTED = new java.util.HashSet<String>(java.util.Arrays.asList("Identity",
            "Dropout", "Flatten", "Reshape", "Gemm", "MatMul", "Add", "BatchNormalization", "LayerNormalization",
            "Relu", "LeakyRelu", "Tanh", "Sigmoid", "Gelu", "Softmax", "LogSoftmax"));

    private enum State {
        /** Before the first dense layer: Flatten, Reshape, Identity, Dropout, then a dense op. */
        START,
        /** Inside a layer ({@link LayerDraft#stage} says how far). */
        LAYER,
        /** After the head: only Identity or the end. */
        HEAD
    }

    private final ChainScope scope;
    private final Constants constants;
    private final OpRules rules;
    private final ShapeRules shapes;
    private final DenseReader dense;
    private final ActivationReader activations;
    private final NormReader norms;
    private final GeluPattern gelus;
    private final DropoutReader dropouts;
    private final String feed;
    private final long[] inputShape;

    private final List<LayerDraft> layers = new ArrayList<LayerDraft>();
    /** The node that made the implicit identity layer (a graph without dense layers), or -1. */
    private int implicitNode = -1;
    private final boolean[] visited;
    private final Set<String> chainValues = new LinkedHashSet<String>();
    private final List<String> opsSeen = new ArrayList<String>();
    private State state = State.START;
    private HeadRules.Head head = HeadRules.Head.NONE;
    private int headNode = -1;
    private String value;
    private long[] shape;

    ChainWalker(ChainScope scope, Constants constants, OpRules rules, LimitsAccount account, String feed,
                long[] inputShape) {
        this.scope = scope;
        this.constants = constants;
        this.rules = rules;
        this.shapes = new ShapeRules(rules, constants, account);
        this.dense = new DenseReader(rules, constants, account);
        this.activations = new ActivationReader(rules);
        this.norms = new NormReader(scope, constants, rules, account);
        this.gelus = new GeluPattern(scope, constants, rules);
        this.dropouts = new DropoutReader(scope, constants, rules);
        this.feed = feed;
        this.inputShape = inputShape;
        this.visited = new boolean[scope.index.nodes.size()];
    }

    List<LayerDraft> layers() {
        return layers;
    }

    HeadRules.Head head() {
        return head;
    }

    int headNode() {
        return headNode;
    }

    /** The value the chain ends in. */
    String end() {
        return value;
    }

    /** Every value of the chain, from the input to the end. */
    Set<String> chainValues() {
        return chainValues;
    }

    /** Reads the chain; afterwards {@link #layers()}, {@link #head()} and {@link #end()} describe it. */
    void walk() throws OnnxImportException {
        value = feed;
        shape = inputShape == null ? null : inputShape.clone();
        chainValues.add(value);
        while (scope.end == null || !value.equals(scope.end)) {
            List<Integer> users = scope.readers(value);
            if (users.isEmpty()) {
                break;
            }
            if (users.size() > 1) {
                pattern(users);
                continue;
            }
            int index = users.get(0);
            NodeProto node = scope.node(index);
            visit(index, node);
            step(index, node);
            value = node.getOutput(0);
            chainValues.add(value);
        }
        finish();
    }

    private void visit(int index, NodeProto node) throws OnnxImportException {
        if (visited[index]) {
            throw nodeError(index, node, "is reached twice from input '" + feed + "'; expected an acyclic chain");
        }
        visited[index] = true;
        opsSeen.add(node.getOpType());
    }

    private void step(int index, NodeProto node) throws OnnxImportException {
        String op = node.getOpType();
        if (state == State.HEAD && !op.equals("Identity")) {
            throw pastHead(index, node);
        }
        if (!SUPPORTED.contains(op)) {
            throw unsupported(index, node);
        }
        checkReads(index, node);
        if (op.equals("Identity")) {
            rules.check(index, node, OnnxOp.IDENTITY);
        } else if (op.equals("Dropout")) {
            float ratio = dropouts.read(index, node, value);
            if (state == State.LAYER) {
                LayerDraft l = last();
                // Two dropouts in a row keep (1 - p1)(1 - p2) of the values; one keeps its own ratio exactly.
                l.dropout = l.dropout == 0 ? ratio : (float) (1 - (1 - (double) l.dropout) * (1 - (double) ratio));
            }
        } else if (op.equals("Flatten") || op.equals("Reshape")) {
            if (state != State.START) {
                throw nodeError(index, node, op + " after a dense layer; expected it only before the first Gemm/MatMul"
                        + " (to make the input [N, features])");
            }
            shape = op.equals("Flatten") ? shapes.flatten(index, node, shape) : shapes.reshape(index, node, shape);
        } else if (op.equals("Gemm") || op.equals("MatMul")) {
            openLayer(index, node, op);
        } else if (op.equals("Add")) {
            requireStage(index, node, LayerDraft.Stage.LINEAR, "expected Add only as the bias of a MatMul (or of a Gemm"
                    + " without C), right after it");
            dense.addBias(index, node, value, last());
        } else if (op.equals("BatchNormalization")) {
            requireStage(index, node, LayerDraft.Stage.LINEAR, "expected BatchNormalization right after a dense layer"
                    + " (before its norm and activation), where it is folded into the layer");
            if (last().batchNormFolded) {
                throw nodeError(index, node, "is a second BatchNormalization after " + last().where
                        + "; expected at most one per dense layer");
            }
            dense.foldBatchNorm(index, node, value, shape, last());
        } else if (op.equals("LayerNormalization")) {
            requireStage(index, node, LayerDraft.Stage.LINEAR, "expected a layer norm right after a dense layer (the"
                    + " runtime computes Dense -> LayerNorm -> activation)");
            setNorm(norms.readOp(index, node, value, shape, last().out));
        } else if (ActivationReader.isActivation(op)) {
            activation(index, node, activations.read(index, node));
        } else if (op.equals("Softmax") || op.equals("LogSoftmax")) {
            HeadRules.checkSoftmax(index, node, rules, shape);
            if (state == State.START) {
                openImplicitLayer(index, node);
            }
            head = op.equals("Softmax") ? HeadRules.Head.SOFTMAX : HeadRules.Head.LOG_SOFTMAX;
            headNode = index;
            state = State.HEAD;
        }
    }

    /** A value read by several nodes: a decomposed layer norm or GELU, or a branch (refused). */
    private void pattern(List<Integer> users) throws OnnxImportException {
        if (norms.starts(users)) {
            int first = norms.meanReader(users);
            requireStage(first, scope.node(first), LayerDraft.Stage.LINEAR, "expected a layer norm right after a"
                    + " dense layer (the runtime computes Dense -> LayerNorm -> activation)");
            NormReader.Norm norm = norms.matchDecomposed(value, users, last().out);
            visitAll(norm.nodes);
            setNorm(norm);
            advance(norm.nodes, norm.output);
            return;
        }
        GeluPattern.Match gelu = gelus.match(value, users);
        if (gelu == null) {
            StringBuilder sb = new StringBuilder();
            for (int u : users) {
                sb.append(sb.length() == 0 ? "" : ", ").append(describe(u, scope.node(u)));
            }
            throw new OnnxImportException("value '" + value + "' feeds " + users.size() + " nodes (" + sb
                    + "); expected a single chain of nodes from input '" + feed + "' to the output");
        }
        visitAll(gelu.nodes);
        int lastNode = gelu.lastNode();
        activation(lastNode, scope.node(lastNode), gelu.activation);
        advance(gelu.nodes, gelu.output);
    }

    private void visitAll(List<Integer> nodes) throws OnnxImportException {
        for (int n : nodes) {
            visit(n, scope.node(n));
        }
    }

    private void advance(List<Integer> nodes, String output) {
        for (int n : nodes) {
            for (String out : scope.node(n).getOutputList()) {
                chainValues.add(out);
            }
        }
        value = output;
    }

    private void openLayer(int index, NodeProto node, String op) throws OnnxImportException {
        LayerDraft layer = op.equals("Gemm") ? dense.gemm(index, node, value, shape, layers.isEmpty())
                : dense.matMul(index, node, value, shape, layers.isEmpty());
        if (layers.isEmpty() && shape != null && shape[1] >= 0 && shape[1] != layer.in) {
            throw nodeError(index, node, "takes " + layer.in + " inputs, but its input rows have " + shape[1]
                    + " values (input '" + feed + "' is declared " + dims(inputShape)
                    + "); expected the widths to match");
        }
        if (!layers.isEmpty() && last().out != layer.in) {
            throw nodeError(index, node, "takes " + layer.in + " inputs, but the previous dense layer (" + last().where
                    + ") produces " + last().out + "; expected the widths to match");
        }
        layers.add(layer);
        shape = new long[] {shape == null ? -1 : shape[0], layer.out};
        state = State.LAYER;
    }

    /**
     * A graph without dense layers (a lone activation or softmax on the input) is read as one identity layer, so the
     * network computes the same; the rows are the input's dimensions after the batch (elementwise ops keep them), and
     * a rank-1 input {@code [N]} is N rows of one value.
     */
    private void openImplicitLayer(int index, NodeProto node) throws OnnxImportException {
        long rowSize = shape == null ? -1 : product(shape, 1);
        if (rowSize <= 0) {
            throw nodeError(index, node, "works on input '" + feed + "' of shape " + dims(shape) + " without a dense"
                    + " layer; expected [N, features] with known features");
        }
        layers.add(dense.identity(index, node, rowSize));
        implicitNode = index;
        state = State.LAYER;
    }

    private void activation(int index, NodeProto node, Activation a) throws OnnxImportException {
        if (state == State.START) {
            openImplicitLayer(index, node);
        }
        LayerDraft layer = last();
        if (layer.stage == LayerDraft.Stage.ACTIVATED) {
            if (a.equals(Activation.SIGMOID) && node.getOpType().equals("Sigmoid")) {
                head = HeadRules.Head.SIGMOID; // after the layer's activation, a Sigmoid can only be the head
                headNode = index;
                state = State.HEAD;
                return;
            }
            throw nodeError(index, node, "follows " + layer.activation + " (" + describeActivation(layer)
                    + "); expected one activation per layer, then Dropout, a dense layer, a head (Softmax, LogSoftmax,"
                    + " Sigmoid) or the end");
        }
        layer.activation = a;
        layer.activationNode = index;
        layer.stage = LayerDraft.Stage.ACTIVATED;
    }

    private String describeActivation(LayerDraft layer) {
        return layer.activationNode < 0 ? "the layer's activation"
                : describe(layer.activationNode, scope.node(layer.activationNode));
    }

    private void setNorm(NormReader.Norm norm) {
        LayerDraft layer = last();
        layer.normScale = norm.scale;
        layer.normShift = norm.shift;
        layer.normEpsilon = norm.epsilon;
        layer.stage = LayerDraft.Stage.NORMED;
    }

    /** The current layer must be at {@code stage} (and, for a norm, have none yet). */
    private void requireStage(int index, NodeProto node, LayerDraft.Stage stage, String expected)
            throws OnnxImportException {
        if (state == State.START) {
            throw nodeError(index, node, "comes before any dense layer; " + expected);
        }
        LayerDraft layer = last();
        if (layer.implicit || layer.stage != stage) {
            String where = layer.stage == LayerDraft.Stage.ACTIVATED ? "after the activation of " + layer.where
                    : layer.stage == LayerDraft.Stage.NORMED ? "after the layer norm of " + layer.where
                    : "after " + layer.where;
            throw nodeError(index, node, "comes " + where + "; " + expected);
        }
    }

    /** Every input is the chain's value (read once) or a constant; output 0 is named. */
    private void checkReads(int index, NodeProto node) throws OnnxImportException {
        if (node.getOutputCount() < 1 || node.getOutput(0).isEmpty()
                || (node.getOutputCount() > 1 && !multiOutput(node.getOpType()))) {
            throw nodeError(index, node, "has " + node.getOutputCount() + " outputs "
                    + abbreviate(node.getOutputList()) + "; expected exactly one");
        }
        int uses = 0;
        for (String in : node.getInputList()) {
            if (in.equals(value)) {
                uses++;
            } else if (!in.isEmpty() && !constants.contains(in)) {
                throw nodeError(index, node, "reads '" + in + "', which is neither a constant (initializer or Constant"
                        + " node) nor the output of the previous node in the chain ('" + value + "'); expected only"
                        + " constants besides the chain's value");
            }
        }
        if (uses != 1) {
            throw nodeError(index, node, "reads '" + value + "' " + uses + " times; expected once");
        }
    }

    /**
     * Ops with optional extra outputs (Dropout's mask, LayerNormalization's statistics, BatchNormalization's running
     * statistics), as the op table says; their readers check the extras unused.
     */
    private static boolean multiOutput(String op) {
        OnnxOp known = OnnxOp.forType(op);
        return known != null && known.maxOutputs() > 1;
    }

    private LayerDraft last() {
        return layers.get(layers.size() - 1);
    }

    private OnnxImportException unsupported(int index, NodeProto node) {
        if (state == State.LAYER && last().stage == LayerDraft.Stage.ACTIVATED
                && last().activation.equals(Activation.SIGMOID)) {
            return pastHead(index, node);
        }
        String message = "is not supported; expected " + expected();
        if (state == State.LAYER) {
            return outputTensorNeeded(index, node, message + "; or import the network up to '" + value
                    + "' with ImportOptions.outputTensor(\"" + value + "\")");
        }
        return nodeError(index, node, message);
    }

    /** A node after the head: the graph post-processes what the network computes. */
    private OnnxImportException pastHead(int index, NodeProto node) {
        String headOp = headNode >= 0 ? scope.node(headNode).getOpType() : "Sigmoid";
        return outputTensorNeeded(index, node, "follows the " + headOp + " head '" + value + "': the graph goes on"
                + " past its head (" + downstreamOps(index) + ": post-processing the network does not compute);"
                + " expected the chain to end there; import up to a tensor with ImportOptions.outputTensor(\"" + value
                + "\")");
    }

    /** {@link ImportErrors#nodeError}, typed as avoidable by reading the graph up to the chain's current value. */
    private OutputTensorNeededException outputTensorNeeded(int index, NodeProto node, String message) {
        return new OutputTensorNeededException(describe(index, node) + " " + message, node.getName(),
                node.getOpType(), index, null, Collections.singletonList(value), null);
    }

    /** The ops of {@code from} and of the nodes after it (reading its outputs, directly or by capture), in order. */
    private String downstreamOps(int from) {
        Set<Integer> seen = new java.util.TreeSet<Integer>();
        java.util.Deque<Integer> todo = new java.util.ArrayDeque<Integer>();
        todo.add(from);
        while (!todo.isEmpty() && seen.size() < 64) {
            int n = todo.poll();
            if (!seen.add(n)) {
                continue;
            }
            for (String out : scope.node(n).getOutputList()) {
                if (!out.isEmpty()) {
                    todo.addAll(scope.readers(out));
                    todo.addAll(scope.capturers(out));
                }
            }
        }
        Set<String> ops = new LinkedHashSet<String>();
        for (int n : seen) {
            ops.add(scope.node(n).getOpType());
        }
        List<String> list = new ArrayList<String>(ops);
        return list.size() <= 6 ? joined(list) : joined(list.subList(0, 6)) + ", ...";
    }

    private static String joined(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (String s : items) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s);
        }
        return sb.toString();
    }

    private String expected() {
        if (state == State.START) {
            return "Gemm or MatMul (optionally after Flatten, Reshape, Identity or Dropout)";
        }
        switch (last().stage) {
            case LINEAR:
                return "Add (bias), BatchNormalization, a layer norm, an activation (Relu, LeakyRelu, Tanh, Sigmoid,"
                        + " Gelu), Dropout, Gemm, MatMul, Softmax, LogSoftmax or Identity after a dense layer";
            case NORMED:
                return "an activation (Relu, LeakyRelu, Tanh, Sigmoid, Gelu), Dropout, Gemm, MatMul, Softmax,"
                        + " LogSoftmax or Identity after a layer norm";
            default:
                return "Dropout, Gemm, MatMul, a head (Softmax, LogSoftmax, Sigmoid) or Identity after an activation";
        }
    }

    private void finish() throws OnnxImportException {
        if (scope.end != null && !value.equals(scope.end)) {
            throw new OnnxImportException("the chain from input '" + feed + "' ends at '" + value + "' without reaching"
                    + " ImportOptions.outputTensor '" + scope.end + "'; expected a tensor computed from the input along"
                    + " the chain");
        }
        if (layers.isEmpty()) {
            throw new OnnxImportException("no dense layer (Gemm or MatMul with constant weights) between input '"
                    + feed + "' and the output" + (opsSeen.isEmpty() ? " (the input feeds no node)"
                    : " (the chain is " + abbreviate(opsSeen) + ")") + "; expected a feed-forward network");
        }
        if (implicitNode >= 0 && layers.size() > 1) {
            throw nodeError(implicitNode, scope.node(implicitNode), "comes before the first dense layer ("
                    + layers.get(1).where + "); expected Gemm or MatMul first (an activation or softmax on the raw"
                    + " input is read only in a graph without dense layers)");
        }
        for (int i = 0; i < visited.length; i++) {
            if (!scope.index.folded[i] && !visited[i] && scope.contains(i)) {
                throw nodeError(i, scope.node(i), "is not on the chain from input '" + feed + "' to '" + value
                        + "'; expected a single chain of nodes (no branches, no unused nodes)");
            }
        }
    }
}
