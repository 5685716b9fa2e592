package dev.edgetrain.data;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.BatchSource;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A measurement, not a test: rows per second of {@link StreamedBatches} against an in-memory {@link Dataset} over the
 * same rows, drawing shuffled batches alone and training a network. Run by hand:
 * {@code java -cp runtime/target/classes:data/target/classes:data/target/test-classes
 * dev.edgetrain.data.StreamedThroughput rows features hidden epochs}.
 */
public final class StreamedThroughput {
    private StreamedThroughput() {
    }

    public static void main(String[] args) throws Exception {
        final int rows = Integer.parseInt(args[0]);
        final int features = Integer.parseInt(args[1]);
        final int hidden = Integer.parseInt(args[2]);
        final int epochs = Integer.parseInt(args[3]);
        CacheTestRows data = CacheTestRows.blobs(rows, features, 10, 3.0, 1);
        Dataset memory = new Dataset(data.x, data.labels, features, 10);
        Path dir = Files.createTempDirectory("edgetrain-throughput");
        long t0 = System.nanoTime();
        try (RowCache cache = data.write(dir, RowCacheWriter.DEFAULT_BLOCK_BYTES)) {
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%d x %d: cache %.1f MB written at %.0f MB/s%n", rows, features,
                    cache.fileBytes() / 1048576.0, cache.fileBytes() / 1048576.0 / writeSeconds);
            StreamedBatches streamed = StreamedBatches.over(cache).classes(10, null).build();
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT
                report("batches only, in memory", rows, epochs, drawOnly(memory.batches(), epochs));
                long before = cache.bytesRead();
                double s = drawOnly(streamed, epochs);
                report("batches only, streamed ", rows, epochs, s);
                System.out.printf(Locale.ROOT, "    streamed read %.0f MB/s%n", (cache.bytesRead() - before)
                        / 1048576.0 / s);
                NetworkSpec spec = NetworkSpec.of(features, hidden, 10);
                report("training, in memory     ", rows, epochs, train(spec, memory, epochs));
                report("training, streamed      ", rows, epochs, train(spec, streamed, epochs));
            }
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    private static void report(String what, int rows, int epochs, double seconds) {
        System.out.printf(Locale.ROOT, "  %s: %.2f M rows/s (%.2f s for %d epochs)%n", what,
                (double) rows * epochs / seconds / 1e6, seconds, epochs);
    }

    private static double drawOnly(BatchSource source, int epochs) {
        float[] x = new float[64 * source.featureCount()];
        int[] y = new int[64];
        Rng rng = new Rng(3);
        double sink = 0;
        long t = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            source.startEpoch(rng);
            int n;
            while ((n = source.nextBatch(x, y, null, 64)) > 0) {
                sink += x[0] + y[n - 1];
            }
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        if (Double.isNaN(sink)) {
            System.out.println("NaN");
        }
        return seconds;
    }

    private static double train(NetworkSpec spec, BatchSource source, int epochs) {
        TrainingSession session = new TrainingSession(new Network(spec, 1), 64, OptimizerConfig.adam(1e-3f));
        Trainer trainer = new Trainer(session, source, 64, 2);
        long t = System.nanoTime();
        trainer.fit(epochs, TrainingListener.NONE);
        return (System.nanoTime() - t) / 1e9;
    }
}
