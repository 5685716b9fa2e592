package dev.edgetrain.runtime.metrics;

import java.util.Locale;

/**
 * How well a regressor's predictions fit their targets, per output and averaged over outputs: mean squared
 * error, mean absolute error and the coefficient of determination {@code R² = 1 − SS_res / SS_tot} (1 is a
 * perfect fit, 0 is no better than predicting the mean, negative is worse). Sums are taken in double.
 */
public final class RegressionMetrics {
    private final double[] mse;
    private final double[] mae;
    private final double[] r2;
    private final int rows;

    private RegressionMetrics(double[] mse, double[] mae, double[] r2, int rows) {
        this.mse = mse;
        this.mae = mae;
        this.r2 = r2;
        this.rows = rows;
    }

    /**
     * The metrics of the first {@code rows} rows of predictions against their targets.
     *
     * @param predictions {@code [rows][width]}
     * @param targets     {@code [rows][width]}
     * @param rows rows to count, at least 1; the arrays may be longer
     * @param width outputs per row, at least 1
     * @return MSE, MAE and R² per output
     * @throws IllegalArgumentException when an array is null or shorter than {@code rows × width}, or there is no row
     */
    public static RegressionMetrics of(float[] predictions, float[] targets, int rows, int width) {
        Shapes.check("predictions", predictions, rows, width);
        Shapes.check("targets", targets, rows, width);
        if (rows < 1) {
            throw new IllegalArgumentException("regression metrics need at least one row, got " + rows);
        }
        double[] mse = new double[width];
        double[] mae = new double[width];
        double[] r2 = new double[width];
        for (int k = 0; k < width; k++) {
            double mean = 0;
            for (int r = 0; r < rows; r++) {
                mean += targets[r * width + k];
            }
            mean /= rows;
            double sq = 0;
            double abs = 0;
            double tot = 0;
            for (int r = 0; r < rows; r++) {
                double t = targets[r * width + k];
                double e = predictions[r * width + k] - t;
                sq += e * e;
                abs += Math.abs(e);
                tot += (t - mean) * (t - mean);
            }
            mse[k] = sq / rows;
            mae[k] = abs / rows;
            r2[k] = tot == 0 ? (sq == 0 ? 1.0 : Double.NEGATIVE_INFINITY) : 1.0 - sq / tot;
        }
        return new RegressionMetrics(mse, mae, r2, rows);
    }

    /**
     * Rows counted.
     *
     * @return the row count, at least 1
     */
    public int rows() {
        return rows;
    }

    /**
     * Outputs (targets) per row.
     *
     * @return the width
     */
    public int outputs() {
        return mse.length;
    }

    /**
     * Mean squared error of output {@code k}.
     *
     * @param k an output, in {@code [0, outputs())}
     * @return the mean of {@code (prediction − target)²}, in the target's squared units
     */
    public double mse(int k) {
        return mse[k];
    }

    /**
     * Mean absolute error of output {@code k}.
     *
     * @param k an output, in {@code [0, outputs())}
     * @return the mean of {@code |prediction − target|}, in the target's units
     */
    public double mae(int k) {
        return mae[k];
    }

    /**
     * R² of output {@code k}; for a constant target, 1 when predicted exactly, else −∞.
     *
     * @param k an output, in {@code [0, outputs())}
     * @return at most 1
     */
    public double r2(int k) {
        return r2[k];
    }

    /**
     * Mean over outputs.
     *
     * @return the outputs' mean MSE
     */
    public double mse() {
        return mean(mse);
    }

    /**
     * Mean absolute error, mean over outputs.
     *
     * @return the outputs' mean MAE
     */
    public double mae() {
        return mean(mae);
    }

    /**
     * R², mean over outputs.
     *
     * @return the outputs' mean R², at most 1
     */
    public double r2() {
        return mean(r2);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MSE %.6g, MAE %.6g, R² %.4f (%d rows)", mse(), mae(), r2(), rows);
    }
}
