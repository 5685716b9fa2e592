package dev.edgetrain.cli.data;

import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Whether a CSV fits the heap, judged before reading it: its size in floats is estimated from the bytes per value of
 * its first 256 KB, and an in-memory run needs about {@value #PEAK_FACTOR} times that at its peak (the rows read into
 * chunks and copied into exact arrays, then split into training and test copies).
 */
public final class MemoryPlan {
    /** The in-memory path's peak, in multiples of the data's floats. */
    static final double PEAK_FACTOR = 2.2;
    /** The share of the heap the data may take; the rest is the network, buffers and the JVM's own. */
    static final double HEAP_SHARE = 0.75;
    private static final int SAMPLE_BYTES = 256 * 1024;

    private MemoryPlan() {
    }

    /**
     * Whether {@code source} is too big to train on in memory with this JVM's heap; says so when it is.
     *
     * @param source the training data
     * @param console where to say that the rows will be streamed
     * @return true when its floats, at the in-memory path's peak, would take more than the heap's share for data
     * @throws IOException when the file's first bytes cannot be read (to estimate its bytes per value)
     */
    public static boolean tooBigForHeap(DataSource source, Console console) throws IOException {
        long floats = estimatedFloatBytes(source);
        long heap = Runtime.getRuntime().maxMemory();
        boolean stream = floats > 0 && floats * PEAK_FACTOR > heap * HEAP_SHARE;
        if (stream) {
            console.line(String.format(Locale.ROOT, "%s holds about %.0f MB of floats, more than a heap of %.0f MB can "
                    + "train on in memory: streaming its rows from disk (--stream)", source.name(), floats / 1048576.0,
                    heap / 1048576.0));
        }
        return stream;
    }

    /**
     * Whether to read a file twice (count, then parse) so its arrays are allocated once: when it is big for the heap.
     *
     * @param source the data
     * @return true when its floats would take more than 40 % of the heap twice over (growing arrays double)
     * @throws IOException when the file's first bytes cannot be read
     */
    public static boolean exactArrays(DataSource source) throws IOException {
        long floats = estimatedFloatBytes(source);
        return floats > 0 && floats * 2 > Runtime.getRuntime().maxMemory() * 0.4;
    }

    /** The floats a file's values take, from its first 256 KB's bytes per value; 0 for a shipped set. */
    static long estimatedFloatBytes(DataSource source) throws IOException {
        long bytes = source.bytes();
        if (bytes <= 0 || source.file() == null) {
            return 0;
        }
        byte[] sample = new byte[(int) Math.min(bytes, SAMPLE_BYTES)];
        int n = 0;
        try (InputStream in = Files.newInputStream(source.file().toPath())) {
            for (int k; n < sample.length && (k = in.read(sample, n, sample.length - n)) > 0; ) {
                n += k;
            }
        }
        long values = 0;
        int header = 0;
        while (header < n && sample[header] != '\n') {
            header++;
        }
        for (int i = header + 1; i < n; i++) {
            byte c = sample[i];
            if (c == ',' || c == ';' || c == '\t' || c == '|' || c == '\n') {
                values++;
            }
        }
        if (values == 0) {
            return 0;
        }
        double bytesPerValue = (double) (n - header - 1) / values;
        return (long) (bytes / bytesPerValue * 4);
    }
}
