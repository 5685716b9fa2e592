package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code metadata_props} keys edgetrain writes, and the encoding of its string lists.
 *
 * <p>A list (class labels, feature names) is one string: the items joined by {@code ,}, where each item
 * has {@code %} written as {@code %25} and {@code ,} as {@code %2C}, and nothing else escaped. So
 * {@code ["cat", "a,b", "100%"]} is {@code cat,a%2Cb,100%25}. A list of n items always has n-1 unescaped
 * commas, which makes decoding exact (the empty string is the list of one empty item). Decoding is strict:
 * any other {@code %} sequence is an error.
 */
public final class ModelMetadata {
    /** Version of this key set and encoding; {@code 1}. */
    public static final String METADATA_VERSION = "edgetrain.metadata_version";
    /**
     * The network architecture as {@code NetworkSpec.toString()}, e.g. {@code 4-16-3} or
     * {@code 1536-32[layer_norm]-32[layer_norm]-1 binary} (informative; the graph is authoritative).
     */
    public static final String ARCHITECTURE = "edgetrain.architecture";
    /** {@link OutputKind#outputName()} of the main output. */
    public static final String OUTPUT = "edgetrain.output";
    /**
     * The network's task, {@code Task.id()}: {@code classify}, {@code binary}, {@code multilabel} or {@code regress};
     * always written.
     */
    public static final String TASK = "edgetrain.task";
    /**
     * The names of what the network predicts, as an encoded list, {@link #classLabelCount} of them: one per class of
     * a {@code classify} network (output column order); 2 for a {@code binary} network, the negative class (sigmoid
     * output below ½) then the positive one; one per output of a {@code multilabel} network (its labels) or of a
     * {@code regress} network (its targets).
     */
    public static final String CLASS_LABELS = "edgetrain.class_labels";
    /** The input feature names, one per input column, as an encoded list. */
    public static final String FEATURE_NAMES = "edgetrain.feature_names";
    /**
     * {@code folded} when an input standardisation {@code (x − mean)/std} was folded into the first layer:
     * the graph takes raw features.
     */
    public static final String STANDARDIZATION = "edgetrain.standardization";

    /**
     * Of a merged model ({@link BackboneMerge}): the backbone it was merged with, its file name (or, merged from a
     * {@code ModelProto}, its graph's name).
     */
    public static final String BACKBONE = "edgetrain.backbone";
    /**
     * Of a merged model: the backbone's {@code producer_name} and {@code producer_version}, e.g.
     * {@code tf2onnx 1.12.1 b6d590}.
     */
    public static final String BACKBONE_PRODUCER = "edgetrain.backbone.producer";
    /**
     * Of a merged model: the SHA-256 of the backbone's bytes (the file's, or of a {@code ModelProto}'s
     * serialization), lower-case hex.
     */
    public static final String BACKBONE_SHA256 = "edgetrain.backbone.sha256";
    /** Of a merged model: the backbone tensor the head reads, e.g. {@code conv2d_19}. */
    public static final String BACKBONE_OUTPUT = "edgetrain.backbone.output";
    /**
     * Of a merged model: the {@code Reshape} between backbone and head, e.g. {@code conv2d_19 [16, 1, 1, 96] ->
     * [1, 16, 96]} (the backbone output's declared shape with its batch as the count the reshape needs, when that
     * is known).
     */
    public static final String BACKBONE_RESHAPE = "edgetrain.backbone.reshape";
    /**
     * Of a merged model: how many backbone rows (openWakeWord: mel windows) one run takes, e.g. {@code 16}; written
     * when the backbone output's declared shape gives it.
     */
    public static final String BACKBONE_ROWS = "edgetrain.backbone.rows";
    /**
     * How many networks an averaged ensemble holds ({@link OnnxExporter#toModel(dev.edgetrain.runtime.Network[],
     * ExportOptions)}); absent for one network. Its members' outputs are {@code member1.<output>}, … .
     */
    public static final String ENSEMBLE_MEMBERS = "edgetrain.ensemble.members";

    static final String CURRENT_VERSION = "1";
    static final String STANDARDIZATION_FOLDED = "folded";

    private static final String[] RESERVED = {METADATA_VERSION, ARCHITECTURE, OUTPUT, TASK, CLASS_LABELS,
            FEATURE_NAMES, STANDARDIZATION, BACKBONE, BACKBONE_PRODUCER, BACKBONE_SHA256, BACKBONE_OUTPUT,
            BACKBONE_RESHAPE, BACKBONE_ROWS, ENSEMBLE_MEMBERS};

    private ModelMetadata() {
    }

    /**
     * How many {@link #CLASS_LABELS} a network for {@code task} with {@code outputs} outputs has: 2 for
     * {@link Task#BINARY} (negative, positive), otherwise {@code outputs} (classes, labels or targets).
     *
     * @param task the network's task
     * @param outputs the network's outputs, at least 1
     * @return the number of names, at least 1
     */
    public static int classLabelCount(Task task, int outputs) {
        return task == Task.BINARY ? 2 : outputs;
    }

    /**
     * What the {@link #CLASS_LABELS} of a {@code task} network name, for messages: {@code classes}, …
     *
     * @param task the network's task
     * @return a plural noun, such as {@code classes} or {@code targets}
     */
    public static String classLabelNoun(Task task) {
        switch (task) {
            case BINARY:
                return "classes (negative, positive)";
            case MULTILABEL:
                return "labels";
            case REGRESS:
                return "targets";
            default:
                return "classes";
        }
    }

    /**
     * Whether {@code key} is one the exporter writes itself (callers may not set it as extra metadata).
     *
     * @param key a metadata key
     * @return true for a key of the exporter's own
     */
    public static boolean isReserved(String key) {
        for (String r : RESERVED) {
            if (r.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Encodes {@code items} (none null, at least one) as described in the class comment.
     *
     * @param items the strings to encode, none null
     * @return the encoded list, one string
     */
    public static String encodeList(String[] items) {
        if (items == null || items.length == 0) {
            throw new IllegalArgumentException("a metadata list needs at least one item");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.length; i++) {
            if (items[i] == null) {
                throw new IllegalArgumentException("item " + i + " of a metadata list is null");
            }
            if (i > 0) {
                sb.append(',');
            }
            String s = items[i];
            for (int c = 0; c < s.length(); c++) {
                char ch = s.charAt(c);
                if (ch == '%') {
                    sb.append("%25");
                } else if (ch == ',') {
                    sb.append("%2C");
                } else {
                    sb.append(ch);
                }
            }
        }
        return sb.toString();
    }

    /**
     * Decodes a list written by {@link #encodeList}.
     *
     * @param encoded a string {@link #encodeList} wrote
     * @return the items, in order
     * @throws IllegalArgumentException naming the position of a malformed escape
     */
    public static String[] decodeList(String encoded) {
        List<String> items = new ArrayList<String>();
        StringBuilder item = new StringBuilder();
        for (int c = 0; c < encoded.length(); c++) {
            char ch = encoded.charAt(c);
            if (ch == ',') {
                items.add(item.toString());
                item.setLength(0);
            } else if (ch == '%') {
                String esc = c + 3 <= encoded.length() ? encoded.substring(c, c + 3) : encoded.substring(c);
                if (esc.equals("%25")) {
                    item.append('%');
                } else if (esc.equalsIgnoreCase("%2C")) {
                    item.append(',');
                } else {
                    throw new IllegalArgumentException("invalid escape '" + esc + "' at character " + c
                            + ", expected %25 or %2C");
                }
                c += 2;
            } else {
                item.append(ch);
            }
        }
        items.add(item.toString());
        return items.toArray(new String[0]);
    }
}
