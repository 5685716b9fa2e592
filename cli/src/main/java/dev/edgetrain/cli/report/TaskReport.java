package dev.edgetrain.cli.report;

import dev.edgetrain.cli.support.Console;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.metrics.BinaryMetrics;
import dev.edgetrain.runtime.metrics.MultilabelMetrics;
import dev.edgetrain.runtime.metrics.RegressionMetrics;
import dev.edgetrain.runtime.train.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics of a task on rows whose model outputs are known: a classifier's accuracy, per-class precision and
 * recall and confusion matrix ({@link ClassificationReport}); a binary classifier's accuracy, precision, recall,
 * F1 and ROC-AUC; a multi-label classifier's per-label F1 and Hamming loss; a regressor's MSE, MAE and R².
 */
public final class TaskReport {
    private final Task task;
    private final String[] outputNames;
    private final ClassificationReport classification;
    private final BinaryMetrics binary;
    private final MultilabelMetrics multilabel;
    private final RegressionMetrics regression;

    private TaskReport(Task task, String[] outputNames, ClassificationReport classification, BinaryMetrics binary,
                       MultilabelMetrics multilabel, RegressionMetrics regression) {
        this.task = task;
        this.outputNames = outputNames;
        this.classification = classification;
        this.binary = binary;
        this.multilabel = multilabel;
        this.regression = regression;
    }

    /**
     * The task's metrics of a model's outputs on {@code data}.
     *
     * @param task the model's task
     * @param outputNames class names (classify; binary: negative, positive) or label/target names
     * @param outputs     the model's head outputs {@code [rows][outputs]}: probabilities (classify, binary,
     *                    multilabel; any monotone score works for classify) or values (regress)
     * @param data        the rows with their labels or targets
     * @return the report
     */
    public static TaskReport of(Task task, String[] outputNames, float[] outputs, Dataset data) {
        return of(task, outputNames, outputs, data.labels(), data.targets(), data.rows(), data.targetWidth());
    }

    /**
     * As {@link #of(Task, String[], float[], Dataset)}, from the rows' class indices {@code labels [rows]} (classify,
     * binary) or targets {@code [rows][width]} (binary as 0/1 probabilities, multilabel, regress).
     *
     * @param task the model's task
     * @param outputNames class names or label/target names
     * @param outputs the model's head outputs {@code [rows][outputs]}
     * @param labels the rows' class indices, or null when the rows have targets
     * @param targets the rows' targets {@code [rows][width]}, or null when the rows have class indices
     * @param rows the row count
     * @param width the targets per row (0 with class indices)
     * @return the report
     */
    public static TaskReport of(Task task, String[] outputNames, float[] outputs, int[] labels, float[] targets,
                                int rows, int width) {
        switch (task) {
            case CLASSIFY: {
                int classes = outputNames.length;
                int[] predicted = new int[rows];
                for (int r = 0; r < rows; r++) {
                    int best = 0;
                    for (int k = 1; k < classes; k++) {
                        if (outputs[r * classes + k] > outputs[r * classes + best]) {
                            best = k;
                        }
                    }
                    predicted[r] = best;
                }
                return new TaskReport(task, outputNames, new ClassificationReport(outputNames, labels, predicted),
                        null, null, null);
            }
            case BINARY: {
                int[] classes = labels;
                if (classes == null) {
                    classes = new int[rows];
                    for (int r = 0; r < rows; r++) {
                        classes[r] = targets[r] >= 0.5f ? 1 : 0;
                    }
                }
                return new TaskReport(task, outputNames, null, BinaryMetrics.of(outputs, classes, rows), null, null);
            }
            case MULTILABEL:
                return new TaskReport(task, outputNames, null, null,
                        MultilabelMetrics.of(outputs, targets, rows, width),
                        null);
            default:
                return new TaskReport(task, outputNames, null, null, null,
                        RegressionMetrics.of(outputs, targets, rows, width));
        }
    }

    /**
     * One phrase for the end of a run, e.g. {@code accuracy 97.49%}, {@code F1 0.9412, ROC-AUC 0.9876},
     * {@code R² 0.9123}.
     *
     * @return the phrase
     */
    public String headline() {
        switch (task) {
            case CLASSIFY:
                return String.format(Locale.ROOT, "accuracy %.2f%%", 100 * classification.accuracy());
            case BINARY:
                return String.format(Locale.ROOT, "accuracy %.2f%%, F1 %.4f, ROC-AUC %.4f", 100 * binary.accuracy(),
                        binary.f1(), binary.rocAuc());
            case MULTILABEL:
                return String.format(Locale.ROOT, "micro-F1 %.4f, Hamming loss %.4f", multilabel.microF1(),
                        multilabel.hammingLoss());
            default:
                return String.format(Locale.ROOT, "R² %.4f, MSE %.6g", regression.r2(), regression.mse());
        }
    }

    /**
     * The metric a run is judged by: accuracy (classify), F1 (binary), micro-F1 (multilabel), R² (regress).
     *
     * @return the metric, higher is better
     */
    public double score() {
        switch (task) {
            case CLASSIFY:
                return classification.accuracy();
            case BINARY:
                return binary.f1();
            case MULTILABEL:
                return multilabel.microF1();
            default:
                return regression.r2();
        }
    }

    /**
     * Prints the task's full report (per-class or per-target figures, the confusion matrix where there is one).
     *
     * @param console where to print (as progress lines)
     */
    public void print(Console console) {
        switch (task) {
            case CLASSIFY:
                classification.print(console);
                break;
            case BINARY:
                console.line("%s (positive: %s)", binary, outputNames[1]);
                console.line("");
                console.line("confusion (rows: actual, columns: predicted at 0.5)");
                int w = Math.max(8, Math.max(outputNames[0].length(), outputNames[1].length()) + 1);
                console.line("%-" + w + "s%" + w + "s%" + w + "s", "", outputNames[0], outputNames[1]);
                console.line("%-" + w + "s%" + w + "d%" + w + "d", outputNames[0], binary.trueNegatives(),
                        binary.falsePositives());
                console.line("%-" + w + "s%" + w + "d%" + w + "d", outputNames[1], binary.falseNegatives(),
                        binary.truePositives());
                break;
            case MULTILABEL: {
                console.line("%s", multilabel);
                console.line("");
                int width = nameWidth();
                console.line("%-" + width + "s  precision  recall      F1  support", "label");
                for (int k = 0; k < multilabel.labels(); k++) {
                    console.line("%-" + width + "s  %9.4f  %6.4f  %6.4f  %7d", outputNames[k], multilabel.precision(k),
                            multilabel.recall(k), multilabel.f1(k), multilabel.support(k));
                }
                break;
            }
            default: {
                console.line("%s", regression);
                if (regression.outputs() > 1) {
                    console.line("");
                    int width = nameWidth();
                    console.line("%-" + width + "s  %12s  %12s  %8s", "target", "MSE", "MAE", "R²");
                    for (int k = 0; k < regression.outputs(); k++) {
                        console.line("%-" + width + "s  %12.6g  %12.6g  %8.4f", outputNames[k], regression.mse(k),
                                regression.mae(k), regression.r2(k));
                    }
                }
                break;
            }
        }
    }

    private int nameWidth() {
        int width = 6;
        for (String n : outputNames) {
            width = Math.max(width, n.length());
        }
        return width;
    }

    /**
     * The JSON form of the report: the task and its metrics (NaN as null).
     *
     * @return JSON-ready maps and lists
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task.id());
        switch (task) {
            case CLASSIFY:
                m.putAll(classification.toJson());
                break;
            case BINARY:
                m.put("rows", binary.rows());
                m.put("accuracy", binary.accuracy());
                m.put("precision", binary.precision());
                m.put("recall", binary.recall());
                m.put("f1", binary.f1());
                m.put("roc_auc", Double.isNaN(binary.rocAuc()) ? null : binary.rocAuc());
                m.put("confusion", new int[][] {{binary.trueNegatives(), binary.falsePositives()},
                        {binary.falseNegatives(), binary.truePositives()}});
                break;
            case MULTILABEL: {
                m.put("rows", multilabel.rows());
                m.put("hamming_loss", multilabel.hammingLoss());
                m.put("micro_f1", multilabel.microF1());
                m.put("macro_f1", multilabel.macroF1());
                m.put("subset_accuracy", multilabel.subsetAccuracy());
                List<Map<String, Object>> labels = new ArrayList<>();
                for (int k = 0; k < multilabel.labels(); k++) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("label", outputNames[k]);
                    e.put("precision", multilabel.precision(k));
                    e.put("recall", multilabel.recall(k));
                    e.put("f1", multilabel.f1(k));
                    e.put("support", multilabel.support(k));
                    labels.add(e);
                }
                m.put("labels", labels);
                break;
            }
            default: {
                m.put("rows", regression.rows());
                m.put("mse", regression.mse());
                m.put("mae", regression.mae());
                m.put("r2", regression.r2());
                List<Map<String, Object>> targets = new ArrayList<>();
                for (int k = 0; k < regression.outputs(); k++) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("target", outputNames[k]);
                    e.put("mse", regression.mse(k));
                    e.put("mae", regression.mae(k));
                    e.put("r2", regression.r2(k));
                    targets.add(e);
                }
                m.put("targets", targets);
                break;
            }
        }
        return m;
    }
}
