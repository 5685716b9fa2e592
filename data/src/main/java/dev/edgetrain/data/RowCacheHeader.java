package dev.edgetrain.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The fixed 64-byte header of a row cache file and the layout it implies; see {@link RowCache} for the format.
 * Immutable; {@link #withRows} gives the header written when the writer closes.
 */
final class RowCacheHeader {
    static final int BYTES = 64;
    static final int VERSION = 1;
    /** "ETROWS\r\n": a text-mode transfer that mangles line ends is detected. */
    private static final byte[] MAGIC = {'E', 'T', 'R', 'O', 'W', 'S', '\r', '\n'};
    /** Bytes after a block's rows: its CRC-32. */
    static final int BLOCK_CRC_BYTES = 4;
    /** Where the header's own CRC-32 is; it covers bytes {@code [0, CRC_OFFSET)}. */
    private static final int CRC_OFFSET = BYTES - 4;
    /** The row count of a cache still being written. */
    static final long ROWS_UNKNOWN = -1;

    final int featureCount;
    /** Targets per row; 0 for a labelled cache (one int32 label per row). */
    final int targetWidth;
    final int rowsPerBlock;
    /** Rows in the file, or {@link #ROWS_UNKNOWN} while it is written. */
    final long rows;

    RowCacheHeader(int featureCount, int targetWidth, int rowsPerBlock, long rows) {
        if (featureCount < 1 || targetWidth < 0 || rowsPerBlock < 1) {
            throw new IllegalArgumentException("a row cache needs featureCount >= 1, targetWidth >= 0 and "
                    + "rowsPerBlock >= 1, got " + featureCount + ", " + targetWidth + ", " + rowsPerBlock);
        }
        if ((long) recordBytes(featureCount, targetWidth) * rowsPerBlock + BLOCK_CRC_BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rowsPerBlock + " rows of " + recordBytes(featureCount, targetWidth)
                    + " bytes do not fit one block (at most 2 GiB)");
        }
        this.featureCount = featureCount;
        this.targetWidth = targetWidth;
        this.rowsPerBlock = rowsPerBlock;
        this.rows = rows;
    }

    RowCacheHeader withRows(long rowCount) {
        return new RowCacheHeader(featureCount, targetWidth, rowsPerBlock, rowCount);
    }

    /** Bytes of one row: float32 features, then an int32 label or float32 targets. */
    static int recordBytes(int featureCount, int targetWidth) {
        return 4 * (featureCount + Math.max(1, targetWidth));
    }

    int recordBytes() {
        return recordBytes(featureCount, targetWidth);
    }

    /** Bytes of a full block in the file: its rows and their CRC-32. */
    int blockStride() {
        return rowsPerBlock * recordBytes() + BLOCK_CRC_BYTES;
    }

    int blockCount() {
        return (int) ((rows + rowsPerBlock - 1) / rowsPerBlock);
    }

    /** Rows in {@code block}: {@link #rowsPerBlock} but in the last block. */
    int blockRows(int block) {
        return (int) Math.min(rowsPerBlock, rows - (long) block * rowsPerBlock);
    }

    long blockPosition(int block) {
        return BYTES + (long) block * blockStride();
    }

    /** The file's size for {@link #rows} rows. */
    long fileBytes() {
        final int blocks = blockCount();
        return blocks == 0 ? BYTES : blockPosition(blocks - 1) + (long) blockRows(blocks - 1) * recordBytes()
                + BLOCK_CRC_BYTES;
    }

    /** The header's 64 bytes, little-endian, with its CRC, in a new buffer ready to write. */
    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC);
        b.putInt(VERSION);
        b.putInt(featureCount);
        b.putInt(targetWidth);
        b.putInt(rowsPerBlock);
        b.putLong(rows);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, CRC_OFFSET);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
        b.clear();
        return b;
    }

    /** Reads and checks a header (magic, version, CRC, fields, complete); errors name {@code file}. */
    static RowCacheHeader decode(ByteBuffer b, Path file) throws IOException {
        if (b.remaining() < BYTES) {
            throw new IOException(file + " is not a row cache: " + b.remaining() + " bytes, a row cache header alone "
                    + "is " + BYTES);
        }
        b.order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                throw new IOException(file + " is not a row cache: expected it to start with \"ETROWS\\r\\n\"");
            }
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), b.arrayOffset(), CRC_OFFSET);
        if (b.getInt(CRC_OFFSET) != (int) crc.getValue()) {
            throw new IOException("row cache " + file + ": its header fails its CRC-32 check; the file is corrupt");
        }
        final int version = b.getInt(8);
        if (version != VERSION) {
            throw new IOException("row cache " + file + " has format version " + version + ", expected " + VERSION);
        }
        final long rows = b.getLong(24);
        if (rows == ROWS_UNKNOWN) {
            throw new IOException("row cache " + file + " was never finished (its writer did not close): the row "
                    + "count is missing");
        }
        if (rows < 0 || rows > Integer.MAX_VALUE) {
            throw new IOException("row cache " + file + " says it has " + rows + " rows, expected 0 to "
                    + Integer.MAX_VALUE);
        }
        try {
            return new RowCacheHeader(b.getInt(12), b.getInt(16), b.getInt(20), rows);
        } catch (IllegalArgumentException e) {
            throw new IOException("row cache " + file + " has an invalid header: " + e.getMessage());
        }
    }
}
