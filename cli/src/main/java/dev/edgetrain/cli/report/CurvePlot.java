package dev.edgetrain.cli.report;

import dev.edgetrain.cli.CliException;
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
        plot.add(new XYPlot(losses, null, new NumberAxis("cross-entropy"), new XYLineAndShapeRenderer(true, false)), 1);
        NumberAxis accuracyAxis = new NumberAxis("accuracy");
        accuracyAxis.setAutoRangeIncludesZero(false);
        plot.add(new XYPlot(accuracies, null, accuracyAxis, new XYLineAndShapeRenderer(true, false)), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        try {
            ChartUtils.saveChartAsPNG(file, chart, 900, 650);
        } catch (IOException e) {
            throw new CliException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
    }
}
