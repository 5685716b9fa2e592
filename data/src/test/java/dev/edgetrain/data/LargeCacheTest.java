package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache larger than the heap streams and trains: a JVM with {@code -Xmx64m} writes a cache of 2 M rows × 10
 * features (88 MB; the floats alone would not fit its heap), reads a shuffled epoch and trains one. With
 * {@code -Dedgetrain.data.largeCache=full} the cache is 2 M × 100 (808 MB, the streamed set); the sizes can
 * also be set with {@code -Dedgetrain.data.largeCacheRows} and {@code -Dedgetrain.data.largeCacheFeatures}.
 */
class LargeCacheTest {
    private static final String HEAP = "-Xmx64m";

    @TempDir
    Path dir;

    @Test
    void aCacheLargerThanTheHeapStreamsEveryRowOnceAndTrains() throws Exception {
        final boolean full = "full".equals(System.getProperty("edgetrain.data.largeCache"));
        final int rows = Integer.getInteger("edgetrain.data.largeCacheRows", 2_000_000);
        final int features = Integer.getInteger("edgetrain.data.largeCacheFeatures", full ? 100 : 10);
        final long cacheBytes = 64 + (long) rows * (features + 1) * 4;
        assertTrue(cacheBytes > 64L << 20, "the cache must be larger than the child's heap");
        File log = dir.resolve("child.log").toFile();
        List<String> command = Arrays.asList(new File(System.getProperty("java.home"), "bin/java").getPath(), HEAP,
                "-cp", System.getProperty("java.class.path"), LargeCacheRun.class.getName(), dir.toString(),
                String.valueOf(rows), String.valueOf(features));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the child did not finish in 10 minutes");
        List<String> lines = Files.readAllLines(log.toPath(), StandardCharsets.UTF_8);
        System.out.println("streamed " + rows + " x " + features + " with " + HEAP + ": " + lines);
        assertEquals(0, child.exitValue(), "child failed: " + lines);
        Map<String, String> measured = new HashMap<>();
        for (String line : lines) {
            String[] kv = line.split(" ", 2);
            if (kv.length == 2) {
                measured.put(kv[0], kv[1]);
            }
        }
        assertTrue(Double.parseDouble(measured.get("maxHeapMB")) * (1 << 20) < cacheBytes,
                "the child's heap must be smaller than the cache: " + measured);
        assertEquals(String.valueOf(rows), measured.get("rowsSeen"), "every row once in a shuffled epoch");
        assertEquals("0", measured.get("duplicates"));
        assertTrue(Double.parseDouble(measured.get("trainAccuracy")) > 0.9, "one epoch should learn: " + measured);
        assertEquals("true", measured.get("cacheDeleted"), "the temporary cache is deleted when it closes");
        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
            assertEquals(1, left.count(), "only the child's log is left in " + dir);
        }
    }
}
