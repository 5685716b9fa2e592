package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.ComputePool;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.kernels.KernelSet;
import dev.edgetrain.runtime.optim.OptimizerConfig;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One SGD training step of edgetrain: zero the gradients, forward + backward over the next mini-batch of
 * the data set, update the parameters. The same contract as every peer's training benchmark. {@code kernels} is the
 * kernel set ({@link KernelSet#named}; the forks run with {@value Peers#VECTOR_MODULE}, so both are rows of one run);
 * {@code threads} above 1 gives the session a {@link ComputePool} (the optional multi-threaded path).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = Peers.VECTOR_MODULE)
public class EdgetrainTraining {
    @Param({"64-32-10", "784-128-10", "784-256-10"})
    public String net;
    @Param({"32", "64"})
    public int batch;
    @Param({"1"})
    public int threads;
    @Param({"plain", "vector"})
    public String kernels;

    private ComputePool pool;
    private TrainingSession session;
    private Datasets data;
    private int cursor;

    @Setup
    public void setUp() {
        Architecture arch = Architecture.parse(net);
        data = Datasets.forArchitecture(arch);
        pool = threads > 1 ? new ComputePool(threads) : null;
        Network network = new Network(arch.spec(), 7).withKernels(KernelSet.named(kernels));
        session = new TrainingSession(network, batch, OptimizerConfig.sgd(Peers.LEARNING_RATE), pool);
        cursor = 0;
    }

    @Benchmark
    public float trainStep() {
        final int row = cursor;
        cursor = row + 2 * batch > data.rows ? 0 : row + batch;
        session.zeroGrad();
        float loss = session.trainStep(data.x, row * data.features, data.y, row, batch);
        session.optimizerStep();
        return loss;
    }

    /** The optimizer step alone (the gradients stay as the last train step left them). */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = Peers.VECTOR_MODULE)
    public void optimizerStep() {
        session.optimizerStep();
    }

    /**
     * Measures the exact allocation of the method this fork ran, warm: the teardown runs inside the last measured
     * iteration's window of {@code -prof gc}, so cold calls of the other method here would show in its figure.
     */
    @TearDown
    public void tearDown(BenchmarkParams params) {
        if (params.getBenchmark().endsWith(".trainStep")) {
            AllocationMeter.record("EdgetrainTraining.trainStep", kernels, net, batch, threads, this::trainStep);
        } else {
            AllocationMeter.record("EdgetrainTraining.optimizerStep", kernels, net, batch, threads,
                    this::optimizerStep);
        }
        if (pool != null) {
            pool.close();
        }
    }
}
