package dev.edgetrain.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of floats appended into chunks while a table is read (the row count is not known until the end), then
 * copied into one exact-size array. Chunks start small (a small file costs little) and double up to
 * {@value #MAX_CHUNK_FLOATS} floats, so the copy's peak is the data twice plus one chunk. When the row count is
 * known beforehand, the first chunk is the exact array, handed over without a copy (more rows than expected go on
 * into further chunks and fewer are copied out: the count only saves memory, it is never trusted for results).
 */
final class FloatChunks {
    private static final int FIRST_CHUNK_FLOATS = 1 << 12;
    private static final int MAX_CHUNK_FLOATS = 1 << 20;
    /** The longest Java array HotSpot and ART allocate. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final int rowWidth;
    private final List<float[]> full = new ArrayList<>();
    /** The chunk being filled, {@code [rows][rowWidth]}; {@code used} floats of it hold rows. */
    private float[] current;
    private int used;
    private long size;

    /** @param expectedRows the rows to come when known, else -1 */
    FloatChunks(int rowWidth, long expectedRows) {
        this.rowWidth = rowWidth;
        this.current = new float[expectedRows >= 0 ? (int) Math.min(MAX_ARRAY / Math.max(1, rowWidth) * rowWidth,
                expectedRows * rowWidth) : chunkFloats(FIRST_CHUNK_FLOATS)];
    }

    /** Whether one more row still fits one array. */
    boolean roomForRow() {
        return size + rowWidth <= MAX_ARRAY;
    }

    /** Appends {@code row[0, rowWidth)}. */
    void add(float[] row) {
        if (used == current.length) {
            full.add(current);
            current = new float[chunkFloats(
                    Math.min(Math.max(2 * current.length, FIRST_CHUNK_FLOATS), MAX_CHUNK_FLOATS))];
            used = 0;
        }
        System.arraycopy(row, 0, current, used, rowWidth);
        used += rowWidth;
        size += rowWidth;
    }

    /** Every row, {@code [rows][rowWidth]} in one exact-size array; the chunks are let go. */
    float[] toArray() {
        if (full.isEmpty() && used == current.length) {
            float[] exact = current;
            current = null;
            return exact;
        }
        float[] all = new float[(int) size];
        int at = 0;
        for (int i = 0; i < full.size(); i++) {
            float[] chunk = full.get(i);
            full.set(i, null);
            System.arraycopy(chunk, 0, all, at, chunk.length);
            at += chunk.length;
        }
        full.clear();
        System.arraycopy(current, 0, all, at, used);
        current = null;
        return all;
    }

    /** A whole number of rows, about {@code floats}. */
    private int chunkFloats(int floats) {
        return rowWidth == 0 ? floats : Math.max(1, floats / rowWidth) * rowWidth;
    }
}
