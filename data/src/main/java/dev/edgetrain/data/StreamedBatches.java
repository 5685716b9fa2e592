package dev.edgetrain.data;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.train.BatchSource;
import dev.edgetrain.runtime.train.Standardizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.BitSet;

/**
 * Mini-batches streamed from a {@link RowCache}: a {@link BatchSource} for data larger than the heap. The rows of
 * this source are those of the cache its row filter selects (all by default), so one cache serves the training,
 * validation and test splits.
 *
 * <p><b>Order.</b> {@code startEpoch(rng)} shuffles the order of the blocks with {@code rng} and takes one
 * {@code rng.nextLong()} to seed the shuffle buffer; then the blocks are read in that order, {@code bufferBlocks}
 * (K) at a time, and the selected rows of each group of K blocks are shuffled together and handed out. So a batch
 * mixes rows of K random blocks, the epoch visits every selected row exactly once, and its order depends only on
 * the generator's state when the epoch starts (a trainer that checkpoints it resumes bit-identically).
 * {@code startEpoch(null)} gives the stored order.
 *
 * <p><b>Rows as trained.</b> Features are standardised with the optional {@link Standardizer} and targets with an
 * optional mean and standard deviation, {@code (v − mean) / std} as the in-memory path does; labels go through the
 * label map (the cache stores them numbered in order of first appearance; the map gives the final class index).
 *
 * <p><b>Memory</b> is bounded by K blocks, independent of the file's size: one direct buffer of K × block bytes
 * (8 × 1 MiB by default), an {@code int} per row of those blocks, an {@code int} per block for the block order
 * (4 bytes per MiB of file) and the row filter ({@code rows / 8} bytes). Reads go through the cache's
 * {@code FileChannel} into that buffer; everything is allocated on construction, so epochs and batches allocate
 * nothing. Not thread-safe; the cache is not closed by this source.
 */
public final class StreamedBatches implements BatchSource {
    /** Blocks read and shuffled together by default. */
    public static final int DEFAULT_BUFFER_BLOCKS = 8;

    private final RowCache cache;
    private final int featureCount;
    private final int targetWidth;
    private final int classes;
    /** First-appearance label → class index {@code [labels]}; null for a target cache. */
    private final int[] labelMap;
    private final Standardizer standardizer;
    /** Per-target mean and std {@code [targetWidth]}, or null: targets as stored. */
    private final float[] targetMean;
    private final float[] targetStd;
    /** The rows of the cache that belong to this source; null = all. */
    private final BitSet filter;
    private final int rows;
    /** Selected rows per block {@code [blockCount]}: blocks without any are not read. */
    private final int[] selectedPerBlock;
    private final int slots;
    /** Bytes per slot of the buffer: a full block with its CRC, rounded to whole floats. */
    private final int slotBytes;
    /** K blocks as read, {@code [slots][slotBytes]}, little-endian; viewed as floats and ints. */
    private final ByteBuffer buffer;
    private final FloatBuffer floats;
    private final IntBuffer ints;
    /** Block order of the epoch {@code [blockCount]}. */
    private final int[] blockOrder;
    /** The current group's rows: where each row's features start (a float index), {@code [slots × perBlock]}. */
    private final int[] group;
    /** Shuffles the rows of each group; seeded from the epoch's generator. */
    private final Rng groupRng = new Rng(0);
    private boolean shuffled;
    private int nextBlock;
    private int groupSize;
    private int groupNext;
    private long rowsDelivered;

    private StreamedBatches(Builder b) {
        this.cache = b.cache;
        this.featureCount = cache.featureCount();
        this.targetWidth = cache.targetWidth();
        this.classes = cache.hasLabels() ? b.classes : 0;
        this.labelMap = b.labelMap;
        this.standardizer = b.standardizer;
        this.targetMean = b.targetMean;
        this.targetStd = b.targetStd;
        this.filter = b.rowFilter;
        final int blocks = cache.blockCount();
        this.selectedPerBlock = new int[blocks];
        this.rows = countSelected(cache, filter, selectedPerBlock);
        if (rows == 0) {
            throw new IllegalArgumentException("no rows to stream: the row filter selects none of the " + cache.rows()
                    + " rows of " + cache.file());
        }
        this.slots = Math.max(1, Math.min(b.bufferBlocks, blocks));
        this.slotBytes = (cache.blockBytes() + 3) & ~3;
        if ((long) slots * slotBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(slots + " blocks of " + slotBytes + " bytes exceed the 2 GiB a "
                    + "shuffle buffer can hold; use fewer buffer blocks or smaller blocks");
        }
        this.buffer = ByteBuffer.allocateDirect(slots * slotBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.floats = buffer.asFloatBuffer();
        this.ints = buffer.asIntBuffer();
        this.blockOrder = new int[blocks];
        this.group = new int[slots * cache.rowsPerBlock()];
        this.nextBlock = blocks; // no epoch yet
    }

    /**
     * A builder of a source over {@code cache}.
     *
     * @param cache the rows to draw; the source reads it but does not close it
     * @return a builder with the defaults, ready for {@link Builder#build()}
     */
    public static Builder over(RowCache cache) {
        return new Builder(cache);
    }

    private static int countSelected(RowCache cache, BitSet filter, int[] perBlock) {
        final int total = cache.rows();
        final int perRows = cache.rowsPerBlock();
        if (filter == null) {
            for (int b = 0; b < perBlock.length; b++) {
                perBlock[b] = cache.blockRows(b);
            }
            return total;
        }
        if (filter.length() > total) {
            throw new IllegalArgumentException("the row filter selects row " + (filter.length() - 1) + ", "
                    + cache.file() + " has rows 0 to " + (total - 1));
        }
        int count = 0;
        for (int r = filter.nextSetBit(0); r >= 0; r = filter.nextSetBit(r + 1)) {
            perBlock[r / perRows]++;
            count++;
        }
        return count;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int targetWidth() {
        return targetWidth;
    }

    /** The rows this source selects. */
    @Override
    public int rows() {
        return rows;
    }

    /**
     * The row cache the batches are read from.
     *
     * @return the cache given to {@link #over}
     */
    public RowCache cache() {
        return cache;
    }

    /**
     * Blocks read and shuffled together.
     *
     * @return the number of blocks in the shuffle buffer, at least 1
     */
    public int bufferBlocks() {
        return slots;
    }

    /**
     * Bytes of the block buffer: the bulk of this source's memory.
     *
     * @return the buffer's size in bytes
     */
    public long bufferBytes() {
        return (long) buffer.capacity() + 4L * group.length;
    }

    /**
     * Rows handed out since construction, over all epochs, for progress.
     *
     * @return rows delivered, 0 or more
     */
    public long rowsDelivered() {
        return rowsDelivered;
    }

    @Override
    public void startEpoch(Rng rng) {
        for (int b = 0; b < blockOrder.length; b++) {
            blockOrder[b] = b;
        }
        shuffled = rng != null;
        if (shuffled) {
            rng.shuffle(blockOrder, blockOrder.length);
            groupRng.setState(rng.nextLong());
        }
        nextBlock = 0;
        groupSize = 0;
        groupNext = 0;
    }

    @Override
    public int nextBatch(float[] x, int[] labels, float[] targets, int maxRows) {
        if (maxRows < 1) {
            return 0;
        }
        BatchSource.checkBatchArrays(x, labels, targets, maxRows, featureCount, targetWidth, classes > 0);
        int n = 0;
        while (n < maxRows) {
            if (groupNext == groupSize && !readGroup()) {
                break;
            }
            final int take = Math.min(maxRows - n, groupSize - groupNext);
            for (int i = 0; i < take; i++) {
                copyRow(group[groupNext++], n++, x, labels, targets);
            }
        }
        if (standardizer != null && n > 0) {
            standardizer.applyInPlace(x, 0, n);
        }
        rowsDelivered += n;
        return n;
    }

    /** Copies the row whose features start at float {@code at} of the buffer into batch row {@code b}. */
    private void copyRow(int at, int b, float[] x, int[] labels, float[] targets) {
        floats.position(at);
        floats.get(x, b * featureCount, featureCount);
        if (classes > 0) {
            final int raw = ints.get(at + featureCount);
            if (raw < 0 || raw >= labelMap.length) {
                throw new IllegalStateException("row cache " + cache.file() + " holds label number " + raw
                        + ", the label map has " + labelMap.length + " labels");
            }
            labels[b] = labelMap[raw];
            return;
        }
        final int t0 = b * targetWidth;
        floats.get(targets, t0, targetWidth);
        if (targetMean != null) {
            for (int k = 0; k < targetWidth; k++) {
                targets[t0 + k] = (targets[t0 + k] - targetMean[k]) / targetStd[k];
            }
        }
    }

    /**
     * Reads the next up to K blocks that hold selected rows into the buffer and lists (and, in a shuffled epoch,
     * shuffles) their selected rows. Returns false when the epoch's blocks are used up.
     */
    private boolean readGroup() {
        groupSize = 0;
        groupNext = 0;
        final int record = cache.recordBytes() / 4;
        final int perBlock = cache.rowsPerBlock();
        int slot = 0;
        while (slot < slots && nextBlock < blockOrder.length) {
            final int block = blockOrder[nextBlock++];
            if (selectedPerBlock[block] == 0) {
                continue;
            }
            try {
                cache.readBlock(block, buffer, slot * slotBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            final int base = slot * slotBytes / 4;
            final int firstRow = block * perBlock;
            final int blockRows = cache.blockRows(block);
            for (int r = 0; r < blockRows; r++) {
                if (filter == null || filter.get(firstRow + r)) {
                    group[groupSize++] = base + r * record;
                }
            }
            slot++;
        }
        if (shuffled && groupSize > 1) {
            groupRng.shuffle(group, groupSize);
        }
        return groupSize > 0;
    }

    /** Settings of a {@link StreamedBatches}; {@link #build()} checks them against the cache. */
    public static final class Builder {
        private final RowCache cache;
        private int classes;
        private int[] labelMap;
        private Standardizer standardizer;
        private float[] targetMean;
        private float[] targetStd;
        private BitSet rowFilter;
        private int bufferBlocks = DEFAULT_BUFFER_BLOCKS;

        private Builder(RowCache cache) {
            if (cache == null) {
                throw new IllegalArgumentException("cache must not be null");
            }
            this.cache = cache;
        }

        /**
         * The classes of a labelled cache: {@code labelMap [labels]} maps each stored label (numbered in order of
         * first appearance) to its class in {@code [0, classes)}; {@code null} when they are the same numbers.
         *
         * @param classCount the number of classes, at least 2
         * @param firstAppearanceToClass {@code [labels]}: the class of each stored label, or null for the identity
         * @return this builder
         */
        public Builder classes(int classCount, int[] firstAppearanceToClass) {
            this.classes = classCount;
            this.labelMap = firstAppearanceToClass == null ? null : firstAppearanceToClass.clone();
            return this;
        }

        /**
         * Standardises each batch's features (fitted on the training rows), or null for none.
         *
         * @param s the input scaling, of the cache's feature count, or null
         * @return this builder
         */
        public Builder standardizer(Standardizer s) {
            this.standardizer = s;
            return this;
        }

        /**
         * Standardises targets, {@code (t − mean) / std} per target {@code [targetWidth]}; nulls for none.
         *
         * @param mean {@code [targetWidth]} target means, or null
         * @param std {@code [targetWidth]} target standard deviations, each above 0, or null
         * @return this builder
         */
        public Builder targetScaling(float[] mean, float[] std) {
            this.targetMean = mean == null ? null : mean.clone();
            this.targetStd = std == null ? null : std.clone();
            return this;
        }

        /**
         * The cache rows of this source (bit r set = row r belongs), or null for all. The set is copied.
         *
         * @param filter the rows to keep, by cache row index, or null for every row
         * @return this builder
         */
        public Builder rows(BitSet filter) {
            this.rowFilter = filter == null ? null : (BitSet) filter.clone();
            return this;
        }

        /**
         * Blocks read and shuffled together (K): memory is K blocks. Default {@link #DEFAULT_BUFFER_BLOCKS}.
         *
         * @param k blocks in the shuffle buffer, at least 1
         * @return this builder
         */
        public Builder bufferBlocks(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("the shuffle buffer needs at least 1 block, got " + k);
            }
            this.bufferBlocks = k;
            return this;
        }

        /**
         * The batches, as configured.
         *
         * @return a source of batches over the cache's selected rows
         */
        public StreamedBatches build() {
            final int f = cache.featureCount();
            if (standardizer != null && standardizer.featureCount() != f) {
                throw new IllegalArgumentException("the standardizer was fitted on " + standardizer.featureCount()
                        + " features, " + cache.file() + " has " + f);
            }
            if (cache.hasLabels()) {
                checkLabels();
                if (targetMean != null || targetStd != null) {
                    throw new IllegalArgumentException(cache.file() + " holds class labels: no target scaling");
                }
            } else {
                if (classes != 0 || labelMap != null) {
                    throw new IllegalArgumentException(cache.file() + " holds " + cache.targetWidth()
                            + " targets per row, not class labels");
                }
                checkTargetScaling(cache.targetWidth());
            }
            return new StreamedBatches(this);
        }

        private void checkLabels() {
            if (classes < 2) {
                throw new IllegalArgumentException(cache.file() + " holds class labels: give their classes (at "
                        + "least 2), got " + classes);
            }
            if (labelMap == null) {
                labelMap = new int[classes];
                for (int c = 0; c < classes; c++) {
                    labelMap[c] = c;
                }
            }
            for (int i = 0; i < labelMap.length; i++) {
                if (labelMap[i] < 0 || labelMap[i] >= classes) {
                    throw new IllegalArgumentException("label map entry " + i + " is " + labelMap[i]
                            + ", expected a class in [0, " + classes + ")");
                }
            }
        }

        private void checkTargetScaling(int width) {
            if ((targetMean == null) != (targetStd == null)) {
                throw new IllegalArgumentException("target scaling needs both a mean and a std, or neither");
            }
            if (targetMean == null) {
                return;
            }
            if (targetMean.length != width || targetStd.length != width) {
                throw new IllegalArgumentException("target scaling has " + targetMean.length + " means and "
                        + targetStd.length + " stds, " + cache.file() + " has " + width + " targets per row");
            }
            for (int k = 0; k < width; k++) {
                if (!(targetStd[k] > 0 && targetStd[k] <= Float.MAX_VALUE)
                        || !(Math.abs(targetMean[k]) <= Float.MAX_VALUE)) {
                    throw new IllegalArgumentException("target " + k + ": mean " + targetMean[k] + ", std "
                            + targetStd[k] + "; expected a finite mean and a finite std > 0");
                }
            }
        }
    }
}
