package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.optim.Optimizer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The optimizer's update alone ({@link Optimizer#step} on a network's parameter and gradient slabs, every layer
 * trainable), without the session's rebuild of derived weights. Divide the time by the parameter count (101,770 for
 * 784-128-10, 203,530 for 784-256-10) for nanoseconds per parameter. The gradients are fixed small Gaussians, so
 * the parameters drift slowly and stay finite over any run. {@code check} turns on the optimizer's check of the
 * parameters it wrote ({@link Optimizer#setUpdateCheck}, what a {@link dev.edgetrain.runtime.train.Trainer} uses).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OptimizerStepBenchmark {
    @Param({"784-128-10", "784-256-10"})
    public String net;
    @Param({"sgd", "momentum", "nesterov", "adam", "adamw"})
    public String optimizer;
    @Param({"false", "true"})
    public boolean check;

    private Optimizer opt;
    /** Parameter slab {@code [parameters]} and gradient slab of the same layout. */
    private float[] params;
    private float[] grads;
    private ParameterLayout layout;
    private boolean[] trainable;

    /** The configurations measured, at the learning rates of a typical run. */
    public static OptimizerConfig config(String name) {
        switch (name) {
            case "sgd":
                return OptimizerConfig.sgd(0.01f);
            case "momentum":
                return OptimizerConfig.sgd(0.01f).withMomentum(0.9f, false);
            case "nesterov":
                return OptimizerConfig.sgd(0.01f).withMomentum(0.9f, true).withWeightDecay(1e-4f);
            case "adam":
                return OptimizerConfig.adam(1e-3f);
            case "adamw":
                return OptimizerConfig.adamW(1e-3f, 0.01f);
            default:
                throw new IllegalArgumentException("unknown optimizer '" + name
                        + "', expected sgd, momentum, nesterov, adam or adamw");
        }
    }

    @Setup
    public void setUp() {
        Network network = new Network(Architecture.parse(net).spec(), 7);
        params = network.copyParameters();
        layout = network.layout();
        grads = new float[params.length];
        Rng rng = new Rng(11);
        for (int i = 0; i < grads.length; i++) {
            grads[i] = (float) (1e-3 * rng.nextGaussian());
        }
        trainable = new boolean[layout.layerCount()];
        java.util.Arrays.fill(trainable, true);
        opt = config(optimizer).create(params.length, network.kernels()); // checks with the active kernel set
        opt.setUpdateCheck(check);
    }

    @Benchmark
    public float step() {
        opt.step(params, grads, layout, trainable);
        return params[0];
    }
}
