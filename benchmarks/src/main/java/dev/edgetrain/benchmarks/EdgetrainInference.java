package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.ComputePool;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.kernels.KernelSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * edgetrain inference: class probabilities (softmax output) of {@code batch} rows into a caller's array,
 * the same output onnxruntime computes from the exported model. {@code kernels} is the kernel set
 * ({@link KernelSet#named}; the forks run with {@value Peers#VECTOR_MODULE}, so both are rows of one run);
 * {@code threads} above 1 gives the workspace a {@link ComputePool} (the optional multi-threaded path).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = Peers.VECTOR_MODULE)
public class EdgetrainInference {
    @Param({"784-128-10", "784-256-10", "64-32-10"})
    public String net;
    @Param({"1", "32", "256"})
    public int batch;
    @Param({"1"})
    public int threads;
    @Param({"plain", "vector"})
    public String kernels;

    private ComputePool pool;

    private Network network;
    private Workspace ws;
    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        Architecture arch = Architecture.parse(net);
        network = Peers.trainedNetwork(arch).withKernels(KernelSet.named(kernels));
        pool = threads > 1 ? new ComputePool(threads) : null;
        ws = new Workspace(arch.spec(), batch, pool);
        x = Peers.inferenceInput(arch, batch);
        out = new float[batch * arch.classes()];
    }

    @Benchmark
    public float[] predictProbabilities() {
        network.predictProbabilities(ws, x, 0, batch, out, 0);
        return out;
    }

    @TearDown
    public void tearDown() {
        AllocationMeter.record("EdgetrainInference.predictProbabilities", kernels, net, batch, threads,
                this::predictProbabilities);
        if (pool != null) {
            pool.close();
        }
    }
}
