package dev.edgetrain.data;

import java.util.Arrays;

/**
 * Distinct labels numbered in order of first appearance, looked up straight from a field's characters: one String
 * per distinct label, none per row. Open addressing over {@link String#hashCode} values.
 */
final class LabelIndex {
    private String[] names = new String[8];
    private int[] hashes = new int[8];
    private int size;
    /** Label numbers by hash slot, -1 for an empty slot; the length is a power of two, at most half full. */
    private int[] slots = newSlots(16);

    /** The number of the label {@code chars[offset, offset + length)}, or -1 when it has not appeared yet. */
    int find(char[] chars, int offset, int length) {
        int hash = hash(chars, offset, length);
        int mask = slots.length - 1;
        for (int i = mix(hash) & mask; ; i = (i + 1) & mask) {
            int k = slots[i];
            if (k < 0) {
                return -1;
            }
            if (hashes[k] == hash && equal(names[k], chars, offset, length)) {
                return k;
            }
        }
    }

    /** Adds a label that {@link #find} did not find; returns its number. */
    int add(String name) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        names[size] = name;
        hashes[size] = name.hashCode();
        size++;
        if (size * 2 > slots.length) {
            slots = newSlots(slots.length * 2);
            for (int k = 0; k < size; k++) {
                place(k);
            }
        } else {
            place(size - 1);
        }
        return size - 1;
    }

    int size() {
        return size;
    }

    String name(int k) {
        return names[k];
    }

    /** The labels in order of first appearance. */
    String[] names() {
        return Arrays.copyOf(names, size);
    }

    private void place(int k) {
        int mask = slots.length - 1;
        int i = mix(hashes[k]) & mask;
        while (slots[i] >= 0) {
            i = (i + 1) & mask;
        }
        slots[i] = k;
    }

    private static int[] newSlots(int n) {
        int[] s = new int[n];
        Arrays.fill(s, -1);
        return s;
    }

    /** {@link String#hashCode} of the characters. */
    private static int hash(char[] chars, int offset, int length) {
        int h = 0;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + chars[i];
        }
        return h;
    }

    /** Spreads the high bits down, since slots are taken from the low bits. */
    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    static boolean equal(String name, char[] chars, int offset, int length) {
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
}
