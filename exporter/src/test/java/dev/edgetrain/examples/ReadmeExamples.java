package dev.edgetrain.examples;

import dev.edgetrain.app.Model;
import dev.edgetrain.app.ModelEvaluation;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Standardizer;
import java.io.File;
import java.io.IOException;

/**
 * The README's "Using the libraries" code, as an app outside the library's packages writes it, verbatim between
 * the {@code README:} markers: {@code dev.edgetrain.app.ReadmeExamplesTest} checks that the README's fenced blocks
 * equal these regions and runs them.
 */
public final class ReadmeExamples {
    private ReadmeExamples() {
    }

    /** The three-line case. */
    public static ModelEvaluation model(float[][] x, int[] labels, float[][] testX, int[] testLabels, File file)
            throws IOException {
        // README:begin model
        Model model = Model.fit(x, labels);                       // x float[rows][features], labels int[rows]
        ModelEvaluation test = model.evaluate(testX, testLabels); // confusion matrix, per-class precision/recall/F1
        model.save(file);                                         // ONNX on raw features; Model.load(file) reads it
        // README:end
        return test;
    }

    /** The low-level API; returns what the last lines computed, for the test to check. */
    public static Object[] lowLevel(float[] x, int[] labels, int batch, float[] row, String[] classNames,
                             Standardizer standardizer, File file, float[] features, int[] labels01)
            throws IOException {
        // README:begin low-level
        NetworkSpec spec = NetworkSpec.of(64, 32, 10);                 // 64 inputs, 32 hidden ReLU, 10 classes
        Network network = new Network(spec, 42);                        // seeded He initialisation
        TrainingSession session = new TrainingSession(network, 32,      // workspace for batches of up to 32
                OptimizerConfig.adamW(1e-3f, 1e-4f).withClipNorm(1f));

        float loss = session.trainStep(x, labels, batch);               // x float[batch*64], labels int[batch]
        session.optimizerStep();
        session.zeroGrad();

        Workspace ws = new Workspace(spec, 1);                          // one per inference thread
        float[] probs = new float[10];
        network.predictProbabilities(ws, row, 0, 1, probs, 0);          // or predictClasses / predictLogits

        OnnxExporter.write(network, ExportOptions.builder().standardizer(standardizer)
                .classLabels(classNames).build(), file);                // String[10]; atomic; throws IOException
        ImportedModel imported = OnnxImporter.read(file);               // or a PyTorch/Keras/TF MLP, to fine-tune

        // Any other member of the family: layers, task, loss.
        NetworkSpec wakeWord = NetworkSpec.builder(1536)                // openWakeWord's [16 x 96] features, flattened
                .hidden(32).layerNorm().activation(Activation.RELU)
                .hidden(32, Activation.GELU).dropout(0.1f)
                .output(1, Task.BINARY)                                 // one sigmoid output
                .build();
        TrainingSession binary = new TrainingSession(new Network(wakeWord, 7), 64, OptimizerConfig.adam(1e-3f),
                Loss.binaryCrossEntropy().withClassWeights(new float[] {1f, 4f}), null);
        float wakeLoss = binary.trainStep(features, labels01, batch);   // features float[batch*1536], labels01 0/1
        // README:end
        return new Object[] {loss, probs, imported, wakeLoss};
    }
}
