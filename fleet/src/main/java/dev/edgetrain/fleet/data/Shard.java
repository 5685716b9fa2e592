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

    private final int id;
    private final long firstRow;
    private final float[] features;
    private final int[] labels;
    private final int featureCount;
    private final int classes;

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

    /** Which device (federated averaging) or slice (data-parallel) this is. */
    public int id() {
        return id;
    }

    /** Global index of this shard's first row. */
    public long firstRow() {
        return firstRow;
    }

    public int rows() {
        return labels.length;
    }

    public int featureCount() {
        return featureCount;
    }

    public int classes() {
        return classes;
    }

    /** The live feature array {@code [rows][featureCount]}. */
    public float[] features() {
        return features;
    }

    /** The live label array {@code [rows]}. */
    public int[] labels() {
        return labels;
    }

    /** A runtime data set over the same arrays (not copied). */
    public Dataset toDataset() {
        return new Dataset(features, labels, featureCount, classes);
    }

    /** A standardised copy, for training a network whose inputs are standardised features. */
    public Shard standardized(Standardizer standardizer) {
        if (standardizer.featureCount() != featureCount) {
            throw new IllegalArgumentException("standardizer has " + standardizer.featureCount() + " features, shard "
                    + id + " has " + featureCount);
        }
        float[] x = features.clone();
        standardizer.applyInPlace(x, 0, rows());
        return new Shard(id, firstRow, x, labels, featureCount, classes);
    }

    /** Number of rows of each class, {@code [classes]}. */
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
