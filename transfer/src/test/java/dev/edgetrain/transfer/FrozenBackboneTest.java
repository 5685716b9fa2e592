package dev.edgetrain.transfer;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FrozenBackbone on small hand-built models: x [N, 3] -> Mul 2 -> y -> Add 1 -> z -> Sigmoid -> s. */
class FrozenBackboneTest {
    @TempDir
    Path dir;

    private static ValueInfoProto floatValue(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String ? TensorShapeProto.Dimension.newBuilder().setDimParam((String) d)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addDims(1).addFloatData(v).build();
    }

    private static NodeProto node(String op, String out, String... in) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "_" + out).addOutput(out)
                .addAllInput(Arrays.asList(in)).build();
    }

    private File model(String name, GraphProto graph) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        File f = dir.resolve(name).toFile();
        Files.write(f.toPath(), m.toByteArray());
        return f;
    }

    private File chain() throws IOException {
        return model("chain.onnx", GraphProto.newBuilder().setName("chain")
                .addNode(node("Mul", "y", "x", "two")).addNode(node("Add", "z", "y", "one"))
                .addNode(node("Sigmoid", "s", "z"))
                .addInitializer(scalar("two", 2f)).addInitializer(scalar("one", 1f))
                .addInput(floatValue("x", "N", 3)).addOutput(floatValue("s", "N", 3))
                .addValueInfo(floatValue("y", "N", 3)).build());
    }

    @Test
    void theWholeModelRunsWithItsOwnOutput() throws IOException {
        try (FrozenBackbone b = FrozenBackbone.open(chain(), null)) {
            assertEquals("x", b.inputName());
            assertArrayEquals(new long[] {-1, 3}, b.inputShape(), "the symbolic batch is -1");
            assertEquals("s", b.outputName());
            float[] s = b.run(new float[] {0f, 1f, -1f, 0.5f, 2f, -3f}, new long[] {2, 3});
            assertArrayEquals(new long[] {2, 3}, b.lastOutputShape());
            float[] x = {0f, 1f, -1f, 0.5f, 2f, -3f};
            for (int i = 0; i < x.length; i++) {
                assertEquals(1 / (1 + Math.exp(-(2 * x[i] + 1))), s[i], 1e-6, "element " + i);
            }
        }
    }

    @Test
    void cutAtATensorTheModelGivesThatTensorsValues() throws IOException {
        float[] x = {0.25f, -1.5f, 3f};
        try (FrozenBackbone y = FrozenBackbone.open(chain(), "y");
             FrozenBackbone z = FrozenBackbone.open(chain(), "z")) {
            assertEquals("y", y.outputName());
            assertArrayEquals(new float[] {0.5f, -3f, 6f}, y.run(x, new long[] {1, 3}));
            assertArrayEquals(new long[] {1, 3}, y.lastOutputShape());
            assertEquals("z", z.outputName(), "z has no value_info: its shape is left for onnxruntime to infer");
            assertArrayEquals(new float[] {1.5f, -2f, 7f}, z.run(x, new long[] {1, 3}));
        }
    }

    @Test
    void anUnknownTensorIsRefusedWithTheNodeOutputsThatExist() throws IOException {
        BackboneException e = assertThrows(BackboneException.class, () -> FrozenBackbone.open(chain(), "w"));
        assertEquals("no tensor 'w' in chain.onnx; node outputs are [y, z, s]", e.getMessage());
        assertThrows(BackboneException.class, () -> FrozenBackbone.open(chain(), "x"),
                "a graph input is not a node output: nothing to cut");
    }

    @Test
    void inputsThatDoNotFitTheModelAreRefusedBeforeOnnxruntimeSeesThem() throws IOException {
        try (FrozenBackbone b = FrozenBackbone.open(chain(), null)) {
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> b.run(new float[5], new long[] {2, 3}));
            assertEquals("chain.onnx: 5 input values for shape [2, 3], expected 6", count.getMessage());
            IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                    () -> b.run(new float[4], new long[] {2, 2}));
            assertTrue(dim.getMessage().contains("expected [-1, 3]"), dim.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.run(new float[3], new long[] {3}));
        }
    }

    @Test
    void aModelWithTwoInputsIsRefused() throws IOException {
        File two = model("two.onnx", GraphProto.newBuilder().setName("two").addNode(node("Add", "c", "a", "b"))
                .addInput(floatValue("a", 1, 2)).addInput(floatValue("b", 1, 2)).addOutput(floatValue("c", 1, 2))
                .build());
        BackboneException e = assertThrows(BackboneException.class, () -> FrozenBackbone.open(two, null));
        assertTrue(e.getMessage().startsWith("two.onnx: 2 inputs ["), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected exactly one (a backbone takes one float tensor)"),
                e.getMessage());
    }

    @Test
    void aFileThatIsNotAnOnnxModelIsRefused() throws IOException {
        File text = dir.resolve("notes.onnx").toFile();
        Files.write(text.toPath(), "this is not a model\n".getBytes(StandardCharsets.UTF_8));
        BackboneException e = assertThrows(BackboneException.class, () -> FrozenBackbone.open(text, null));
        assertTrue(e.getMessage().startsWith("notes.onnx: not an ONNX model"), e.getMessage());
        File missing = dir.resolve("absent.onnx").toFile();
        FileNotFoundException nf = assertThrows(FileNotFoundException.class, () -> FrozenBackbone.open(missing,
                null));
        assertTrue(nf.getMessage().endsWith("absent.onnx: no such file (expected an ONNX model)"), nf.getMessage());
    }
}
