package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.train.Standardizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The row cache file: what goes in comes back exactly, and a damaged file is refused with its name and place. */
class RowCacheTest {
    @TempDir
    Path dir;

    /** Reads every row of {@code source} in stored order: features {@code [rows][f]} and labels or targets. */
    private static float[][] readAll(StreamedBatches source, int[] labelsOut) {
        int f = source.featureCount();
        int tw = source.targetWidth();
        float[] x = new float[f * source.rows()];
        float[] t = new float[Math.max(1, tw) * source.rows()];
        float[] bx = new float[7 * f];
        int[] by = new int[7];
        float[] bt = new float[7 * Math.max(1, tw)];
        source.startEpoch(null);
        int done = 0;
        int n;
        while ((n = source.nextBatch(bx, by, bt, 7)) > 0) {
            System.arraycopy(bx, 0, x, done * f, n * f);
            if (labelsOut != null) {
                System.arraycopy(by, 0, labelsOut, done, n);
            } else {
                System.arraycopy(bt, 0, t, done * tw, n * tw);
            }
            done += n;
        }
        assertEquals(source.rows(), done, "rows in one epoch");
        return new float[][] {x, t};
    }

    @Test
    void everyRowComesBackExactlyWithItsLabelMappedWithAndWithoutAFilter() throws IOException {
        CacheTestRows rows = CacheTestRows.identified(1003, 5, 4, 1);
        int[] map = {2, 0, 3, 1}; // first appearance -> final class
        try (RowCache cache = rows.write(dir, 240)) { // 10 rows of 24 bytes a block: 101 blocks, the last of 3
            assertEquals(1003, cache.rows());
            assertEquals(10, cache.rowsPerBlock());
            assertEquals(101, cache.blockCount());
            assertEquals(3, cache.blockRows(100));
            assertEquals(24, cache.recordBytes());
            assertEquals(64 + 100 * (240 + 4) + 3 * 24 + 4, Files.size(cache.file()));

            int[] labels = new int[1003];
            float[] x = readAll(StreamedBatches.over(cache).classes(4, map).build(), labels)[0];
            assertArrayEquals(floatBits(rows.x), floatBits(x), "features bit for bit, -0 and subnormals too");
            for (int r = 0; r < 1003; r++) {
                assertEquals(map[rows.labels[r]], labels[r], "row " + r);
            }

            BitSet odd = new BitSet();
            for (int r = 1; r < 1003; r += 2) {
                odd.set(r);
            }
            odd.set(1000); // and an even one, alone in its block
            StreamedBatches filtered = StreamedBatches.over(cache).classes(4, map).rows(odd).build();
            assertEquals(502, filtered.rows());
            int[] oddLabels = new int[502];
            float[] oddX = readAll(filtered, oddLabels)[0];
            int k = 0;
            for (int r = odd.nextSetBit(0); r >= 0; r = odd.nextSetBit(r + 1), k++) {
                assertArrayEquals(floatBits(Arrays.copyOfRange(rows.x, r * 5, r * 5 + 5)),
                        floatBits(Arrays.copyOfRange(oddX, k * 5, k * 5 + 5)), "row " + r);
                assertEquals(map[rows.labels[r]], oddLabels[k]);
            }
        }
    }

    private static int[] floatBits(float[] a) {
        int[] bits = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            bits[i] = Float.floatToRawIntBits(a[i]);
        }
        return bits;
    }

    @Test
    void targetsAndFeaturesComeBackStandardisedAsInMemory() throws IOException {
        CacheTestRows rows = CacheTestRows.withTargets(300, 4, 3, 2);
        float[] mean = {1f, -2f, 6f};
        float[] std = {10f, 0.5f, 3f};
        Standardizer standardizer = new Standardizer(new float[] {100f, 0.1f, -0.2f, 0.3f},
                new float[] {50f, 1.1f, 0.9f, 2f});
        try (RowCache cache = rows.write(dir, 1000)) {
            assertFalse(cache.hasLabels());
            float[][] read = readAll(StreamedBatches.over(cache).standardizer(standardizer)
                    .targetScaling(mean, std).build(), null);
            float[] expectedX = rows.x.clone();
            standardizer.applyInPlace(expectedX, 0, 300);
            assertArrayEquals(expectedX, read[0]);
            for (int i = 0; i < rows.targets.length; i++) {
                assertEquals((rows.targets[i] - mean[i % 3]) / std[i % 3], read[1][i], 0f, "target " + i);
            }
        }
    }

    @Test
    void theTemporaryFileIsDeletedWhenTheCacheClosesUnlessKept() throws IOException {
        CacheTestRows rows = CacheTestRows.identified(50, 3, 2, 3);
        RowCache temp = rows.write(dir, 64);
        Path file = temp.file();
        assertTrue(Files.exists(file));
        temp.close();
        assertFalse(Files.exists(file), "a temporary cache is deleted on close");

        RowCacheWriter writer = RowCacheWriter.create(dir, 3, 0).keepFile();
        writer.row(2, new float[] {1, 2, 3}, 0, null);
        writer.row(3, new float[] {4, 5, 6}, 1, null);
        Path kept;
        try (RowCache cache = writer.finish()) {
            kept = cache.file();
            assertEquals(2, cache.rows());
            assertEquals(1, cache.blockCount());
        }
        assertTrue(Files.exists(kept), "a kept cache outlives close");
        try (RowCache reopened = RowCache.open(kept)) {
            assertEquals(2, reopened.rows());
            assertEquals(3, reopened.featureCount());
        }
        assertTrue(Files.exists(kept), "an opened cache is not deleted");

        RowCacheWriter abandoned = RowCacheWriter.create(dir, 3, 0);
        abandoned.row(2, new float[] {1, 2, 3}, 0, null);
        abandoned.close();
        assertFalse(Files.exists(abandoned.file()), "an unfinished cache is deleted");
    }

    @Test
    void aCorruptBlockIsReportedWithTheFileAndBlock() throws IOException {
        CacheTestRows rows = CacheTestRows.identified(100, 3, 2, 4);
        RowCacheWriter writer = RowCacheWriter.create(dir, 3, 0, 160).keepFile(); // 10 rows a block
        for (int r = 0; r < 100; r++) {
            writer.row(r + 2, Arrays.copyOfRange(rows.x, r * 3, r * 3 + 3), rows.labels[r], null);
        }
        Path file;
        try (RowCache cache = writer.finish()) {
            file = cache.file();
        }
        long sixthBlock = 64 + 5 * (10 * 16 + 4) + 17;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, sixthBlock);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            ch.write(one, sixthBlock);
        }
        try (RowCache cache = RowCache.open(file)) {
            StreamedBatches source = StreamedBatches.over(cache).classes(2, null).bufferBlocks(1).build();
            source.startEpoch(null);
            float[] x = new float[300];
            int[] y = new int[100];
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> source.nextBatch(x, y, null, 100));
            assertTrue(e.getCause().getMessage()
                    .contains("row cache " + file + ": block 5 of 10 fails its CRC-32 check"),
                    e.getCause().getMessage());
        }
    }

    @Test
    void truncatedUnfinishedAndForeignFilesAreRefused() throws IOException {
        CacheTestRows rows = CacheTestRows.identified(100, 3, 2, 5);
        RowCacheWriter writer = RowCacheWriter.create(dir, 3, 0, 160).keepFile();
        for (int r = 0; r < 100; r++) {
            writer.row(r + 2, Arrays.copyOfRange(rows.x, r * 3, r * 3 + 3), rows.labels[r], null);
        }
        Path file;
        try (RowCache cache = writer.finish()) {
            file = cache.file();
        }
        Path truncated = dir.resolve("truncated.cache");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 1));
        assertTrue(assertThrows(IOException.class, () -> RowCache.open(truncated)).getMessage()
                .contains("is " + (bytes.length - 1) + " bytes, its header describes 100 rows in 10 blocks = "
                        + bytes.length + " bytes"));

        Path unfinished = dir.resolve("unfinished.cache");
        RowCacheWriter open = RowCacheWriter.create(dir, 3, 0).keepFile();
        open.row(2, new float[3], 0, null);
        Files.copy(open.file(), unfinished); // while its writer still writes
        open.close();
        assertTrue(assertThrows(IOException.class, () -> RowCache.open(unfinished)).getMessage()
                .contains("was never finished"));

        Path foreign = dir.resolve("data.csv");
        Files.write(foreign, "a,b,c\n1,2,3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(assertThrows(IOException.class, () -> RowCache.open(foreign)).getMessage()
                .contains(foreign + " is not a row cache"));

        Path badHeader = dir.resolve("header.cache");
        byte[] changed = bytes.clone();
        ByteBuffer.wrap(changed).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 4); // featureCount 3 -> 4
        Files.write(badHeader, changed);
        assertTrue(assertThrows(IOException.class, () -> RowCache.open(badHeader)).getMessage()
                .contains("its header fails its CRC-32 check"));
    }

    @Test
    void badSettingsAndRowsAreRefusedWithWhatWasExpected() throws IOException {
        try (RowCacheWriter writer = RowCacheWriter.create(dir, 3, 0)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> writer.row(7, new float[2], 0, null))
                    .getMessage().contains("line 7: a row of " + writer.file() + " needs 3 features, got 2"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> writer.row(8, new float[3], -1, null))
                    .getMessage().contains("line 8: a labelled row cache needs a label >= 0, got -1"));
        }
        CacheTestRows rows = CacheTestRows.identified(40, 3, 3, 6);
        try (RowCache cache = rows.write(dir, 100)) {
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> StreamedBatches.over(cache).build()).getMessage().contains("give their classes"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> StreamedBatches.over(cache).classes(3, new int[] {0, 3, 1}).build()).getMessage()
                    .contains("label map entry 1 is 3, expected a class in [0, 3)"));
            BitSet beyond = new BitSet();
            beyond.set(40);
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> StreamedBatches.over(cache).classes(3, null).rows(beyond).build()).getMessage()
                    .contains("the row filter selects row 40, " + cache.file() + " has rows 0 to 39"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> StreamedBatches.over(cache).classes(3, null).rows(new BitSet()).build()).getMessage()
                    .contains("the row filter selects none of the 40 rows"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> StreamedBatches.over(cache).classes(3, null)
                            .standardizer(new Standardizer(new float[2], new float[] {1, 1})).build()).getMessage()
                    .contains("the standardizer was fitted on 2 features"));
            StreamedBatches tooFewLabels = StreamedBatches.over(cache).classes(3, new int[] {0, 1}).build();
            tooFewLabels.startEpoch(null);
            assertTrue(assertThrows(IllegalStateException.class,
                    () -> tooFewLabels.nextBatch(new float[120], new int[40], null, 40)).getMessage()
                    .contains("holds label number 2, the label map has 2 labels"));
        }
    }
}
