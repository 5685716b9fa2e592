package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OutputTensorNeededException;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model the importer refuses is one line naming the file; when the graph can be read up to an inner tensor, the
 * line ends with the option that does it. That is decided by the exception's type, never by its wording.
 */
class ModelImportErrorTest {
    @TempDir
    File dir;

    @Test
    void aGraphThatPostProcessesItsHeadIsRefusedWithTheOptionAndTheTensorToChoose() throws Exception {
        ModelProto plain = OnnxExporter.toModel(new Network(NetworkSpec.builder(4).hidden(5).output(3, Task.CLASSIFY)
                .build(), 7), ExportOptions.defaults());
        String probabilities = plain.getGraph().getOutput(0).getName();
        ModelProto argMax = plain.toBuilder().setGraph(plain.getGraph().toBuilder()
                .addNode(NodeProto.newBuilder().setOpType("ArgMax").setName("pick").addInput(probabilities)
                        .addOutput("class"))
                .clearOutput().addOutput(ValueInfoProto.newBuilder().setName("class"))).build();
        File file = new File(dir, "argmax.onnx");
        Files.write(file.toPath(), argMax.toByteArray());

        Cli.Result r = Cli.run("inspect", "--model", file.getPath());
        assertEquals(Edgetrain.EXIT_USER_ERROR, r.exit, r.toString());
        assertEquals(1, r.err.lines().count(), r.err);
        assertTrue(r.err.contains(file.getPath() + ": node ") && r.err.contains("(ArgMax) follows the Softmax head"),
                r.err);
        assertTrue(r.err.strip().endsWith("(on the command line: --output-tensor " + probabilities + ")"), r.err);

        Cli.Result upToHead = Cli.run("inspect", "--model", file.getPath(), "--output-tensor", probabilities);
        assertEquals(0, upToHead.exit, upToHead.toString());
    }

    @Test
    void theOptionIsOfferedForTheTypeWhateverTheMessageSays() {
        File file = new File("m.onnx");
        OnnxImportException reworded = new OutputTensorNeededException("node 4 (Cast) comes after the score",
                "cast", "Cast", 4, null, List.of("p1.1", "p2"), null);
        assertEquals("m.onnx: node 4 (Cast) comes after the score (on the command line: --output-tensor p1.1)",
                ModelFile.importError(file, null, reworded).getMessage());
        assertEquals("m.onnx (reading up to --output-tensor q): node 4 (Cast) comes after the score",
                ModelFile.importError(file, "q", reworded).getMessage(), "an option already given is not offered");
    }

    @Test
    void aRefusalThatMentionsOutputTensorsIsNotOfferedTheOption() {
        OnnxImportException other = new OnnxImportException("ImportOptions.outputTensor is mentioned here, but no"
                + " inner tensor avoids this; expected a feed-forward network");
        String line = ModelFile.importError(new File("m.onnx"), null, other).getMessage();
        assertEquals("m.onnx: " + other.getMessage(), line);
        assertFalse(line.contains("--output-tensor"), line);
    }
}
