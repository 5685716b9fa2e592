package dev.edgetrain.benchmarks.kernels;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.kernels.Activations;
import dev.edgetrain.runtime.kernels.Dense;
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

/** The dense kernels alone, per shape {@code batch x in -> out}: for choosing loop orders and blocks. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class KernelBench {
    @Param({"32x784x128", "64x784x256", "32x64x32", "1x784x128"})
    public String shape;
    @Param({"16"})
    public int block;

    int batch;
    int in;
    int out;
    float[] x;
    float[] w;
    float[] wt;
    float[] bias;
    float[] y;
    float[] dOut;
    float[] dw;
    float[] dIn;
    float[] scratch;
    float[] inT;
    float[][] out2d;
    float[][] wt2d;
    float[][] in2d;
    float[] acc;
    float[][] dw2d;
    float[] acc1;
    float[][] scratch2;
    float[][] dOut2d;

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        batch = Integer.parseInt(p[0]);
        in = Integer.parseInt(p[1]);
        out = Integer.parseInt(p[2]);
        Rng rng = new Rng(1);
        x = gauss(rng, batch * in);
        w = gauss(rng, out * in);
        wt = new float[out * in];
        FlatDense.transpose(wt, 0, w, 0, in, out);
        bias = gauss(rng, out);
        y = new float[batch * out];
        dOut = gauss(rng, batch * out);
        dw = new float[out * in];
        dIn = new float[batch * in];
        scratch = new float[out * in];
        inT = new float[batch * in];
        out2d = new float[batch][out];
        wt2d = new float[in][out];
        for (int i = 0; i < in; i++) {
            System.arraycopy(wt, i * out, wt2d[i], 0, out);
        }
        in2d = new float[batch][in];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, b * in, in2d[b], 0, in);
        }
        acc = new float[in];
        dw2d = new float[out][in];
        acc1 = new float[in];
        scratch2 = new float[2][in];
        dOut2d = new float[batch][out];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(dOut, b * out, dOut2d[b], 0, out);
        }
    }

    private static float[] gauss(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }

    @Benchmark
    public float[] forwardRuntime() {
        FlatDense.forward(y, 0, x, 0, wt, 0, bias, 0, batch, in, out);
        return y;
    }

    @Benchmark
    public float[] forward8() {
        Variants.fwd8(y, x, wt, bias, batch, in, out);
        return y;
    }

    @Benchmark
    public float[] forward8Blocked() {
        Variants.fwd8Blocked(y, x, wt, bias, batch, in, out, block);
        return y;
    }

    @Benchmark
    public float[] forward2x4() {
        Variants.fwd2x4(y, x, wt, bias, batch, in, out);
        return y;
    }

    @Benchmark
    public float[] backwardWeightRuntime() {
        FlatDense.backward(null, 0, dw, 0, null, 0, dOut, 0, x, 0, w, 0, batch, in, out);
        return dw;
    }

    @Benchmark
    public float[] backwardWeight8() {
        Variants.bwdW8(dw, dOut, x, batch, in, out);
        return dw;
    }

    @Benchmark
    public float[] backwardWeight8Blocked() {
        Variants.bwdW8Blocked(dw, dOut, x, batch, in, out, block * 16);
        return dw;
    }

    @Benchmark
    public float[] backwardWeightViaTranspose() {
        Variants.bwdWViaTranspose(dw, dOut, x, batch, in, out, scratch, inT);
        return dw;
    }

    @Benchmark
    public Object forwardRowArrays() {
        Variants.fwdRowArrays(out2d, x, wt2d, bias, batch, in, out);
        return out2d;
    }

    @Benchmark
    public Object backwardWeightRowArrays() {
        Variants.bwdWRowArrays(dw, dOut, in2d, acc, batch, in, out);
        return dw;
    }

    @Benchmark
    public Object forwardRA4() {
        Variants.fwdRA4(out2d, x, wt2d, bias, batch, in, out);
        return out2d;
    }

    @Benchmark
    public Object forwardRA2x2() {
        Variants.fwdRA2x2(out2d, x, wt2d, bias, batch, in, out);
        return out2d;
    }

    @Benchmark
    public Object forwardRA2x3() {
        Variants.fwdRA2x3(out2d, x, wt2d, bias, batch, in, out);
        return out2d;
    }

    @Benchmark
    public Object backwardWeightRA4() {
        Variants.bwdWRA4(dw, dOut, in2d, acc, batch, in, out);
        return dw;
    }

    @Benchmark
    public Object backwardWeightRA2x2() {
        Variants.bwdWRA2x2(dw2d, dOut, in2d, batch, in, out);
        return dw2d;
    }

    @Benchmark
    public Object forwardT23() {
        Variants.fwdT23(out2d, x, wt2d, bias, batch, in, out);
        return out2d;
    }

    @Benchmark
    public Object forwardT22() {
        Variants.fwdT22(out2d, x, wt2d, bias, batch, in, out);
        return out2d;
    }

    @Benchmark
    public Object backwardWeightT23() {
        Variants.bwdWT23(dw, dOut, in2d, acc, acc1, batch, in, out);
        return dw;
    }

    @Benchmark
    public Object backwardWeightT22() {
        Variants.bwdWT22(dw, dOut, in2d, acc, acc1, batch, in, out);
        return dw;
    }

    @Benchmark
    public Object transposeByRow() {
        Variants.transposeByRow(wt2d, w, 0, in, out);
        return wt2d;
    }

    @Benchmark
    public Object transposeByRow4() {
        Variants.transposeByRow4(wt2d, w, 0, in, out);
        return wt2d;
    }

    @Benchmark
    public Object transposeRows() {
        Dense.transpose(wt2d, w, 0, in, out);
        return wt2d;
    }

    @Benchmark
    public Object runtimeForwardRows() {
        Dense.forward(out2d, x, 0, null, wt2d, bias, 0, 0, batch, in, out);
        Activations.forward(Activation.RELU, out2d, out2d, 0, batch, out);
        return out2d;
    }

    @Benchmark
    public Object runtimeBackwardWeightRows() {
        Dense.backwardWeight(dw, 0, bias, 0, acc, dOut2d, in2d, batch, in, 0, out);
        return dw;
    }

    @Benchmark
    public float[] backwardInputFlat() {
        FlatDense.backward(dIn, 0, null, 0, null, 0, dOut, 0, x, 0, w, 0, batch, in, out);
        return dIn;
    }
}
