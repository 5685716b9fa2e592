package dev.edgetrain.cli;

import dev.edgetrain.cli.referee.OnnxRuntimeReferee;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.train.Dataset;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The proof that an exported file computes what was trained: the in-memory network on the rows it trained
 * on (standardised, if it was) against onnxruntime on the exported file fed the raw rows, which also checks
 * the folding of the standardisation into the first Gemm.
 */
final class ExportCheck {
    private ExportCheck() {
    }

    /**
     * Runs both and prints one line; returns the largest absolute difference of their outputs.
     *
     * @param inputShape the exported graph input's shape, -1 for the batch ({@code null}: {@code [N, features]})
     * @param raw        rows as the exported model takes them
     * @param input      the same rows as the network takes them
     * @param which      what the rows are, for the line ("test", "training")
     */
    static double againstOnnxRuntime(Console console, Network network, OutputKind kind, File exported,
                                     long[] inputShape, Dataset raw, Dataset input, String which) throws IOException {
        float[] ours = ModelOutputs.compute(network, input.features(), input.rows(), kind);
        float[] theirs;
        try (OnnxRuntimeReferee referee = new OnnxRuntimeReferee(Files.readAllBytes(exported.toPath()))) {
            theirs = referee.run(OnnxExporter.INPUT_NAME,
                    inputShape != null ? inputShape : new long[] {-1, network.spec().inputs()}, raw.features(),
                    raw.rows(), kind.outputName());
        }
        double maxDiff = OnnxRuntimeReferee.maxAbsDifference(ours, theirs);
        console.result("onnxruntime %s on %d %s rows (raw features): max |difference| %.3g (limit %.0e) %s",
                OnnxRuntimeReferee.version(), raw.rows(), which, maxDiff, VerifyCommand.TOLERANCE,
                maxDiff <= VerifyCommand.TOLERANCE ? "OK" : "FAILED");
        return maxDiff;
    }
}
