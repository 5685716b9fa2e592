package dev.edgetrain.benchmarks.tools;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Peers;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.kernels.KernelSet;
import java.util.Locale;

/**
 * Runs edgetrain inference in a loop for a profiler to look at; prints the best time per call. The kernels are
 * this JVM's choice ({@code KernelSet.active()}: add {@code --add-modules jdk.incubator.vector} for the vector
 * kernels, {@code -Dedgetrain.kernels=plain} to force the plain ones).
 * {@code java -cp benchmarks.jar dev.edgetrain.benchmarks.tools.InferLoop 784-256-10 256 10}
 */
public final class InferLoop {
    private InferLoop() {
    }

    public static void main(String[] args) {
        Architecture arch = Architecture.parse(args.length > 0 ? args[0] : "784-256-10");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Network network = Peers.trainedNetwork(arch).withKernels(KernelSet.active());
        Workspace ws = new Workspace(arch.spec(), batch);
        float[] x = Peers.inferenceInput(arch, batch);
        float[] out = new float[batch * arch.classes()];
        int reps = Math.max(1, 2000 / batch);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long best = Long.MAX_VALUE;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            for (int k = 0; k < reps; k++) {
                network.predictProbabilities(ws, x, 0, batch, out, 0);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        double us = best / (double) reps / 1e3;
        System.out.printf(Locale.ROOT, "%s batch %d, %s kernels: best %.2f us/call, %.1f GFLOP/s, %.0f rows/s%n", arch,
                batch, network.kernels().name(), us, 2.0 * arch.forwardMultiplyAdds(batch) / (us * 1e3),
                batch / us * 1e6);
    }
}
