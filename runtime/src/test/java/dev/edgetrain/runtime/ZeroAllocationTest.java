package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
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
 * After construction and warm-up, training and inference steps allocate nothing on the calling thread,
 * measured with HotSpot's per-thread allocation counter (exact, not sampled).
 *
 * <p>Warm-up is not a fixed count: the first call allocates (class loading, constant-pool resolution,
 * ~20 KB), and a few hundred bytes appear once more around the tiered JIT's switch from C1 to C2 code,
 * which comes later when the machine is loaded (with -Xint or C2 alone only the first call allocates).
 * So each test measures rounds of 10,000 calls until one round allocates nothing, up to {@link #ROUNDS}
 * rounds; code that allocated on every call would never get a zero round and fails.
 */
class ZeroAllocationTest {
    private static final int CALLS = 10_000;
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

    private static long allocated() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    /** What a measured round does: {@code calls} calls, returning something derived so nothing is dead code. */
    interface Round {
        double run(int round);
    }

    /** Bytes allocated by each round until one allocates none; the last entry is 0 on success. */
    private static List<Long> roundsUntilZero(Round round) {
        List<Long> bytes = new ArrayList<>();
        double sink = 0;
        for (int r = 0; r < ROUNDS; r++) {
            long before = allocated();
            sink += round.run(r);
            long used = allocated() - before;
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

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", OptimizerConfig.sgd(0.05f)),
                Arguments.of("sgd+momentum", OptimizerConfig.sgd(0.05f).withMomentum(0.9f, false)),
                Arguments.of("sgd+nesterov+decay", OptimizerConfig.sgd(0.05f).withMomentum(0.9f, true)
                        .withWeightDecay(1e-4f)),
                Arguments.of("adam+clip+cosine", OptimizerConfig.adam(1e-3f).withClipNorm(1f)
                        .withSchedule(LearningRateSchedule.cosine(200_000, 0.1))),
                Arguments.of("adamw+step+warmup", OptimizerConfig.adamW(1e-3f, 0.01f)
                        .withSchedule(LearningRateSchedule.step(1000, 0.5).withWarmup(100))));
    }

    private static float[] inputs(int rows, int features) {
        Rng rng = new Rng(3);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    private static int[] labels(int rows, int classes) {
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = i % classes;
        }
        return y;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void trainStepAndOptimizerStepAllocateNothing(String name, OptimizerConfig config) {
        Network network = new Network(NetworkSpec.of(64, new int[] {32, 16}, 10), 1);
        TrainingSession session = new TrainingSession(network, 32, config);
        session.setTrainable(0, false); // the frozen-layer path too
        session.setTrainable(0, true);
        float[] x = inputs(32, 64);
        int[] y = labels(32, 10);
        List<Long> rounds = roundsUntilZero(r -> {
            float sum = 0;
            for (int i = 0; i < CALLS; i++) {
                session.zeroGrad();
                sum += session.trainStep(x, 0, y, 0, 1 + i % 32);
                session.optimizerStep();
            }
            return sum;
        });
        System.out.printf(Locale.ROOT, "%s: bytes allocated per round of %d trainStep+optimizerStep+zeroGrad: %s%n",
                name, CALLS, rounds);
        assertEquals(0L, rounds.get(rounds.size() - 1), name + ": no round of " + CALLS + " steps was free of "
                + "allocation: " + rounds);
    }

    @Test
    void inferenceAllocatesNothing() {
        NetworkSpec spec = NetworkSpec.of(64, 32, 10);
        Network network = new Network(spec, 2);
        Workspace ws = new Workspace(spec, 16);
        float[] x = inputs(16, 64);
        float[] probs = new float[16 * 10];
        int[] classes = new int[16];
        List<Long> rounds = roundsUntilZero(r -> {
            long sum = 0;
            for (int i = 0; i < CALLS; i++) {
                int batch = 1 + i % 16;
                network.predictProbabilities(ws, x, 0, batch, probs, 0);
                network.predictClasses(ws, x, 0, batch, classes, 0);
                network.predictLogits(ws, x, 0, batch, probs, 0);
                sum += classes[0] + network.predictClass(ws, x, 64);
            }
            return sum;
        });
        System.out.printf(Locale.ROOT, "inference: bytes allocated per round of %d x (predictProbabilities + "
                + "predictClasses + predictLogits + predictClass): %s%n", CALLS, rounds);
        assertEquals(0L, rounds.get(rounds.size() - 1), "no round of inference calls was free of allocation: " + rounds);
    }

    @Test
    void trainingEpochsAllocateNothing() {
        float[] x = inputs(500, 8);
        int[] y = labels(500, 3);
        Dataset data = new Dataset(x, y, 8, 3);
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(8, 16, 3), 4), 32,
                OptimizerConfig.adam(1e-3f));
        Trainer trainer = new Trainer(session, data, 32, 9);
        List<Long> rounds = roundsUntilZero(r -> {
            trainer.fit(625, TrainingListener.NONE); // 16 steps an epoch: 10,000 steps a round
            return trainer.lastLoss();
        });
        System.out.printf(Locale.ROOT, "Trainer: bytes allocated per round of 625 epochs (10,000 steps): %s%n", rounds);
        assertEquals(0L, rounds.get(rounds.size() - 1), "no round of epochs was free of allocation: " + rounds);
    }

    @Test
    void theCounterSeesAllocations() {
        long before = allocated();
        Object[] garbage = new Object[1000];
        long bytes = allocated() - before;
        assertEquals(1000, garbage.length);
        assertEquals(true, bytes >= 1000 * 4, "an allocation of 1000 references was counted: " + bytes);
    }
}
