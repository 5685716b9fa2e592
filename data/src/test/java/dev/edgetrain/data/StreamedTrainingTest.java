package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trainer over streamed batches learns as one over the same rows in memory, resumes exactly, allocates nothing. */
class StreamedTrainingTest {
    @TempDir
    Path dir;

    /** Every fifth row is a test row. */
    private static BitSet testRows(int rows) {
        BitSet test = new BitSet();
        for (int r = 0; r < rows; r += 5) {
            test.set(r);
        }
        return test;
    }

    private static BitSet complement(BitSet set, int rows) {
        BitSet other = (BitSet) set.clone();
        other.flip(0, rows);
        return other;
    }

    /** The rows of {@code filter}, in stored order, as an in-memory set. */
    private static Dataset inMemory(CacheTestRows rows, BitSet filter) {
        int[] indices = filter.stream().toArray();
        return new Dataset(rows.x, rows.labels, rows.featureCount, rows.classes).subset(indices);
    }

    private static TrainingSession session(NetworkSpec spec, long seed) {
        TrainingSession s = new TrainingSession(new Network(spec, seed), 32, OptimizerConfig.adam(3e-3f),
                Loss.defaultFor(spec.task()), null);
        s.setDropoutSeed(seed + 1);
        return s;
    }

    @Test
    void streamedAndInMemoryTrainingReachTheSameAccuracyWithinHalfAPoint() throws IOException {
        CacheTestRows rows = CacheTestRows.blobs(25_000, 10, 4, 2.2, 11);
        BitSet test = testRows(rows.rows);
        BitSet train = complement(test, rows.rows);
        Dataset trainSet = inMemory(rows, train);
        Dataset testSet = inMemory(rows, test);
        Standardizer standardizer = Standardizer.fit(trainSet);
        NetworkSpec spec = NetworkSpec.builder(10).hidden(32).activation(Activation.parse("relu"))
                .output(4, Task.CLASSIFY).build();
        final int epochs = 6;

        TrainingSession memory = session(spec, 3);
        new Trainer(memory, standardizer.apply(trainSet), 32, 5).fit(epochs, TrainingListener.NONE);
        Evaluation memoryEval = Trainer.evaluate(memory, standardizer.apply(testSet));

        try (RowCache cache = rows.write(dir, 4096)) { // 93 rows a block: 269 blocks
            StreamedBatches streamedTrain = StreamedBatches.over(cache).classes(4, null).rows(train)
                    .standardizer(standardizer).build();
            StreamedBatches streamedTest = StreamedBatches.over(cache).classes(4, null).rows(test)
                    .standardizer(standardizer).bufferBlocks(1).build();
            TrainingSession streamed = session(spec, 3);
            new Trainer(streamed, streamedTrain, 32, 5).fit(epochs, TrainingListener.NONE);
            Evaluation streamedEval = Trainer.evaluate(streamed, streamedTest);
            Evaluation sameRowsInMemory = Trainer.evaluate(streamed, standardizer.apply(testSet));
            System.out.printf(Locale.ROOT, "in memory: %s; streamed: %s%n", memoryEval, streamedEval);

            assertEquals(sameRowsInMemory.loss(), streamedEval.loss(), 0.0,
                    "evaluating streamed rows in stored order = evaluating them in memory");
            assertEquals(sameRowsInMemory.correct(), streamedEval.correct());
            assertFalse(Arrays.equals(memory.network().copyParameters(), streamed.network().copyParameters()),
                    "the two runs saw different orders: the comparison is not of one run with itself");
            assertTrue(memoryEval.accuracy() > 0.8 && memoryEval.accuracy() < 0.99,
                    "the problem should be learnable but not trivial: " + memoryEval);
            assertEquals(memoryEval.accuracy(), streamedEval.accuracy(), 0.005,
                    "streamed " + streamedEval + " vs in memory " + memoryEval);
        }
    }

    @Test
    void aResumedStreamedRunEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        CacheTestRows rows = CacheTestRows.blobs(3000, 6, 3, 1.5, 12);
        NetworkSpec spec = NetworkSpec.builder(6).hidden(16).activation(Activation.parse("gelu")).dropout(0.1f)
                .output(3, Task.CLASSIFY).build();
        try (RowCache cache = rows.write(dir, 2048)) {
            BitSet train = complement(testRows(rows.rows), rows.rows);
            TrainingSession straight = session(spec, 4);
            Trainer uninterrupted = new Trainer(straight, StreamedBatches.over(cache).classes(3, null).rows(train)
                    .build(), 32, 8);
            uninterrupted.fit(5, TrainingListener.NONE);

            TrainingSession first = session(spec, 4);
            Trainer killed = new Trainer(first, StreamedBatches.over(cache).classes(3, null).rows(train).build(),
                    32, 8);
            killed.fit(2, TrainingListener.NONE);
            byte[] saved = Checkpoint.capture(killed, null, null).toBytes();

            TrainingSession second = session(spec, 99); // other initial weights and dropout state: restored below
            Trainer resumed = new Trainer(second, StreamedBatches.over(cache).classes(3, null).rows(train).build(),
                    32, 1234);
            Checkpoint.fromBytes(saved, "checkpoint").restoreInto(resumed);
            resumed.fit(3, TrainingListener.NONE);
            assertEquals(5, resumed.epochsDone());
            assertArrayEquals(straight.network().copyParameters(), second.network().copyParameters(),
                    "resumed after epoch 2 of 5: weights differ from the uninterrupted run");
            assertEquals(uninterrupted.rngState(), resumed.rngState());
        }
    }

    @Test
    void epochsAllocateNothingAfterTheFirst() throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
        CacheTestRows rows = CacheTestRows.blobs(2000, 8, 3, 1.0, 13);
        try (RowCache cache = rows.write(dir, 1024)) {
            StreamedBatches source = StreamedBatches.over(cache).classes(3, null).rows(testRows(rows.rows))
                    .standardizer(Standardizer.fit(inMemory(rows, testRows(rows.rows)))).build();
            TrainingSession session = session(NetworkSpec.of(8, 16, 3), 5);
            Trainer trainer = new Trainer(session, source, 32, 9);
            trainer.runEpoch(TrainingListener.NONE);
            // Rounds of 20 epochs until one allocates nothing (the JIT's first compilations may allocate once).
            List<Long> rounds = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int e = 0; e < 20; e++) {
                    trainer.runEpoch(TrainingListener.NONE);
                }
                long used = threads.getCurrentThreadAllocatedBytes() - before;
                rounds.add(used);
                if (used == 0) {
                    break;
                }
            }
            System.out.printf(Locale.ROOT, "streamed epochs: bytes allocated per round of 20 epochs: %s%n", rounds);
            assertEquals(0L, rounds.get(rounds.size() - 1), "no round of streamed epochs was free of allocation");
            assertTrue(Float.isFinite(trainer.lastLoss()));
            assertEquals((1 + 20L * rounds.size()) * source.rows(), source.rowsDelivered(),
                    "every epoch handed out every row");
        }
    }
}
