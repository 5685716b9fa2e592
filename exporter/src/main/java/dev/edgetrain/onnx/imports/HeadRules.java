package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.ModelMetadata;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Task;

import static dev.edgetrain.onnx.imports.ImportErrors.describe;
import static dev.edgetrain.onnx.imports.ImportErrors.dims;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * What the graph computes after its output layer, and so the network's task and the imported model's output:
 * <ul>
 *   <li>{@code Softmax} / {@code LogSoftmax} → {@link Task#CLASSIFY}, probabilities or log-probabilities;</li>
 *   <li>a {@code Sigmoid} that ends the chain → {@link Task#BINARY} (1 output) or {@link Task#MULTILABEL},
 *       probabilities (a Sigmoid between dense layers is a hidden activation; after another activation it is the
 *       head);</li>
 *   <li>no head → the task of metadata {@code edgetrain.task} when present, else {@link Task#CLASSIFY} with logits
 *       (2 or more outputs) or {@link Task#REGRESS} with predictions (1 output).</li>
 * </ul>
 */
final class HeadRules {
    /** The head read at the end of the chain. */
    enum Head {
        NONE, SOFTMAX, LOG_SOFTMAX, SIGMOID
    }

    /** The resolved task and output. */
    static final class Resolution {
        final Task task;
        final OutputKind kind;

        Resolution(Task task, OutputKind kind) {
            this.task = task;
            this.kind = kind;
        }
    }

    private HeadRules() {
    }

    /**
     * {@code Softmax}/{@code LogSoftmax} must work on each row: on {@code [N, k]} axis 1 or -1 (opsets before 13
     * coerce to 2-D around the axis, later ones work along it, which agree there); on a higher rank (a graph without
     * dense layers) the same rows only where the two definitions make them so.
     */
    static void checkSoftmax(int index, NodeProto node, OpRules rules, long[] shape) throws OnnxImportException {
        OnnxOp op = OnnxOp.forType(node.getOpType());
        rules.check(index, node, op);
        int opset = rules.opset();
        long axis = rules.intAttribute(index, node, op, "axis");
        int rank = shape == null ? 2 : shape.length;
        long a = axis < 0 ? axis + rank : axis;
        if (rank == 2) {
            if (a != 1) {
                throw nodeError(index, node, "has axis=" + axis + " on the 2-D logits [N, classes]; expected axis=1 or"
                        + " -1 (over the classes" + (a == 0 ? ", not over the batch" : "") + ")");
            }
            return;
        }
        // Rows of a rank-r input are dimensions 1..r-1 together: opset < 13 coerces around the axis (dims before it
        // of size 1 do not matter), opset >= 13 normalises along the one axis (all other row dims must be 1).
        boolean rows = a >= 1 && a < rank;
        for (int d = 1; rows && d < rank; d++) {
            boolean mustBeOne = opset < 13 ? d < a : d != a;
            rows = !mustBeOne || shape[d] == 1;
        }
        if (!rows) {
            throw nodeError(index, node, "has axis=" + axis + " on input " + dims(shape) + " (opset " + opset
                    + "), which normalises " + (opset < 13 ? "over dimensions " + a + ".." + (rank - 1)
                    : "along dimension " + a) + " only; expected a softmax over each row of " + dims(shape)
                    + (opset < 13 ? " (axis=1)" : " (flatten it to [N, " + ImportErrors.product(shape, 1)
                    + "] first)"));
        }
    }

    /**
     * The task and output kind of the network whose last layer is {@code last}, given its head and metadata task
     * {@code declared} (null when absent). A Sigmoid activation ending the chain becomes the head.
     */
    static Resolution resolve(LayerDraft last, Head head, int headNode, NodeProto headProto, Task declared)
            throws OnnxImportException {
        int k = last.out;
        switch (head) {
            case SOFTMAX:
            case LOG_SOFTMAX:
                if (k < 2) {
                    throw nodeError(headNode, headProto, "normalises the single output of " + last.where
                            + " (always 1); expected a classifier with at least 2 classes");
                }
                agree(declared, Task.CLASSIFY, describe(headNode, headProto) + " is a softmax head");
                return new Resolution(Task.CLASSIFY, head == Head.SOFTMAX ? OutputKind.PROBABILITIES
                        : OutputKind.LOG_PROBABILITIES);
            case SIGMOID:
                Task sigmoidTask = k == 1 ? Task.BINARY : Task.MULTILABEL;
                agree(declared, sigmoidTask, describe(headNode, headProto) + " is a sigmoid head on " + k
                        + " output(s)");
                return new Resolution(sigmoidTask, OutputKind.PROBABILITIES);
            default:
                break;
        }
        if (last.activation.equals(Activation.SIGMOID) && (declared == null || declared.sigmoidHead())) {
            // A Sigmoid ending the chain is the head of a binary or multi-label network.
            Task task = declared != null ? declared : k == 1 ? Task.BINARY : Task.MULTILABEL;
            fits(task, last);
            last.activation = Activation.IDENTITY;
            return new Resolution(task, OutputKind.PROBABILITIES);
        }
        if (declared != null) {
            fits(declared, last);
            return new Resolution(declared, declared == Task.REGRESS ? OutputKind.PREDICTIONS : OutputKind.LOGITS);
        }
        return k >= 2 ? new Resolution(Task.CLASSIFY, OutputKind.LOGITS)
                : new Resolution(Task.REGRESS, OutputKind.PREDICTIONS);
    }

    /** The task named by metadata {@code edgetrain.task}, or null when absent. */
    static Task declaredTask(java.util.Map<String, String> metadata) throws OnnxImportException {
        String t = metadata.get(ModelMetadata.TASK);
        if (t == null) {
            return null;
        }
        try {
            return Task.parse(t);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException("metadata '" + ModelMetadata.TASK + "' is '" + t + "'; expected classify,"
                    + " binary, multilabel or regress", e);
        }
    }

    private static void agree(Task declared, Task graph, String why) throws OnnxImportException {
        if (declared != null && declared != graph) {
            throw new OnnxImportException("metadata '" + ModelMetadata.TASK + "' is '" + declared.id() + "', but "
                    + why + "; expected '" + graph.id() + "' (or no " + ModelMetadata.TASK + ")");
        }
    }

    private static void fits(Task task, LayerDraft last) throws OnnxImportException {
        if (last.out < task.minOutputs() || last.out > task.maxOutputs()) {
            throw new OnnxImportException("metadata '" + ModelMetadata.TASK + "' is '" + task.id()
                    + "', but the output layer (" + last.where + ") has " + last.out + " output(s); expected "
                    + (task == Task.BINARY ? "1" : "at least " + task.minOutputs()) + " for " + task.id());
        }
    }
}
