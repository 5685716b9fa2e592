package dev.edgetrain.transfer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.edgetrain.onnx.proto.ModelProto;

import com.google.protobuf.InvalidProtocolBufferException;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model run by onnxruntime as a frozen feature extractor: one float input, one float output, no training.
 * The model may be cut to end at any node's output tensor ({@link #open(File, String)}), so a classifier serves as
 * a backbone up to its penultimate layer without editing the file. Not thread-safe: one caller at a time.
 */
public final class FrozenBackbone implements AutoCloseable {
    private final String fileName;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final String outputName;
    private final Set<String> requestedOutputs;
    private long[] lastOutputShape = new long[0];

    private FrozenBackbone(String fileName, OrtEnvironment environment, OrtSession session, String inputName,
                           long[] inputShape, String outputName) {
        this.fileName = fileName;
        this.environment = environment;
        this.session = session;
        this.inputName = inputName;
        this.inputShape = inputShape;
        this.outputName = outputName;
        this.requestedOutputs = Collections.singleton(outputName);
    }

    /**
     * {@link #open(File, String, int)} with one intra-op thread.
     *
     * @param model an ONNX model file
     * @param outputTensor null for the model's own output, or the tensor to cut the model at
     * @return the backbone, open; close it to free onnxruntime's session
     * @throws IOException when the file cannot be read or is refused ({@link BackboneException})
     */
    public static FrozenBackbone open(File model, String outputTensor) throws IOException {
        return open(model, outputTensor, 1);
    }

    /**
     * Opens {@code model} for inference.
     *
     * @param model an ONNX model file with one float input
     * @param outputTensor null for the model's own (single) output; otherwise the name of any node output, at which
     *                     the model is cut: that tensor becomes its only output and the nodes after it are dropped
     * @param threads      onnxruntime's intra-op threads (1 keeps results and timing independent of other work)
     * @return the backbone, open; close it to free onnxruntime's session
     * @throws BackboneException when the file is not an ONNX model, has more than one input, a non-float input or
     *                           output, no tensor {@code outputTensor}, or onnxruntime refuses it
     */
    public static FrozenBackbone open(File model, String outputTensor, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (!model.isFile()) {
            throw new FileNotFoundException(model + ": no such file (expected an ONNX model)");
        }
        String name = model.getName();
        byte[] bytes = Files.readAllBytes(model.toPath());
        ModelProto proto = parse(bytes, name);
        if (outputTensor != null) {
            bytes = ModelCut.endingAt(proto, outputTensor, name).toByteArray();
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try {
            OrtSession.SessionOptions options = OrtSessions.options(threads);
            try {
                session = environment.createSession(bytes, options);
            } finally {
                options.close();
            }
            FrozenBackbone backbone = describe(name, environment, session);
            session = null; // owned by the backbone now
            return backbone;
        } catch (OrtException e) {
            throw new BackboneException(name + ": onnxruntime cannot load it: " + e.getMessage(), e);
        } finally {
            closeQuietly(session);
        }
    }

    private static ModelProto parse(byte[] bytes, String name) throws BackboneException {
        try {
            ModelProto proto = ModelProto.parseFrom(bytes);
            if (proto.hasGraph() && proto.getGraph().getNodeCount() > 0) {
                return proto;
            }
        } catch (InvalidProtocolBufferException e) {
            throw new BackboneException(name + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        throw new BackboneException(name + ": not an ONNX model (expected a ModelProto with a graph of nodes)");
    }

    private static FrozenBackbone describe(String name, OrtEnvironment env, OrtSession session)
            throws OrtException, BackboneException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new BackboneException(name + ": " + inputs.size() + " inputs " + inputs.keySet()
                    + ", expected exactly one (a backbone takes one float tensor)");
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (outputs.size() != 1) {
            throw new BackboneException(name + ": " + outputs.size() + " outputs " + outputs.keySet()
                    + ", expected one; name the tensor to end at with outputTensor");
        }
        NodeInfo input = inputs.values().iterator().next();
        NodeInfo output = outputs.values().iterator().next();
        long[] inputShape = floatTensor(name, "input", input).getShape();
        floatTensor(name, "output", output);
        return new FrozenBackbone(name, env, session, input.getName(), inputShape, output.getName());
    }

    private static TensorInfo floatTensor(String name, String role, NodeInfo node) throws BackboneException {
        ValueInfo info = node.getInfo();
        if (!(info instanceof TensorInfo) || ((TensorInfo) info).type != OnnxJavaType.FLOAT) {
            throw new BackboneException(name + ": " + role + " '" + node.getName() + "' is " + info
                    + ", expected a float tensor");
        }
        return (TensorInfo) info;
    }

    /**
     * The model's input name.
     *
     * @return the name of the input tensor
     */
    public String inputName() {
        return inputName;
    }

    /**
     * The model's declared input shape; -1 for a symbolic (or unknown) dimension. A copy.
     *
     * @return one entry per dimension, -1 where symbolic
     */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * The output tensor's name: the model's own output, or the tensor it was cut at.
     *
     * @return the output tensor's name
     */
    public String outputName() {
        return outputName;
    }

    /**
     * Runs the model on one float tensor.
     *
     * @param input the tensor's values, row-major; exactly the product of {@code shape}
     * @param shape the tensor's shape: the input's rank, its fixed dimensions as declared
     * @return the output tensor's values, row-major (its shape is {@link #lastOutputShape()})
     * @throws IllegalArgumentException when the input does not fit the shape or the shape the model's input
     * @throws IllegalStateException    when onnxruntime fails on it
     */
    public float[] run(float[] input, long[] shape) {
        checkShape(input, shape);
        try {
            OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
            try {
                OrtSession.Result result = session.run(Collections.singletonMap(inputName, tensor), requestedOutputs);
                try {
                    OnnxTensor out = (OnnxTensor) result.get(0);
                    lastOutputShape = out.getInfo().getShape();
                    FloatBuffer values = out.getFloatBuffer();
                    float[] copy = new float[values.remaining()];
                    values.get(copy);
                    return copy;
                } finally {
                    result.close();
                }
            } finally {
                tensor.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException(fileName + ": onnxruntime failed on input " + Arrays.toString(shape)
                    + ": " + e.getMessage(), e);
        }
    }

    private void checkShape(float[] input, long[] shape) {
        if (shape.length != inputShape.length) {
            throw new IllegalArgumentException(fileName + ": input shape " + Arrays.toString(shape) + " has rank "
                    + shape.length + ", expected " + inputShape.length + " as " + Arrays.toString(inputShape));
        }
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || (inputShape[i] >= 0 && shape[i] != inputShape[i])) {
                throw new IllegalArgumentException(fileName + ": input shape " + Arrays.toString(shape)
                        + ", expected " + Arrays.toString(inputShape) + " (-1: any size)");
            }
            count *= shape[i];
        }
        if (count != input.length) {
            throw new IllegalArgumentException(fileName + ": " + input.length + " input values for shape "
                    + Arrays.toString(shape) + ", expected " + count);
        }
    }

    /**
     * The shape of the last {@link #run}'s output (empty before the first). A copy.
     *
     * @return one entry per dimension of the last output
     */
    public long[] lastOutputShape() {
        return lastOutputShape.clone();
    }

    /** Releases the onnxruntime session. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(fileName + ": closing the onnxruntime session failed", e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing with a better error
            }
        }
    }
}
