package dev.edgetrain.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgetrain.onnx.imports.GraphImporter;
import dev.edgetrain.onnx.imports.ImportResult;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an ONNX feed-forward network into a runtime network ready to fine-tune: PyTorch's
 * {@code Gemm(transB=1)} chains, Keras/TF's {@code MatMul + Add} (keras2onnx, tf2onnx), {@code Gemm} without
 * transB, a leading {@code Flatten}/{@code Reshape}, a BatchNormalization folded into the dense layer before it,
 * layer norms ({@code LayerNormalization} or PyTorch's decomposition), activations (Relu, LeakyRelu, Tanh,
 * Sigmoid, Gelu or its decompositions), Dropout as the identity, and a {@code Softmax}, {@code LogSoftmax},
 * {@code Sigmoid} or no head. See the exporter README for the exact rules.
 *
 * <p>Anything else (another op, a branch, {@code transA=1}, a batch-dependent bias, external data, sizes that do
 * not add up, a look-alike of a decomposed pattern) is an {@link OnnxImportException} naming the node and what
 * was expected. A graph that goes on past its head (post-processing) can be read up to a tensor with
 * {@link ImportOptions.Builder#outputTensor}. Declared sizes are checked against {@link ImportLimits} (the
 * defaults, or the caller's) before anything of that size is allocated; path-like tensor names are refused.
 * Stateless and thread-safe.
 */
public final class OnnxImporter {
    /** The largest model read with any limits: protobuf's own limit for one message (2 GiB - 1). */
    public static final long MAX_MODEL_BYTES = ImportLimits.MODEL_BYTES_CEILING;
    /**
     * Nesting depth of protobuf messages accepted (graphs inside attributes inside graphs…); protobuf's
     * default. A deeper file is refused while parsing instead of exhausting the stack.
     */
    static final int RECURSION_LIMIT = 100;

    private OnnxImporter() {
    }

    /**
     * Reads a serialized {@code ModelProto} within {@link ImportLimits#DEFAULTS}.
     *
     * @param model the serialised model
     * @return the network and what the file says about it
     * @throws OnnxImportException when the bytes are not an ONNX model, exceed the limits, or hold no importable MLP
     *                             (the message names the node and op at fault)
     */
    public static ImportedModel read(byte[] model) throws OnnxImportException {
        return read(model, ImportLimits.DEFAULTS);
    }

    /**
     * Reads a serialized {@code ModelProto} within {@code limits}.
     *
     * @param model the serialised model
     * @param limits the size limits to read within
     * @return the network and what the file says about it
     * @throws OnnxImportException when the bytes are not an ONNX model, exceed the limits, or hold no importable MLP
     *                             (the message names the node and op at fault)
     */
    public static ImportedModel read(byte[] model, ImportLimits limits) throws OnnxImportException {
        return read(model, options(limits));
    }

    /**
     * Reads a serialized {@code ModelProto} as {@code options} say (limits, output tensor).
     *
     * @param model the serialised model
     * @param options the limits and the tensor to end at
     * @return the network and what the file says about it
     * @throws OnnxImportException when the bytes are not an ONNX model, exceed the limits, or hold no importable MLP
     *                             (the message names the node and op at fault)
     */
    public static ImportedModel read(byte[] model, ImportOptions options) throws OnnxImportException {
        if (model == null || options == null) {
            throw new IllegalArgumentException("model bytes and options must not be null");
        }
        ImportLimits limits = options.limits();
        if (model.length > limits.maxModelBytes()) {
            throw new OnnxImportException("the model has " + model.length + " bytes; expected at most "
                    + limits.maxModelBytes() + " (ImportLimits.maxModelBytes)");
        }
        return read(parse(model), options);
    }

    /**
     * Reads a {@code .onnx} file within {@link ImportLimits#DEFAULTS}; messages name the file.
     *
     * @param file an ONNX model file
     * @return the network and what the file says about it
     * @throws IOException when the file cannot be read ({@link OnnxImportException} when it is not an importable model)
     */
    public static ImportedModel read(File file) throws IOException {
        return read(file, ImportLimits.DEFAULTS);
    }

    /**
     * Reads a {@code .onnx} file within {@code limits} (its length is checked before it is read).
     *
     * @param file an ONNX model file
     * @param limits the size limits to read within
     * @return the network and what the file says about it
     * @throws IOException when the file cannot be read ({@link OnnxImportException} when it is not an importable model)
     */
    public static ImportedModel read(File file, ImportLimits limits) throws IOException {
        return read(file, options(limits));
    }

    /**
     * Reads a {@code .onnx} file as {@code options} say (its length is checked before it is read).
     *
     * @param file an ONNX model file
     * @param options the limits and the tensor to end at
     * @return the network and what the file says about it
     * @throws IOException when the file cannot be read ({@link OnnxImportException} when it is not an importable model)
     */
    public static ImportedModel read(File file, ImportOptions options) throws IOException {
        try {
            byte[] bytes = readFile(file, options);
            return read(bytes, options);
        } catch (OnnxImportException e) {
            throw inFile(file, e);
        }
    }

    /**
     * Reads an averaged ensemble's members: when the model's output (or {@link ImportOptions#outputTensor()}) is
     * computed by a {@code Mean} node, as {@link OnnxExporter#toModel(dev.edgetrain.runtime.Network[], ExportOptions)}
     * writes it, each of the Mean's inputs is read as a network of its own (up to that tensor); any other model is
     * one member, read as {@link #read(File, ImportOptions)} reads it.
     *
     * @param file an ONNX model file
     * @param options the limits and the tensor to end at
     * @return the members, in the Mean's input order; one for a model that is not an ensemble
     * @throws IOException when the file cannot be read ({@link OnnxImportException} when it is not an importable model)
     */
    public static ImportedModel[] readMembers(File file, ImportOptions options) throws IOException {
        try {
            byte[] bytes = readFile(file, options);
            return readMembers(parse(bytes), options);
        } catch (OnnxImportException e) {
            throw inFile(file, e);
        }
    }

    /**
     * As {@link #readMembers(File, ImportOptions)}, on a parsed model.
     *
     * @param model the parsed model
     * @param options the limits and the tensor to end at
     * @return the members, in the Mean's input order; one for a model that is not an ensemble
     * @throws OnnxImportException when the model exceeds the limits or holds no importable MLP (the message names the
     *                             node and op at fault)
     */
    public static ImportedModel[] readMembers(ModelProto model, ImportOptions options) throws OnnxImportException {
        if (model == null || options == null) {
            throw new IllegalArgumentException("model and options must not be null");
        }
        NodeProto mean = meanAtOutput(model, options.outputTensor());
        if (mean == null) {
            return new ImportedModel[] {read(model, options)};
        }
        ImportedModel[] members = new ImportedModel[mean.getInputCount()];
        for (int m = 0; m < members.length; m++) {
            String input = mean.getInput(m);
            try {
                members[m] = read(model, options.toBuilder().outputTensor(input).build());
            } catch (OnnxImportException e) {
                throw e.restated("member " + (m + 1) + " of " + members.length + " (input '" + input
                        + "' of Mean node '" + mean.getName() + "'): " + e.getMessage(), null);
            }
        }
        return members;
    }

    /**
     * The default-domain {@code Mean} node of two or more inputs that computes {@code end} (null: the graph's only
     * output), or null.
     */
    private static NodeProto meanAtOutput(ModelProto model, String end) {
        if (end == null && model.getGraph().getOutputCount() == 1) {
            end = model.getGraph().getOutput(0).getName();
        }
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (node.getOpType().equals("Mean") && node.getDomain().isEmpty() && node.getInputCount() >= 2
                    && node.getOutputList().contains(end)) {
                return node;
            }
        }
        return null;
    }

    private static byte[] readFile(File file, ImportOptions options) throws IOException {
        if (file == null || options == null) {
            throw new IllegalArgumentException("file and options must not be null");
        }
        ImportLimits limits = options.limits();
        long length = file.length();
        if (!file.isFile()) {
            throw new IOException("model file '" + file + "' does not exist or is not a regular file");
        }
        if (length > limits.maxModelBytes()) {
            throw new OnnxImportException("model file '" + file + "' has " + length + " bytes; expected at most "
                    + limits.maxModelBytes() + " (ImportLimits.maxModelBytes; larger models keep weights in"
                    + " external data, which is not supported)", null, null, -1, file, null);
        }
        InputStream in = new FileInputStream(file);
        try {
            return readAll(in, "model file '" + file + "'", file, limits);
        } finally {
            in.close();
        }
    }

    /** {@code e} with the file named first, unless it already is ({@link OnnxImportException#file()} is set). */
    private static OnnxImportException inFile(File file, OnnxImportException e) {
        if (e.file() != null) {
            return e;
        }
        return e.restated("model file '" + file + "': " + e.getMessage(), file);
    }

    /**
     * Reads a serialized {@code ModelProto} from {@code in} up to its end within {@link ImportLimits#DEFAULTS}.
     *
     * @param in the serialised model; read to its end, not closed
     * @return the network and what the model says about it
     * @throws IOException when the stream cannot be read ({@link OnnxImportException} when it is not an importable
     *                     model)
     */
    public static ImportedModel read(InputStream in) throws IOException {
        return read(in, ImportLimits.DEFAULTS);
    }

    /**
     * Reads a serialized {@code ModelProto} from {@code in} up to its end, within {@code limits}: reading stops
     * as soon as the stream holds more than {@link ImportLimits#maxModelBytes()}. Does not close {@code in}.
     *
     * @param in the serialised model; read to its end, not closed
     * @param limits the size limits to read within
     * @return the network and what the model says about it
     * @throws IOException when the stream cannot be read ({@link OnnxImportException} when it is not an importable
     *                     model)
     */
    public static ImportedModel read(InputStream in, ImportLimits limits) throws IOException {
        return read(in, options(limits));
    }

    /**
     * As {@link #read(InputStream, ImportLimits)}, as {@code options} say. Does not close {@code in}.
     *
     * @param in the serialised model; read to its end, not closed
     * @param options the limits and the tensor to end at
     * @return the network and what the model says about it
     * @throws IOException when the stream cannot be read ({@link OnnxImportException} when it is not an importable
     *                     model)
     */
    public static ImportedModel read(InputStream in, ImportOptions options) throws IOException {
        if (in == null || options == null) {
            throw new IllegalArgumentException("input stream and options must not be null");
        }
        return read(readAll(in, "the stream", null, options.limits()), options);
    }

    /**
     * Converts an already parsed model within {@link ImportLimits#DEFAULTS}.
     *
     * @param model the parsed model
     * @return the network and what the model says about it
     * @throws OnnxImportException when the model exceeds the limits or holds no importable MLP (the message names the
     *                             node and op at fault)
     */
    public static ImportedModel read(ModelProto model) throws OnnxImportException {
        return read(model, ImportLimits.DEFAULTS);
    }

    /**
     * Converts an already parsed model within {@code limits} (all but {@link ImportLimits#maxModelBytes()},
     * which only the readers of bytes can check before parsing).
     *
     * @param model the parsed model
     * @param limits the size limits to read within
     * @return the network and what the model says about it
     * @throws OnnxImportException when the model exceeds the limits or holds no importable MLP (the message names the
     *                             node and op at fault)
     */
    public static ImportedModel read(ModelProto model, ImportLimits limits) throws OnnxImportException {
        return read(model, options(limits));
    }

    /**
     * Converts an already parsed model as {@code options} say (all limits but the model's byte size).
     *
     * @param model the parsed model
     * @param options the limits and the tensor to end at
     * @return the network and what the model says about it
     * @throws OnnxImportException when the model exceeds the limits or holds no importable MLP (the message names the
     *                             node and op at fault)
     */
    public static ImportedModel read(ModelProto model, ImportOptions options) throws OnnxImportException {
        if (model == null || options == null) {
            throw new IllegalArgumentException("model and options must not be null");
        }
        NodeProto mean = options.outputTensor() == null ? meanAtOutput(model, null) : null;
        if (mean != null) {
            throw new OutputTensorNeededException("the output '" + mean.getOutput(0) + "' is the Mean of "
                    + mean.getInputCount() + " values (node '" + mean.getName() + "': an averaged ensemble of"
                    + " networks); expected one network: read the members with OnnxImporter.readMembers, or one of"
                    + " them up to its output, e.g. ImportOptions.outputTensor(\"" + mean.getInput(0) + "\")",
                    mean.getName(), mean.getOpType(), model.getGraph().getNodeList().indexOf(mean), null,
                    mean.getInputList(), null);
        }
        try {
            ImportResult r = GraphImporter.read(model, options.limits(), options.outputTensor());
            return new ImportedModel(r.network(), r.task(), r.outputKind(), r.inputName(), r.outputName(),
                    r.inputShape(), r.classLabels(), r.featureNames(), r.metadata(), r.opset(), model.getIrVersion(),
                    model.getProducerName(), model.getProducerVersion(),
                    model.hasModelVersion() ? Long.valueOf(model.getModelVersion()) : null,
                    model.hasDocString() ? model.getDocString() : null);
        } catch (OutOfMemoryError e) {
            // Sizes are checked against limits first; this only happens for a model that fits the limits
            // but not this heap.
            throw new OnnxImportException("the network does not fit in memory (" + e.getMessage()
                    + "); expected a model this heap can hold, or lower ImportLimits");
        }
    }

    private static ImportOptions options(ImportLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        return ImportOptions.builder().limits(limits).build();
    }

    /** Parses {@code bytes} as a {@code ModelProto}; malformed input is an {@link OnnxImportException}. */
    static ModelProto parse(byte[] bytes) throws OnnxImportException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            ModelProto model = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException("not a valid ONNX model (" + bytes.length + " bytes): the protobuf is"
                    + " malformed or truncated (" + e.getMessage() + "); expected a serialized ONNX ModelProto", e);
        } catch (IOException e) {
            // A byte array has no I/O of its own; anything else the parser reports is malformed input too.
            throw new OnnxImportException("not a valid ONNX model (" + bytes.length + " bytes): " + e.getMessage()
                    + "; expected a serialized ONNX ModelProto", e);
        }
    }

    /** The stream's bytes; {@code what} names it in errors, {@code file} is where it comes from (or null). */
    private static byte[] readAll(InputStream in, String what, File file, ImportLimits limits) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        // ByteArrayOutputStream cannot hold more than Integer.MAX_VALUE - 8 bytes.
        long max = Math.min(limits.maxModelBytes(), MAX_MODEL_BYTES - 8);
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                throw new OnnxImportException(what + " holds more than " + max + " bytes; expected at most "
                        + max + " (ImportLimits.maxModelBytes)", null, null, -1, file, null);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
