package dev.edgetrain.benchmarks.tools;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;
import dev.edgetrain.benchmarks.OptimizerStepBenchmark;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.train.BatchSource;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a {@link Trainer} adds to the bare session steps (its divergence guard, the optimizer's update check
 * included): the thread's CPU time of a {@code Trainer} epoch against the same kind of shuffled epoch through a bare
 * session with no guard and no check, alternated, medians over {@code rounds} epochs each. What
 * {@code TrainerEpochBenchmark} measures, in CPU time rather than wall time, which a busy machine disturbs less. Run it
 * on two runtime jars to compare them. The kernels are this JVM's choice ({@code --add-modules jdk.incubator.vector},
 * {@code -Dedgetrain.kernels=plain|vector}).
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar dev.edgetrain.benchmarks.tools.GuardCost
 * 784-256-10 adam 32 21}
 */
public final class GuardCost {
    private GuardCost() {
    }

    public static void main(String[] args) {
        Architecture arch = Architecture.parse(args.length > 0 ? args[0] : "784-256-10");
        String optimizer = args.length > 1 ? args[1] : "sgd";
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 21;
        Datasets data = Datasets.forArchitecture(arch);
        Dataset set = new Dataset(data.x, data.y, data.features, data.classes);
        Trainer trainer = new Trainer(new TrainingSession(new Network(arch.spec(), 7), batch,
                OptimizerStepBenchmark.config(optimizer)), set, batch, 5);
        TrainingSession bare = new TrainingSession(new Network(arch.spec(), 7), batch,
                OptimizerStepBenchmark.config(optimizer));
        BatchSource source = set.batches();
        Rng rng = new Rng(5);
        float[] batchX = new float[batch * data.features]; // [batch][features]
        int[] batchY = new int[batch]; // [batch]
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] guarded = new double[rounds];
        double[] unguarded = new double[rounds];
        for (int round = -5; round < rounds; round++) { // five rounds of warm-up
            long t0 = threads.getCurrentThreadCpuTime();
            trainer.runEpoch(TrainingListener.NONE);
            long t1 = threads.getCurrentThreadCpuTime();
            source.startEpoch(rng);
            int n;
            while ((n = source.nextBatch(batchX, batchY, null, batch)) > 0) {
                bare.zeroGrad();
                bare.trainStep(batchX, 0, batchY, 0, n);
                bare.optimizerStep();
            }
            long t2 = threads.getCurrentThreadCpuTime();
            if (round >= 0) {
                guarded[round] = (t1 - t0) / 1e6;
                unguarded[round] = (t2 - t1) / 1e6;
            }
        }
        Arrays.sort(guarded);
        Arrays.sort(unguarded);
        double g = guarded[rounds / 2];
        double u = unguarded[rounds / 2];
        System.out.printf(Locale.ROOT, "%s %s batch %d, %s: Trainer epoch %.2f ms, bare session %.2f ms,"
                + " guard %+.1f %%%n", arch, optimizer, batch, bare.network().kernels().name(), g, u, 100 * (g - u) / u);
    }
}
