package dev.edgetrain.onnx;

import dev.edgetrain.runtime.io.AtomicFile;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writing a model replaces the file atomically; a failed write leaves the previous file untouched. */
class AtomicWriteTest {
    @TempDir
    Path dir;

    private final Network first = TestSupport.randomNetwork(NetworkSpec.of(3, 4, 2), 1);
    private final Network second = TestSupport.randomNetwork(NetworkSpec.of(3, 5, 2), 2);

    @Test
    void writeCreatesAndThenReplacesTheFile() throws IOException {
        File file = dir.resolve("model.onnx").toFile();
        OnnxExporter.write(first, null, file);
        assertArrayEquals(OnnxExporter.toBytes(first, null), Files.readAllBytes(file.toPath()));
        OnnxExporter.write(second, null, file);
        assertArrayEquals(OnnxExporter.toBytes(second, null), Files.readAllBytes(file.toPath()));
        assertEquals(List.of("model.onnx"), files(), "no temporary file left behind");
        assertEquals("3-5-2", OnnxImporter.read(file).spec().toString());
    }

    @Test
    void failureWhileWritingLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        File file = dir.resolve("model.onnx").toFile();
        OnnxExporter.write(first, null, file);
        byte[] before = Files.readAllBytes(file.toPath());
        byte[] replacement = OnnxExporter.toBytes(second, null);

        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write(replacement, 0, replacement.length / 2);
            throw new IOException("device full");
        }));
        assertEquals("device full", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file.toPath()), "the old model is intact");
        assertEquals(List.of("model.onnx"), files());
    }

    @Test
    void exportRefusedBeforeTouchingTheDisk() throws IOException {
        File file = dir.resolve("model.onnx").toFile();
        OnnxExporter.write(first, null, file);
        byte[] before = Files.readAllBytes(file.toPath());
        assertThrows(IllegalArgumentException.class, () -> OnnxExporter.write(second,
                ExportOptions.builder().classLabels(new String[] {"only one"}).build(), file));
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
        assertEquals(List.of("model.onnx"), files());
    }

    @Test
    void missingDirectoryAndDirectoryTargetAreClearErrors() {
        File missing = dir.resolve("no/such/dir/model.onnx").toFile();
        IOException e = assertThrows(IOException.class, () -> OnnxExporter.write(first, null, missing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        IOException d = assertThrows(IOException.class, () -> OnnxExporter.write(first, null, dir.toFile()));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
        assertFalse(missing.exists());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
