package dev.edgetrain.android.core;

import dev.edgetrain.runtime.train.Dataset;

/**
 * The labelled examples the user collects for fine-tuning: drawings and picked data-set rows, up to a fixed
 * capacity. Storage is allocated once; {@link #add} checks everything first, so a rejected example leaves
 * the set as it was. Not thread-safe: the UI thread owns it, and training works on {@link #toDataset() a copy}.
 */
public final class ExampleSet {
    /** Where an example came from, for the summary and the exported metadata. */
    public enum Source {
        /** Drawn by the user on the sketch. */
        DRAWN,
        /** A row of the shipped digits file, with its own or a user-given label. */
        DATA_SET_ROW
    }

    private final int capacity;
    private final float[] features;
    private final int[] labels;
    private final Source[] sources;
    private int size;

    /**
     * An empty set; allocates storage for all {@code capacity} examples now.
     *
     * @param capacity the most examples the set holds, at least 1
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public ExampleSet(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.features = new float[capacity * DigitsCsv.FEATURES];
        this.labels = new int[capacity];
        this.sources = new Source[capacity];
    }

    /**
     * Adds {@code x [64]} from {@code offset} with digit {@code label}.
     *
     * @param x      holds the example's 64 pixel counts; copied, not kept
     * @param offset index of the first count in {@code x}
     * @param label  the digit the example shows, 0–9
     * @param source where the example came from
     * @throws IllegalArgumentException for a label outside 0–9, a feature that is not a count in [0, 16],
     *                                  or a null source
     * @throws IllegalStateException    when the set is full
     */
    public void add(float[] x, int offset, int label, Source source) {
        if (label < 0 || label >= DigitsCsv.CLASSES) {
            throw new IllegalArgumentException("label " + label + " is not a digit 0-9");
        }
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
        if (x == null || offset < 0 || x.length - offset < DigitsCsv.FEATURES) {
            throw new IllegalArgumentException("an example needs " + DigitsCsv.FEATURES + " features from offset "
                    + offset);
        }
        for (int j = 0; j < DigitsCsv.FEATURES; j++) {
            float v = x[offset + j];
            if (!(v >= 0 && v <= DigitSketch.MAX_COUNT)) {
                throw new IllegalArgumentException("feature " + j + " is " + v + ", expected a count in [0, "
                        + DigitSketch.MAX_COUNT + "]");
            }
        }
        if (size == capacity) {
            throw new IllegalStateException("the example set is full (" + capacity + " examples); clear it first");
        }
        System.arraycopy(x, offset, features, size * DigitsCsv.FEATURES, DigitsCsv.FEATURES);
        labels[size] = label;
        sources[size] = source;
        size++;
    }

    /**
     * Drops the most recent example; false if there was none.
     *
     * @return true if an example was dropped
     */
    public boolean removeLast() {
        if (size == 0) {
            return false;
        }
        size--;
        return true;
    }

    /** Drops every example; the storage is kept for the next ones. */
    public void clear() {
        size = 0;
    }

    /**
     * The number of examples held.
     *
     * @return the size, in [0, capacity]
     */
    public int size() {
        return size;
    }

    /**
     * The most examples the set holds.
     *
     * @return the capacity given to the constructor
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Whether {@link #add} would refuse another example.
     *
     * @return true when the set holds {@link #capacity()} examples
     */
    public boolean isFull() {
        return size == capacity;
    }

    /**
     * The digit of one example.
     *
     * @param index the example, 0 = the first added, in [0, size())
     * @return its label, 0–9
     * @throws IndexOutOfBoundsException for an index outside [0, size())
     */
    public int label(int index) {
        checkIndex(index);
        return labels[index];
    }

    /**
     * Where one example came from.
     *
     * @param index the example, 0 = the first added, in [0, size())
     * @return its source, never null
     * @throws IndexOutOfBoundsException for an index outside [0, size())
     */
    public Source source(int index) {
        checkIndex(index);
        return sources[index];
    }

    /**
     * Examples per digit, {@code [10]}.
     *
     * @return a fresh array, index = digit, of how many examples have that label
     */
    public int[] countsPerDigit() {
        int[] counts = new int[DigitsCsv.CLASSES];
        for (int i = 0; i < size; i++) {
            counts[labels[i]]++;
        }
        return counts;
    }

    /**
     * How many examples came from {@code source}.
     *
     * @param source the source to count
     * @return the number of examples from it; 0 for null
     */
    public int count(Source source) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (sources[i] == source) {
                n++;
            }
        }
        return n;
    }

    /**
     * A copy of the examples as a data set with class names "0"–"9".
     *
     * @return the examples in the order added, features {@code [size][64]} and labels {@code [size]}; later changes
     *         to the set do not reach it
     * @throws IllegalStateException if the set is empty
     */
    public Dataset toDataset() {
        if (size == 0) {
            throw new IllegalStateException("no examples yet: draw or pick some first");
        }
        float[] x = new float[size * DigitsCsv.FEATURES];
        System.arraycopy(features, 0, x, 0, x.length);
        int[] y = new int[size];
        System.arraycopy(labels, 0, y, 0, size);
        return new Dataset(x, y, DigitsCsv.FEATURES, DigitsCsv.CLASSES, DigitsCsv.classNames(), null);
    }

    /**
     * E.g. {@code "5 examples (3 drawn, 2 from the data set): 0×2 7×3"}.
     *
     * @return one line for the screen: the size, the sources and the count of each digit present
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(size).append(size == 1 ? " example" : " examples");
        if (size == 0) {
            return sb.toString();
        }
        sb.append(" (").append(count(Source.DRAWN)).append(" drawn, ").append(count(Source.DATA_SET_ROW))
                .append(" from the data set):");
        int[] counts = countsPerDigit();
        for (int d = 0; d < counts.length; d++) {
            if (counts[d] > 0) {
                sb.append(' ').append(d).append('\u00d7').append(counts[d]);
            }
        }
        return sb.toString();
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("example " + index + " of " + size);
        }
    }
}
