package dev.edgetrain.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A compact binary file of rows, written once by {@link RowCacheWriter} during the first pass over a table and read
 * block by block every epoch by {@link StreamedBatches}: training on data larger than the heap. One cache holds
 * every row of a table; row filters choose the rows of a split, so one file serves training, validation and test.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * RowCacheWriter writer = RowCacheWriter.create(tempDir, featureCount, 0);    // 0: labelled rows
 * // the first pass over the table calls writer.row(line, features, firstAppearanceLabel, null) per row
 * try (RowCache cache = writer.finish()) {                                     // deletes the file on close
 *     StreamedBatches train = StreamedBatches.over(cache).classes(classes, labelMap).rows(trainRows)
 *             .standardizer(standardizer).build();                             // bufferBlocks(k): memory, mixing
 *     StreamedBatches validation = StreamedBatches.over(cache).classes(classes, labelMap)
 *             .rows(validationRows).standardizer(standardizer).bufferBlocks(1).build();
 *     Trainer trainer = new Trainer(session, train, batchSize, seed);          // a BatchSource, like a Dataset
 *     EarlyStopping stopping = new EarlyStopping(session.network(), patience);
 *     while (trainer.epochsDone() < epochs && !stopping.shouldStop()) {
 *         trainer.runEpoch(listener);
 *         stopping.record(trainer.epochsDone(), Trainer.evaluate(session, validation).loss());
 *     }
 *     stopping.restoreBest();
 * }
 * }</pre>
 * A target cache ({@code targetWidth > 0}) takes {@code writer.row(line, features, -1, targets)}, and its sources
 * {@code targetScaling(mean, std)} instead of classes.
 *
 * <h2>File format, version 1</h2>
 * Little-endian throughout.
 * <pre>
 *   header   64 bytes
 *     magic         8 bytes "ETROWS\r\n"
 *     version       int32 = 1
 *     featureCount  int32 (>= 1)
 *     targetWidth   int32: targets per row; 0 = a labelled cache (one int32 label per row)
 *     rowsPerBlock  int32 (>= 1)
 *     rows          int64, written when the writer finishes (-1 while it writes: an unfinished cache is refused)
 *     reserved      zeros up to byte 60
 *     headerCrc     int32 CRC-32 of bytes [0, 60)
 *   blocks   ceil(rows / rowsPerBlock) blocks; block b starts at 64 + b × (rowsPerBlock × recordBytes + 4)
 *     rows          rowsPerBlock rows (fewer in the last block), each of
 *                   recordBytes = 4 × (featureCount + max(1, targetWidth)): featureCount float32 features, then an
 *                   int32 label (numbered in order of first appearance in the table; a label map gives the final
 *                   class) or targetWidth float32 targets
 *     blockCrc      int32 CRC-32 of the block's rows
 * </pre>
 * The fixed block stride lets a reader seek to any block; blocks are the unit of shuffling. The default block is
 * about 1 MiB of rows ({@link RowCacheWriter#DEFAULT_BLOCK_BYTES}). Every block read is checked against its CRC
 * (CRC-32 is a hardware instruction on current CPUs, so the check costs little next to the read); a mismatch is an
 * {@link IOException} naming the file and block. The file's size must match its header exactly.
 *
 * <p>Not thread-safe: one thread reads a cache at a time (the sources over it are used one after another). The
 * counters {@link #bytesRead()} and {@link #rowsRead()} are for progress reports.
 */
public final class RowCache implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final RowCacheHeader header;
    private final boolean deleteOnClose;
    private final CRC32 crc = new CRC32();
    private long bytesRead;
    private long rowsRead;
    private boolean open = true;

    private RowCache(Path file, FileChannel channel, RowCacheHeader header, boolean deleteOnClose) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Opens a finished cache for reading; the file stays when the cache closes.
     *
     * @param file a cache a {@link RowCacheWriter} finished and kept
     * @return the cache, open; close it to release the file
     * @throws IOException when the file cannot be read, is not a row cache, or is truncated or damaged
     */
    public static RowCache open(Path file) throws IOException {
        return open(file, false);
    }

    static RowCache open(Path file, boolean deleteOnClose) throws IOException {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            final ByteBuffer head = ByteBuffer.allocate(RowCacheHeader.BYTES);
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // read until the header is complete or the file ends
            }
            head.flip();
            final RowCacheHeader header = RowCacheHeader.decode(head, file);
            final long size = channel.size();
            if (size != header.fileBytes()) {
                throw new IOException("row cache " + file + " is " + size + " bytes, its header describes "
                        + header.rows + " rows in " + header.blockCount() + " blocks = " + header.fileBytes()
                        + " bytes; the file is truncated or damaged");
            }
            return new RowCache(file, channel, header, deleteOnClose);
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The cache file.
     *
     * @return the path of the cache file
     */
    public Path file() {
        return file;
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
     * Targets per row of a target cache; 0 for a labelled cache.
     *
     * @return targets per row, 0 or more
     */
    public int targetWidth() {
        return header.targetWidth;
    }

    /**
     * Whether each row has a class label (else targets).
     *
     * @return true for a labelled cache, false for a target cache
     */
    public boolean hasLabels() {
        return header.targetWidth == 0;
    }

    /**
     * Rows in the cache.
     *
     * @return the number of rows, 0 or more
     */
    public int rows() {
        return (int) header.rows;
    }

    /**
     * Rows in each block (the last may hold fewer).
     *
     * @return rows per full block, at least 1
     */
    public int rowsPerBlock() {
        return header.rowsPerBlock;
    }

    /**
     * Number of blocks.
     *
     * @return blocks in the file, 0 for an empty cache
     */
    public int blockCount() {
        return header.blockCount();
    }

    /**
     * Rows in {@code block}: {@link #rowsPerBlock()} but in the last block.
     *
     * @param block a block index in [0, {@link #blockCount()})
     * @return rows in that block, at least 1
     */
    public int blockRows(int block) {
        return header.blockRows(block);
    }

    /**
     * Bytes of one row: float32 features, then an int32 label or float32 targets.
     *
     * @return bytes per row: 4 × features, plus 4 for a label or 4 × targets
     */
    public int recordBytes() {
        return header.recordBytes();
    }

    /**
     * Bytes a full block takes when read: its rows and CRC-32.
     *
     * @return bytes of a full block, its CRC-32 included
     */
    public int blockBytes() {
        return header.blockStride();
    }

    /**
     * Size of the cache file in bytes.
     *
     * @return the file's length in bytes, header included
     */
    public long fileBytes() {
        return header.fileBytes();
    }

    /**
     * Bytes read from the file since it was opened (every epoch reads it again).
     *
     * @return bytes read so far, 0 or more
     */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Rows in the blocks read since the file was opened.
     *
     * @return rows read so far, counting a block's rows at each read
     */
    public long rowsRead() {
        return rowsRead;
    }

    /**
     * Reads {@code block} (its rows and CRC) into {@code dst} at {@code offset} and checks the CRC; {@code dst}'s
     * position and limit are used and then left undefined. No allocation.
     */
    void readBlock(int block, ByteBuffer dst, int offset) throws IOException {
        if (!open) {
            throw new IOException("row cache " + file + " is closed");
        }
        final int rowBytes = header.blockRows(block) * header.recordBytes();
        dst.limit(offset + rowBytes + RowCacheHeader.BLOCK_CRC_BYTES);
        dst.position(offset);
        long position = header.blockPosition(block);
        while (dst.hasRemaining()) {
            final int n = channel.read(dst, position);
            if (n < 0) {
                throw new IOException("row cache " + file + " ends inside block " + block + " of "
                        + header.blockCount() + "; the file was truncated while in use");
            }
            position += n;
        }
        dst.position(offset);
        dst.limit(offset + rowBytes);
        crc.reset();
        crc.update(dst);
        dst.limit(dst.capacity());
        final int stored = dst.order(ByteOrder.LITTLE_ENDIAN).getInt(offset + rowBytes);
        if (stored != (int) crc.getValue()) {
            throw new IOException("row cache " + file + ": block " + block + " of " + header.blockCount()
                    + " fails its CRC-32 check (stored " + Integer.toHexString(stored) + ", computed "
                    + Long.toHexString(crc.getValue()) + "); the file is corrupt");
        }
        bytesRead += rowBytes + RowCacheHeader.BLOCK_CRC_BYTES;
        rowsRead += header.blockRows(block);
    }

    /** Closes the file, and deletes it if it was a temporary cache of a {@link RowCacheWriter} not kept. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        try {
            channel.close();
        } finally {
            if (deleteOnClose) {
                Files.deleteIfExists(file);
            }
        }
    }
}
