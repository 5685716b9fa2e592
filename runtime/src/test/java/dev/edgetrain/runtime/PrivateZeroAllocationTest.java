package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.privacy.ChaChaRandom;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.PrivateTraining;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DP-SGD steps allocate nothing once warmed up, measured as {@link ZeroAllocationTest} measures ordinary steps:
 * HotSpot's exact per-thread allocation counter, rounds of calls until one round allocates 0 bytes.
 */
class PrivateZeroAllocationTest {
    private static final int ROUNDS = 12;
    /** Least time a measurement keeps calling: the JIT needs time as well as calls (see ZeroAllocationTest). */
    private static final long WARM_UP_NANOS = 5_000_000_000L;
    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    interface Round {
        double run();
    }

    /**
     * Bytes allocated by each round until one allocates none, at least {@link #ROUNDS} rounds and
     * {@link #WARM_UP_NANOS}; the last entry is 0 on success (only the last 200 rounds are kept).
     */
    private static List<Long> roundsUntilZero(Round round) {
        List<Long> bytes = new ArrayList<>();
        double sink = 0;
        final long start = System.nanoTime();
        for (int r = 0; r < ROUNDS || System.nanoTime() - start < WARM_UP_NANOS; r++) {
            if (bytes.size() == 200) {
                bytes.remove(0);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            sink += round.run();
            long used = threads.getCurrentThreadAllocatedBytes() - before;
            bytes.add(used);
            if (used == 0) {
                break;
            }
        }
        if (Double.isNaN(sink)) {
            bytes.add(-1L);
        }
        return bytes;
    }

    static Stream<Arguments> networks() {
        List<Arguments> all = new ArrayList<>();
        for (Activation a : new Activation[] {Activation.RELU, Activation.TANH, Activation.GELU}) {
            for (boolean norm : new boolean[] {false, true}) {
                for (Task task : Task.values()) {
                    all.add(Arguments.of(a, norm, task));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, layer norm {1}, {2}")
    @MethodSource("networks")
    void dpStepsAllocateNothing(Activation a, boolean norm, Task task) {
        NetworkSpec.Builder b = NetworkSpec.builder(12);
        for (int width : new int[] {20, 9}) {
            b.hidden(width, a).dropout(0.2f);
            if (norm) {
                b.layerNorm();
            }
        }
        int outputs = task == Task.BINARY || task == Task.REGRESS ? 1 : 3;
        NetworkSpec spec = b.output(outputs, task).build();
        TrainingSession session = new TrainingSession(new Network(spec, 1), 8, OptimizerConfig.adam(1e-3f));
        PrivateTrainingSession dp = new PrivateTrainingSession(session, 1.0, 1.1, 5, ChaChaRandom.seeded(2));
        Rng rng = new Rng(3);
        float[] x = new float[8 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] labels = new int[8];
        float[] targets = new float[8 * outputs];
        for (int i = 0; i < 8; i++) {
            labels[i] = i % (task == Task.BINARY ? 2 : outputs);
        }
        for (int i = 0; i < targets.length; i++) {
            targets[i] = (float) rng.nextDouble();
        }
        boolean useLabels = task.hasClassLabels();
        List<Long> rounds = roundsUntilZero(() -> {
            double sum = 0;
            for (int i = 0; i < 1000; i++) {
                int n = 1 + i % 8;
                sum += useLabels ? dp.accumulate(x, 0, labels, 0, n) : dp.accumulate(x, 0, targets, 0, n);
                if (i % 3 == 0) {
                    sum += useLabels ? dp.accumulate(x, 0, labels, 0, 3) : dp.accumulate(x, 0, targets, 0, 3);
                }
                dp.noisyStep();
            }
            return sum;
        });
        System.out.printf(Locale.ROOT, "%s%s %s: bytes allocated per round of 1000 DP steps: %s%n", a,
                norm ? "+norm" : "", task, rounds);
        assertEquals(0L, rounds.get(rounds.size() - 1), "no round of DP steps was free of allocation: " + rounds);
    }

    /** Whole private epochs: Poisson sampling, gathering, chunks (maxBatch 8 below batches of ~12), empty batches. */
    @Test
    void privateEpochsThroughTheTrainerAllocateNothing() {
        Rng rng = new Rng(4);
        float[] x = new float[400 * 6];
        int[] y = new int[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
        }
        Dataset data = new Dataset(x, y, 6, 3);
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(6, 16, 3), 5), 8,
                OptimizerConfig.sgd(0.1f));
        double q = 0.03;
        PrivateTrainingSession dp = new PrivateTrainingSession(session, 1.0, 1.0, q * 400, ChaChaRandom.seeded(6));
        Trainer trainer = new Trainer(session, data, 8, 7);
        trainer.makePrivate(new PrivateTraining(dp, data, q, 34, ChaChaRandom.seeded(8)));
        List<Long> rounds = roundsUntilZero(() -> {
            trainer.fit(30, TrainingListener.NONE); // 1,020 steps
            return trainer.lastLoss();
        });
        System.out.printf(Locale.ROOT, "private Trainer: bytes allocated per round of 30 epochs (1,020 DP steps): "
                + "%s%n", rounds);
        assertEquals(0L, rounds.get(rounds.size() - 1), "no round of private epochs was free of allocation: "
                + rounds);
    }
}
