package dev.edgetrain.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Writes rows into a {@link RowCache} file (the format is described there): a {@link RowSink} for the first pass
 * over a table. Rows go into a block buffer (direct, one block of about {@link #DEFAULT_BLOCK_BYTES}) that is
 * written through a {@link FileChannel} with its CRC-32 when full, so a row costs no allocation and no system call.
 * Labels are stored as given (numbered in order of first appearance); the reader maps them to the final classes.
 *
 * <p>Life cycle: {@link #create} opens a new temporary file in a directory; {@link #row} as often as needed;
 * {@link #finish()} writes the last block and the row count and hands the file to the returned {@link RowCache},
 * which deletes it when it closes unless {@link #keepFile()} was called. {@link #close()} without {@code finish}
 * abandons the cache (an aborted scan) and deletes the file, kept or not, as it is incomplete.
 */
public final class RowCacheWriter implements RowSink, Closeable {
    /** Bytes of rows per block by default: 1 MiB. */
    public static final int DEFAULT_BLOCK_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final RowCacheHeader header;
    /** The block being filled: {@code [rowsPerBlock][recordBytes]} and room for its CRC, little-endian. */
    private final ByteBuffer block;
    private final CRC32 crc = new CRC32();
    private long rows;
    private int rowsInBlock;
    private long bytesWritten;
    private boolean keep;
    private boolean open = true;

    private RowCacheWriter(Path file, FileChannel channel, RowCacheHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.block = ByteBuffer.allocateDirect(header.blockStride()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A writer of {@link #DEFAULT_BLOCK_BYTES} blocks.
     *
     * @param directory where the temporary file goes; must exist
     * @param featureCount features per row, at least 1
     * @param targetWidth targets per row of a target cache; 0 for a labelled cache
     * @return the writer, open; {@link #finish()} or close it
     * @throws IOException when the file cannot be created
     */
    public static RowCacheWriter create(Path directory, int featureCount, int targetWidth) throws IOException {
        return create(directory, featureCount, targetWidth, DEFAULT_BLOCK_BYTES);
    }

    /**
     * A writer into a new temporary file {@code edgetrain-rows-*.cache} in {@code directory}.
     *
     * @param directory where the temporary file goes; must exist
     * @param featureCount features per row, at least 1
     * @param targetWidth  targets per row of a target cache; 0 for a labelled cache (one class index per row)
     * @param blockBytes   bytes of rows per block (rounded down to whole rows, at least one row): the unit of
     *                     shuffling and of reading
     * @return the writer, open; {@link #finish()} or close it
     * @throws IOException when the file cannot be created
     */
    public static RowCacheWriter create(Path directory, int featureCount, int targetWidth, int blockBytes)
            throws IOException {
        if (directory == null) {
            throw new IllegalArgumentException("the row cache needs a directory, got null");
        }
        if (blockBytes < 1) {
            throw new IllegalArgumentException("blockBytes must be >= 1, got " + blockBytes);
        }
        final int record = RowCacheHeader.recordBytes(Math.max(1, featureCount), Math.max(0, targetWidth));
        final RowCacheHeader header = new RowCacheHeader(featureCount, targetWidth, Math.max(1, blockBytes / record),
                RowCacheHeader.ROWS_UNKNOWN);
        final Path file;
        try {
            file = Files.createTempFile(directory, "edgetrain-rows-", ".cache");
        } catch (IOException e) {
            throw new IOException("cannot create a row cache in " + directory + ": " + e, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            channel.write(header.encode(), 0);
            channel.position(RowCacheHeader.BYTES);
            return new RowCacheWriter(file, channel, header);
        } catch (IOException | RuntimeException | Error e) {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * The file's path.
     *
     * @return the path of the file being written
     */
    public Path file() {
        return file;
    }

    /**
     * Keeps the file when the cache closes (it is deleted by default).
     *
     * @return this writer
     */
    public RowCacheWriter keepFile() {
        this.keep = true;
        return this;
    }

    /**
     * Features per row.
     *
     * @return features per row, at least 1
     */
    public int featureCount() {
        return header.featureCount;
    }

    /**
     * Targets per row; 0 for a labelled cache.
     *
     * @return targets per row, 0 or more
     */
    public int targetWidth() {
        return header.targetWidth;
    }

    /**
     * Rows in each block.
     *
     * @return rows per full block, at least 1
     */
    public int rowsPerBlock() {
        return header.rowsPerBlock;
    }

    /**
     * Rows written so far, for progress.
     *
     * @return rows taken so far, 0 or more
     */
    public long rowsWritten() {
        return rows;
    }

    /**
     * Bytes written to the file so far (whole blocks), for progress.
     *
     * @return bytes of the finished blocks written so far
     */
    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Appends a row: {@code features [featureCount]} and a label (first-appearance number, {@code >= 0}) for a
     * labelled cache, or {@code targets [targetWidth]} for a target cache. The arrays are copied.
     */
    @Override
    public void row(long line, float[] features, int label, float[] targets) throws IOException {
        if (!open) {
            throw new IllegalStateException("row cache " + file + " is closed: no more rows");
        }
        final int f = header.featureCount;
        final int tw = header.targetWidth;
        if (features == null || features.length < f) {
            throw new IllegalArgumentException("line " + line + ": a row of " + file + " needs " + f
                    + " features, got " + (features == null ? "null" : String.valueOf(features.length)));
        }
        if (tw == 0 && label < 0) {
            throw new IllegalArgumentException("line " + line + ": a labelled row cache needs a label >= 0, got "
                    + label);
        }
        if (tw > 0 && (targets == null || targets.length < tw)) {
            throw new IllegalArgumentException("line " + line + ": a row of " + file + " needs " + tw
                    + " targets, got " + (targets == null ? "null" : String.valueOf(targets.length)));
        }
        if (rows == Integer.MAX_VALUE) {
            throw new IllegalStateException("line " + line + ": a row cache holds at most " + Integer.MAX_VALUE
                    + " rows");
        }
        for (int j = 0; j < f; j++) {
            block.putFloat(features[j]);
        }
        if (tw == 0) {
            block.putInt(label);
        } else {
            for (int k = 0; k < tw; k++) {
                block.putFloat(targets[k]);
            }
        }
        rows++;
        if (++rowsInBlock == header.rowsPerBlock) {
            writeBlock();
        }
    }

    /** Writes the rows in the block buffer and their CRC-32. */
    private void writeBlock() throws IOException {
        block.flip();
        crc.reset();
        crc.update(block); // moves the position to the limit, where the CRC goes
        block.limit(block.limit() + RowCacheHeader.BLOCK_CRC_BYTES);
        block.putInt((int) crc.getValue());
        block.flip();
        while (block.hasRemaining()) {
            bytesWritten += channel.write(block);
        }
        block.clear();
        rowsInBlock = 0;
    }

    /**
     * Writes the last block and the header with the row count, and returns the cache, open for reading, which now
     * owns the file (and deletes it when it closes, unless kept). The writer is closed.
     *
     * @return the cache of the rows written, open for reading
     * @throws IOException when the last block or the header cannot be written
     */
    public RowCache finish() throws IOException {
        if (!open) {
            throw new IllegalStateException("row cache " + file + " is already finished or closed");
        }
        try {
            if (rowsInBlock > 0) {
                writeBlock();
            }
            final RowCacheHeader done = header.withRows(rows);
            channel.write(done.encode(), 0);
            open = false;
            channel.close();
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
        try {
            return RowCache.open(file, !keep);
        } catch (IOException | RuntimeException | Error e) {
            if (!keep) {
                Files.deleteIfExists(file);
            }
            throw e;
        }
    }

    /** Abandons an unfinished cache: closes and deletes its file. Does nothing after {@link #finish()}. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
