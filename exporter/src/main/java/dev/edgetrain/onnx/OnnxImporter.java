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
 * sizes that do not add up) is an {@link OnnxImportException} naming the node and what was expected; sizes
 * are checked before anything is allocated. Stateless and thread-safe.
 */
public final class OnnxImporter {
    /** The largest model read: protobuf's own limit for one message (2 GiB - 1). */
    public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;
    /**
     * Nesting depth of protobuf messages accepted (graphs inside attributes inside graphs…); protobuf's
     * default. A deeper file is refused while parsing instead of exhausting the stack.
     */
    static final int RECURSION_LIMIT = 100;

    private OnnxImporter() {
    }

    /** Reads a serialized {@code ModelProto}. */
    public static ImportedModel read(byte[] model) throws OnnxImportException {
        if (model == null) {
            throw new IllegalArgumentException("model bytes must not be null");
        }
        return read(parse(model));
    }

    /** Reads a {@code .onnx} file; messages name the file. */
    public static ImportedModel read(File file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        long length = file.length();
        if (!file.isFile()) {
            throw new IOException("model file '" + file + "' does not exist or is not a regular file");
        }
        if (length > MAX_MODEL_BYTES) {
            throw new OnnxImportException("model file '" + file + "' has " + length + " bytes; expected at most "
                    + MAX_MODEL_BYTES + " (larger models keep weights in external data, which is not supported)");
        }
        InputStream in = new FileInputStream(file);
        try {
            return read(readAll(in, file.toString()));
        } catch (OnnxImportException e) {
            throw new OnnxImportException("model file '" + file + "': " + e.getMessage(), e.nodeName(), e.opType(),
                    e.nodeIndex(), e);
        } finally {
            in.close();
        }
    }

    /** Reads a serialized {@code ModelProto} from {@code in} up to its end; does not close it. */
    public static ImportedModel read(InputStream in) throws IOException {
        if (in == null) {
            throw new IllegalArgumentException("input stream must not be null");
        }
        return read(readAll(in, "the stream"));
    }

    /** Converts an already parsed model. */
    public static ImportedModel read(ModelProto model) throws OnnxImportException {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        try {
            return ChainImporter.convert(model);
        } catch (OutOfMemoryError e) {
            // Sizes are checked against limits first; this only happens for a model that fits the limits
            // but not this heap.
            throw new OnnxImportException("the network does not fit in memory (" + e.getMessage()
                    + "); expected a model this heap can hold");
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

    private static byte[] readAll(InputStream in, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > MAX_MODEL_BYTES - 8) {
                throw new OnnxImportException(what + " holds more than " + (MAX_MODEL_BYTES - 8)
                        + " bytes; expected a model of at most that size");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
