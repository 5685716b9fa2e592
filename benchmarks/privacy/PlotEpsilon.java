import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Test accuracy against ε as a PNG, from the CSV of digits-epsilon.sh: each DP-SGD run as a dot, the mean of each
 * target ε with ± one standard deviation, the non-private runs as horizontal lines. Run with JFreeChart on the class
 * path (the CLI jar has it): java -cp cli/target/edgetrain.jar PlotEpsilon.java RESULTS.csv OUT.png TITLE
 */
public class PlotEpsilon {
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> lines = Files.readAllLines(new File(args[0]).toPath());
        Map<Double, List<double[]>> byTarget = new TreeMap<>(); // target ε -> [ε spent, accuracy] of each run
        Map<String, Double> plain = new TreeMap<>(); // label -> accuracy
        for (String line : lines.subList(1, lines.size())) { // kind,target,epsilon,seed,accuracy
            String[] f = line.split(",");
            if (f[0].equals("dp")) {
                byTarget.computeIfAbsent(Double.parseDouble(f[1]), k -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(f[2]), 100 * Double.parseDouble(f[4])});
            } else {
                plain.put(f[0].replace('_', ' '), 100 * Double.parseDouble(f[4]));
            }
        }
        XYSeries runs = new XYSeries("DP-SGD runs");
        XYIntervalSeries means = new XYIntervalSeries("mean ± sd");
        for (Map.Entry<Double, List<double[]>> e : byTarget.entrySet()) {
            double sumEps = 0;
            double sum = 0;
            double squares = 0;
            for (double[] run : e.getValue()) {
                runs.add(run[0], run[1]);
                sumEps += run[0];
                sum += run[1];
                squares += run[1] * run[1];
            }
            int n = e.getValue().size();
            double eps = sumEps / n;
            double mean = sum / n;
            double sd = n > 1 ? Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1))) : 0;
            means.add(eps, eps, eps, mean, mean - sd, mean + sd);
            System.out.printf(Locale.ROOT, "epsilon %.2f: %.1f ± %.1f %% (%d runs)%n", eps, mean, sd, n);
        }
        LogAxis epsilonAxis = new LogAxis("ε (δ = 1e-5)");
        epsilonAxis.setBase(2);
        epsilonAxis.setSmallestValue(0.1);
        epsilonAxis.setTickUnit(new NumberTickUnit(1)); // one tick per doubling: 0.5, 1, 2, 4, 8
        epsilonAxis.setNumberFormatOverride(new DecimalFormat("0.##"));
        NumberAxis accuracyAxis = new NumberAxis("test accuracy (%)");
        accuracyAxis.setAutoRangeIncludesZero(false);
        XYErrorRenderer meanRenderer = new XYErrorRenderer();
        meanRenderer.setDrawXError(false);
        meanRenderer.setDefaultLinesVisible(true);
        meanRenderer.setSeriesPaint(0, new Color(31, 119, 180));
        meanRenderer.setSeriesStroke(0, new BasicStroke(2f));
        meanRenderer.setErrorPaint(new Color(31, 119, 180));
        XYPlot plot = new XYPlot(new XYIntervalSeriesCollection(), epsilonAxis, accuracyAxis, meanRenderer);
        ((XYIntervalSeriesCollection) plot.getDataset()).addSeries(means);
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        dots.setSeriesPaint(0, new Color(31, 119, 180, 90));
        plot.setDataset(1, new XYSeriesCollection(runs));
        plot.setRenderer(1, dots);
        Color[] lineColors = {new Color(255, 127, 14), new Color(44, 160, 44)};
        int k = 0;
        double highest = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : plain.entrySet()) {
            ValueMarker marker = new ValueMarker(e.getValue(), lineColors[k++ % 2], new BasicStroke(1.5f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            marker.setLabel(String.format(Locale.ROOT, "%s: %.1f %%", e.getKey(), e.getValue()));
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            // lines close together: the first label below its line on the right, the next above its line on the left
            marker.setLabelAnchor(k % 2 == 1 ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(k % 2 == 1 ? TextAnchor.TOP_RIGHT : TextAnchor.BOTTOM_LEFT);
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            plot.addRangeMarker(marker);
            highest = Math.max(highest, e.getValue());
        }
        if (highest > Double.NEGATIVE_INFINITY) { // markers do not widen the axis by themselves
            accuracyAxis.setAutoRange(false);
            accuracyAxis.setRange(accuracyAxis.getLowerBound(), Math.max(accuracyAxis.getUpperBound(), highest + 2));
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(args.length > 2 ? args[2] : null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(new File(args[1]), chart, 720, 440);
    }
}
