package dev.edgetrain.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureCacheTest {
    static final int WIDTH = 5;
    static final String KEY = "backbone-a";

    @TempDir
    Path dir;

    private File file() {
        return dir.resolve("features.etfc").toFile();
    }

    private static byte[] key(int i) {
        return FeatureCache.exampleKey(new float[] {i, i + 0.5f}, "gain=" + i);
    }

    private static float[] features(int i) {
        float[] f = new float[WIDTH];
        Random r = new Random(i);
        for (int k = 0; k < WIDTH; k++) {
            f[k] = (float) r.nextGaussian();
        }
        return f;
    }

    /** Writes examples 0..n-1 and closes; returns the file's size after each record. */
    private long[] fill(int n) throws IOException {
        long[] sizes = new long[n];
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            assertFalse(cache.wasReset(), "a new file is not a reset");
            for (int i = 0; i < n; i++) {
                cache.put(key(i), features(i), 0);
                sizes[i] = cache.sizeBytes();
            }
        }
        return sizes;
    }

    private static void assertHolds(FeatureCache cache, int n) throws IOException {
        float[] dst = new float[WIDTH + 2];
        for (int i = 0; i < n; i++) {
            assertTrue(cache.get(key(i), dst, 2), "example " + i);
            assertArrayEquals(features(i), Arrays.copyOfRange(dst, 2, 2 + WIDTH), "example " + i);
        }
    }

    @Test
    void reopeningGivesTheSameFeatures() throws IOException {
        long[] sizes = fill(10);
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            assertFalse(cache.wasReset());
            assertEquals(10, cache.size());
            assertEquals(0, cache.droppedBytes());
            assertEquals(sizes[9], cache.sizeBytes());
            assertEquals(file().length(), cache.sizeBytes());
            assertEquals(32 + 4 * WIDTH + 4, sizes[9] - sizes[8], "a record: key, float32 values, CRC32");
            assertHolds(cache, 10);
            assertFalse(cache.get(key(10), new float[WIDTH], 0), "an example never put");
        }
    }

    @Test
    void aLaterPutOfTheSameExampleWinsAfterReopening() throws IOException {
        fill(3);
        float[] replaced = {9, 8, 7, 6, 5};
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            cache.put(key(1), replaced, 0);
            assertEquals(3, cache.size());
        }
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            float[] dst = new float[WIDTH];
            assertTrue(cache.get(key(1), dst, 0));
            assertArrayEquals(replaced, dst);
        }
    }

    @Test
    void aTornTailIsDroppedAndTheRecordsBeforeItKept() throws IOException {
        long[] sizes = fill(6);
        long tornAt = sizes[5] - 7; // a crash in the middle of appending the sixth record
        try (RandomAccessFile raf = new RandomAccessFile(file(), "rw")) {
            raf.setLength(tornAt);
        }
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            assertFalse(cache.wasReset());
            assertEquals(5, cache.size());
            assertEquals(tornAt - sizes[4], cache.droppedBytes());
            assertEquals(sizes[4], file().length(), "the torn bytes are cut off the file");
            assertHolds(cache, 5);
            cache.put(key(5), features(5), 0);
        }
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            assertEquals(6, cache.size(), "appending after the cut gives a whole file again");
            assertHolds(cache, 6);
        }
    }

    @Test
    void aCorruptedRecordFailsItsCrcAndItAndTheRestAreDropped() throws IOException {
        long[] sizes = fill(6);
        flipAByte(sizes[2] + 40); // inside the fourth record's values
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            assertEquals(3, cache.size(), "records 0..2 kept, the corrupt one and what follows dropped");
            assertEquals(sizes[5] - sizes[2], cache.droppedBytes());
            assertHolds(cache, 3);
        }
    }

    @Test
    void aRecordCorruptedWhileOpenIsDetectedWhenRead() throws IOException {
        long[] sizes = fill(3);
        try (FeatureCache cache = FeatureCache.open(file(), KEY, WIDTH)) {
            flipAByte(sizes[0] + 33);
            IOException e = assertThrows(IOException.class, () -> cache.get(key(1), new float[WIDTH], 0));
            assertTrue(e.getMessage().contains("fails its CRC32"), e.getMessage());
            assertHolds(cache, 1);
        }
    }

    private void flipAByte(long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x40);
        }
    }

    @Test
    void anotherBackboneKeyOrWidthStartsTheFileAfresh() throws IOException {
        fill(4);
        try (FeatureCache cache = FeatureCache.open(file(), "backbone-b", WIDTH)) {
            assertTrue(cache.wasReset());
            assertEquals(0, cache.size());
            assertFalse(cache.get(key(0), new float[WIDTH], 0), "never a feature of the other backbone");
            cache.put(key(0), features(0), 0);
        }
        try (FeatureCache cache = FeatureCache.open(file(), "backbone-b", WIDTH + 1)) {
            assertTrue(cache.wasReset());
            assertEquals(0, cache.size());
        }
        try (FeatureCache cache = FeatureCache.open(file(), "backbone-b", WIDTH + 1)) {
            assertFalse(cache.wasReset(), "same key and width: kept");
        }
    }

    @Test
    void aFileThatIsNotAFeatureCacheIsNeverOverwritten() throws IOException {
        Files.write(file().toPath(), "precious data".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> FeatureCache.open(file(), KEY, WIDTH));
        assertTrue(e.getMessage().contains("not an edgetrain feature cache"), e.getMessage());
        assertEquals("precious data", new String(Files.readAllBytes(file().toPath()), StandardCharsets.UTF_8));
    }

    @Test
    void exampleKeysDifferBySamplesAndVariant() {
        float[] a = {1, 2, 3};
        assertArrayEquals(FeatureCache.exampleKey(a, "x"), FeatureCache.exampleKey(a.clone(), "x"));
        assertEquals(FeatureCache.KEY_BYTES, FeatureCache.exampleKey(a, "").length);
        assertNotEquals(Arrays.toString(FeatureCache.exampleKey(a, "x")),
                Arrays.toString(FeatureCache.exampleKey(a, "y")));
        assertNotEquals(Arrays.toString(FeatureCache.exampleKey(a, "x")),
                Arrays.toString(FeatureCache.exampleKey(new float[] {1, 2, 3.0001f}, "x")));
        assertNotEquals(Arrays.toString(FeatureCache.exampleKey(new float[] {0f}, "")),
                Arrays.toString(FeatureCache.exampleKey(new float[] {-0f}, "")), "bits, not values");
    }

    @Test
    void backboneKeysFollowTheModelBytesAndTheSettings() throws IOException {
        File m1 = dir.resolve("m1.onnx").toFile();
        File m2 = dir.resolve("m2.onnx").toFile();
        Files.write(m1.toPath(), new byte[] {1, 2, 3});
        Files.write(m2.toPath(), new byte[] {1, 2, 4});
        String k1 = FeatureCache.keyOf(m1);
        assertEquals(64, k1.length());
        assertEquals(k1, FeatureCache.keyOf("", m1));
        assertNotEquals(k1, FeatureCache.keyOf(m2));
        assertNotEquals(k1, FeatureCache.keyOf("window=76", m1));
    }
}
