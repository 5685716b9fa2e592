package dev.edgetrain.cli.report;

import dev.edgetrain.cli.support.CliException;
import java.io.File;
import java.io.IOException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The training curve as a PNG: loss (top) and accuracy (bottom) per epoch, train and test. */
public final class CurvePlot {
    private CurvePlot() {
    }

    /** Train in blue, test in orange, in both panels; white background. */
    private static XYPlot subplot(XYSeriesCollection data, NumberAxis axis) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, data.getItemCount(0) <= 40);
        renderer.setSeriesPaint(0, new java.awt.Color(31, 119, 180));
        renderer.setSeriesPaint(1, new java.awt.Color(255, 127, 14));
        for (int s = 0; s < 2; s++) {
            renderer.setSeriesStroke(s, new java.awt.BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        return plot;
    }

    /**
     * Writes the training curves (loss and accuracy per epoch, training and test) as a PNG.
     *
     * @param file the PNG to write
     * @param history the run's epochs
     * @param title the chart's title
     * @throws CliException when the file cannot be written
     */
    public static void write(File file, TrainingHistory history, String title) {
        System.setProperty("java.awt.headless", "true");
        XYSeries trainLoss = new XYSeries("train loss");
        XYSeries testLoss = new XYSeries("test loss");
        XYSeries trainAcc = new XYSeries("train accuracy");
        XYSeries testAcc = new XYSeries("test accuracy");
        for (TrainingHistory.Epoch e : history.epochs()) {
            trainLoss.add(e.epoch, e.trainLoss);
            trainAcc.add(e.epoch, e.trainAccuracy);
            if (!Double.isNaN(e.testAccuracy)) {
                testLoss.add(e.epoch, e.testLoss);
                testAcc.add(e.epoch, e.testAccuracy);
            }
        }
        XYSeriesCollection losses = new XYSeriesCollection(trainLoss);
        XYSeriesCollection accuracies = new XYSeriesCollection(trainAcc);
        if (testAcc.getItemCount() > 0) {
            losses.addSeries(testLoss);
            accuracies.addSeries(testAcc);
        }
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.add(subplot(losses, new NumberAxis("cross-entropy")), 1);
        NumberAxis accuracyAxis = new NumberAxis("accuracy");
        accuracyAxis.setAutoRangeIncludesZero(false);
        plot.add(subplot(accuracies, accuracyAxis), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        try {
            ChartUtils.saveChartAsPNG(file, chart, 900, 650);
        } catch (IOException e) {
            throw new CliException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
    }
}
