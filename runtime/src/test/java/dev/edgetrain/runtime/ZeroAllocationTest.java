package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.lang.management.ManagementFactory;
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
 */
class ZeroAllocationTest {
    private static final int CALLS = 10_000;
    /**
     * Calls before measuring. The first call allocates (class loading, constant-pool resolution: ~20 KB), and
     * a few hundred bytes appear once more around the tiered JIT's switch from C1 to C2 code, within the first
     * ~4,000 calls; with -Xint or C2 alone only the first call allocates. So warm up well past that.
     */
    private static final int WARM_UP = 20_000;
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

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", OptimizerConfig.sgd(0.05f)),
                Arguments.of("sgd+momentum", OptimizerConfig.sgd(0.05f).withMomentum(0.9f, false)),
                Arguments.of("sgd+nesterov+decay", OptimizerConfig.sgd(0.05f).withMomentum(0.9f, true)
                        .withWeightDecay(1e-4f)),
                Arguments.of("adam+clip+cosine", OptimizerConfig.adam(1e-3f).withClipNorm(1f)
                        .withSchedule(LearningRateSchedule.cosine(20_000, 0.1))),
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
        float sink = 0;
        for (int i = 0; i < WARM_UP; i++) {
            sink += step(session, x, y, 1 + i % 32);
        }
        long before = allocated();
        for (int i = 0; i < CALLS; i++) {
            sink += step(session, x, y, 1 + i % 32);
        }
        long bytes = allocated() - before;
        System.out.printf(Locale.ROOT, "%s: %d trainStep+optimizerStep+zeroGrad calls allocated %d bytes (loss %.3f)%n",
                name, CALLS, bytes, sink / (CALLS + WARM_UP));
        assertEquals(0, bytes, name + ": bytes allocated by " + CALLS + " training steps");
    }

    private static float step(TrainingSession session, float[] x, int[] y, int batch) {
        session.zeroGrad();
        float loss = session.trainStep(x, 0, y, 0, batch);
        session.optimizerStep();
        return loss;
    }

    @Test
    void inferenceAllocatesNothing() {
        NetworkSpec spec = NetworkSpec.of(64, 32, 10);
        Network network = new Network(spec, 2);
        Workspace ws = new Workspace(spec, 16);
        float[] x = inputs(16, 64);
        float[] probs = new float[16 * 10];
        int[] classes = new int[16];
        long sink = 0;
        for (int i = 0; i < WARM_UP; i++) {
            sink += infer(network, ws, x, probs, classes, 1 + i % 16);
        }
        long before = allocated();
        for (int i = 0; i < CALLS; i++) {
            sink += infer(network, ws, x, probs, classes, 1 + i % 16);
        }
        long bytes = allocated() - before;
        System.out.printf(Locale.ROOT, "inference: %d x (predictProbabilities + predictClasses + predictClass + "
                + "predictLogits) allocated %d bytes (%d)%n", CALLS, bytes, sink);
        assertEquals(0, bytes, "bytes allocated by " + CALLS + " inference calls");
    }

    private static long infer(Network network, Workspace ws, float[] x, float[] probs, int[] classes, int batch) {
        network.predictProbabilities(ws, x, 0, batch, probs, 0);
        network.predictClasses(ws, x, 0, batch, classes, 0);
        network.predictLogits(ws, x, 0, batch, probs, 0);
        return classes[0] + network.predictClass(ws, x, 64);
    }

    @Test
    void aTrainingEpochAllocatesNothing() {
        float[] x = inputs(500, 8);
        int[] y = labels(500, 3);
        Dataset data = new Dataset(x, y, 8, 3);
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(8, 16, 3), 4), 32,
                OptimizerConfig.adam(1e-3f));
        Trainer trainer = new Trainer(session, data, 32, 9);
        trainer.fit(1300, TrainingListener.NONE); // 16 steps an epoch: past WARM_UP steps
        long before = allocated();
        trainer.fit(20, TrainingListener.NONE);
        long bytes = allocated() - before;
        System.out.printf(Locale.ROOT, "20 epochs of 500 rows allocated %d bytes%n", bytes);
        assertEquals(0, bytes, "bytes allocated by 20 training epochs");
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
