package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.ArraySource;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.EarlyStopping;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
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
 *
 * <p>Every combination of the layer core is measured the same way: each activation (on the hidden and the output
 * layers), with and without layer norm and dropout, each task and loss (class weights, smoothing, binary labels and
 * targets, Huber), with and without a {@link ComputePool} (whose worker's allocations count too).
 */
class ZeroAllocationTest {
    private static final int CALLS = 10_000;
    private static final int ROUNDS = 12;
    /** The combinations run short rounds (hundreds of calls, a few when pooled), so more of them may be needed. */
    private static final int COMBINATION_ROUNDS = 40;
    /** Least time a measurement keeps calling before it gives up on a round free of allocation. */
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

    private static long allocated() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    /** What a measured round does: {@code calls} calls, returning something derived so nothing is dead code. */
    interface Round {
        double run(int round);
    }

    /** Bytes allocated by each round until one allocates none; the last entry is 0 on success. */
    private static List<Long> roundsUntilZero(Round round) {
        return roundsUntilZero(round, ROUNDS, false);
    }

    /**
     * As {@link #roundsUntilZero(Round)}, at least {@code maxRounds} rounds and {@link #WARM_UP_NANOS} (the JIT's
     * compilers need time as well as calls: the vector kernels' C2 compilation takes longer than 40 quick rounds on a
     * busy machine), counting the pool worker's allocations too when {@code withPoolWorker} (read outside the caller's
     * window: reading another thread's counter allocates). Only the bytes of the last 200 rounds are kept.
     */
    private static List<Long> roundsUntilZero(Round round, int maxRounds, boolean withPoolWorker) {
        List<Long> bytes = new ArrayList<>();
        double sink = 0;
        final long start = System.nanoTime();
        for (int r = 0; r < maxRounds || System.nanoTime() - start < WARM_UP_NANOS; r++) {
            if (bytes.size() == 200) {
                bytes.remove(0);
            }
            long workerBefore = withPoolWorker ? threads.getThreadAllocatedBytes(poolWorkerId) : 0;
            long before = allocated();
            sink += round.run(r);
            long after = allocated();
            long workerAfter = withPoolWorker ? threads.getThreadAllocatedBytes(poolWorkerId) : 0;
            long used = after - before + workerAfter - workerBefore;
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

    /** Values in [0, 1] for binary cross-entropy, any values for a regressor. */
    private static float[] targets(int n, Task task) {
        Rng rng = new Rng(4);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = task == Task.REGRESS ? (float) rng.nextGaussian() : (float) rng.nextDouble();
        }
        return t;
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
        assertEquals(0L, rounds.get(rounds.size() - 1),
                "no round of inference calls was free of allocation: " + rounds);
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
    void trainingEpochsOverASourceThatIsNotADatasetWithEarlyStoppingAllocateNothing() {
        ArraySource source = new ArraySource(new Dataset(inputs(500, 8), labels(500, 3), 8, 3));
        TrainingSession session = new TrainingSession(new Network(NetworkSpec.of(8, 16, 3), 4), 32,
                OptimizerConfig.adam(1e-3f));
        Trainer trainer = new Trainer(session, source, 32, 9);
        EarlyStopping stopping = new EarlyStopping(session.network(), 0);
        List<Long> rounds = roundsUntilZero(r -> {
            for (int e = 0; e < 625; e++) { // 16 steps an epoch: 10,000 steps a round
                trainer.runEpoch(TrainingListener.NONE);
                stopping.record(trainer.epochsDone(), e % 3 == 0 ? trainer.lastLoss() : Double.NaN);
            }
            stopping.restoreBest();
            return trainer.lastLoss() + stopping.bestLoss();
        });
        System.out.printf(Locale.ROOT, "Trainer over a BatchSource + EarlyStopping: bytes allocated per round of 625 "
                + "epochs (10,000 steps): %s%n", rounds);
        assertEquals(0L, rounds.get(rounds.size() - 1), "no round of epochs was free of allocation: " + rounds);
        assertEquals(625 * rounds.size(), source.shuffledEpochs, "every epoch drew from the source");
    }

    // ---- every combination of the layer core ----------------------------------------------------------------

    /** The pool the pooled combinations share: two parts, the caller and one worker whose allocations count too. */
    private static ComputePool pool;
    private static long poolWorkerId;

    @BeforeAll
    static void sharedPool() {
        pool = new ComputePool(2);
        final long[] worker = new long[1];
        pool.run(new ComputePool.Task<Object>() {
            @Override
            public void run(Object context, int part, int parts) {
                if (part == 1) {
                    worker[0] = Thread.currentThread().getId();
                }
            }
        }, null);
        poolWorkerId = worker[0];
    }

    @AfterAll
    static void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    /** A task and the loss it trains with, as one axis of the combinations. */
    enum Head {
        CROSS_ENTROPY(Task.CLASSIFY, 3, Loss.crossEntropy()),
        CROSS_ENTROPY_WEIGHTED(Task.CLASSIFY, 3, Loss.crossEntropy().withClassWeights(new float[] {1f, 3f, 0.5f})),
        CROSS_ENTROPY_SMOOTHED(Task.CLASSIFY, 3, Loss.crossEntropy().withLabelSmoothing(0.1f)),
        CROSS_ENTROPY_WEIGHTED_SMOOTHED(Task.CLASSIFY, 3,
                Loss.crossEntropy().withClassWeights(new float[] {1f, 3f, 0.5f}).withLabelSmoothing(0.1f)),
        BINARY(Task.BINARY, 1, Loss.binaryCrossEntropy()),
        BINARY_WEIGHTED(Task.BINARY, 1, Loss.binaryCrossEntropy().withClassWeights(new float[] {0.5f, 2f})),
        MULTILABEL(Task.MULTILABEL, 3, Loss.binaryCrossEntropy()),
        MSE(Task.REGRESS, 2, Loss.meanSquaredError()),
        HUBER(Task.REGRESS, 2, Loss.huber(0.5f));

        final Task task;
        final int outputs;
        final Loss loss;

        Head(Task task, int outputs, Loss loss) {
            this.task = task;
            this.outputs = outputs;
            this.loss = loss;
        }
    }

    static Stream<Arguments> combinations() {
        Activation[] activations = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.1f), Activation.TANH,
            Activation.SIGMOID, Activation.GELU, Activation.GELU_TANH};
        List<Arguments> all = new ArrayList<>();
        for (boolean pooled : new boolean[] {false, true}) {
            for (Activation a : activations) {
                for (boolean norm : new boolean[] {false, true}) {
                    for (boolean dropout : new boolean[] {false, true}) {
                        for (Head head : Head.values()) {
                            all.add(Arguments.of(a, norm, dropout, head, pooled));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    /**
     * Hidden layers and the output layer all with {@code a} (and a layer norm when {@code norm}), dropout on the
     * hidden layers when {@code dropout}. Unpooled: 12-20-9-k at batches 1 to 8 (both forward kernels). Pooled:
     * 64-64-64-k at batch 128, where the forward pass and both hidden layers' backward passes are split, and batch 3,
     * where nothing is.
     */
    private static NetworkSpec combinationSpec(Activation a, boolean norm, boolean dropout, Head head, boolean pooled) {
        int[] hidden = pooled ? new int[] {64, 64} : new int[] {20, 9};
        NetworkSpec.Builder b = NetworkSpec.builder(pooled ? 64 : 12);
        for (int width : hidden) {
            b.hidden(width, a);
            if (norm) {
                b.layerNorm();
            }
            if (dropout) {
                b.dropout(0.25f);
            }
        }
        b.output(head.outputs, head.task).activation(a);
        if (norm) {
            b.layerNorm();
        }
        return b.build();
    }

    /** One named call of a combination's round. */
    private record Op(String name, Round body) {
    }

    @ParameterizedTest(name = "{0}, layer norm {1}, dropout {2}, {3}, pool {4}")
    @MethodSource("combinations")
    void everyCombinationTrainsAndPredictsWithoutAllocating(Activation a, boolean norm, boolean dropout, Head head,
                                                            boolean pooled) {
        final NetworkSpec spec = combinationSpec(a, norm, dropout, head, pooled);
        final int maxBatch = pooled ? 128 : 8;
        final Network network = new Network(spec, 5);
        final TrainingSession session = new TrainingSession(network, maxBatch,
                OptimizerConfig.adam(1e-3f).withClipNorm(1f), head.loss, pooled ? pool : null);
        final Workspace ws = new Workspace(spec, maxBatch, pooled ? pool : null);
        final float[] x = inputs(maxBatch, spec.inputs());
        final int classCount = head.task == Task.BINARY ? 2 : head.outputs;
        final int[] y = head.task.hasClassLabels() ? labels(maxBatch, classCount) : null;
        final float[] t = head.task == Task.CLASSIFY ? null : targets(maxBatch * head.outputs, head.task);
        final float[] out = new float[maxBatch * head.outputs];
        final int[] classes = new int[maxBatch];
        final Dataset data = y != null ? new Dataset(x, y, spec.inputs(), classCount)
                : Dataset.withTargets(x, t, spec.inputs(), head.outputs, null, null);
        final Trainer trainer = new Trainer(session, data, pooled ? maxBatch : 3, 9);
        final int calls = pooled ? 6 : 300;
        // pooled: alternately a batch that is split and one that is not; unpooled: every batch size
        final java.util.function.IntUnaryOperator batchOf = pooled ? i -> i % 2 == 0 ? maxBatch : 3
                : i -> 1 + i % maxBatch;

        List<Op> ops = new ArrayList<>();
        if (y != null) {
            ops.add(new Op("trainStep(labels)", r -> {
                double s = 0;
                for (int i = 0; i < calls; i++) {
                    session.zeroGrad();
                    s += session.trainStep(x, 0, y, 0, batchOf.applyAsInt(i));
                }
                return s;
            }));
        }
        if (t != null) {
            ops.add(new Op("trainStep(targets)", r -> {
                double s = 0;
                for (int i = 0; i < calls; i++) {
                    session.zeroGrad();
                    s += session.trainStep(x, 0, t, 0, batchOf.applyAsInt(i));
                }
                return s;
            }));
        }
        ops.add(new Op("optimizerStep", r -> {
            for (int i = 0; i < calls; i++) {
                session.optimizerStep();
            }
            return network.parameter(0);
        }));
        ops.add(new Op("predict", r -> {
            double s = 0;
            for (int i = 0; i < calls; i++) {
                network.predict(ws, x, 0, batchOf.applyAsInt(i), out, 0);
                s += out[0];
            }
            return s;
        }));
        if (head.task != Task.REGRESS) {
            ops.add(new Op("predictProbabilities", r -> {
                double s = 0;
                for (int i = 0; i < calls; i++) {
                    network.predictProbabilities(ws, x, 0, batchOf.applyAsInt(i), out, 0);
                    s += out[0];
                }
                return s;
            }));
        }
        ops.add(new Op("predictLogits", r -> {
            double s = 0;
            for (int i = 0; i < calls; i++) {
                network.predictLogits(ws, x, 0, batchOf.applyAsInt(i), out, 0);
                s += out[0];
            }
            return s;
        }));
        if (head.task.hasClassLabels()) {
            ops.add(new Op("predictClasses", r -> {
                double s = 0;
                for (int i = 0; i < calls; i++) {
                    network.predictClasses(ws, x, 0, batchOf.applyAsInt(i), classes, 0);
                    s += classes[0] + network.predictClass(ws, x, 0);
                }
                return s;
            }));
        }
        ops.add(new Op("Trainer epoch", r -> {
            trainer.runEpoch(TrainingListener.NONE);
            return trainer.lastLoss();
        }));

        String what = spec + ", " + head.loss + (pooled ? ", pool of 2" : "");
        final Op[] each = ops.toArray(new Op[0]); // an indexed loop: an iterator would be the round's only allocation
        List<Long> rounds = roundsUntilZero(r -> {
            double s = 0;
            for (int k = 0; k < each.length; k++) {
                s += each[k].body().run(r);
            }
            return s;
        }, COMBINATION_ROUNDS, pooled);
        if (rounds.get(rounds.size() - 1) != 0L) {
            StringBuilder culprits = new StringBuilder();
            for (Op op : ops) {
                List<Long> alone = roundsUntilZero(op.body(), COMBINATION_ROUNDS, pooled);
                if (alone.get(alone.size() - 1) != 0L) {
                    culprits.append(' ').append(op.name()).append(' ').append(alone);
                }
            }
            throw new AssertionError(what + ": no round of " + ops.size() + " operations x " + calls
                    + " calls was free of allocation: " + rounds + "; alone:" + culprits);
        }
        System.out.printf(Locale.ROOT, "%s: bytes per round of %d ops x %d calls%s: %s%n", what, ops.size(), calls,
                pooled ? " (caller and pool worker)" : "", rounds);
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
