package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.Task;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reading costs: bytes allocated (HotSpot's exact per-thread counter, as the runtime's ZeroAllocationTest
 * measures) against a reader that makes a String per cell, and speed on a 50,000 x 200 table.
 */
class ReadingCostTest {
    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** A numeric table with a label column of 10 classes: values of 1 to 7 significant digits, some negative. */
    static byte[] numericCsv(int rows, int features, long seed, float[] expected) {
        Random random = new Random(seed);
        StringBuilder s = new StringBuilder(rows * features * 8);
        for (int j = 0; j < features; j++) {
            s.append('f').append(j).append(',');
        }
        s.append("label\n");
        int cell = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                int start = s.length();
                if (random.nextInt(4) == 0) {
                    s.append('-');
                }
                s.append(random.nextInt(100));
                if (random.nextBoolean()) {
                    s.append('.').append(random.nextInt(100_000));
                }
                if (expected != null) {
                    expected[cell] = Float.parseFloat(s.substring(start));
                }
                cell++;
                s.append(',');
            }
            s.append("class").append(random.nextInt(10)).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static Table read(byte[] csv) throws IOException {
        return Table.read(new ByteArrayInputStream(csv), "generated.csv",
                ReadOptions.forTraining(Task.CLASSIFY, false, null));
    }

    /** The CLI's reader before this module: Commons CSV, a String per cell, then Float.parseFloat. */
    private static float[] stringPerCell(byte[] csv, int rows, int features) throws IOException {
        float[] x = new float[rows * features];
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).get();
        try (CSVParser parser = CSVParser.builder().setReader(new InputStreamReader(new ByteArrayInputStream(csv),
                StandardCharsets.UTF_8)).setFormat(format).get()) {
            int r = -1;
            for (CSVRecord record : parser) {
                if (r >= 0) {
                    for (int j = 0; j < features; j++) {
                        x[r * features + j] = Float.parseFloat(record.get(j));
                    }
                }
                r++;
            }
        }
        return x;
    }

    @Test
    void readingMakesNoObjectPerCell() throws IOException {
        final int rows = 20_000;
        final int features = 100;
        byte[] csv = numericCsv(rows, features, 1, null);
        read(numericCsv(500, features, 2, null)); // class loading and first-call costs, not per cell
        stringPerCell(numericCsv(500, features, 2, null), 500, features);

        long before = threads.getCurrentThreadAllocatedBytes();
        Table table = read(csv);
        long ours = threads.getCurrentThreadAllocatedBytes() - before;
        before = threads.getCurrentThreadAllocatedBytes();
        float[] reference = stringPerCell(csv, rows, features);
        long theirs = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(rows, table.rows());
        assertEquals(java.util.Arrays.hashCode(reference), java.util.Arrays.hashCode(table.features()));
        long finalArrays = 4L * rows * features + 4L * rows;
        // the chunks hold the floats once more until the end (the last one partly empty: up to 4 MB); then the
        // labels, grown by doubling, and a constant
        long bound = 2 * finalArrays + (4 << 20) + 16L * rows + (1 << 20);
        long cells = (long) rows * (features + 1);
        System.out.printf("reading %,d x %d: %,d bytes allocated (final arrays %,d, held twice while reading: the "
                        + "chunks; beyond that %.2f bytes per cell; bound %,d); a String per cell (Commons CSV): %,d "
                        + "bytes (%.1f per cell)%n", rows, features + 1, ours, finalArrays,
                (ours - 2 * finalArrays) / (double) cells, bound, theirs, theirs / (double) cells);
        assertTrue(ours <= bound, ours + " bytes allocated, expected at most " + bound);
        assertTrue(theirs > 3 * bound, "a String-per-cell reader fails the bound by far: " + theirs);
    }

    @Test
    void aFileCountedFirstIsReadIntoItsFinalArraysOnly(@TempDir Path dir) throws IOException {
        final int rows = 20_000;
        final int features = 100;
        File file = dir.resolve("generated.csv").toFile();
        Files.write(file.toPath(), numericCsv(rows, features, 1, null));
        ReadOptions options = ReadOptions.forTraining(Task.CLASSIFY, false, null);
        Table.read(file, options.withExactArrays(true)); // first-call costs
        Table chunked = Table.read(file, options);

        long before = threads.getCurrentThreadAllocatedBytes();
        Table exact = Table.read(file, options.withExactArrays(true));
        long ours = threads.getCurrentThreadAllocatedBytes() - before;

        assertArrayEquals(chunked.features(), exact.features());
        assertArrayEquals(chunked.labels(), exact.labels());
        long finalArrays = 4L * rows * features + 4L * rows;
        long bound = finalArrays + (1 << 20);
        System.out.printf("reading %,d x %d counted first: %,d bytes allocated (final arrays %,d; bound %,d)%n",
                rows, features + 1, ours, finalArrays, bound);
        assertTrue(ours <= bound, ours + " bytes allocated, expected at most " + bound);
    }

    @Test
    void speedOnAFiftyThousandByTwoHundredTable() throws IOException {
        final int rows = 50_000;
        final int features = 200;
        float[] expected = new float[rows * features];
        byte[] csv = numericCsv(rows, features, 3, expected);
        double best = Double.MAX_VALUE;
        Table table = null;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            table = read(csv);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        assertTrue(java.util.Arrays.equals(expected, table.features()), "every value as Float.parseFloat reads it");
        assertEquals(rows, table.rows());
        long start = System.nanoTime();
        stringPerCell(csv, rows, features);
        double theirs = (System.nanoTime() - start) / 1e9;
        System.out.printf("reading %,d x %d (%.1f MB): %.3f s, %.0f MB/s, %,.0f rows/s, %.1f ns per cell; "
                        + "Commons CSV + Float.parseFloat: %.3f s (%.0f MB/s)%n", rows, features + 1,
                csv.length / 1e6, best, csv.length / 1e6 / best, rows / best, best * 1e9 / ((long) rows * features),
                theirs, csv.length / 1e6 / theirs);
    }
}
