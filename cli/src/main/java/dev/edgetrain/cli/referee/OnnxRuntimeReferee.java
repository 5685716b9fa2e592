package dev.edgetrain.cli.referee;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.transfer.OrtSessions;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * onnxruntime as the referee: runs an ONNX model on rows the runtime also computed, so the two can be
 * compared. One session per model; close it when done.
 */
public final class OnnxRuntimeReferee implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;

    /**
     * Opens {@code model} in onnxruntime (one thread, errors-only logging).
     *
     * @param model the ONNX file's bytes
     * @throws CliException when onnxruntime cannot load the model
     */
    public OnnxRuntimeReferee(byte[] model) {
        try {
            env = OrtEnvironment.getEnvironment();
            // errors only (OrtSessions): onnxruntime's warnings would break the commands' clean output
            try (OrtSession.SessionOptions options = OrtSessions.options(1)) {
                session = env.createSession(model, options);
            }
        } catch (OrtException e) {
            throw new CliException("onnxruntime cannot load the model: " + e.getMessage(), e);
        }
    }

    /**
     * onnxruntime's version, for reports.
     *
     * @return the version, e.g. {@code 1.29.0}
     */
    public static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    /**
     * Runs {@code rows} rows of {@code x [rows][features]}, shaped as {@code inputShape} with its symbolic
     * (negative) batch dimension set to {@code rows}, and returns output {@code outputName} flattened
     * {@code [rows][outputs]}.
     *
     * @param inputName the graph input to feed
     * @param inputShape its declared shape, the batch dimension negative
     * @param x the rows, {@code [rows][features]} flattened
     * @param rows how many rows {@code x} holds
     * @param outputName the graph output to return
     * @return that output's values, {@code [rows][outputs]} flattened
     * @throws CliException when onnxruntime fails on the input
     */
    public float[] run(String inputName, long[] inputShape, float[] x, int rows, String outputName) {
        long[] shape = inputShape.clone();
        long fixed = 1;
        int symbolic = -1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                if (symbolic >= 0) {
                    shape[d] = 1; // only the first free dimension is the batch
                } else {
                    symbolic = d;
                }
            } else {
                fixed *= shape[d];
            }
        }
        if (symbolic >= 0) {
            shape[symbolic] = rows;
        } else if (rows > 1 && fixed * rows == x.length) {
            return runRowByRow(inputName, shape, x, rows, outputName); // a batch fixed at 1 (openWakeWord's heads)
        } else if (fixed != x.length) {
            throw new CliException("model input '" + inputName + "' has the fixed shape "
                    + java.util.Arrays.toString(inputShape) + ", which does not hold " + rows + " rows of "
                    + x.length / rows + " values");
        }
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, x.length), shape);
             OrtSession.Result result = session.run(Collections.singletonMap(inputName, input))) {
            Optional<OnnxValue> out = result.get(outputName);
            if (!out.isPresent()) {
                throw new CliException("onnxruntime gave no output '" + outputName + "', it has " + outputNames());
            }
            FloatBuffer values = ((OnnxTensor) out.get()).getFloatBuffer();
            float[] flat = new float[values.remaining()];
            values.get(flat);
            return flat;
        } catch (OrtException e) {
            throw new CliException("onnxruntime failed to run the model: " + e.getMessage(), e);
        }
    }

    /** One run per row, for an input whose batch dimension is fixed at 1; outputs concatenated. */
    private float[] runRowByRow(String inputName, long[] shape, float[] x, int rows, String outputName) {
        int width = x.length / rows;
        float[] out = null;
        for (int r = 0; r < rows; r++) {
            float[] one = run(inputName, shape, java.util.Arrays.copyOfRange(x, r * width, (r + 1) * width), 1,
                    outputName);
            if (out == null) {
                out = new float[one.length * rows];
            }
            System.arraycopy(one, 0, out, r * one.length, one.length);
        }
        return out;
    }

    /**
     * The graph outputs onnxruntime computes.
     *
     * @return their names
     */
    public java.util.Set<String> outputNames() {
        return session.getOutputNames();
    }

    /**
     * The graph inputs with their types and shapes, as onnxruntime reads them.
     *
     * @return the inputs by name
     * @throws CliException when onnxruntime cannot describe them
     */
    public Map<String, NodeInfo> inputInfo() {
        try {
            return session.getInputInfo();
        } catch (OrtException e) {
            throw new CliException("onnxruntime: " + e.getMessage(), e);
        }
    }

    /**
     * The largest {@code |a[i] − b[i]|}, a NaN difference counting as infinite.
     *
     * @param a the runtime's outputs
     * @param b onnxruntime's outputs
     * @return the largest absolute difference
     * @throws CliException when the arrays differ in length
     */
    public static double maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new CliException("the runtime gave " + a.length + " output values, onnxruntime " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= max)) { // NaN counts as the largest difference
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return max;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new CliException("onnxruntime: " + e.getMessage(), e);
        }
    }
}
