package dev.edgetrain.onnx;

import dev.edgetrain.runtime.NetworkSpec;

/**
 * How much a model file may ask of {@link OnnxImporter} before it is refused: its size in bytes, its node
 * count, the elements of each constant tensor and of all of them together, the product of a declared shape's
 * dimensions, the width of a layer and the parameters of the network it builds. Every limit is checked
 * against the sizes the file <em>declares</em>, before anything of that size is allocated, so a hostile file
 * is an {@link OnnxImportException} naming the limit, never an out-of-memory. Products of dimensions are
 * computed without overflow.
 *
 * <p>{@link #maxParameters()} matters most: a small file can name one weight tensor from many layers, and
 * each layer gets its own copy in the network (with gradients and the kernels' copies, about four floats per
 * parameter), so the network, not the file, is what can exhaust memory.
 *
 * <p>{@link #DEFAULTS} suit models that arrive over the network on a phone: files up to 64 MiB, networks up to
 * 16 Mi parameters (64 MiB of weights). Raise them with {@link #builder()} for bigger trusted models; the
 * runtime's own bounds ({@link NetworkSpec#MAX_WIDTH}, {@link NetworkSpec#MAX_PARAMETERS}) are the ceiling.
 * Immutable and thread-safe.
 */
public final class ImportLimits {
    /** Largest model read at all: protobuf's limit for one message (2 GiB - 1). */
    public static final long MODEL_BYTES_CEILING = Integer.MAX_VALUE;

    /** Default of {@link Builder#maxModelBytes}: 64 MiB. */
    public static final long DEFAULT_MAX_MODEL_BYTES = 64L << 20;
    /** Default of {@link Builder#maxNodes}. */
    public static final int DEFAULT_MAX_NODES = 10000;
    /** Default of {@link Builder#maxTensorElements}. */
    public static final long DEFAULT_MAX_TENSOR_ELEMENTS = 1L << 24;
    /** Twice a tensor's: room for a folded transposed copy of every weight. */
    public static final long DEFAULT_MAX_TOTAL_ELEMENTS = 1L << 25;
    /** Default of {@link Builder#maxDimsProduct}. */
    public static final long DEFAULT_MAX_DIMS_PRODUCT = 1L << 24;
    /** Default of {@link Builder#maxLayerWidth}: the runtime's largest width. */
    public static final int DEFAULT_MAX_LAYER_WIDTH = NetworkSpec.MAX_WIDTH;
    /** Default of {@link Builder#maxParameters}. */
    public static final long DEFAULT_MAX_PARAMETERS = 1L << 24;

    /**
     * 64 MiB, 10 000 nodes, 16 Mi elements per tensor and 32 Mi in total, dims product 16 Mi, width 65 536,
     * 16 Mi parameters.
     */
    public static final ImportLimits DEFAULTS = builder().build();

    private final long maxModelBytes;
    private final int maxNodes;
    private final long maxTensorElements;
    private final long maxTotalElements;
    private final long maxDimsProduct;
    private final int maxLayerWidth;
    private final long maxParameters;

    private ImportLimits(Builder b) {
        this.maxModelBytes = b.maxModelBytes;
        this.maxNodes = b.maxNodes;
        this.maxTensorElements = b.maxTensorElements;
        this.maxTotalElements = b.maxTotalElements;
        this.maxDimsProduct = b.maxDimsProduct;
        this.maxLayerWidth = b.maxLayerWidth;
        this.maxParameters = b.maxParameters;
    }

    /**
     * Limits to set one by one, starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these limits, to change some of them.
     *
     * @return a new builder; changing it leaves these limits as they are
     */
    public Builder toBuilder() {
        return new Builder().maxModelBytes(maxModelBytes).maxNodes(maxNodes).maxTensorElements(maxTensorElements)
                .maxTotalElements(maxTotalElements).maxDimsProduct(maxDimsProduct).maxLayerWidth(maxLayerWidth)
                .maxParameters(maxParameters);
    }

    /**
     * Largest serialized model, in bytes (a file's length is checked before it is read).
     *
     * @return the limit in bytes
     */
    public long maxModelBytes() {
        return maxModelBytes;
    }

    /**
     * Largest number of nodes in the graph.
     *
     * @return the limit
     */
    public int maxNodes() {
        return maxNodes;
    }

    /**
     * Largest element count of one constant tensor (initializer, Constant value, folded Transpose).
     *
     * @return the limit, in elements
     */
    public long maxTensorElements() {
        return maxTensorElements;
    }

    /**
     * Largest element count of all constant tensors together, folded copies included.
     *
     * @return the limit, in elements
     */
    public long maxTotalElements() {
        return maxTotalElements;
    }

    /**
     * Largest product of the known dimensions of a declared shape: the graph input's shape and a Reshape's
     * target shape. Zero dimensions do not hide a huge one: the product is of the non-zero dimensions.
     *
     * @return the limit
     */
    public long maxDimsProduct() {
        return maxDimsProduct;
    }

    /**
     * Largest number of inputs or outputs of a dense layer.
     *
     * @return the limit
     */
    public int maxLayerWidth() {
        return maxLayerWidth;
    }

    /**
     * Largest number of parameters (weights and biases) of the network built, counted layer by layer.
     *
     * @return the limit
     */
    public long maxParameters() {
        return maxParameters;
    }

    @Override
    public String toString() {
        return "ImportLimits{maxModelBytes=" + maxModelBytes + ", maxNodes=" + maxNodes + ", maxTensorElements="
                + maxTensorElements + ", maxTotalElements=" + maxTotalElements + ", maxDimsProduct=" + maxDimsProduct
                + ", maxLayerWidth=" + maxLayerWidth + ", maxParameters=" + maxParameters + "}";
    }

    /** Each setter checks its value: positive, and within the runtime's own ceiling. */
    public static final class Builder {
        private long maxModelBytes = DEFAULT_MAX_MODEL_BYTES;
        private int maxNodes = DEFAULT_MAX_NODES;
        private long maxTensorElements = DEFAULT_MAX_TENSOR_ELEMENTS;
        private long maxTotalElements = DEFAULT_MAX_TOTAL_ELEMENTS;
        private long maxDimsProduct = DEFAULT_MAX_DIMS_PRODUCT;
        private int maxLayerWidth = DEFAULT_MAX_LAYER_WIDTH;
        private long maxParameters = DEFAULT_MAX_PARAMETERS;

        private Builder() {
        }

        /**
         * Largest serialized model, in bytes.
         *
         * @param bytes the limit, at least 1 (and at most a hard ceiling far above any real model)
         * @return this builder
         */
        public Builder maxModelBytes(long bytes) {
            this.maxModelBytes = check("maxModelBytes", bytes, MODEL_BYTES_CEILING);
            return this;
        }

        /**
         * Largest number of nodes in the graph.
         *
         * @param nodes the limit, at least 1 (and at most a hard ceiling far above any real model)
         * @return this builder
         */
        public Builder maxNodes(int nodes) {
            this.maxNodes = (int) check("maxNodes", nodes, Integer.MAX_VALUE);
            return this;
        }

        /**
         * Largest element count of one constant tensor.
         *
         * @param elements the limit, at least 1 (and at most a hard ceiling far above any real model)
         * @return this builder
         */
        public Builder maxTensorElements(long elements) {
            this.maxTensorElements = check("maxTensorElements", elements, NetworkSpec.MAX_PARAMETERS);
            return this;
        }

        /**
         * Largest element count of all constant tensors together.
         *
         * @param elements the limit, at least 1 (and at most a hard ceiling far above any real model)
         * @return this builder
         */
        public Builder maxTotalElements(long elements) {
            // Folded copies (a transposed weight) count too, so the total may exceed one network's parameters.
            this.maxTotalElements = check("maxTotalElements", elements, 4 * NetworkSpec.MAX_PARAMETERS);
            return this;
        }

        /**
         * Largest product of a tensor's dimensions.
         *
         * @param product the limit, at least 1 (and at most a hard ceiling far above any real model)
         * @return this builder
         */
        public Builder maxDimsProduct(long product) {
            this.maxDimsProduct = check("maxDimsProduct", product, Long.MAX_VALUE);
            return this;
        }

        /**
         * Largest number of inputs or outputs of a dense layer.
         *
         * @param width the limit, at least 1 (and at most a hard ceiling far above any real model)
         * @return this builder
         */
        public Builder maxLayerWidth(int width) {
            this.maxLayerWidth = (int) check("maxLayerWidth", width, NetworkSpec.MAX_WIDTH);
            return this;
        }

        /**
         * Largest number of parameters of the network built.
         *
         * @param parameters the limit, at least 1 (and at most a hard ceiling far above any real model)
         * @return this builder
         */
        public Builder maxParameters(long parameters) {
            this.maxParameters = check("maxParameters", parameters, NetworkSpec.MAX_PARAMETERS);
            return this;
        }

        /**
         * The limits.
         *
         * @return the limits, immutable
         */
        public ImportLimits build() {
            return new ImportLimits(this);
        }

        private static long check(String name, long value, long ceiling) {
            if (value < 1 || value > ceiling) {
                throw new IllegalArgumentException(name + " must be in [1, " + ceiling + "], got " + value);
            }
            return value;
        }
    }
}
