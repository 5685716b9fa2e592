package dev.edgetrain.data;

import java.io.Serializable;

/**
 * A label's class in a model, looked up straight from a field's characters (no String per row): by the model's
 * class names, or, when the model names none, as a class index {@code 0..classes-1} (as {@code Integer.parseInt}
 * reads it). The one rule for a label's class in a model: {@link Table} reading for a model and fleet's scoring
 * both use it. Serializable, so Spark can ship it to executors.
 */
public final class ClassLookup implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The model's class names, or null when it names none (labels are then class indices). */
    private final String[] names;
    /** {@code names[c].hashCode()}, to compare a field's hash before its characters. */
    private final int[] hashes;
    /** Number of classes. */
    private final int classes;

    /**
     * A lookup of labels by the model's class names, or by class index when it names none.
     *
     * @param names the model's class names, or null when it names none
     * @param classes how many classes the model has; without names, a label must be an index in [0, classes)
     */
    public ClassLookup(String[] names, int classes) {
        this.names = names == null ? null : names.clone();
        this.classes = classes;
        this.hashes = new int[names == null ? 0 : names.length];
        for (int c = 0; c < hashes.length; c++) {
            hashes[c] = names[c].hashCode();
        }
    }

    /**
     * The class of the label {@code name}, or -1 when the model has no such class.
     *
     * @param name the label as written in the data
     * @return the class index in [0, classes), or -1
     */
    public int find(String name) {
        return find(name.toCharArray(), 0, name.length());
    }

    /**
     * The class of the label {@code chars[offset, offset + length)}, or -1 when the model has no such class.
     *
     * @param chars a buffer holding the label's characters
     * @param offset where the label starts in {@code chars}
     * @param length the label's number of characters (0 for an empty field)
     * @return the class index in [0, classes), or -1
     */
    public int find(char[] chars, int offset, int length) {
        if (names == null) {
            return index(chars, offset, length);
        }
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i];
        }
        for (int c = names.length - 1; c >= 0; c--) { // the last of equal names, as the data module takes it
            if (hashes[c] == hash && LabelIndex.equal(names[c], chars, offset, length)) {
                return c;
            }
        }
        return -1;
    }

    private int index(char[] chars, int offset, int length) {
        int k = 0;
        for (int i = 0; i < length; i++) {
            int d = chars[offset + i] - '0';
            if (d < 0 || d > 9 || i >= 9) { // signs, leading '+', long numbers: as Integer.parseInt reads them
                try {
                    k = Integer.parseInt(new String(chars, offset, length));
                } catch (NumberFormatException e) {
                    return -1;
                }
                return k >= 0 && k < classes ? k : -1;
            }
            k = k * 10 + d;
        }
        return length > 0 && k < classes ? k : -1;
    }

    /**
     * What a label must be, for messages: {@code one of [a, b, c]} or {@code one of the class indices 0-9}.
     *
     * @return the expectation, starting with {@code "expected"}, for the end of an error message
     */
    public String expected() {
        return "expected one of "
                + (names != null ? Columns.abbreviate(names) : "the class indices 0-" + (classes - 1));
    }
}
