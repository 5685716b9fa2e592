package dev.edgetrain.app;

import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.metrics.BinaryMetrics;
import dev.edgetrain.runtime.metrics.ClassificationMetrics;
import dev.edgetrain.runtime.metrics.MultilabelMetrics;
import dev.edgetrain.runtime.metrics.RegressionMetrics;
import java.util.Locale;

/**
 * A {@link Model}'s metrics on labelled rows, by task: the mean loss always; for {@link Task#CLASSIFY} and
 * {@link Task#BINARY} the confusion matrix and per-class precision, recall and F1 ({@link #classification()}), for
 * binary also ROC-AUC and the positive class's figures ({@link #binary()}); for {@link Task#MULTILABEL} per-label
 * figures, Hamming loss, micro/macro-F1 ({@link #multilabel()}); for {@link Task#REGRESS} MSE, MAE and R² per target
 * ({@link #regression()}). The metrics of other tasks are null. Immutable.
 */
public final class ModelEvaluation {
    private final Task task;
    private final String[] outputNames;
    private final double loss;
    private final ClassificationMetrics classification;
    private final BinaryMetrics binary;
    private final MultilabelMetrics multilabel;
    private final RegressionMetrics regression;

    ModelEvaluation(Task task, String[] outputNames, double loss, ClassificationMetrics classification,
                    BinaryMetrics binary, MultilabelMetrics multilabel, RegressionMetrics regression) {
        this.task = task;
        this.outputNames = outputNames.clone();
        this.loss = loss;
        this.classification = classification;
        this.binary = binary;
        this.multilabel = multilabel;
        this.regression = regression;
    }

    /**
     * The task of the model evaluated.
     *
     * @return the task
     */
    public Task task() {
        return task;
    }

    /**
     * The mean loss per row (cross-entropy for a classifier, MSE for a regressor), as in training.
     *
     * @return the mean loss, 0 or more
     */
    public double loss() {
        return loss;
    }

    /**
     * Rows with the right class (classify, binary), row-label decisions that are right (multilabel, 1 − Hamming
     * loss); NaN for a regressor.
     *
     * @return a fraction in [0, 1], or NaN
     */
    public double accuracy() {
        if (classification != null) {
            return classification.accuracy();
        }
        return multilabel != null ? 1 - multilabel.hammingLoss() : Double.NaN;
    }

    /**
     * The confusion matrix {@code [actual][predicted]} of a classifier or binary classifier (a copy), else null.
     *
     * @return {@code [classes][classes]} row counts, or null
     */
    public int[][] confusion() {
        return classification == null ? null : classification.confusion();
    }

    /**
     * Classify and binary: the per-class figures; null for other tasks.
     *
     * @return the figures, or null
     */
    public ClassificationMetrics classification() {
        return classification;
    }

    /**
     * Binary: the positive class's figures and ROC-AUC; null for other tasks.
     *
     * @return the figures, or null
     */
    public BinaryMetrics binary() {
        return binary;
    }

    /**
     * Multilabel; null for other tasks.
     *
     * @return per-label precision/recall/F1, Hamming loss and micro/macro-F1, or null
     */
    public MultilabelMetrics multilabel() {
        return multilabel;
    }

    /**
     * Regress; null for other tasks.
     *
     * @return per-target MSE, MAE and R², or null
     */
    public RegressionMetrics regression() {
        return regression;
    }

    /**
     * The names of the classes, labels or targets (a copy).
     *
     * @return one name per class, label or target
     */
    public String[] outputNames() {
        return outputNames.clone();
    }

    /** A few lines: the task's headline, then one line per class, label or target. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s, loss %.4f: ", task.id(), loss));
        if (classification != null) {
            sb.append(binary != null ? binary.toString() : classification.toString());
            for (int c = 0; c < outputNames.length; c++) {
                sb.append(String.format(Locale.ROOT, "%n  %s: precision %.4f, recall %.4f, F1 %.4f, support %d",
                        outputNames[c], classification.precision(c), classification.recall(c), classification.f1(c),
                        classification.support(c)));
            }
        } else if (multilabel != null) {
            sb.append(multilabel);
            for (int k = 0; k < outputNames.length; k++) {
                sb.append(String.format(Locale.ROOT, "%n  %s: precision %.4f, recall %.4f, F1 %.4f, support %d",
                        outputNames[k], multilabel.precision(k), multilabel.recall(k), multilabel.f1(k),
                        multilabel.support(k)));
            }
        } else {
            sb.append(regression);
            for (int k = 0; k < outputNames.length; k++) {
                sb.append(String.format(Locale.ROOT, "%n  %s: MSE %.6g, MAE %.6g, R² %.4f", outputNames[k],
                        regression.mse(k), regression.mae(k), regression.r2(k)));
            }
        }
        return sb.toString();
    }
}
