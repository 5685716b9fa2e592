package dev.edgetrain.fleet.score;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A label's class in a model, looked up straight from a field's characters (no String per row): by the model's
 * class names, or, when the model names none, as a class index {@code 0..classes-1} (as {@code Integer.parseInt}
 * reads it). The rules of the data module's reading for a model.
 */
final class ClassLookup implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] names;
    private final int[] hashes;
    private final int classes;

    /** @param names the model's class names, or null when it names none */
    ClassLookup(String[] names, int classes) {
        this.names = names == null ? null : names.clone();
        this.classes = classes;
        this.hashes = new int[names == null ? 0 : names.length];
        for (int c = 0; c < hashes.length; c++) {
            hashes[c] = names[c].hashCode();
        }
    }

    /** The class of the label {@code chars[offset, offset + length)}, or -1 when the model has no such class. */
    int find(char[] chars, int offset, int length) {
        if (names == null) {
            return index(chars, offset, length);
        }
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i];
        }
        for (int c = names.length - 1; c >= 0; c--) { // the last of equal names, as the data module takes it
            if (hashes[c] == hash && equal(names[c], chars, offset, length)) {
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

    private static boolean equal(String name, char[] chars, int offset, int length) {
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** What a label must be, for messages: {@code one of [a, b, c]} or {@code one of the class indices 0-9}. */
    String expected() {
        return "expected one of " + (names != null ? abbreviate(names) : "the class indices 0-" + (classes - 1));
    }

    /** {@code [a, b, c]}, or the first ten and the count for a long list (as the data module's messages). */
    static String abbreviate(String[] items) {
        if (items.length <= 12) {
            return Arrays.toString(items);
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < 10; i++) {
            s.append(items[i]).append(", ");
        }
        return s.append("\u2026 (").append(items.length).append(" in all)]").toString();
    }
}
