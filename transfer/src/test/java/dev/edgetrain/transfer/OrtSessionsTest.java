package dev.edgetrain.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * onnxruntime logs natively to stderr, which no Java code can capture in-process: each case opens a model in a JVM
 * of its own and reads what it printed. The model, {@code x [N, 3] -> Sigmoid -> y} with an initializer no node
 * uses, makes onnxruntime warn at its default level; a backbone's session must print nothing.
 */
class OrtSessionsTest {
    @TempDir
    Path dir;

    /** Opens {@code args[1]} as a frozen backbone ({@code backbone}) or with default options ({@code plain}). */
    public static final class Open {
        public static void main(String[] args) throws Exception {
            if (args[0].equals("backbone")) {
                try (FrozenBackbone b = FrozenBackbone.open(new File(args[1]), null)) {
                    System.out.println("opened " + b.inputName() + " -> " + b.outputName());
                }
            } else {
                try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                     OrtSession s = OrtEnvironment.getEnvironment().createSession(args[1], options)) {
                    System.out.println("opened " + s.getInputNames() + " -> " + s.getOutputNames());
                }
            }
        }
    }

    private File modelWithAnUnusedInitializer() throws Exception {
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3)))).build();
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type))
                .addNode(NodeProto.newBuilder().setOpType("Sigmoid").setName("s").addInput("x").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(type))
                .addInitializer(TensorProto.newBuilder().setName("unused").setDataType(1).addDims(1)
                        .addFloatData(1f))
                .build();
        File file = dir.resolve("unused-initializer.onnx").toFile();
        Files.write(file.toPath(), ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto
                .newBuilder().setVersion(13)).setGraph(graph).build().toByteArray());
        return file;
    }

    /** {@code [exit code, stdout, stderr]} of {@link Open} in a JVM of its own. */
    private static String[] open(String how, File model) throws Exception {
        Process p = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(), "-cp",
                System.getProperty("java.class.path"), Open.class.getName(), how, model.getPath()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM ends");
        return new String[] {String.valueOf(p.exitValue()), out, err};
    }

    @Test
    void aBackbonesSessionPrintsNoWarnings() throws Exception {
        File model = modelWithAnUnusedInitializer();
        String[] plain = open("plain", model);
        assertEquals("0", plain[0], plain[1] + plain[2]);
        assertTrue(plain[2].contains("unused"), "the control: onnxruntime's default session warns about the unused"
                + " initializer, so this test can see a warning when there is one; stderr: " + plain[2]);
        String[] backbone = open("backbone", model);
        assertEquals("0", backbone[0], backbone[1] + backbone[2]);
        assertEquals("opened x -> y\n", backbone[1].replace("\r\n", "\n"));
        assertEquals("", backbone[2], "nothing on stderr");
    }

    @Test
    void optionsNeedAThread() {
        assertEquals("intraOpThreads must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> OrtSessions.options(0)).getMessage());
    }
}
