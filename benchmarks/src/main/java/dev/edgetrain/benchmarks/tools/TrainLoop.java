package dev.edgetrain.benchmarks.tools;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;
import dev.edgetrain.benchmarks.Peers;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.Locale;

/**
 * Runs edgetrain training steps in a loop for a profiler (JFR, perf) to look at; prints the step time. The kernels
 * are this JVM's choice ({@code KernelSet.active()}: add {@code --add-modules jdk.incubator.vector} for the vector
 * kernels, {@code -Dedgetrain.kernels=plain} to force the plain ones).
 * {@code java -cp benchmarks.jar dev.edgetrain.benchmarks.tools.TrainLoop 784-256-10 64 20}
 */
public final class TrainLoop {
    private TrainLoop() {
    }

    public static void main(String[] args) {
        Architecture arch = Architecture.parse(args.length > 0 ? args[0] : "784-256-10");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Datasets data = Datasets.forArchitecture(arch);
        TrainingSession session = new TrainingSession(new Network(arch.spec(), 7), batch,
                OptimizerConfig.sgd(Peers.LEARNING_RATE));
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int cursor = 0;
        long steps = 0;
        long best = Long.MAX_VALUE;
        float sink = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            for (int k = 0; k < 100; k++) {
                session.zeroGrad();
                sink += session.trainStep(data.x, cursor * data.features, data.y, cursor, batch);
                session.optimizerStep();
                cursor = cursor + 2 * batch > data.rows ? 0 : cursor + batch;
            }
            best = Math.min(best, System.nanoTime() - t0);
            steps += 100;
        }
        double us = best / 100 / 1e3;
        System.out.printf(Locale.ROOT,
                "%s batch %d, %s kernels: best %.1f us/step, %.1f GFLOP/s, %.0f samples/s (%d steps, loss %.3f)%n",
                arch, batch, session.network().kernels().name(), us,
                2.0 * arch.trainingMultiplyAdds(batch) / (us * 1e3), batch / us * 1e6, steps, sink / steps);
    }
}
