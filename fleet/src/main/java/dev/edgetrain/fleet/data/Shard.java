package dev.edgetrain.fleet.data;

import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import java.io.Serializable;

/**
 * The rows one Spark partition holds: for federated averaging one simulated device's data, for data-parallel
 * SGD a contiguous slice of the global data set. Features {@code [rows][featureCount]} row-major, labels
 * {@code [rows]} as class indices; {@code firstRow} is the global index of row 0 (data-parallel batches are
 * defined over global indices).
 *
 * <p>Validated on construction (via {@link Dataset}: shapes, finite features, labels in range), so a task never
 * meets a malformed shard. Immutable by convention: the arrays are held, not copied; don't change them.
 */
public final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Which device (federated averaging) or slice (data-parallel) this is, at least 0. */
    private final int id;
    /** Global index of row 0, at least 0. */
    private final long firstRow;
    /** Features {@code [rows][featureCount]}, row-major. */
    private final float[] features;
    /** Labels {@code [rows]}, class indices in [0, classes). */
    private final int[] labels;
    /** Features per row. */
    private final int featureCount;
    /** Number of classes. */
    private final int classes;

    /**
     * A shard over the given arrays (held, not copied), checked as a runtime {@link Dataset} checks its data.
     *
     * @param id which device or slice this is, at least 0
     * @param firstRow the global index of row 0, at least 0
     * @param features features {@code [rows][featureCount]}, row-major, finite
     * @param labels labels {@code [rows]}, class indices in [0, classes)
     * @param featureCount features per row
     * @param classes number of classes
     * @throws IllegalArgumentException if {@code id} or {@code firstRow} is negative, or the data is malformed (shapes,
     *                                  a non-finite feature, a label out of range)
     */
    public Shard(int id, long firstRow, float[] features, int[] labels, int featureCount, int classes) {
        if (id < 0 || firstRow < 0) {
            throw new IllegalArgumentException("shard id and first row must be >= 0, got " + id + " and " + firstRow);
        }
        new Dataset(features, labels, featureCount, classes); // checks shape, finiteness and labels, naming the row
        this.id = id;
        this.firstRow = firstRow;
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.classes = classes;
    }

    /**
     * Which device (federated averaging) or slice (data-parallel) this is.
     *
     * @return the shard id, at least 0
     */
    public int id() {
        return id;
    }

    /**
     * Global index of this shard's first row.
     *
     * @return the global row index, at least 0
     */
    public long firstRow() {
        return firstRow;
    }

    /**
     * Number of rows this shard holds.
     *
     * @return rows, the length of {@link #labels()}
     */
    public int rows() {
        return labels.length;
    }

    /**
     * Features per row.
     *
     * @return the feature count
     */
    public int featureCount() {
        return featureCount;
    }

    /**
     * Number of classes the labels index.
     *
     * @return the class count
     */
    public int classes() {
        return classes;
    }

    /**
     * The live feature array {@code [rows][featureCount]}.
     *
     * @return the held array, not a copy
     */
    public float[] features() {
        return features;
    }

    /**
     * The live label array {@code [rows]}.
     *
     * @return the held array, not a copy
     */
    public int[] labels() {
        return labels;
    }

    /**
     * A runtime data set over the same arrays (not copied).
     *
     * @return a data set sharing this shard's arrays
     */
    public Dataset toDataset() {
        return new Dataset(features, labels, featureCount, classes);
    }

    /**
     * A standardised copy, for training a network whose inputs are standardised features.
     *
     * @param standardizer the standardizer to apply, with this shard's feature count
     * @return a new shard with the same id, first row and labels (shared) and standardised features (copied)
     * @throws IllegalArgumentException if the standardizer's feature count differs from the shard's
     */
    public Shard standardized(Standardizer standardizer) {
        if (standardizer.featureCount() != featureCount) {
            throw new IllegalArgumentException("standardizer has " + standardizer.featureCount() + " features, shard "
                    + id + " has " + featureCount);
        }
        float[] x = features.clone();
        standardizer.applyInPlace(x, 0, rows());
        return new Shard(id, firstRow, x, labels, featureCount, classes);
    }

    /**
     * Number of rows of each class, {@code [classes]}.
     *
     * @return a new array of counts
     */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int y : labels) {
            counts[y]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "shard " + id + " (" + rows() + " rows from " + firstRow + ")";
    }
}
