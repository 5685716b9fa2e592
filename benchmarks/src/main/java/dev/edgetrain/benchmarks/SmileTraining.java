package dev.edgetrain.benchmarks;

import dev.edgetrain.benchmarks.peers.SmileTrainee;
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
 * One SGD training step (mini-batch) of Smile 6.3.0; its classes need Java 25, so run.sh runs this benchmark in a
 * second JMH run on Java 25. See {@link SmileTrainee}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SmileTraining extends PeerTraining {
    @Param({"64-32-10", "784-128-10", "784-256-10"})
    public String net;
    @Param({"32"})
    public int batch;

    @Setup
    public void setUp() {
        if (Runtime.version().feature() < 25) {
            throw new IllegalStateException("Smile 6.3 needs Java 25, this is Java " + Runtime.version()
                    + ": run JMH with Java 25 (benchmarks/run.sh does)");
        }
        requireOneNativeThread("OPENBLAS_NUM_THREADS");
        build(SmileTrainee::new, net, batch);
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
