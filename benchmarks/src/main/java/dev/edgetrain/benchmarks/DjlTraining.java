package dev.edgetrain.benchmarks;

import dev.edgetrain.benchmarks.peers.DjlTrainee;
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
 * One SGD training step (mini-batch) of DJL 0.36.0 with the PyTorch 2.7.1 engine, offline, one thread.
 * See {@link DjlTrainee}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
    "-Dai.djl.pytorch.num_interop_threads=1"})
public class DjlTraining extends PeerTraining {
    @Param({"64-32-10", "784-128-10", "784-256-10"})
    public String net;
    @Param({"32"})
    public int batch;

    @Setup
    public void setUp() {
        requireOneNativeThread("OMP_NUM_THREADS");
        build(DjlTrainee::new, net, batch);
    }

    @Benchmark
    public void trainStep() {
        trainee.step();
    }

    @TearDown
    public void tearDown() {
        close();
    }
}
