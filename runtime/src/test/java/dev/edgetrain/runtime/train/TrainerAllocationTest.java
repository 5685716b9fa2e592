package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@link Trainer} epoch, divergence guard included (its anchors, the ring of mini-batches and the optimizer's
 * update check), allocates nothing with every optimizer, counted exactly by HotSpot's per-thread allocation
 * counter: rounds of 10,000 steps until one allocates 0 bytes (the first rounds may allocate while the JIT
 * compiles); a guard that allocated on every step would never get a zero round.
 */
class TrainerAllocationTest {
    private static final int ROUNDS = 12;
    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", OptimizerConfig.sgd(0.05f)),
                Arguments.of("sgd+momentum", OptimizerConfig.sgd(0.05f).withMomentum(0.9f, false)),
                Arguments.of("sgd+nesterov+decay", OptimizerConfig.sgd(0.05f).withMomentum(0.9f, true)
                        .withWeightDecay(1e-4f)),
                Arguments.of("adam+clip", OptimizerConfig.adam(1e-3f).withClipNorm(1f)),
                Arguments.of("adamw", OptimizerConfig.adamW(1e-3f, 0.01f)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void guardedTrainerEpochsAllocateNothing(String name, OptimizerConfig config) {
        Rng rng = new Rng(3);
        float[] x = new float[500 * 8]; // [rows][features]
        int[] y = new int[500]; // [rows]
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
        }
        // Layer 0's weights (8×1,100) span several of the update check's chunks.
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(8, 1100, 3), 4), 32, config);
        Trainer trainer = new Trainer(session, new Dataset(x, y, 8, 3), 32, 9);
        assertTrue(session.optimizer().updateCheck(), "the trainer turned the optimizer's update check on");
        List<Long> rounds = new ArrayList<>();
        double sink = 0;
        final long start = System.nanoTime(); // at least 5 s: the JIT needs time too (see ZeroAllocationTest)
        for (int r = 0; r < ROUNDS || System.nanoTime() - start < 5_000_000_000L; r++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            trainer.fit(100, TrainingListener.NONE); // 16 steps an epoch: 1,600 steps a round
            sink += trainer.lastLoss();
            long used = threads.getCurrentThreadAllocatedBytes() - before;
            rounds.add(used);
            if (used == 0) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "%s: bytes allocated per round of 100 guarded epochs: %s (loss %.4f)%n", name,
                rounds, sink);
        assertTrue(Double.isFinite(sink));
        assertEquals(0L, rounds.get(rounds.size() - 1), name + ": no round of epochs was free of allocation: "
                + rounds);
    }
}
