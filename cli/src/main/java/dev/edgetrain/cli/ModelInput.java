package dev.edgetrain.cli;

import java.io.File;
import java.io.IOException;
import picocli.CommandLine.Option;

/** The {@code --model} a command reads, and the tensor to read it up to when the graph goes on past its head. */
public final class ModelInput {
    /** Options as picocli fills them in. */
    public ModelInput() {
    }

    /** {@code --model}: the ONNX file to read. */
    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The model.")
    public File model;

    /** {@code --output-tensor}: the tensor to read the graph up to, or null for its output. */
    @Option(names = "--output-tensor", paramLabel = "NAME",
            description = "Read the graph only up to this tensor (a graph that post-processes its head's output, e.g. "
                    + "openWakeWord's hey_jarvis: --output-tensor p1.1).")
    public String outputTensor;

    ModelFile read() throws IOException {
        return ModelFile.read(model, outputTensor);
    }
}
