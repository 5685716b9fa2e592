package dev.edgetrain.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Workspace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Map;
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
 * onnxruntime (Java API, CPU) on the model edgetrain exports from the same weights {@link EdgetrainInference}
 * uses: class probabilities of {@code batch} rows into a caller's {@code float[]}. The input tensor wraps one
 * direct buffer made in setup and is reused; {@code runPinned} also hands onnxruntime a preallocated output
 * tensor. {@code threads} is onnxruntime's intra-op thread count (1 = the single-threaded comparison).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class OnnxRuntimeInference {
    @Param({"784-128-10", "784-256-10", "64-32-10"})
    public String net;
    @Param({"1", "32", "256"})
    public int batch;
    @Param({"1"})
    public int threads;

    private OrtEnvironment env;
    private OrtSession session;
    private OnnxTensor input;
    private OnnxTensor output;
    private FloatBuffer outputBuffer;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> pinned;
    private float[] out;

    @Setup
    public void setUp() throws OrtException {
        Architecture arch = Architecture.parse(net);
        Network network = Peers.trainedNetwork(arch);
        byte[] model = OnnxExporter.toBytes(network, ExportOptions.defaults());
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model, options);
        }
        float[] x = Peers.inferenceInput(arch, batch);
        FloatBuffer in = direct(x.length);
        in.put(x).rewind();
        input = OnnxTensor.createTensor(env, in, new long[] {batch, arch.inputs()});
        outputBuffer = direct(batch * arch.classes());
        output = OnnxTensor.createTensor(env, outputBuffer, new long[] {batch, arch.classes()});
        String inputName = session.getInputNames().iterator().next();
        String outputName = session.getOutputNames().iterator().next();
        inputs = Collections.singletonMap(inputName, input);
        pinned = Collections.singletonMap(outputName, output);
        out = new float[batch * arch.classes()];

        // The two runtimes must agree, or this row would measure something else.
        float[] expected = new float[out.length];
        network.predictProbabilities(new Workspace(arch.spec(), batch), x, 0, batch, expected, 0);
        for (float[] got : new float[][] {run(), runPinned()}) {
            for (int i = 0; i < expected.length; i++) {
                if (Math.abs(expected[i] - got[i]) > 1e-4f) {
                    throw new IllegalStateException("onnxruntime and edgetrain disagree on " + net + " at " + i
                            + ": " + got[i] + " vs " + expected[i]);
                }
            }
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The usual call: run, then copy the output tensor's values into the caller's array. */
    @Benchmark
    public float[] run() throws OrtException {
        try (OrtSession.Result result = session.run(inputs)) {
            FloatBuffer probabilities = ((OnnxTensor) result.get(0)).getFloatBuffer();
            probabilities.get(out);
        }
        return out;
    }

    /** With the output written into a tensor allocated once in setup. */
    @Benchmark
    public float[] runPinned() throws OrtException {
        try (OrtSession.Result result = session.run(inputs, pinned)) {
            outputBuffer.rewind();
            outputBuffer.get(out);
        }
        return out;
    }

    @TearDown
    public void tearDown() throws OrtException {
        input.close();
        output.close();
        session.close();
    }
}
