package dev.edgetrain.onnx.imports;

import com.google.protobuf.ByteString;
import dev.edgetrain.onnx.ImportLimits;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.proto.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A constant of the graph (an initializer, a {@code Constant} node's value, or a folded {@code Transpose}
 * of one), checked before its data is touched: a name that is not a path, dimensions non-negative, their
 * product without overflow and at most {@link ImportLimits#maxTensorElements()}, no external data, and a
 * payload of exactly the claimed size. Only then is an array allocated, so a file that claims 2^31 floats is
 * an error, never an out-of-memory.
 */
final class ConstantTensor {

    /** What the tensor is, for messages: {@code initializer 'fc1.weight'}. */
    final String origin;
    final long[] dims;
    final int dataType;
    final long count;
    /** Null for a tensor made from decoded values. */
    private final TensorProto proto;
    private float[] floats;
    private long[] longs;

    private ConstantTensor(String origin, long[] dims, int dataType, long count, TensorProto proto) {
        this.origin = origin;
        this.dims = dims;
        this.dataType = dataType;
        this.count = count;
        this.proto = proto;
    }

    /** Checks the header of {@code t}: name, shape, size limit, storage. Does not decode the data. */
    static ConstantTensor of(TensorProto t, String origin, ImportLimits limits) throws OnnxImportException {
        checkTensorName(t.getName(), origin);
        // Product of the non-zero dimensions, so [2^40, 0] is refused like [2^40]; overflow is caught.
        long nonZeroProduct = 1;
        boolean empty = false;
        boolean overflow = false;
        for (int i = 0; i < t.getDimsCount(); i++) {
            long d = t.getDims(i);
            if (d < 0) {
                throw new OnnxImportException(origin + " has dimension " + i + " = " + d
                        + "; expected a non-negative size");
            }
            if (d == 0) {
                empty = true;
            } else if (overflow || nonZeroProduct > Long.MAX_VALUE / d) {
                overflow = true;
            } else {
                nonZeroProduct *= d;
            }
        }
        if (overflow || nonZeroProduct > limits.maxTensorElements()) {
            throw new OnnxImportException(origin + " claims shape " + Arrays.toString(t.getDimsList().toArray())
                    + (overflow ? ", whose element count overflows a 64-bit integer"
                    : empty ? ", whose non-zero dimensions multiply to " + nonZeroProduct
                    : " = " + nonZeroProduct + " elements")
                    + "; expected at most " + limits.maxTensorElements()
                    + " elements per tensor (ImportLimits.maxTensorElements)");
        }
        long[] dims = new long[t.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
        }
        long count = empty ? 0 : nonZeroProduct;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String location = "";
            for (int i = 0; i < t.getExternalDataCount(); i++) {
                if ("location".equals(t.getExternalData(i).getKey())) {
                    location = " (location '" + t.getExternalData(i).getValue() + "')";
                }
            }
            throw new OnnxImportException(origin + " keeps its data in an external file" + location
                    + "; expected the data inside the model (re-save it without external data)");
        }
        if (t.hasSegment()) {
            throw new OnnxImportException(origin + " is a segment of a larger tensor; expected a whole tensor");
        }
        return new ConstantTensor(origin, dims, t.getDataType(), count, t);
    }

    static ConstantTensor ofFloats(String origin, long[] dims, float[] values) {
        ConstantTensor c = new ConstantTensor(origin, dims, TensorProto.DataType.FLOAT_VALUE, values.length, null);
        c.floats = values;
        return c;
    }

    static ConstantTensor ofLongs(String origin, long[] dims, long[] values) {
        ConstantTensor c = new ConstantTensor(origin, dims, TensorProto.DataType.INT64_VALUE, values.length, null);
        c.longs = values;
        return c;
    }

    int rank() {
        return dims.length;
    }

    String shape() {
        return Arrays.toString(dims);
    }

    /**
     * The values of a FLOAT tensor (from {@code raw_data}, little-endian, or {@code float_data}), all finite.
     * The array is shared: callers copy before changing it.
     */
    float[] floats() throws OnnxImportException {
        if (floats != null) {
            return floats;
        }
        if (dataType != TensorProto.DataType.FLOAT_VALUE) {
            throw new OnnxImportException(origin + " has data type " + typeName(dataType)
                    + "; expected FLOAT (32-bit) weights");
        }
        final int n = (int) count;
        float[] values;
        if (proto.hasRawData()) {
            if (proto.getFloatDataCount() > 0) {
                throw new OnnxImportException(origin + " has both raw_data and float_data; expected one of them");
            }
            ByteString raw = proto.getRawData();
            if (raw.size() != count * 4) {
                throw new OnnxImportException(origin + " has " + raw.size() + " bytes of raw_data; expected "
                        + (count * 4) + " (" + count + " floats for shape " + shape() + ")");
            }
            values = new float[n];
            raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            if (proto.getFloatDataCount() != count) {
                throw new OnnxImportException(origin + " has " + proto.getFloatDataCount() + " values in float_data;"
                        + " expected " + count + " for shape " + shape());
            }
            values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = proto.getFloatData(i);
            }
        }
        for (int i = 0; i < n; i++) {
            if (!(Math.abs(values[i]) <= Float.MAX_VALUE)) {
                throw new OnnxImportException(origin + " element " + index(i) + " is " + values[i]
                        + "; expected finite values");
            }
        }
        floats = values;
        return values;
    }

    /** The values of an INT64 or INT32 tensor (shapes, e.g. Reshape's second input). */
    long[] longs() throws OnnxImportException {
        if (longs != null) {
            return longs;
        }
        final int n = (int) count;
        long[] values = new long[n];
        if (dataType == TensorProto.DataType.INT64_VALUE) {
            if (proto.hasRawData()) {
                ByteString raw = proto.getRawData();
                if (raw.size() != count * 8) {
                    throw new OnnxImportException(origin + " has " + raw.size() + " bytes of raw_data; expected "
                            + (count * 8) + " (" + count + " int64 values for shape " + shape() + ")");
                }
                ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    values[i] = b.getLong(i * 8);
                }
            } else if (proto.getInt64DataCount() == count) {
                for (int i = 0; i < n; i++) {
                    values[i] = proto.getInt64Data(i);
                }
            } else {
                throw new OnnxImportException(origin + " has " + proto.getInt64DataCount()
                        + " values in int64_data; expected " + count + " for shape " + shape());
            }
        } else if (dataType == TensorProto.DataType.INT32_VALUE) {
            if (proto.hasRawData()) {
                ByteString raw = proto.getRawData();
                if (raw.size() != count * 4) {
                    throw new OnnxImportException(origin + " has " + raw.size() + " bytes of raw_data; expected "
                            + (count * 4) + " (" + count + " int32 values for shape " + shape() + ")");
                }
                ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    values[i] = b.getInt(i * 4);
                }
            } else if (proto.getInt32DataCount() == count) {
                for (int i = 0; i < n; i++) {
                    values[i] = proto.getInt32Data(i);
                }
            } else {
                throw new OnnxImportException(origin + " has " + proto.getInt32DataCount()
                        + " values in int32_data; expected " + count + " for shape " + shape());
            }
        } else {
            throw new OnnxImportException(origin + " has data type " + typeName(dataType) + "; expected INT64");
        }
        longs = values;
        return values;
    }

    /** Whether the tensor holds one value and has rank at most {@code maxRank} (so it broadcasts like a scalar). */
    boolean isScalar(int maxRank) {
        return count == 1 && rank() <= maxRank;
    }

    /**
     * The single value of a one-element FLOAT, integer (INT64 or INT32) tensor as a double; call
     * {@link #isScalar} first.
     */
    double scalar() throws OnnxImportException {
        if (count != 1) {
            throw new OnnxImportException(origin + " has shape " + shape() + "; expected a single value");
        }
        if (dataType == TensorProto.DataType.INT64_VALUE || dataType == TensorProto.DataType.INT32_VALUE) {
            return longs()[0];
        }
        return floats()[0];
    }

    /**
     * The single value of a one-element BOOL tensor (ONNX stores booleans as one byte each in {@code raw_data},
     * or in {@code int32_data}).
     */
    boolean booleanScalar() throws OnnxImportException {
        if (dataType != TensorProto.DataType.BOOL_VALUE) {
            throw new OnnxImportException(origin + " has data type " + typeName(dataType) + "; expected BOOL");
        }
        if (count != 1) {
            throw new OnnxImportException(origin + " has shape " + shape() + "; expected a single BOOL value");
        }
        if (proto == null) {
            throw new OnnxImportException(origin + " holds no BOOL data; expected one value");
        }
        if (proto.hasRawData()) {
            if (proto.getRawData().size() != 1) {
                throw new OnnxImportException(origin + " has " + proto.getRawData().size()
                        + " bytes of raw_data; expected 1 (one BOOL)");
            }
            return proto.getRawData().byteAt(0) != 0;
        }
        if (proto.getInt32DataCount() != 1) {
            throw new OnnxImportException(origin + " has " + proto.getInt32DataCount()
                    + " values in int32_data; expected 1 (one BOOL)");
        }
        return proto.getInt32Data(0) != 0;
    }

    /** {@code [3][7]} for flat index 52 of a {@code [8, 15]} tensor. */
    private String index(int flat) {
        if (dims.length == 0) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder();
        long rest = flat;
        long[] idx = new long[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = dims[d] == 0 ? 0 : rest % dims[d];
            rest = dims[d] == 0 ? 0 : rest / dims[d];
        }
        for (long i : idx) {
            sb.append('[').append(i).append(']');
        }
        return sb.toString();
    }

    /**
     * Refuses a tensor name that reads as a file path: NUL or another control character, a backslash, a
     * {@code ..} or a leading {@code /}. ONNX tooling turns tensor names into file names when it saves
     * external data, so such a name is a path-traversal attempt, never a real weight's name. A {@code /}
     * inside the name stays allowed: TensorFlow converters name weights {@code dense_1/kernel:0}.
     */
    static void checkTensorName(String name, String origin) throws OnnxImportException {
        String why = null;
        for (int i = 0; i < name.length() && why == null; i++) {
            char c = name.charAt(i);
            if (c == 0) {
                why = "a NUL character at index " + i;
            } else if (c < 0x20 || c == 0x7f) {
                why = "control character U+" + String.format("%04X", (int) c) + " at index " + i;
            } else if (c == '\\') {
                why = "a backslash at index " + i;
            }
        }
        if (why == null && name.contains("..")) {
            why = "'..' at index " + name.indexOf("..");
        }
        if (why == null && name.startsWith("/")) {
            why = "a leading '/'";
        }
        if (why != null) {
            throw new OnnxImportException(origin + " has a path-like name (" + why + "); expected a tensor name that"
                    + " is not a file path (no NUL or control characters, '\\', '..' or leading '/')");
        }
    }

    static String typeName(int dataType) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(dataType);
        return t == null ? "#" + dataType : t.name();
    }
}
