package dev.edgetrain.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The list encoding of class labels and feature names. */
class ModelMetadataTest {
    @Test
    void commasAndPercentSignsAreEscapedAndEverythingElseIsKept() {
        String[] items = {"cat", "a,b", "100%", "", "%2C literally", "ünïcödé ✓", " spaced "};
        String encoded = ModelMetadata.encodeList(items);
        assertEquals("cat,a%2Cb,100%25,,%252C literally,ünïcödé ✓, spaced ", encoded);
        assertArrayEquals(items, ModelMetadata.decodeList(encoded));
    }

    @Test
    void listsOfEmptyStringsKeepTheirCount() {
        assertArrayEquals(new String[] {""}, ModelMetadata.decodeList(ModelMetadata.encodeList(new String[] {""})));
        assertArrayEquals(new String[] {"", ""},
                ModelMetadata.decodeList(ModelMetadata.encodeList(new String[] {"", ""})));
    }

    @Test
    void malformedEscapesAreRefusedWithTheirPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelMetadata.decodeList("a,b%zz"));
        assertEquals("invalid escape '%zz' at character 3, expected %25 or %2C", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelMetadata.decodeList("abc%2"));
        assertThrows(IllegalArgumentException.class, () -> ModelMetadata.encodeList(new String[0]));
        assertThrows(IllegalArgumentException.class, () -> ModelMetadata.encodeList(new String[] {"a", null}));
    }

    @Test
    void reservedKeysAreTheOnesTheExporterWrites() {
        assertTrue(ModelMetadata.isReserved(ModelMetadata.CLASS_LABELS));
        assertTrue(ModelMetadata.isReserved(ModelMetadata.FEATURE_NAMES));
        assertTrue(!ModelMetadata.isReserved("edgetrain.training_summary"));
    }
}
