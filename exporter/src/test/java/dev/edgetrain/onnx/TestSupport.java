package dev.edgetrain.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Shared test helpers: random networks, onnxruntime runs, the ONNX test material. */
final class TestSupport {
    private TestSupport() {
    }

    /** The copied ONNX test material ({@code src/test/resources/onnx-tests}). */
    static Path onnxTests() {
        URL url = TestSupport.class.getResource("/onnx-tests/README.md");
        if (url == null) {
            throw new IllegalStateException("test resource onnx-tests/README.md is missing");
        }
        try {
            return Paths.get(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A serialized FLOAT TensorProto (.pb of the backend tests, raw_data or float_data) as dims and values. */
    static Tensor readTensor(Path pb) throws IOException {
        TensorProto t = TensorProto.parseFrom(Files.readAllBytes(pb));
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IOException(pb + ": data type " + t.getDataType() + ", expected FLOAT");
        }
        long[] dims = new long[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            count *= dims[i];
        }
        float[] values = new float[(int) count];
        if (t.hasRawData()) {
            java.nio.ByteBuffer.wrap(t.getRawData().toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(values);
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = t.getFloatData(i);
            }
        }
        return new Tensor(t.getName(), dims, values);
    }

    static final class Tensor {
        final String name;
        final long[] dims;
        final float[] values;

        Tensor(String name, long[] dims, float[] values) {
            this.name = name;
            this.dims = dims;
            this.values = values;
        }
    }

    /** A network with He-initialised weights and random (non-zero) biases, so biases are exercised too. */
    static Network randomNetwork(NetworkSpec spec, long seed) {
        Network n = new Network(spec, seed);
        Random r = new Random(seed ^ 0x5DEECE66DL);
        float[] p = n.copyParameters();
        for (int l = 0; l < spec.layerCount(); l++) {
            int b0 = n.layout().biasOffset(l);
            for (int o = 0; b0 >= 0 && o < spec.layerOutputs(l); o++) {
                p[b0 + o] = (float) (r.nextGaussian() * 0.5);
            }
        }
        n.setParameters(p);
        return n;
    }

    static float[] randomInputs(Random r, int rows, int features, double scale) {
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * scale);
        }
        return x;
    }

    /** Runs {@code model} in onnxruntime on {@code x [batch][features]}, returning the named outputs flattened. */
    static Map<String, float[]> runOrt(byte[] model, String inputName, float[] x, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, opts);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result result = session.run(Map.of(inputName, input))) {
                Map<String, float[]> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), v);
                }
                return out;
            }
        }
    }

    /**
     * The shape to feed {@code model} {@code batch} rows of {@code features} values with: its declared input shape
     * with the batch replaced when its rank is above 2 (an input flattened by the graph), else {@code [batch,
     * features]}.
     */
    static long[] feedShape(byte[] model, int batch, int features) throws IOException {
        dev.edgetrain.onnx.proto.TensorShapeProto shape = dev.edgetrain.onnx.proto.ModelProto.parseFrom(model)
                .getGraph().getInput(0).getType().getTensorType().getShape();
        if (shape.getDimCount() <= 2) {
            return new long[] {batch, features};
        }
        long[] dims = new long[shape.getDimCount()];
        dims[0] = batch;
        for (int i = 1; i < dims.length; i++) {
            dims[i] = shape.getDim(i).getDimValue();
        }
        return dims;
    }

    /** {@code spec} with every layer's dropout 0: what a re-export of it reads back as (dropout is training-only). */
    static NetworkSpec withoutDropout(NetworkSpec spec) {
        for (int l = 0; l < spec.layerCount(); l++) {
            spec = spec.withLayer(l, spec.layer(l).withDropout(0f));
        }
        return spec;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    /**
     * Index of the first element outside {@code |actual - expected| <= atol + rtol·|expected|} (numpy's
     * allclose), or -1 when all are close.
     */
    static int firstMismatch(float[] actual, float[] expected, double rtol, double atol) {
        if (actual.length != expected.length) {
            return 0;
        }
        for (int i = 0; i < actual.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.abs((double) expected[i]))) {
                return i;
            }
        }
        return -1;
    }
}
