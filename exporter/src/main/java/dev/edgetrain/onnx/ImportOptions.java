package dev.edgetrain.onnx;

/**
 * How {@link OnnxImporter} reads a model: the {@link ImportLimits} it must stay within, and optionally the tensor
 * to import up to. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * // openWakeWord's hey_jarvis post-processes its Sigmoid 'p1.1' (GreaterOrEqual, Cast, If): import the network
 * // that computes 'p1.1' and leave the rest of the graph out.
 * ImportedModel jarvis = OnnxImporter.read(file, ImportOptions.builder().outputTensor("p1.1").build());
 * }</pre>
 */
public final class ImportOptions {
    /** {@link ImportLimits#DEFAULTS}, up to the graph's output. */
    public static final ImportOptions DEFAULTS = builder().build();

    private final ImportLimits limits;
    private final String outputTensor;

    private ImportOptions(Builder b) {
        this.limits = b.limits;
        this.outputTensor = b.outputTensor;
    }

    /**
     * Options to set one by one, starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these options, to change some of them.
     *
     * @return a new builder; changing it leaves these options as they are
     */
    public Builder toBuilder() {
        return new Builder().limits(limits).outputTensor(outputTensor);
    }

    /**
     * The size limits checked while reading.
     *
     * @return the limits
     */
    public ImportLimits limits() {
        return limits;
    }

    /**
     * The value of the graph the imported network ends in, or null for the graph's output. Only the nodes this
     * tensor depends on are read; anything the graph computes after it (thresholds, casts, branches) is left out.
     *
     * @return the value's name, or null
     */
    public String outputTensor() {
        return outputTensor;
    }

    @Override
    public String toString() {
        return "ImportOptions{" + limits + (outputTensor == null ? "" : ", outputTensor='" + outputTensor + "'") + "}";
    }

    /** Builds {@link ImportOptions}; each setter returns this builder. */
    public static final class Builder {
        private ImportLimits limits = ImportLimits.DEFAULTS;
        private String outputTensor;

        private Builder() {
        }

        /**
         * The limits to read within; {@link ImportLimits#DEFAULTS} unless set.
         *
         * @param importLimits the limits, not null
         * @return this builder
         */
        public Builder limits(ImportLimits importLimits) {
            if (importLimits == null) {
                throw new IllegalArgumentException("limits must not be null");
            }
            this.limits = importLimits;
            return this;
        }

        /**
         * Import up to the value named {@code name} (a node's output, e.g. a Sigmoid before post-processing); null
         * for the graph's output.
         *
         * @param name the value's name, or null
         * @return this builder
         */
        public Builder outputTensor(String name) {
            if (name != null && name.isEmpty()) {
                throw new IllegalArgumentException("output tensor name must not be empty (use null for the graph's"
                        + " output)");
            }
            this.outputTensor = name;
            return this;
        }

        /**
         * The options.
         *
         * @return the options, immutable
         */
        public ImportOptions build() {
            return new ImportOptions(this);
        }
    }
}
