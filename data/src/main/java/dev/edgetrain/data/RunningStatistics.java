package dev.edgetrain.data;

/**
 * Mean and population standard deviation of each of {@code width} columns, gathered a row at a time in double
 * (Welford's update, which stays accurate when the mean is large next to the spread). Allocates nothing per row.
 */
public final class RunningStatistics {
    private final double[] mean;
    /** Sums of squared deviations from the running mean, {@code [width]}. */
    private final double[] squares;
    private long count;

    /**
     * Statistics of {@code width} columns, with no rows yet.
     *
     * @param width columns per row, at least 0
     */
    public RunningStatistics(int width) {
        this.mean = new double[width];
        this.squares = new double[width];
    }

    /**
     * Adds the row {@code values[offset, offset + width)}.
     *
     * @param values holds the row; not kept
     * @param offset index of the row's first value in {@code values}
     */
    public void add(float[] values, int offset) {
        count++;
        final double inverse = 1.0 / count;
        final double[] m = mean;
        final double[] s = squares;
        for (int j = 0; j < m.length; j++) {
            double x = values[offset + j];
            double before = x - m[j];
            m[j] += before * inverse;
            s[j] += before * (x - m[j]);
        }
    }

    /**
     * Number of columns.
     *
     * @return the {@code width} given to the constructor
     */
    public int width() {
        return mean.length;
    }

    /**
     * Rows added.
     *
     * @return rows added since construction, 0 or more
     */
    public long count() {
        return count;
    }

    /**
     * The means {@code [width]} (a copy); zeros before any row.
     *
     * @return {@code [width]} means, in the data's units
     */
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The population standard deviations {@code [width]}, {@code sqrt(Σ(x − mean)² / n)}; zeros before any row.
     *
     * @return {@code [width]} standard deviations, 0 or more, in the data's units
     */
    public double[] std() {
        double[] std = new double[mean.length];
        for (int j = 0; j < std.length && count > 0; j++) {
            std[j] = Math.sqrt(squares[j] / count);
        }
        return std;
    }
}
