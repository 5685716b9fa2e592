package dev.edgetrain.onnx;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.edgetrain.onnx.Models.intAttr;
import static dev.edgetrain.onnx.Models.model;
import static dev.edgetrain.onnx.Models.node;
import static dev.edgetrain.onnx.Models.raw;
import static dev.edgetrain.onnx.Models.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What fuzzing {@link OnnxImporter} found, pinned down: each saved input in {@code OnnxImporterFuzzTestInputs}
 * (which {@link OnnxImporterFuzzTest} also replays) is refused with the message its fix introduced, and a
 * hand-built model shows the same defect in isolation.
 */
class FuzzFindingsTest {
    /** Saved finding → what the importer now says about it. A new finding must be added here. */
    private static final Map<String, String> FINDINGS = new TreeMap<>(Map.of(
            // Found by the byte-level fuzzer in its first minute: a metadata_props entry with an empty key
            // imported, and then ImportedModel.exportOptions() threw IllegalArgumentException when the model was
            // exported again.
            "empty-metadata-key-be2bbdac", "metadata_props entry 5 has an empty key; expected a non-empty key"));

    private static Path findings() throws URISyntaxException {
        URL url = FuzzFindingsTest.class.getResource(
                "OnnxImporterFuzzTestInputs/readEndsInAModelOrAnOnnxImportException");
        assertNotNull(url, "the saved findings directory is on the test class path");
        return Paths.get(url.toURI());
    }

    @Test
    void everySavedFindingIsRefusedWithTheMessageOfItsFix() throws Exception {
        List<String> saved;
        try (Stream<Path> files = Files.list(findings())) {
            saved = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(List.copyOf(FINDINGS.keySet()), saved, "every saved finding is listed with its expected message");
        for (Map.Entry<String, String> f : FINDINGS.entrySet()) {
            byte[] bytes = Files.readAllBytes(findings().resolve(f.getKey()));
            OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes), f.getKey());
            assertTrue(e.getMessage().contains(f.getValue()), f.getKey() + ": " + e.getMessage());
        }
    }

    private static ModelProto withMetadata(String... keysAndValues) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", "N", 3L))
                .addInitializer(raw("W", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                .addNode(node("Gemm", "fc", new String[] {"x", "W"}, "y", intAttr("transB", 1)))
                .addOutput(value("y", "N", 2L));
        ModelProto.Builder m = model(7, 13, g).toBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(keysAndValues[i])
                    .setValue(keysAndValues[i + 1]));
        }
        return m.build();
    }

    @Test
    void anEmptyMetadataKeyIsRefusedInsteadOfBreakingTheReExport() throws IOException {
        ImportedModel fine = OnnxImporter.read(withMetadata("note", "ok").toByteArray());
        OnnxExporter.toBytes(fine.network(), fine.exportOptions().build());
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.read(withMetadata("note", "ok", "", "value").toByteArray()));
        assertEquals("metadata_props entry 1 has an empty key; expected a non-empty key", e.getMessage());
    }

    @Test
    void aRepeatedMetadataKeyIsRefusedAsTheOnnxCheckerDoes() {
        // Before, the later value silently replaced the earlier one.
        OnnxImportException e = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.read(withMetadata("note", "a", "other", "b", "note", "c").toByteArray()));
        assertEquals("metadata_props entry 2 repeats key 'note'; expected unique keys", e.getMessage());
    }
}
