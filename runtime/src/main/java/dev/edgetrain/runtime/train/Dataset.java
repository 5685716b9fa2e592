package dev.edgetrain.runtime.train;

/**
 * An in-memory classification data set: features {@code [rows][features]} row-major in one {@code float[]},
 * labels {@code [rows]} as class indices. Validated on construction (shapes, finite features, labels in
 * {@code [0, classes)}), with errors that name the row and column. Optional class and feature names travel
 * with the data into exported model metadata.
 *
 * <p>The arrays are held, not copied; don't change them while a {@link Trainer} uses the set.
 */
public final class Dataset {
    private final float[] features;
    private final int[] labels;
    private final int rows;
    private final int featureCount;
    private final int classes;
    private final String[] classNames;
    private final String[] featureNames;

    public Dataset(float[] features, int[] labels, int featureCount, int classes) {
        this(features, labels, featureCount, classes, null, null);
    }

    /**
     * @param classNames   {@code [classes]} or null
     * @param featureNames {@code [featureCount]} or null
     */
    public Dataset(float[] features, int[] labels, int featureCount, int classes, String[] classNames,
                   String[] featureNames) {
        if (features == null || labels == null) {
            throw new IllegalArgumentException("features and labels must not be null");
        }
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1, got " + featureCount);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("data set is empty: expected at least one row");
        }
        if ((long) labels.length * featureCount != features.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * featureCount
                    + " feature values (" + featureCount + " per row), got " + features.length);
        }
        if (classNames != null && classNames.length != classes) {
            throw new IllegalArgumentException(classes + " classes need " + classes + " class names, got "
                    + classNames.length);
        }
        if (featureNames != null && featureNames.length != featureCount) {
            throw new IllegalArgumentException(featureCount + " features need " + featureCount
                    + " feature names, got " + featureNames.length);
        }
        for (int i = 0; i < features.length; i++) {
            if (!(Math.abs(features[i]) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("row " + (i / featureCount) + ", column " + (i % featureCount)
                        + " is " + features[i] + ", expected a finite number");
            }
        }
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new IllegalArgumentException("row " + r + " has label " + labels[r] + ", expected a class in [0, "
                        + classes + ")");
            }
        }
        this.features = features;
        this.labels = labels;
        this.rows = labels.length;
        this.featureCount = featureCount;
        this.classes = classes;
        this.classNames = classNames == null ? null : classNames.clone();
        this.featureNames = featureNames == null ? null : featureNames.clone();
    }

    public int rows() {
        return rows;
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

    /** Class names {@code [classes]} (a copy), or null when the set has none. */
    public String[] classNames() {
        return classNames == null ? null : classNames.clone();
    }

    /** Feature names {@code [featureCount]} (a copy), or null when the set has none. */
    public String[] featureNames() {
        return featureNames == null ? null : featureNames.clone();
    }

    /** The rows at {@code indices}, copied into a new set with the same names. */
    public Dataset subset(int[] indices) {
        float[] x = new float[indices.length * featureCount];
        int[] y = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int r = indices[k];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("row index " + r + " out of range [0, " + rows + ")");
            }
            System.arraycopy(features, r * featureCount, x, k * featureCount, featureCount);
            y[k] = labels[r];
        }
        return new Dataset(x, y, featureCount, classes, classNames, featureNames);
    }

    /**
     * A stratified split: from each class, {@code round(testFraction × count)} rows (shuffled with {@code seed})
     * go to the test set, the rest to the training set. Returns {@code {train, test}}.
     */
    public Dataset[] split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        int[] perClass = new int[classes];
        for (int y : labels) {
            perClass[y]++;
        }
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byClass[c] = new int[perClass[c]];
        }
        int[] fill = new int[classes];
        for (int r = 0; r < rows; r++) {
            byClass[labels[r]][fill[labels[r]]++] = r;
        }
        dev.edgetrain.runtime.Rng rng = new dev.edgetrain.runtime.Rng(seed);
        int testCount = 0;
        int[] testPerClass = new int[classes];
        for (int c = 0; c < classes; c++) {
            rng.shuffle(byClass[c], byClass[c].length);
            testPerClass[c] = (int) Math.round(testFraction * byClass[c].length);
            testCount += testPerClass[c];
        }
        if (testCount == 0 || testCount == rows) {
            throw new IllegalArgumentException("test fraction " + testFraction + " of " + rows
                    + " rows leaves " + (testCount == 0 ? "no test rows" : "no training rows"));
        }
        int[] test = new int[testCount];
        int[] train = new int[rows - testCount];
        int t = 0;
        int n = 0;
        for (int c = 0; c < classes; c++) {
            for (int k = 0; k < byClass[c].length; k++) {
                if (k < testPerClass[c]) {
                    test[t++] = byClass[c][k];
                } else {
                    train[n++] = byClass[c][k];
                }
            }
        }
        java.util.Arrays.sort(test);
        java.util.Arrays.sort(train);
        return new Dataset[] {subset(train), subset(test)};
    }
}
