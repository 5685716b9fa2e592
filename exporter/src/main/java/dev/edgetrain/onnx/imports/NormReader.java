package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.NodeProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.edgetrain.onnx.imports.ImportErrors.describe;
import static dev.edgetrain.onnx.imports.ImportErrors.dims;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;
import static dev.edgetrain.onnx.imports.ImportErrors.number;

/**
 * A layer norm right after a dense layer, over its outputs: the {@code LayerNormalization} op (opset 17; last
 * axis, {@code stash_type} 1, optional bias, its Mean/InvStdDev outputs unused), or PyTorch's decomposition of
 * older opsets:
 * <pre>
 *   m = ReduceMean(x, axes=[-1], keepdims=1)     (axes an input from opset 18)
 *   d = Sub(x, m)
 *   v = ReduceMean(Pow(d, 2))
 *   y = Div(d, Sqrt(Add(v, ε))) [· γ] [+ β]
 * </pre>
 * Every constant is checked (exponent exactly 2, ε one positive value, the mean over the last axis, γ and β one
 * per output); a look-alike (Pow 3, a mean over another axis, a Sub of something else) is refused with what it
 * computes instead.
 */
final class NormReader {
    /** A layer norm read from the graph: γ, β {@code [width]} and ε, its nodes and output. */
    static final class Norm {
        final float[] scale;
        final float[] shift;
        final float epsilon;
        final List<Integer> nodes;
        final String output;

        Norm(float[] scale, float[] shift, float epsilon, List<Integer> nodes, String output) {
            this.scale = scale;
            this.shift = shift;
            this.epsilon = epsilon;
            this.nodes = nodes;
            this.output = output;
        }
    }

    private final ChainScope scope;
    private final Constants constants;
    private final OpRules rules;
    private final LimitsAccount account;

    NormReader(ChainScope scope, Constants constants, OpRules rules, LimitsAccount account) {
        this.scope = scope;
        this.constants = constants;
        this.rules = rules;
        this.account = account;
    }

    /** Whether the readers of a value start a decomposed layer norm (one of them is a ReduceMean). */
    boolean starts(List<Integer> readers) {
        return indexOf(readers, "ReduceMean") >= 0;
    }

    /** The ReduceMean among {@code readers} (call when {@link #starts}). */
    int meanReader(List<Integer> readers) {
        return readers.get(indexOf(readers, "ReduceMean"));
    }

    /** {@code LayerNormalization(x, γ, β?)} over the last axis of {@code [N, width]}. */
    Norm readOp(int index, NodeProto node, String x, long[] shape, int width) throws OnnxImportException {
        rules.check(index, node, OnnxOp.LAYER_NORMALIZATION);
        if (!node.getInput(0).equals(x)) {
            throw nodeError(index, node, "normalises '" + node.getInput(0) + "'; expected the layer's output '" + x
                    + "' as input X");
        }
        for (int k = 1; k < node.getOutputCount(); k++) {
            if (!node.getOutput(k).isEmpty() && scope.index.isUsed(node.getOutput(k))) {
                throw nodeError(index, node, "has its output " + k + " '" + node.getOutput(k) + "' ("
                        + (k == 1 ? "Mean" : "InvStdDev") + ") read; expected only Y to be used");
            }
        }
        int rank = shape == null ? 2 : shape.length;
        long axis = rules.intAttribute(index, node, OnnxOp.LAYER_NORMALIZATION, "axis");
        if (axis != -1 && axis != rank - 1) {
            throw nodeError(index, node, "has axis=" + axis + " on data of shape " + dims(shape) + "; expected -1 or "
                    + (rank - 1) + " (the last axis: each row normalised over its " + width + " features)");
        }
        long stash = rules.intAttribute(index, node, OnnxOp.LAYER_NORMALIZATION, "stash_type");
        if (stash != 1) {
            throw nodeError(index, node, "has stash_type=" + stash + "; expected 1 (statistics in float)");
        }
        float eps = epsilon(index, node, rules.floatAttribute(index, node, OnnxOp.LAYER_NORMALIZATION, "epsilon"));
        account.chargeVector(index, node, 2L * width, "a layer norm scale and shift");
        float[] scale = vector(index, node, 1, "Scale", width, false);
        float[] shift = node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                ? vector(index, node, 2, "B", width, false) : new float[width];
        return new Norm(scale, shift, eps, java.util.Collections.singletonList(index), node.getOutput(0));
    }

    /** PyTorch's decomposed layer norm starting at {@code x}, read by {@code readers} (one a ReduceMean). */
    Norm matchDecomposed(String x, List<Integer> readers, int width) throws OnnxImportException {
        int mean = readers.get(indexOf(readers, "ReduceMean"));
        NodeProto meanNode = scope.node(mean);
        if (rules.opset() < 7) {
            throw nodeError(mean, meanNode, "starts a decomposed layer norm in opset " + rules.opset() + "; expected"
                    + " opset 7 or newer (older elementwise ops broadcast differently)");
        }
        if (readers.size() != 2) {
            throw nodeError(mean, meanNode, "averages '" + x + "', which " + readers.size() + " nodes read "
                    + list(readers) + "; expected a decomposed layer norm, whose input only ReduceMean and"
                    + " Sub(x, mean) read");
        }
        List<Integer> nodes = new ArrayList<Integer>();
        String m = reduceMean(mean, x, nodes);
        int sub = readers.get(0) == mean ? readers.get(1) : readers.get(0);
        NodeProto subNode = scope.node(sub);
        if (!subNode.getOpType().equals("Sub")) {
            throw nodeError(sub, subNode, "reads '" + x + "' beside the ReduceMean of " + describe(mean, meanNode)
                    + "; expected Sub(x, mean), the deviation of a decomposed layer norm");
        }
        rules.check(sub, subNode, OnnxOp.SUB);
        if (scope.soleReader(m) != sub || !subNode.getInput(0).equals(x) || !subNode.getInput(1).equals(m)) {
            throw nodeError(sub, subNode, "computes Sub('" + subNode.getInput(0) + "', '" + subNode.getInput(1)
                    + "'); expected Sub('" + x + "', '" + m + "'), the input minus its mean (read by nothing else)");
        }
        nodes.add(sub);
        String d = subNode.getOutput(0);
        List<Integer> devReaders = scope.readers(d);
        int pow = indexOf(devReaders, "Pow");
        int div = indexOf(devReaders, "Div");
        if (devReaders.size() != 2 || pow < 0 || div < 0 || scope.isEnd(d) || !scope.capturers(d).isEmpty()) {
            throw nodeError(sub, subNode, "has its output '" + d + "' read by " + list(devReaders) + "; expected"
                    + " Pow(d, 2) and Div(d, sqrt(variance + epsilon)) of a decomposed layer norm");
        }
        int powNode = devReaders.get(pow);
        String variance = reduceMean(next(power(powNode, d, nodes), "ReduceMean", "the mean of the squares"),
                scope.node(powNode).getOutput(0), nodes);
        int addNode = next(variance, "Add", "variance + epsilon");
        float eps = addEpsilon(addNode, variance, nodes);
        int sqrtNode = next(scope.node(addNode).getOutput(0), "Sqrt", "sqrt(variance + epsilon)");
        rules.check(sqrtNode, scope.node(sqrtNode), OnnxOp.SQRT);
        nodes.add(sqrtNode);
        String std = scope.node(sqrtNode).getOutput(0);
        int divNode = devReaders.get(div);
        NodeProto dv = scope.node(divNode);
        rules.check(divNode, dv, OnnxOp.DIV);
        if (scope.soleReader(std) != divNode || !dv.getInput(0).equals(d) || !dv.getInput(1).equals(std)) {
            throw nodeError(divNode, dv, "computes Div('" + dv.getInput(0) + "', '" + dv.getInput(1) + "'); expected"
                    + " Div('" + d + "', '" + std + "'), the deviation over the standard deviation");
        }
        nodes.add(divNode);
        return affine(dv.getOutput(0), width, eps, nodes);
    }

    /** The optional {@code Mul(·, γ)} and {@code Add(·, β)} after the normalisation. */
    private Norm affine(String y, int width, float eps, List<Integer> nodes) throws OnnxImportException {
        float[] scale = null;
        float[] shift = null;
        int mul = constantOperand(y, "Mul");
        if (mul >= 0) {
            account.chargeVector(mul, scope.node(mul), width, "a layer norm scale");
            scale = vector(mul, scope.node(mul), otherInput(scope.node(mul), y), "scale (gamma)", width, true);
            nodes.add(mul);
            y = scope.node(mul).getOutput(0);
        }
        int add = constantOperand(y, "Add");
        if (add >= 0) {
            account.chargeVector(add, scope.node(add), width, "a layer norm shift");
            shift = vector(add, scope.node(add), otherInput(scope.node(add), y), "shift (beta)", width, true);
            nodes.add(add);
            y = scope.node(add).getOutput(0);
        }
        if (scale == null) {
            account.chargeVector(nodes.get(0), scope.node(nodes.get(0)), width, "a layer norm scale");
            scale = new float[width];
            Arrays.fill(scale, 1f);
        }
        if (shift == null) {
            account.chargeVector(nodes.get(0), scope.node(nodes.get(0)), width, "a layer norm shift");
            shift = new float[width];
        }
        return new Norm(scale, shift, eps, nodes, y);
    }

    /** The sole reader of {@code y} when it is {@code op} with a constant other operand (γ or β), else -1. */
    private int constantOperand(String y, String op) throws OnnxImportException {
        int r = scope.soleReader(y);
        if (r < 0) {
            return -1;
        }
        NodeProto n = scope.node(r);
        if (!n.getOpType().equals(op) || n.getInputCount() != 2 || !constants.contains(n.getInput(otherInput(n, y)))) {
            return -1;
        }
        rules.check(r, n, OnnxOp.forType(op));
        return r;
    }

    private static int otherInput(NodeProto n, String y) {
        return n.getInput(0).equals(y) ? 1 : 0;
    }

    /** {@code ReduceMean(input)} over the last axis with keepdims=1; returns its output. */
    private String reduceMean(int index, String input, List<Integer> nodes) throws OnnxImportException {
        NodeProto n = scope.node(index);
        rules.check(index, n, OnnxOp.REDUCE_MEAN, 1, rules.opset() >= 18 ? 2 : 1);
        if (!n.getInput(0).equals(input)) {
            throw nodeError(index, n, "averages '" + n.getInput(0) + "'; expected '" + input + "'");
        }
        long[] axes;
        if (rules.opset() >= 18) {
            if (rules.intAttribute(index, n, OnnxOp.REDUCE_MEAN, "noop_with_empty_axes") != 0) {
                throw nodeError(index, n, "has noop_with_empty_axes=1; expected 0 with axes [-1]");
            }
            ConstantTensor a = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constants.get(n.getInput(1)) : null;
            if (n.getInputCount() > 1 && !n.getInput(1).isEmpty() && a == null) {
                throw nodeError(index, n, "takes its axes from '" + n.getInput(1) + "'; expected a constant [-1]");
            }
            axes = a == null ? null : a.longs();
        } else {
            axes = OpRules.intsAttribute(n, "axes");
        }
        if (axes == null || axes.length == 0) {
            throw nodeError(index, n, "averages over all axes; expected axes [-1] (each row over its features, a layer"
                    + " norm)");
        }
        if (axes.length != 1 || (axes[0] != -1 && axes[0] != 1)) {
            throw nodeError(index, n, "averages over axes " + Arrays.toString(axes) + "; expected [-1] (the last axis:"
                    + " each row over its features, a layer norm)");
        }
        if (rules.intAttribute(index, n, OnnxOp.REDUCE_MEAN, "keepdims") != 1) {
            throw nodeError(index, n, "has keepdims=0; expected keepdims=1 (the mean broadcast back over the row)");
        }
        nodes.add(index);
        return n.getOutput(0);
    }

    /** {@code Pow(d, 2)}: the exponent exactly 2. Returns the Pow's output. */
    private String power(int index, String d, List<Integer> nodes) throws OnnxImportException {
        NodeProto n = scope.node(index);
        rules.check(index, n, OnnxOp.POW);
        ConstantTensor e = constants.get(n.getInput(1));
        if (!n.getInput(0).equals(d) || e == null) {
            throw nodeError(index, n, "computes Pow('" + n.getInput(0) + "', '" + n.getInput(1) + "'); expected Pow('"
                    + d + "', 2), the squared deviation of a decomposed layer norm");
        }
        if (!e.isScalar(2) || e.scalar() != 2.0) {
            throw nodeError(index, n, "raises the deviation to the power " + (e.isScalar(2) ? number(e.scalar())
                    : "of " + e.origin + " (shape " + e.shape() + ")") + "; expected exactly 2 (the variance of a"
                    + " layer norm)");
        }
        nodes.add(index);
        return n.getOutput(0);
    }

    /** {@code Add(variance, ε)} in either order, ε one positive value; returns ε. */
    private float addEpsilon(int index, String variance, List<Integer> nodes) throws OnnxImportException {
        NodeProto n = scope.node(index);
        rules.check(index, n, OnnxOp.ADD);
        int other = otherInput(n, variance);
        ConstantTensor e = constants.get(n.getInput(other));
        if (e == null) {
            throw nodeError(index, n, "adds '" + n.getInput(other) + "' to the variance; expected a constant epsilon");
        }
        if (!e.isScalar(2)) {
            throw nodeError(index, n, "adds epsilon " + e.origin + " of shape " + e.shape() + "; expected a single"
                    + " positive value (a scalar or [1])");
        }
        nodes.add(index);
        return epsilon(index, n, e.scalar());
    }

    private static float epsilon(int index, NodeProto n, double eps) throws OnnxImportException {
        if (!(eps > 0 && eps <= 1)) {
            throw nodeError(index, n, "has epsilon " + number(eps) + "; expected a positive value up to 1");
        }
        return (float) eps;
    }

    /** The sole reader of {@code value}, which must be {@code op} (the next step of the pattern). */
    private int next(String value, String op, String role) throws OnnxImportException {
        int r = scope.soleReader(value);
        int producer = scope.index.producer(value);
        if (r < 0 || !scope.node(r).getOpType().equals(op)) {
            throw nodeError(producer, scope.node(producer), "has its output '" + value + "' read by "
                    + list(scope.readers(value)) + (scope.isEnd(value) ? " and the graph's output" : "")
                    + "; expected only " + op + " (" + role + ") of a decomposed layer norm");
        }
        return r;
    }

    /** γ or β: {@code [width]}, {@code [1, width]} or (for the decomposed form) a single value. */
    private float[] vector(int index, NodeProto node, int position, String role, int width, boolean scalarAllowed)
            throws OnnxImportException {
        ConstantTensor c = constants.get(node.getInput(position));
        if (c == null) {
            throw nodeError(index, node, "has " + role + " '" + node.getInput(position) + "', which is not a constant;"
                    + " expected [" + width + "] values");
        }
        boolean vector = (c.rank() == 1 && c.dims[0] == width)
                || (c.rank() == 2 && c.dims[0] == 1 && c.dims[1] == width);
        if (!vector && !(scalarAllowed && c.isScalar(2))) {
            throw nodeError(index, node, "has " + role + " " + c.origin + " of shape " + c.shape() + "; expected ["
                    + width + "]" + (scalarAllowed ? ", [1, " + width + "] or a single value" : "")
                    + " (one per output of the layer)");
        }
        float[] v = c.floats();
        float[] out = new float[width];
        for (int o = 0; o < width; o++) {
            out[o] = v[vector ? o : 0];
        }
        return out;
    }

    private int indexOf(List<Integer> readers, String op) {
        for (int i = 0; i < readers.size(); i++) {
            if (scope.node(readers.get(i)).getOpType().equals(op)) {
                return i;
            }
        }
        return -1;
    }

    private String list(List<Integer> nodes) {
        List<String> names = new ArrayList<String>();
        for (int n : nodes) {
            names.add(describe(n, scope.node(n)));
        }
        return ImportErrors.abbreviate(names);
    }
}
