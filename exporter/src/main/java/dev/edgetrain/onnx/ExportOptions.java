package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Standardizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link OnnxExporter} writes besides the weights: the output kind, labels, feature names, a folded
 * input standardisation, the opset, the input shape, the input and output names, a fixed batch and the model
 * envelope's fields. Immutable; made with
 * {@link #builder()}. Values are checked when set; whether they fit the network (output kind, label count, input
 * shape, …) is checked at export, before anything is written.
 */
public final class ExportOptions {
    private final OutputKind output;
    private final boolean includeLogits;
    private final String[] classLabels;
    private final String[] featureNames;
    private final float[] mean;
    private final float[] std;
    private final String docString;
    private final Long modelVersion;
    private final int targetOpset;
    private final long[] inputShape;
    private final String inputName;
    private final String outputName;
    private final long fixedBatch;
    private final Map<String, String> metadata;

    private ExportOptions(Builder b) {
        this.output = b.output;
        this.targetOpset = b.targetOpset;
        this.inputShape = b.inputShape == null ? null : b.inputShape.clone();
        this.inputName = b.inputName;
        this.outputName = b.outputName;
        this.fixedBatch = b.fixedBatch;
        this.includeLogits = b.includeLogits;
        this.classLabels = b.classLabels == null ? null : b.classLabels.clone();
        this.featureNames = b.featureNames == null ? null : b.featureNames.clone();
        this.mean = b.mean == null ? null : b.mean.clone();
        this.std = b.std == null ? null : b.std.clone();
        this.docString = b.docString;
        this.modelVersion = b.modelVersion;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<String, String>(b.metadata));
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
     * The defaults: probabilities output, no labels, no standardisation.
     *
     * @return the default options
     */
    public static ExportOptions defaults() {
        return builder().build();
    }

    /**
     * A builder holding these options, to change some of them.
     *
     * @return a new builder; changing it leaves these options as they are
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.output = output;
        b.includeLogits = includeLogits;
        b.classLabels = classLabels;
        b.featureNames = featureNames;
        b.mean = mean;
        b.std = std;
        b.docString = docString;
        b.modelVersion = modelVersion;
        b.targetOpset = targetOpset;
        b.inputShape = inputShape;
        b.inputName = inputName;
        b.outputName = outputName;
        b.fixedBatch = fixedBatch;
        b.metadata.putAll(metadata);
        return b;
    }

    /**
     * The main output as set, or {@code null} for the task's default ({@link OutputKind#defaultFor}).
     *
     * @return the output kind, or null
     */
    public OutputKind output() {
        return output;
    }

    /**
     * The main output of a network for {@code task}: as set, or {@link OutputKind#defaultFor}.
     *
     * @param task the network's task
     * @return the output kind, never null
     */
    public OutputKind outputFor(Task task) {
        return output != null ? output : OutputKind.defaultFor(task);
    }

    /**
     * The default-domain opset to write, or 0 for the lowest that expresses every layer natively (13; 17 with a
     * layer norm, written as {@code LayerNormalization}; 20 with GELU, written as {@code Gelu}). A lower target
     * (at least {@link dev.edgetrain.onnx.graph.OnnxOp#MIN_OPSET}) writes those layers in their decomposed forms.
     *
     * @return the opset, or 0 for automatic
     */
    public int targetOpset() {
        return targetOpset;
    }

    /**
     * The graph input's shape, {@code -1} for the (symbolic) batch, e.g. {@code [-1, 16, 96]}: a rank above 2 is
     * flattened to {@code [N, features]} by a leading {@code Flatten} node. {@code null}: {@code [N, features]}.
     *
     * @return a copy of the shape, or null
     */
    public long[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    /**
     * The graph input's name as set, or {@code null} for {@link OnnxExporter#INPUT_NAME} ({@code input}).
     *
     * @return the name, or null
     */
    public String inputName() {
        return inputName;
    }

    /**
     * The graph input's name: as set, or {@link OnnxExporter#INPUT_NAME}.
     *
     * @return the name, never null
     */
    public String resolvedInputName() {
        return inputName != null ? inputName : OnnxExporter.INPUT_NAME;
    }

    /**
     * The main output's name as set, or {@code null} for the output kind's own name ({@code probabilities},
     * {@code logits}, {@code log_probabilities}, {@code predictions}: {@link OutputKind#outputName()}).
     *
     * @return the name, or null
     */
    public String outputName() {
        return outputName;
    }

    /**
     * The main output's name for a network of {@code task}: as set, or the name of {@link #outputFor}.
     *
     * @param task the network's task
     * @return the name, never null
     */
    public String resolvedOutputName(Task task) {
        return outputName != null ? outputName : outputFor(task).outputName();
    }

    /**
     * The batch size the input and outputs declare, or 0 (the default) for the symbolic batch {@code N}. openWakeWord's
     * heads declare a fixed 1 ({@code [1, 16, 96] → [1, 1]}); a drop-in replacement does the same.
     *
     * @return the batch size, or 0
     */
    public long fixedBatch() {
        return fixedBatch;
    }

    /**
     * Whether the values before the head are a second output, {@code logits}.
     *
     * @return true when {@code logits} is exported too
     */
    public boolean includeLogits() {
        return includeLogits;
    }

    /**
     * A copy of the class labels, or null.
     *
     * @return the labels, or null
     */
    public String[] classLabels() {
        return classLabels == null ? null : classLabels.clone();
    }

    /**
     * A copy of the feature names, or null.
     *
     * @return one name per input feature, or null
     */
    public String[] featureNames() {
        return featureNames == null ? null : featureNames.clone();
    }

    /**
     * A copy of the standardisation means, or null when none is folded.
     *
     * @return {@code [features]} means, or null
     */
    public float[] standardizerMean() {
        return mean == null ? null : mean.clone();
    }

    /**
     * A copy of the standardisation standard deviations, or null when none is folded.
     *
     * @return {@code [features]} standard deviations, each above 0, or null
     */
    public float[] standardizerStd() {
        return std == null ? null : std.clone();
    }

    /**
     * The model's {@code doc_string}; null for the default description.
     *
     * @return the text, or null
     */
    public String docString() {
        return docString;
    }

    /**
     * The model version to write, or null to leave it unset.
     *
     * @return the version, or null
     */
    public Long modelVersion() {
        return modelVersion;
    }

    /**
     * The extra {@code metadata_props}, in insertion order.
     *
     * @return the entries (unmodifiable), empty for none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    // Package-private views without copies, for the exporter.
    String[] classLabelsRef() {
        return classLabels;
    }

    String[] featureNamesRef() {
        return featureNames;
    }

    float[] meanRef() {
        return mean;
    }

    float[] stdRef() {
        return std;
    }

    /** Builds {@link ExportOptions}; each setter returns this builder. */
    public static final class Builder {
        private OutputKind output;
        private int targetOpset;
        private long[] inputShape;
        private String inputName;
        private String outputName;
        private long fixedBatch;
        private boolean includeLogits;
        private String[] classLabels;
        private String[] featureNames;
        private float[] mean;
        private float[] std;
        private String docString;
        private Long modelVersion;
        private final Map<String, String> metadata = new LinkedHashMap<String, String>();

        private Builder() {
        }

        /**
         * The names of what the network predicts, written as {@link ModelMetadata#CLASS_LABELS}: one per class
         * (classify), negative then positive (binary, 2), one per output (multilabel labels, regress targets);
         * the count is checked at export ({@link ModelMetadata#classLabelCount}).
         *
         * @param labels the names, none null; or null for none
         * @return this builder
         */
        public Builder classLabels(String[] labels) {
            this.classLabels = checkedNames("class label", labels);
            return this;
        }

        /**
         * One name per input feature, in input-column order; written as {@link ModelMetadata#FEATURE_NAMES}.
         *
         * @param names one name per input, none null; or null for none
         * @return this builder
         */
        public Builder featureNames(String[] names) {
            this.featureNames = checkedNames("feature name", names);
            return this;
        }

        /**
         * The standardisation {@code x' = (x − mean)/std} the network was trained behind. It is folded into
         * the first layer ({@code W' = W/std} per input column, {@code b' = b − W'·mean}), so the exported
         * graph takes raw features and has no extra node. Null for none.
         *
         * @param mean {@code [features]} finite means, or null
         * @param std {@code [features]} finite standard deviations above 0, or null
         * @return this builder
         */
        public Builder standardizer(float[] mean, float[] std) {
            if (mean == null && std == null) {
                this.mean = null;
                this.std = null;
                return this;
            }
            if (mean == null || std == null || mean.length != std.length || mean.length == 0) {
                throw new IllegalArgumentException("standardizer mean and std must be non-empty and of equal length,"
                        + " got "
                        + (mean == null ? "null" : String.valueOf(mean.length)) + " and "
                        + (std == null ? "null" : String.valueOf(std.length)));
            }
            for (int i = 0; i < mean.length; i++) {
                if (!(Math.abs(mean[i]) <= Float.MAX_VALUE) || !(std[i] > 0 && std[i] <= Float.MAX_VALUE)) {
                    throw new IllegalArgumentException("standardizer feature " + i + ": mean " + mean[i] + ", std "
                            + std[i] + "; expected a finite mean and a finite std > 0");
                }
            }
            this.mean = mean.clone();
            this.std = std.clone();
            return this;
        }

        /**
         * As {@link #standardizer(float[], float[])}, from a fitted {@link Standardizer}; null for none.
         *
         * @param standardizer the fitted scaling, or null
         * @return this builder
         */
        public Builder standardizer(Standardizer standardizer) {
            return standardizer == null ? standardizer(null, null)
                    : standardizer(standardizer.mean(), standardizer.std());
        }

        /**
         * The main output: probabilities, logits, log-probabilities or predictions, as the network's task allows
         * (checked at export); {@code null} for the task's default ({@link OutputKind#defaultFor}).
         *
         * @param kind the output kind, or null
         * @return this builder
         */
        public Builder output(OutputKind kind) {
            this.output = kind;
            return this;
        }

        /**
         * See {@link ExportOptions#targetOpset()}: 0 (automatic) or {@code MIN_OPSET} to {@code MAX_KNOWN_OPSET}.
         *
         * @param opset the opset, or 0
         * @return this builder
         */
        public Builder targetOpset(int opset) {
            if (opset != 0 && (opset < dev.edgetrain.onnx.graph.OnnxOp.MIN_OPSET
                    || opset > dev.edgetrain.onnx.graph.OnnxOp.MAX_KNOWN_OPSET)) {
                throw new IllegalArgumentException("target opset must be 0 (automatic) or in ["
                        + dev.edgetrain.onnx.graph.OnnxOp.MIN_OPSET + ", "
                        + dev.edgetrain.onnx.graph.OnnxOp.MAX_KNOWN_OPSET + "], got " + opset);
            }
            this.targetOpset = opset;
            return this;
        }

        /**
         * See {@link ExportOptions#inputShape()}: rank ≥ 2, dimension 0 is -1 (or 1, written as the symbolic batch
         * too), the others positive; their product must equal the network's inputs (checked at export). {@code null}
         * for {@code [N, features]}.
         *
         * @param shape the input's shape, or null
         * @return this builder
         */
        public Builder inputShape(long[] shape) {
            if (shape == null) {
                this.inputShape = null;
                return this;
            }
            if (shape.length < 2) {
                throw new IllegalArgumentException("input shape must have rank >= 2 ([N, ...]), got "
                        + java.util.Arrays.toString(shape));
            }
            if (shape[0] != -1 && shape[0] != 1) {
                throw new IllegalArgumentException("input shape " + java.util.Arrays.toString(shape)
                        + " has batch dimension " + shape[0] + "; expected -1 (any batch) or 1");
            }
            for (int i = 1; i < shape.length; i++) {
                if (shape[i] < 1) {
                    throw new IllegalArgumentException("input shape " + java.util.Arrays.toString(shape)
                            + " has dimension " + i + " = " + shape[i] + "; expected positive sizes after the batch");
                }
            }
            this.inputShape = shape.clone();
            return this;
        }

        /**
         * The graph input's name, e.g. {@code onnx::Flatten_0} to replace openWakeWord's {@code alexa_v0.1} head;
         * {@code null} for {@code input}. Checked at export: it must differ from the output name and from the
         * names of the values the exporter writes itself ({@code logits}, the output kinds' names,
         * {@code layer<l>.…}, {@code norm.…}, {@code gelu.…}), so every value keeps its documented name.
         *
         * @param name the input's name, or null
         * @return this builder
         */
        public Builder inputName(String name) {
            this.inputName = checkedValueName("input name", name);
            return this;
        }

        /**
         * The main output's name, e.g. {@code 13} to replace openWakeWord's {@code alexa_v0.1} head; {@code null} for
         * the output kind's name ({@link OutputKind#outputName()}). Checked at export as {@link #inputName}; the
         * optional second output keeps the name {@code logits}.
         *
         * @param name the output's name, or null
         * @return this builder
         */
        public Builder outputName(String name) {
            this.outputName = checkedValueName("output name", name);
            return this;
        }

        /**
         * Declares the input's and outputs' batch as a fixed {@code size} (at least 1) instead of the symbolic
         * {@code N}; 0 for symbolic (the default). With an {@link #inputShape} whose first dimension is 1, only 0
         * or 1 fit. A drop-in replacement for openWakeWord's heads uses {@code inputShape(new long[] {1, 16, 96})}
         * and {@code fixedBatch(1)}.
         *
         * @param size the batch size, or 0 for symbolic
         * @return this builder
         */
        public Builder fixedBatch(long size) {
            if (size < 0) {
                throw new IllegalArgumentException("fixed batch must be 0 (symbolic) or a positive size, got " + size);
            }
            this.fixedBatch = size;
            return this;
        }

        /**
         * Also expose the output layer's values before the head (softmax, log-softmax or sigmoid) as a second
         * graph output {@code logits}. Has no effect when the main output has no head ({@link OutputKind#LOGITS},
         * {@link OutputKind#PREDICTIONS}): it already is those values.
         *
         * @param include whether to add the {@code logits} output
         * @return this builder
         */
        public Builder includeLogits(boolean include) {
            this.includeLogits = include;
            return this;
        }

        /**
         * The model's {@code doc_string}; null for the default description.
         *
         * @param doc the text, or null
         * @return this builder
         */
        public Builder docString(String doc) {
            this.docString = doc;
            return this;
        }

        /**
         * The model's {@code model_version}, e.g. a training run counter; unset by default.
         *
         * @param version the version, any value
         * @return this builder
         */
        public Builder modelVersion(long version) {
            this.modelVersion = version;
            return this;
        }

        /**
         * An extra {@code metadata_props} entry (a training summary, a data-set id, …). Setting a key again
         * replaces its value. Keys listed in {@link ModelMetadata} are written by the exporter and refused here.
         *
         * @param key the entry's key, not one of the exporter's own
         * @param value the entry's value
         * @return this builder
         */
        public Builder metadata(String key, String value) {
            if (key == null || key.isEmpty() || value == null) {
                throw new IllegalArgumentException("metadata key must be non-empty and value non-null, got key "
                        + (key == null ? "null" : "'" + key + "'") + (value == null ? ", value null" : ""));
            }
            if (ModelMetadata.isReserved(key)) {
                throw new IllegalArgumentException("metadata key '" + key
                        + "' is written by the exporter itself; use the matching builder method");
            }
            metadata.put(key, value);
            return this;
        }

        /**
         * Every entry of {@code entries}, as {@link #metadata(String, String)}.
         *
         * @param entries the entries, in the order to write them
         * @return this builder
         */
        public Builder metadata(Map<String, String> entries) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                metadata(e.getKey(), e.getValue());
            }
            return this;
        }

        /**
         * The options; refused when the input and output names are equal, or when a fixed batch contradicts the
         * input shape's first dimension.
         *
         * @return the options, immutable
         */
        public ExportOptions build() {
            if (inputName != null && inputName.equals(outputName)) {
                throw new IllegalArgumentException("input and output are both named '" + inputName
                        + "'; expected distinct names");
            }
            if (fixedBatch > 1 && inputShape != null && inputShape[0] == 1) {
                throw new IllegalArgumentException("fixed batch " + fixedBatch + " contradicts input shape "
                        + java.util.Arrays.toString(inputShape) + "; expected its first dimension -1 (any) or "
                        + "a fixed batch of 1");
            }
            return new ExportOptions(this);
        }

        /** {@code null} (the default name) or a non-empty name without control characters. */
        private static String checkedValueName(String what, String name) {
            if (name == null) {
                return null;
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException(what + " must not be empty; expected a name or null for the"
                        + " default");
            }
            for (int i = 0; i < name.length(); i++) {
                if (Character.isISOControl(name.charAt(i))) {
                    throw new IllegalArgumentException(what + " '" + name + "' has a control character at " + i
                            + "; expected a printable name");
                }
            }
            return name;
        }

        private static String[] checkedNames(String what, String[] names) {
            if (names == null) {
                return null;
            }
            for (int i = 0; i < names.length; i++) {
                if (names[i] == null) {
                    throw new IllegalArgumentException(what + " " + i + " is null");
                }
            }
            return names.clone();
        }
    }
}
