package dev.edgetrain.cli;

import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Workspace;

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
}
