package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.TensorProto;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.edgetrain.onnx.imports.ImportErrors.describe;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * The graph's constants and their folding: initializers (also when listed as graph inputs), {@code Constant}
 * nodes, and {@code Transpose}/{@code Identity} nodes of constants (old PyTorch's bias-less Linear is
 * {@code Transpose(W) + MatMul}), evaluated in graph order before the chain is walked. Every tensor's size is
 * checked and charged to the {@link LimitsAccount} before its data is decoded.
 */
final class Constants {
    private final LimitsAccount account;
    private final OpRules rules;
    private final Map<String, ConstantTensor> byName = new HashMap<String, ConstantTensor>();

    Constants(LimitsAccount account, OpRules rules) {
        this.account = account;
        this.rules = rules;
    }

    /** The constant named {@code name}, or null when it is not one. */
    ConstantTensor get(String name) {
        return byName.get(name);
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Reads every initializer (names non-empty and unique, sizes within the limits). */
    void readInitializers(GraphProto graph) throws OnnxImportException {
        if (graph.getSparseInitializerCount() > 0) {
            throw new OnnxImportException("the graph has " + graph.getSparseInitializerCount()
                    + " sparse initializer(s); expected dense initializers");
        }
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getName().isEmpty()) {
                throw new OnnxImportException("initializer " + i
                        + " has no name; expected every initializer to be named");
            }
            if (byName.containsKey(t.getName())) {
                throw new OnnxImportException("initializer '" + t.getName()
                        + "' is defined twice; expected unique initializer names");
            }
            ConstantTensor c = ConstantTensor.of(t, "initializer '" + t.getName() + "'", account.limits());
            account.chargeConstant(c.origin, c.count);
            byName.put(t.getName(), c);
        }
    }

    /**
     * Evaluates {@code Constant} nodes, and {@code Transpose}/{@code Identity} nodes whose input is a constant, in
     * graph order (nodes are topologically sorted). Returns which nodes were folded.
     */
    boolean[] fold(List<NodeProto> nodes) throws OnnxImportException {
        boolean[] folded = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            String op = n.getOpType();
            if (op.equals("Constant")) {
                if (n.getOutputCount() != 1 || n.getOutput(0).isEmpty()) {
                    throw nodeError(i, n, "has " + n.getOutputCount() + " outputs; expected 1");
                }
                byName.put(n.getOutput(0), constantValue(i, n));
                folded[i] = true;
            } else if ((op.equals("Transpose") || op.equals("Identity")) && n.getInputCount() == 1
                    && byName.containsKey(n.getInput(0)) && n.getOutputCount() == 1) {
                ConstantTensor in = byName.get(n.getInput(0));
                byName.put(n.getOutput(0), op.equals("Identity") ? identity(i, n, in) : transpose(i, n, in));
                folded[i] = true;
            }
        }
        return folded;
    }

    private ConstantTensor identity(int index, NodeProto n, ConstantTensor in) throws OnnxImportException {
        rules.checkAttributes(index, n, OnnxOp.IDENTITY);
        return in;
    }

    private ConstantTensor constantValue(int index, NodeProto n) throws OnnxImportException {
        if (n.getAttributeCount() != 1) {
            throw nodeError(index, n, "has " + n.getAttributeCount()
                    + " attributes; expected exactly one value attribute");
        }
        rules.checkAttributes(index, n, OnnxOp.CONSTANT);
        AttributeProto a = n.getAttribute(0);
        String origin = "the value of " + describe(index, n);
        String name = a.getName();
        if (name.equals("value")) {
            ConstantTensor c = ConstantTensor.of(a.getT(), origin, account.limits());
            account.chargeConstant(origin, c.count);
            return c;
        } else if (name.equals("value_float")) {
            return ConstantTensor.ofFloats(origin, new long[0], new float[] {a.getF()});
        } else if (name.equals("value_floats")) {
            account.chargeTensor(origin, a.getFloatsCount());
            float[] v = new float[a.getFloatsCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.getFloats(i);
            }
            return ConstantTensor.ofFloats(origin, new long[] {v.length}, v);
        } else if (name.equals("value_int")) {
            return ConstantTensor.ofLongs(origin, new long[0], new long[] {a.getI()});
        } else if (name.equals("value_ints")) {
            account.chargeTensor(origin, a.getIntsCount());
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
        rules.checkAttributes(index, n, OnnxOp.TRANSPOSE);
        long[] perm = OpRules.intsAttribute(n, "perm");
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
            throw nodeError(index, n, "has perm " + Arrays.toString(perm)
                    + "; expected [1, 0] or [0, 1] for a 2-D tensor");
        }
        float[] src = in.floats();
        String origin = "the transpose of " + in.origin;
        if (!swap) {
            return ConstantTensor.ofFloats(origin, in.dims.clone(), src);
        }
        int rows = (int) in.dims[0];
        int cols = (int) in.dims[1];
        account.chargeConstant(origin, src.length);
        float[] t = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = src[r * cols + c];
            }
        }
        return ConstantTensor.ofFloats(origin, new long[] {cols, rows}, t);
    }
}
