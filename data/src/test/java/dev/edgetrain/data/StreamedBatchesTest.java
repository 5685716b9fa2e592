package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Rng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of a streamed epoch: complete, deterministic for the generator's state, and well mixed. */
class StreamedBatchesTest {
    private static final int ROWS = 20_000;
    /** 4 features and a label: 20 bytes a row, 50 rows a block, 400 blocks. */
    private static final int BLOCK_BYTES = 1000;

    @TempDir
    Path dir;
    private RowCache cache;

    @BeforeEach
    void writeCache() throws IOException {
        cache = CacheTestRows.identified(ROWS, 4, 3, 7).write(dir, BLOCK_BYTES);
        assertEquals(400, cache.blockCount());
    }

    @AfterEach
    void closeCache() throws IOException {
        cache.close();
    }

    /** The row indices (feature 0) of one epoch, in the order handed out, in batches of {@code batch}. */
    private static int[] epochOrder(StreamedBatches source, Rng rng, int batch) {
        int[] order = new int[source.rows()];
        float[] x = new float[batch * 4];
        int[] y = new int[batch];
        source.startEpoch(rng);
        int done = 0;
        int n;
        while ((n = source.nextBatch(x, y, null, batch)) > 0) {
            assertTrue(n == batch || done + n == source.rows(), "only the last batch may be short");
            for (int b = 0; b < n; b++) {
                order[done++] = (int) x[b * 4];
            }
        }
        assertEquals(source.rows(), done);
        return order;
    }

    @Test
    void anEpochVisitsEverySelectedRowExactlyOnce() {
        BitSet train = new BitSet();
        Rng pick = new Rng(1);
        for (int r = 0; r < ROWS; r++) {
            if (pick.nextDouble() < 0.7) {
                train.set(r);
            }
        }
        StreamedBatches source = StreamedBatches.over(cache).classes(3, null).rows(train).build();
        Rng rng = new Rng(5);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = epochOrder(source, rng, 33);
            BitSet seen = new BitSet();
            for (int r : order) {
                assertTrue(train.get(r), "row " + r + " is not in the filter");
                assertFalse(seen.get(r), "row " + r + " twice in epoch " + epoch);
                seen.set(r);
            }
            assertEquals(train, seen, "epoch " + epoch);
        }
    }

    @Test
    void theOrderDependsOnlyOnTheGeneratorState() {
        StreamedBatches source = StreamedBatches.over(cache).classes(3, null).build();
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        int[] first = epochOrder(source, a, 32);
        int[] again = epochOrder(StreamedBatches.over(cache).classes(3, null).build(), b, 32);
        assertArrayEquals(first, again, "the same state gives the same order, in another source too");
        assertEquals(a.state(), b.state(), "and leaves the generator in the same state");
        int[] second = epochOrder(source, a, 32);
        assertFalse(Arrays.equals(first, second), "the next epoch (the generator moved on) has another order");
        int[] otherSeed = epochOrder(source, new Rng(43), 32);
        assertFalse(Arrays.equals(first, otherSeed), "another state, another order");
        int[] stored = epochOrder(source, null, 32);
        for (int r = 0; r < ROWS; r++) {
            assertEquals(r, stored[r], "without a generator: stored order");
        }
        assertArrayEquals(first, epochOrder(source, new Rng(42), 32), "and back to the first state's order");
    }

    @Test
    void theShuffleMixesRowsOfManyBlocksIntoEachBatchAndForgetsTheStoredOrder() {
        StreamedBatches source = StreamedBatches.over(cache).classes(3, null).build();
        assertEquals(8, source.bufferBlocks());
        int[] order = epochOrder(source, new Rng(9), 32);
        // Distinct blocks per batch of 32: reading K = 8 blocks and shuffling their rows together gives ~7.
        double blocksPerBatch = 0;
        int batches = 0;
        for (int start = 0; start + 32 <= ROWS; start += 32, batches++) {
            BitSet blocks = new BitSet();
            for (int i = start; i < start + 32; i++) {
                blocks.set(order[i] / 50);
            }
            blocksPerBatch += blocks.cardinality();
        }
        blocksPerBatch /= batches;
        assertTrue(blocksPerBatch > 6.5, "rows of " + blocksPerBatch + " blocks in a batch on average");
        // Spearman's rank correlation between position in the epoch and stored position: ~0 if the blocks are
        // shuffled (1 for stored order; also far from 0 for a shuffle that only mixes neighbouring blocks).
        double rho = rankCorrelation(order);
        assertTrue(Math.abs(rho) < 0.15, "rank correlation with the stored order " + rho);
        assertEquals(1.0, rankCorrelation(epochOrder(source, null, 32)), 1e-9);
        // A long run of consecutive stored rows would show rows leaking through unshuffled.
        int longestRun = 0;
        int run = 0;
        for (int i = 1; i < ROWS; i++) {
            run = order[i] == order[i - 1] + 1 ? run + 1 : 0;
            longestRun = Math.max(longestRun, run);
        }
        System.out.printf(java.util.Locale.ROOT, "shuffle: %.2f blocks per batch of 32, rank correlation %.4f, longest "
                + "run of consecutive rows %d%n", blocksPerBatch, rho, longestRun);
        assertTrue(longestRun < 4, "longest run of consecutive stored rows " + longestRun);
    }

    /** Spearman's rho of {@code order[i]} against {@code i} (the values are a permutation: ranks are values). */
    private static double rankCorrelation(int[] order) {
        double n = order.length;
        double sumD2 = 0;
        for (int i = 0; i < order.length; i++) {
            double d = order[i] - i;
            sumD2 += d * d;
        }
        return 1 - 6 * sumD2 / (n * (n * n - 1));
    }

    @Test
    void memoryIsTheBufferOfKBlocksWhateverTheFileSize() {
        StreamedBatches four = StreamedBatches.over(cache).classes(3, null).bufferBlocks(4).build();
        assertEquals(4, four.bufferBlocks());
        assertEquals(4 * 1004 + 4 * 4 * 50, four.bufferBytes(), "4 blocks of 1000 bytes and a CRC, an int per row");
        int[] order = epochOrder(four, new Rng(3), 32);
        long before = cache.bytesRead();
        epochOrder(four, new Rng(4), 32);
        assertEquals(cache.fileBytes() - 64, cache.bytesRead() - before, "an epoch reads every block once");
        assertEquals(ROWS, order.length);
    }
}
