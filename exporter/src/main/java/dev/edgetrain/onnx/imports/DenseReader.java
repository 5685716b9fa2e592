package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.NodeProto;

import static dev.edgetrain.onnx.imports.ImportErrors.describe;
import static dev.edgetrain.onnx.imports.ImportErrors.dims;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * Reads dense layers into the runtime's {@code W [out][in]} layout: {@code Gemm(x, B, C?)} with any
 * alpha/beta (folded into the weights) and transB, {@code MatMul(x, W[in, out])}, the bias {@code Add} that
 * follows a MatMul (or a Gemm without C), and a {@code BatchNormalization} in inference form right after a dense
 * layer, folded into it: {@code W' = s·W} row by row and {@code b' = (b − mean)·s + β}, {@code s = γ/√(var + ε)}.
 */
final class DenseReader {
    private final OpRules rules;
    private final Constants constants;
    private final LimitsAccount account;

    DenseReader(OpRules rules, Constants constants, LimitsAccount account) {
        this.rules = rules;
        this.constants = constants;
        this.account = account;
    }

    LayerDraft gemm(int index, NodeProto node, String value, long[] shape, boolean first) throws OnnxImportException {
        rules.check(index, node, OnnxOp.GEMM);
        if (!node.getInput(0).equals(value)) {
            throw nodeError(index, node, "takes the features '" + value + "' as its "
                    + (node.getInput(1).equals(value) ? "B" : "C") + " input; expected them as A (Gemm(x, W, b))");
        }
        checkDenseInput(index, node, shape, first);
        float alpha = rules.floatAttribute(index, node, OnnxOp.GEMM, "alpha");
        float beta = rules.floatAttribute(index, node, OnnxOp.GEMM, "beta");
        long transA = rules.intAttribute(index, node, OnnxOp.GEMM, "transA");
        long transB = rules.intAttribute(index, node, OnnxOp.GEMM, "transB");
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
        final int in = account.checkedWidth(index, node, transB == 1 ? b.dims[1] : b.dims[0], "input");
        final int out = account.checkedWidth(index, node, transB == 1 ? b.dims[0] : b.dims[1], "output");
        account.chargeLayer(index, node, in, out);
        float[] weight = weight(b.floats(), in, out, transB == 1, alpha);
        float[] bias = null;
        if (node.getInputCount() == 3 && !node.getInput(2).isEmpty()) {
            if (rules.opset() < 7 && rules.intAttribute(index, node, OnnxOp.GEMM, "broadcast") != 1) {
                throw nodeError(index, node, "(opset " + rules.opset() + ") has broadcast=0, so C must be shaped like"
                        + " the output [M, N], which ties it to the batch size; expected broadcast=1 for a bias");
            }
            ConstantTensor c = constant(index, node, 2, "C");
            if (beta != 0f) {
                account.chargeVector(index, node, out, "a bias");
                bias = bias(index, node, c, out, beta);
            }
        }
        return new LayerDraft(in, out, weight, bias, describe(index, node), false);
    }

    LayerDraft matMul(int index, NodeProto node, String value, long[] shape, boolean first)
            throws OnnxImportException {
        rules.check(index, node, OnnxOp.MAT_MUL);
        if (!node.getInput(0).equals(value)) {
            throw nodeError(index, node, "multiplies the constant by the features (W·x); expected MatMul(features,"
                    + " weight)");
        }
        checkDenseInput(index, node, shape, first);
        ConstantTensor w = constant(index, node, 1, "weight");
        if (w.rank() != 2) {
            throw nodeError(index, node, "has weight " + w.origin + " of shape " + w.shape()
                    + "; expected a 2-D weight [in, out]");
        }
        int in = account.checkedWidth(index, node, w.dims[0], "input");
        int out = account.checkedWidth(index, node, w.dims[1], "output");
        account.chargeLayer(index, node, in, out);
        return new LayerDraft(in, out, weight(w.floats(), in, out, false, 1f), null, describe(index, node), false);
    }

    /** The identity layer of a graph without dense layers, {@code W = I [width][width]}, no bias. */
    LayerDraft identity(int index, NodeProto node, long rowSize) throws OnnxImportException {
        int width = account.checkedWidth(index, node, rowSize, "input");
        account.chargeLayer(index, node, width, width);
        float[] w = new float[width * width];
        for (int i = 0; i < width; i++) {
            w[i * width + i] = 1f;
        }
        return new LayerDraft(width, width, w, null, describe(index, node), true);
    }

    /** {@code Add(h, b)} or {@code Add(b, h)} after a MatMul (or a Gemm without C): the layer's bias. */
    void addBias(int index, NodeProto node, String value, LayerDraft layer) throws OnnxImportException {
        rules.check(index, node, OnnxOp.ADD);
        if (!layer.biasOpen) {
            throw nodeError(index, node, "adds a second bias to " + layer.where + ", which already has one"
                    + (layer.batchNormFolded ? " (from the BatchNormalization folded into it)" : "")
                    + "; expected one bias per dense layer");
        }
        if (rules.opset() < 7) {
            if (rules.intAttribute(index, node, OnnxOp.ADD, "broadcast") != 1) {
                throw nodeError(index, node, "(opset " + rules.opset() + ") has broadcast=0, so its operands must have"
                        + " the same shape [M, N]; expected broadcast=1 for a bias");
            }
            long axis = rules.intAttribute(index, node, OnnxOp.ADD, "axis");
            if (OpRules.has(node, "axis") && axis != 1 && axis != -1) {
                throw nodeError(index, node, "has axis=" + axis + ", which adds the bias along the batch; expected"
                        + " axis=1");
            }
        }
        int other = node.getInput(0).equals(value) ? 1 : 0;
        account.chargeVector(index, node, layer.out, "a bias");
        layer.bias = bias(index, node, constant(index, node, other, "bias"), layer.out, 1f);
        layer.biasOpen = false;
    }

    /**
     * {@code BatchNormalization(h, γ, β, mean, var)} in inference form right after the dense layer: folded into its
     * weights and bias, so the runtime's layer computes the same values and fine-tuning trains the folded layer.
     */
    void foldBatchNorm(int index, NodeProto node, String value, long[] shape, LayerDraft layer)
            throws OnnxImportException {
        rules.check(index, node, OnnxOp.BATCH_NORMALIZATION);
        checkInferenceForm(index, node);
        if (!node.getInput(0).equals(value)) {
            throw nodeError(index, node, "normalises constant '" + node.getInput(0) + "'; expected the layer's output '"
                    + value + "' as input X");
        }
        if (shape != null && shape.length != 2) {
            throw nodeError(index, node, "gets data of shape " + dims(shape) + "; expected rank 2 [N, " + layer.out
                    + "] (a BatchNorm1d after a dense layer)");
        }
        double eps = rules.floatAttribute(index, node, OnnxOp.BATCH_NORMALIZATION, "epsilon");
        float[] gamma = channelVector(index, node, 1, "scale", layer.out);
        float[] beta = channelVector(index, node, 2, "B", layer.out);
        float[] mean = channelVector(index, node, 3, "input_mean", layer.out);
        float[] var = channelVector(index, node, 4, "input_var", layer.out);
        if (layer.bias == null) {
            account.chargeVector(index, node, layer.out, "a bias");
            layer.bias = new float[layer.out];
        }
        for (int o = 0; o < layer.out; o++) {
            double v = (double) var[o] + eps;
            if (!(v > 0)) {
                throw nodeError(index, node, "has input_var[" + o + "] + epsilon = " + v + "; expected a positive"
                        + " variance");
            }
            double s = gamma[o] / Math.sqrt(v);
            for (int i = 0; i < layer.in; i++) {
                layer.weight[o * layer.in + i] = (float) (layer.weight[o * layer.in + i] * s);
            }
            layer.bias[o] = (float) ((layer.bias[o] - (double) mean[o]) * s + beta[o]);
        }
        layer.biasOpen = false;
        layer.batchNormFolded = true;
    }

    /**
     * One output, and no training flag: {@code training_mode=0} (opset ≥ 14), {@code is_test=1} (opset < 7),
     * {@code spatial=1} (opset < 9).
     */
    private void checkInferenceForm(int index, NodeProto node) throws OnnxImportException {
        int outputs = 0;
        for (String out : node.getOutputList()) {
            outputs += out.isEmpty() ? 0 : 1;
        }
        if (outputs != 1) {
            throw nodeError(index, node, "has " + outputs + " outputs (the running mean and variance of training);"
                    + " expected 1, the inference form (export the model in eval mode)");
        }
        int opset = rules.opset();
        if (opset >= 14 && rules.intAttribute(index, node, OnnxOp.BATCH_NORMALIZATION, "training_mode") != 0) {
            throw nodeError(index, node, "has training_mode=1, which normalises with the batch's own statistics;"
                    + " expected training_mode=0 (export the model in eval mode)");
        }
        if (opset < 7 && rules.intAttribute(index, node, OnnxOp.BATCH_NORMALIZATION, "is_test") == 0) {
            throw nodeError(index, node, "has is_test=0 (opset " + opset + "), which normalises with the batch's own"
                    + " statistics; expected is_test=1 (export the model in eval mode)");
        }
        if (opset < 9 && rules.intAttribute(index, node, OnnxOp.BATCH_NORMALIZATION, "spatial") == 0) {
            throw nodeError(index, node, "has spatial=0 (statistics per element rather than per channel); expected"
                    + " spatial=1");
        }
    }

    /** Input {@code position}: a constant vector {@code [width]} (one value per output of the layer). */
    private float[] channelVector(int index, NodeProto node, int position, String role, int width)
            throws OnnxImportException {
        ConstantTensor c = constant(index, node, position, role);
        if (c.rank() != 1 || c.dims[0] != width) {
            throw nodeError(index, node, "has " + role + " " + c.origin + " of shape " + c.shape() + "; expected ["
                    + width + "] (one value per output of the layer)");
        }
        return c.floats();
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

    /** The input of a dense op must be [N, features] (rank 2) when its rank is known. */
    private static void checkDenseInput(int index, NodeProto node, long[] shape, boolean first)
            throws OnnxImportException {
        if (shape != null && shape.length != 2) {
            throw nodeError(index, node, "gets input of shape " + dims(shape) + "; expected [N, features]"
                    + (first ? " (add a Flatten or Reshape before it)" : ""));
        }
    }

    /** A bias of shape [n], [1, n] or a single value (scalar, [1], [1, 1]) as {@code [n]}, times {@code beta}. */
    private static float[] bias(int index, NodeProto node, ConstantTensor c, int n, float beta)
            throws OnnxImportException {
        boolean vector = (c.rank() == 1 && c.dims[0] == n) || (c.rank() == 2 && c.dims[0] == 1 && c.dims[1] == n);
        boolean single = c.isScalar(2);
        if (!vector && !single) {
            throw nodeError(index, node, "has bias " + c.origin + " of shape " + c.shape() + "; expected [" + n
                    + "], [1, " + n + "] or a scalar (a bias with a batch dimension depends on the batch size)");
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
}
