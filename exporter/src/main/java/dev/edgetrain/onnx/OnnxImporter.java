package dev.edgetrain.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgetrain.onnx.proto.ModelProto;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an ONNX feed-forward classifier into a runtime network ready to fine-tune: PyTorch's
 * {@code Gemm(transB=1)} chains, Keras/TF's {@code MatMul + Add} (keras2onnx, tf2onnx), {@code Gemm} without
 * transB, a leading {@code Flatten}/{@code Reshape}, {@code Relu} between layers and a {@code Softmax},
 * {@code LogSoftmax}, {@code Identity} or no tail. See the exporter README for the exact rules.
 *
 * <p>Anything else (another activation, a branch, {@code transA=1}, a batch-dependent bias, external data,
 * sizes that do not add up) is an {@link OnnxImportException} naming the node and what was expected. Declared
 * sizes are checked against {@link ImportLimits} (the defaults, or the caller's) before anything of that size
 * is allocated; path-like tensor names are refused. Stateless and thread-safe.
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

    /** Reads a serialized {@code ModelProto} within {@link ImportLimits#DEFAULTS}. */
    public static ImportedModel read(byte[] model) throws OnnxImportException {
        return read(model, ImportLimits.DEFAULTS);
    }

    /** Reads a serialized {@code ModelProto} within {@code limits}. */
    public static ImportedModel read(byte[] model, ImportLimits limits) throws OnnxImportException {
        if (model == null || limits == null) {
            throw new IllegalArgumentException("model bytes and limits must not be null");
        }
        if (model.length > limits.maxModelBytes()) {
            throw new OnnxImportException("the model has " + model.length + " bytes; expected at most "
                    + limits.maxModelBytes() + " (ImportLimits.maxModelBytes)");
        }
        return read(parse(model), limits);
    }

    /** Reads a {@code .onnx} file within {@link ImportLimits#DEFAULTS}; messages name the file. */
    public static ImportedModel read(File file) throws IOException {
        return read(file, ImportLimits.DEFAULTS);
    }

    /** Reads a {@code .onnx} file within {@code limits} (its length is checked before it is read). */
    public static ImportedModel read(File file, ImportLimits limits) throws IOException {
        if (file == null || limits == null) {
            throw new IllegalArgumentException("file and limits must not be null");
        }
        long length = file.length();
        if (!file.isFile()) {
            throw new IOException("model file '" + file + "' does not exist or is not a regular file");
        }
        if (length > limits.maxModelBytes()) {
            throw new OnnxImportException("model file '" + file + "' has " + length + " bytes; expected at most "
                    + limits.maxModelBytes() + " (ImportLimits.maxModelBytes; larger models keep weights in"
                    + " external data, which is not supported)");
        }
        InputStream in = new FileInputStream(file);
        try {
            return read(readAll(in, "model file '" + file + "'", limits), limits);
        } catch (OnnxImportException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("model file '")) {
                throw e;
            }
            throw new OnnxImportException("model file '" + file + "': " + e.getMessage(), e.nodeName(), e.opType(),
                    e.nodeIndex(), e);
        } finally {
            in.close();
        }
    }

    /** Reads a serialized {@code ModelProto} from {@code in} up to its end within {@link ImportLimits#DEFAULTS}. */
    public static ImportedModel read(InputStream in) throws IOException {
        return read(in, ImportLimits.DEFAULTS);
    }

    /**
     * Reads a serialized {@code ModelProto} from {@code in} up to its end, within {@code limits}: reading stops
     * as soon as the stream holds more than {@link ImportLimits#maxModelBytes()}. Does not close {@code in}.
     */
    public static ImportedModel read(InputStream in, ImportLimits limits) throws IOException {
        if (in == null || limits == null) {
            throw new IllegalArgumentException("input stream and limits must not be null");
        }
        return read(readAll(in, "the stream", limits), limits);
    }

    /** Converts an already parsed model within {@link ImportLimits#DEFAULTS}. */
    public static ImportedModel read(ModelProto model) throws OnnxImportException {
        return read(model, ImportLimits.DEFAULTS);
    }

    /**
     * Converts an already parsed model within {@code limits} (all but {@link ImportLimits#maxModelBytes()},
     * which only the readers of bytes can check before parsing).
     */
    public static ImportedModel read(ModelProto model, ImportLimits limits) throws OnnxImportException {
        if (model == null || limits == null) {
            throw new IllegalArgumentException("model and limits must not be null");
        }
        try {
            return ChainImporter.convert(model, limits);
        } catch (OutOfMemoryError e) {
            // Sizes are checked against limits first; this only happens for a model that fits the limits
            // but not this heap.
            throw new OnnxImportException("the network does not fit in memory (" + e.getMessage()
                    + "); expected a model this heap can hold, or lower ImportLimits");
        }
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

    private static byte[] readAll(InputStream in, String what, ImportLimits limits) throws IOException {
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
                        + max + " (ImportLimits.maxModelBytes)");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
