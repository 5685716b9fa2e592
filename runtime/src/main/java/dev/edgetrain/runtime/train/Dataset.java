package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.Rng;

/**
 * An in-memory data set: features {@code [rows][features]} row-major in one {@code float[]}, and per row either
 * a class index (a labelled set, for classify and binary networks: {@code labels [rows]}) or real-valued targets
 * (a target set, for multi-label, binary and regression networks: {@code targets [rows][targetWidth]}).
 * Validated on construction (shapes, finite values, labels in {@code [0, classes)}), with errors that name the
 * row and column. Optional class, target and feature names travel with the data into exported model metadata.
 *
 * <p>The arrays are held, not copied; don't change them while a {@link Trainer} uses the set.
 *
 * <p>As a {@link BatchSource}, an epoch visits the rows in the order of the identity permutation shuffled by
 * {@link Rng#shuffle} with the epoch's generator (stored order without one). A {@link Trainer} draws through a
 * cursor of its own ({@link #batches()}), so several trainers, and {@link Trainer#evaluate}, may share one set.
 */
public final class Dataset implements BatchSource {
    private final float[] features;
    private final int[] labels;
    private final float[] targets;
    private final int rows;
    private final int featureCount;
    private final int classes;
    private final int targetWidth;
    /** Class names {@code [classes]} of a labelled set, target names {@code [targetWidth]} of a target set. */
    private final String[] outputNames;
    private final String[] featureNames;
    /** The cursor behind this set's own {@link BatchSource} methods; made by the first {@link #startEpoch}. */
    private Batches ownBatches;

    /**
     * A labelled set: features {@code [rows][featureCount]}, labels {@code [rows]} in [0, classes).
     *
     * @param features {@code [rows][featureCount]} row-major, finite; held, not copied
     * @param labels {@code [rows]} class indices in {@code [0, classes)}; held, not copied
     * @param featureCount features per row, at least 1
     * @param classes the class count, at least 2
     * @throws IllegalArgumentException when a shape does not fit, a value is not finite or a label is out of range,
     *                                  naming the row and column
     */
    public Dataset(float[] features, int[] labels, int featureCount, int classes) {
        this(features, labels, featureCount, classes, null, null);
    }

    /**
     * A labelled set.
     *
     * @param features {@code [rows][featureCount]} row-major, finite; held, not copied
     * @param labels {@code [rows]} class indices in {@code [0, classes)}; held, not copied
     * @param featureCount features per row, at least 1
     * @param classes the class count, at least 2
     * @param classNames   {@code [classes]} or null
     * @param featureNames {@code [featureCount]} or null
     * @throws IllegalArgumentException when a shape or name count does not fit, a value is not finite or a label is out
     *                                  of range, naming the row and column
     */
    public Dataset(float[] features, int[] labels, int featureCount, int classes, String[] classNames,
                   String[] featureNames) {
        this(features, labels, null, featureCount, classes, 0, classNames, featureNames);
    }

    private Dataset(float[] features, int[] labels, float[] targets, int featureCount, int classes, int targetWidth,
                    String[] outputNames, String[] featureNames) {
        if (features == null || (labels == null) == (targets == null)) {
            throw new IllegalArgumentException("features and labels (or targets) must not be null");
        }
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1, got " + featureCount);
        }
        final int n;
        if (labels != null) {
            if (classes < 2) {
                throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
            }
            n = labels.length;
        } else {
            if (targetWidth < 1) {
                throw new IllegalArgumentException("targetWidth must be >= 1, got " + targetWidth);
            }
            if (targets.length % targetWidth != 0) {
                throw new IllegalArgumentException(targets.length + " target values are not a whole number of rows of "
                        + targetWidth);
            }
            n = targets.length / targetWidth;
        }
        if (n == 0) {
            throw new IllegalArgumentException("data set is empty: expected at least one row");
        }
        if ((long) n * featureCount != features.length) {
            throw new IllegalArgumentException(n + (labels != null ? " labels" : " target rows") + " need "
                    + (long) n * featureCount + " feature values (" + featureCount + " per row), got "
                    + features.length);
        }
        final int outputs = labels != null ? classes : targetWidth;
        if (outputNames != null && outputNames.length != outputs) {
            throw new IllegalArgumentException(labels != null ? classes + " classes need " + classes
                    + " class names, got " + outputNames.length
                    : targetWidth + " targets need " + targetWidth + " target names, got " + outputNames.length);
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
        if (labels != null) {
            for (int r = 0; r < labels.length; r++) {
                if (labels[r] < 0 || labels[r] >= classes) {
                    throw new IllegalArgumentException("row " + r + " has label " + labels[r]
                            + ", expected a class in [0, " + classes + ")");
                }
            }
        } else {
            for (int i = 0; i < targets.length; i++) {
                if (!(Math.abs(targets[i]) <= Float.MAX_VALUE)) {
                    throw new IllegalArgumentException("row " + (i / targetWidth) + ", target " + (i % targetWidth)
                            + " is " + targets[i] + ", expected a finite number");
                }
            }
        }
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.rows = n;
        this.featureCount = featureCount;
        this.classes = labels != null ? classes : 0;
        this.targetWidth = labels != null ? 0 : targetWidth;
        this.outputNames = outputNames == null ? null : outputNames.clone();
        this.featureNames = featureNames == null ? null : featureNames.clone();
    }

    /**
     * A target set: {@code targets [rows][targetWidth]} for a multi-label, binary or regression network.
     *
     * @param features {@code [rows][featureCount]} row-major, finite; held, not copied
     * @param targets {@code [rows][targetWidth]} row-major, finite; held, not copied
     * @param featureCount features per row, at least 1
     * @param targetWidth targets per row, at least 1
     * @param targetNames  {@code [targetWidth]} or null
     * @param featureNames {@code [featureCount]} or null
     * @return the set
     * @throws IllegalArgumentException when a shape or name count does not fit or a value is not finite, naming the row
     *                                  and column
     */
    public static Dataset withTargets(float[] features, float[] targets, int featureCount, int targetWidth,
                                      String[] targetNames, String[] featureNames) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must not be null");
        }
        return new Dataset(features, null, targets, featureCount, 0, targetWidth, targetNames, featureNames);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    /**
     * Whether each row has a class index ({@link #labels()}) rather than real-valued {@link #targets()}.
     *
     * @return true for a labelled set, false for a target set
     */
    public boolean hasLabels() {
        return labels != null;
    }

    /** The number of classes of a labelled set; 0 for a target set. */
    @Override
    public int classes() {
        return classes;
    }

    /** Values per row of a target set; 0 for a labelled set. */
    @Override
    public int targetWidth() {
        return targetWidth;
    }

    /**
     * The live feature array {@code [rows][featureCount]}.
     *
     * @return the array itself, not a copy
     */
    public float[] features() {
        return features;
    }

    /**
     * The live label array {@code [rows]} of a labelled set; {@code null} for a target set.
     *
     * @return the array itself, or {@code null}
     */
    public int[] labels() {
        return labels;
    }

    /**
     * The live target array {@code [rows][targetWidth]} of a target set; {@code null} for a labelled set.
     *
     * @return the array itself, or {@code null}
     */
    public float[] targets() {
        return targets;
    }

    /**
     * Class names {@code [classes]} (a copy) of a labelled set, or null when it has none (or is a target set).
     *
     * @return a fresh copy, or null
     */
    public String[] classNames() {
        return labels == null || outputNames == null ? null : outputNames.clone();
    }

    /**
     * Target names {@code [targetWidth]} (a copy) of a target set, or null.
     *
     * @return a fresh copy, or null
     */
    public String[] targetNames() {
        return targets == null || outputNames == null ? null : outputNames.clone();
    }

    /**
     * Feature names {@code [featureCount]} (a copy), or null when the set has none.
     *
     * @return a fresh copy, or null
     */
    public String[] featureNames() {
        return featureNames == null ? null : featureNames.clone();
    }

    /**
     * A set with these rows' features replaced by {@code newFeatures [rows][featureCount]}, same labels or targets.
     *
     * @param newFeatures {@code [rows][featureCount]}, finite; held, not copied
     * @return a new set sharing this one's labels or targets and names
     * @throws IllegalArgumentException when {@code newFeatures} has another length or a value that is not finite
     */
    public Dataset withFeatures(float[] newFeatures) {
        return new Dataset(newFeatures, labels, targets, featureCount, classes, targetWidth, outputNames, featureNames);
    }

    /**
     * The rows at {@code indices}, copied into a new set with the same names.
     *
     * @param indices row indices in {@code [0, rows())}, in the new set's order; repeats allowed
     * @return a new set of {@code indices.length} rows
     * @throws IllegalArgumentException when an index is out of range
     */
    public Dataset subset(int[] indices) {
        float[] x = new float[indices.length * featureCount];
        int[] y = labels == null ? null : new int[indices.length];
        float[] t = targets == null ? null : new float[indices.length * targetWidth];
        for (int k = 0; k < indices.length; k++) {
            int r = indices[k];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("row index " + r + " out of range [0, " + rows + ")");
            }
            System.arraycopy(features, r * featureCount, x, k * featureCount, featureCount);
            if (y != null) {
                y[k] = labels[r];
            } else {
                System.arraycopy(targets, r * targetWidth, t, k * targetWidth, targetWidth);
            }
        }
        return new Dataset(x, y, t, featureCount, classes, targetWidth, outputNames, featureNames);
    }

    /**
     * A split into {@code {train, test}}. A labelled set is split by class (stratified): from each class,
     * {@code round(testFraction × count)} rows, shuffled with {@code seed}, go to the test set. A target set is
     * split as a whole: {@code round(testFraction × rows)} shuffled rows.
     *
     * @param testFraction the share of rows for the test set, in (0, 1)
     * @param seed the shuffle's seed; the same seed gives the same split
     * @return {@code {train, test}}, new sets, each rows in stored order
     * @throws IllegalArgumentException when the fraction is outside (0, 1) or leaves either set empty
     */
    public Dataset[] split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        Rng rng = new Rng(seed);
        boolean[] inTest = new boolean[rows];
        int testCount = 0;
        if (labels != null) {
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
            for (int c = 0; c < classes; c++) {
                rng.shuffle(byClass[c], byClass[c].length);
                int take = (int) Math.round(testFraction * byClass[c].length);
                for (int k = 0; k < take; k++) {
                    inTest[byClass[c][k]] = true;
                }
                testCount += take;
            }
        } else {
            int[] order = new int[rows];
            for (int r = 0; r < rows; r++) {
                order[r] = r;
            }
            rng.shuffle(order, rows);
            testCount = (int) Math.round(testFraction * rows);
            for (int k = 0; k < testCount; k++) {
                inTest[order[k]] = true;
            }
        }
        if (testCount == 0 || testCount == rows) {
            throw new IllegalArgumentException("test fraction " + testFraction + " of " + rows
                    + " rows leaves " + (testCount == 0 ? "no test rows" : "no training rows"));
        }
        int[] test = new int[testCount];
        int[] train = new int[rows - testCount];
        int t = 0;
        int n = 0;
        for (int r = 0; r < rows; r++) {
            if (inTest[r]) {
                test[t++] = r;
            } else {
                train[n++] = r;
            }
        }
        return new Dataset[] {subset(train), subset(test)};
    }

    /**
     * Starts an epoch of this set's own cursor: the identity permutation shuffled with {@code rng}, or stored order.
     * Its permutation {@code [rows]} is allocated by the first call.
     */
    @Override
    public void startEpoch(Rng rng) {
        if (ownBatches == null) {
            ownBatches = new Batches(this);
        }
        ownBatches.startEpoch(rng);
    }

    @Override
    public int nextBatch(float[] x, int[] labels, float[] targets, int maxRows) {
        if (ownBatches == null) {
            throw new IllegalStateException("nextBatch before startEpoch: start an epoch first");
        }
        return ownBatches.nextBatch(x, labels, targets, maxRows);
    }

    /**
     * A cursor over this set's rows with an epoch order of its own, independent of every other cursor.
     *
     * @return a new cursor; its first epoch allocates the permutation
     */
    public BatchSource batches() {
        return new Batches(this);
    }

    /** Epochs over a {@link Dataset}: the permutation {@code [rows]} is allocated once, an epoch allocates nothing. */
    private static final class Batches implements BatchSource {
        private final Dataset data;
        /** Row order of the current epoch, {@code [rows]}. */
        private final int[] order;
        /** The next position in {@link #order}; {@code rows} when the epoch is done (or not started). */
        private int next;

        Batches(Dataset data) {
            this.data = data;
            this.order = new int[data.rows];
            this.next = data.rows;
        }

        @Override
        public int featureCount() {
            return data.featureCount;
        }

        @Override
        public int classes() {
            return data.classes;
        }

        @Override
        public int targetWidth() {
            return data.targetWidth;
        }

        @Override
        public int rows() {
            return data.rows;
        }

        @Override
        public void startEpoch(Rng rng) {
            final int rows = data.rows;
            for (int r = 0; r < rows; r++) {
                order[r] = r;
            }
            if (rng != null) {
                rng.shuffle(order, rows);
            }
            next = 0;
        }

        @Override
        public int nextBatch(float[] x, int[] labels, float[] targets, int maxRows) {
            final int n = Math.min(maxRows, data.rows - next);
            if (n <= 0) {
                return 0;
            }
            final int f = data.featureCount;
            final int tw = data.targetWidth;
            final int[] y = data.labels;
            BatchSource.checkBatchArrays(x, labels, targets, n, f, tw, y != null);
            for (int b = 0; b < n; b++) {
                final int r = order[next + b];
                System.arraycopy(data.features, r * f, x, b * f, f);
                if (y != null) {
                    labels[b] = y[r];
                } else {
                    System.arraycopy(data.targets, r * tw, targets, b * tw, tw);
                }
            }
            next += n;
            return n;
        }
    }
}
