package dev.edgetrain.data;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.nio.file.Paths;
import java.util.BitSet;
import java.util.Locale;

/**
 * Run in a JVM of its own by {@link LargeCacheTest} with a heap smaller than the cache: writes a cache of
 * {@code rows × features} (feature 0 the row's index, a label that a network can learn from features 1 to 3), reads
 * one shuffled epoch checking every row comes exactly once, trains one epoch over it, and prints its measurements as
 * {@code key value} lines.
 *
 * <p>Arguments: directory, rows, features.
 */
public final class LargeCacheRun {
    private LargeCacheRun() {
    }

    public static void main(String[] args) throws Exception {
        final int rows = Integer.parseInt(args[1]);
        final int features = Integer.parseInt(args[2]);
        final double mb = 1024.0 * 1024.0;
        System.out.printf(Locale.ROOT, "maxHeapMB %.1f%n", Runtime.getRuntime().maxMemory() / mb);
        long t0 = System.nanoTime();
        RowCacheWriter writer = RowCacheWriter.create(Paths.get(args[0]), features, 0);
        float[] x = new float[features];
        Rng rng = new Rng(1);
        for (int r = 0; r < rows; r++) {
            x[0] = r;
            for (int j = 1; j < features; j++) {
                x[j] = (float) (rng.nextDouble() * 2 - 1);
            }
            int label = x[1] > x[2] ? (x[1] > x[3] ? 0 : 2) : (x[2] > x[3] ? 1 : 2);
            writer.row(r + 2L, x, label, null);
        }
        final RowCache cache = writer.finish();
        try {
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "fileMB %.1f%nwriteMBps %.1f%n", cache.fileBytes() / mb,
                    cache.fileBytes() / mb / writeSeconds);

            StreamedBatches plain = StreamedBatches.over(cache).classes(3, null).build();
            BitSet seen = new BitSet(rows);
            float[] bx = new float[256 * features];
            int[] by = new int[256];
            long t1 = System.nanoTime();
            plain.startEpoch(new Rng(2));
            int n;
            int duplicates = 0;
            while ((n = plain.nextBatch(bx, by, null, 256)) > 0) {
                for (int b = 0; b < n; b++) {
                    int r = (int) bx[b * features];
                    duplicates += seen.get(r) ? 1 : 0;
                    seen.set(r);
                }
            }
            double readSeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "readMBps %.1f%nreadRowsPerSecond %.0f%n", cache.fileBytes() / mb
                    / readSeconds, rows / readSeconds);
            System.out.printf(Locale.ROOT, "rowsSeen %d%nduplicates %d%n", seen.cardinality(), duplicates);

            float[] mean = new float[features];
            float[] std = new float[features];
            java.util.Arrays.fill(std, (float) Math.sqrt(1.0 / 3)); // uniform in [-1, 1)
            mean[0] = rows / 2f;
            std[0] = (float) (rows / Math.sqrt(12));
            StreamedBatches train = StreamedBatches.over(cache).classes(3, null)
                    .standardizer(new Standardizer(mean, std)).build();
            TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(features, 16, 3), 3), 64,
                    OptimizerConfig.adam(3e-3f));
            long t2 = System.nanoTime();
            Trainer trainer = new Trainer(session, train, 64, 4);
            trainer.fit(1, TrainingListener.NONE);
            double trainSeconds = (System.nanoTime() - t2) / 1e9;
            System.out.printf(Locale.ROOT, "trainRowsPerSecond %.0f%ntrainAccuracy %.4f%n", rows / trainSeconds,
                    trainer.lastAccuracy());
            System.out.printf(Locale.ROOT, "bufferMB %.1f%n", train.bufferBytes() / mb);
            Runtime rt = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "heapUsedMB %.1f%n", (rt.totalMemory() - rt.freeMemory()) / mb);
        } finally {
            cache.close();
        }
        System.out.println("cacheDeleted " + !java.nio.file.Files.exists(cache.file()));
    }
}
