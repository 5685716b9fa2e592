package dev.edgetrain.cli;

import dev.edgetrain.cli.report.TaskReport;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.train.BatchSource;

/** The runtime's side of a comparison with onnxruntime: a network's outputs of a given kind, row by row. */
final class ModelOutputs {
    private ModelOutputs() {
    }

    /**
     * Outputs {@code [rows][outputs]} of {@code network} on {@code x [rows][inputs]}: probabilities (softmax or
     * sigmoid, by task), a regressor's predictions, raw logits, or log-probabilities (log-softmax in double
     * precision).
     */
    static float[] compute(Network network, float[] x, int rows, OutputKind kind) {
        int classes = network.spec().classes();
        int chunk = Math.min(rows, 256);
        Workspace ws = new Workspace(network.spec(), chunk);
        float[] out = new float[rows * classes];
        int inputs = network.spec().inputs();
        for (int start = 0; start < rows; start += chunk) {
            int n = Math.min(chunk, rows - start);
            if (kind == OutputKind.PROBABILITIES || kind == OutputKind.PREDICTIONS) {
                network.predict(ws, x, start * inputs, n, out, start * classes);
            } else {
                network.predictLogits(ws, x, start * inputs, n, out, start * classes);
            }
        }
        if (kind == OutputKind.LOG_PROBABILITIES) {
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    max = Math.max(max, out[r * classes + k]);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(out[r * classes + k] - max);
                }
                double lse = max + Math.log(sum);
                for (int k = 0; k < classes; k++) {
                    out[r * classes + k] = (float) (out[r * classes + k] - lse);
                }
            }
        }
        return out;
    }

    /**
     * The task's report of {@code network} (its head's outputs) over every row of {@code rows}, read in stored order:
     * the outputs ({@code rows × outputs} floats) and the rows' labels or targets are all this keeps, whatever the
     * rows' source (in memory, or streamed from disk).
     */
    static TaskReport report(Task task, String[] outputNames, Network network, BatchSource rows) {
        int n = rows.rows();
        int f = rows.featureCount();
        int w = rows.targetWidth();
        int outputs = network.spec().outputs();
        int chunk = 256;
        Workspace ws = new Workspace(network.spec(), chunk);
        float[] x = new float[chunk * f];
        int[] chunkLabels = rows.classes() > 0 ? new int[chunk] : null;
        float[] chunkTargets = chunkLabels == null ? new float[chunk * w] : null;
        float[] out = new float[n * outputs];
        int[] labels = chunkLabels == null ? null : new int[n];
        float[] targets = chunkTargets == null ? null : new float[n * w];
        rows.startEpoch(null);
        int done = 0;
        for (int m; (m = rows.nextBatch(x, chunkLabels, chunkTargets, chunk)) > 0; done += m) {
            network.predict(ws, x, 0, m, out, done * outputs);
            if (labels != null) {
                System.arraycopy(chunkLabels, 0, labels, done, m);
            } else {
                System.arraycopy(chunkTargets, 0, targets, done * w, m * w);
            }
        }
        return TaskReport.of(task, outputNames, out, labels, targets, done, w);
    }
}
