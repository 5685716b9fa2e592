package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.train.BatchSource;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One epoch over 4,096 generated rows (128 mini-batches of 32) three ways, to price what {@link Trainer} adds
 * to the bare session steps: {@code trainerEpoch} is {@link Trainer#runEpoch} (shuffled batches and the divergence
 * guard); {@code shuffledSessionEpoch} draws the same shuffled batches from the same kind of source and runs
 * {@code zeroGrad → trainStep → optimizerStep} with no guard; {@code sessionEpoch} steps over the rows in stored
 * order, read in place (what {@link EdgetrainTraining#trainStep} does). The guard's cost is
 * {@code trainerEpoch − shuffledSessionEpoch}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrainerEpochBenchmark {
    @Param({"784-128-10", "784-256-10"})
    public String net;
    @Param({"sgd", "adam"})
    public String optimizer;
    @Param({"32"})
    public int batch;

    private Datasets data;
    private Trainer trainer;
    /** A session of its own for the two unguarded epochs, from the same initial weights and optimizer. */
    private TrainingSession bare;
    private BatchSource source;
    private Rng rng;
    /** One mini-batch {@code [batch][features]} and its labels {@code [batch]}, for the shuffled session epoch. */
    private float[] batchX;
    private int[] batchY;

    @Setup
    public void setUp() {
        Architecture arch = Architecture.parse(net);
        data = Datasets.forArchitecture(arch);
        Dataset set = new Dataset(data.x, data.y, data.features, data.classes);
        trainer = new Trainer(new TrainingSession(new Network(arch.spec(), 7), batch,
                OptimizerStepBenchmark.config(optimizer)), set, batch, 5);
        bare = new TrainingSession(new Network(arch.spec(), 7), batch, OptimizerStepBenchmark.config(optimizer));
        source = set.batches();
        rng = new Rng(5);
        batchX = new float[batch * data.features];
        batchY = new int[batch];
    }

    @Benchmark
    public float trainerEpoch() {
        trainer.runEpoch(TrainingListener.NONE);
        return trainer.lastLoss();
    }

    @Benchmark
    public float shuffledSessionEpoch() {
        source.startEpoch(rng);
        float sum = 0;
        int n;
        while ((n = source.nextBatch(batchX, batchY, null, batch)) > 0) {
            bare.zeroGrad();
            sum += bare.trainStep(batchX, 0, batchY, 0, n);
            bare.optimizerStep();
        }
        return sum;
    }

    @Benchmark
    public float sessionEpoch() {
        float sum = 0;
        for (int row = 0; row < data.rows; row += batch) {
            final int n = Math.min(batch, data.rows - row);
            bare.zeroGrad();
            sum += bare.trainStep(data.x, row * data.features, data.y, row, n);
            bare.optimizerStep();
        }
        return sum;
    }
}
