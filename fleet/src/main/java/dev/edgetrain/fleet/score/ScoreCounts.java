package dev.edgetrain.fleet.score;

import java.io.Serializable;
import org.apache.spark.util.AccumulatorV2;

/**
 * What scoring tasks count, merged exactly (integers): predictions per class and, with labels, the confusion matrix
 * {@code [actual][predicted]}. Gathered by a Spark accumulator that the scoring job itself fills, so the rows are
 * read once whether or not the predictions are written: Spark adds a result task's accumulator updates once, from
 * its successful attempt only (a failed or retried attempt's updates are dropped), so the counts are exact.
 */
final class ScoreCounts implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] predicted;
    /** {@code [actual][predicted]}, or null when the rows have no labels. */
    final long[][] confusion;

    ScoreCounts(int classes, boolean labelled) {
        this.predicted = new long[classes];
        this.confusion = labelled ? new long[classes][classes] : null;
    }

    /** One row: its predicted class and, with labels, its actual class. */
    void add(int actual, int predictedClass) {
        predicted[predictedClass]++;
        if (confusion != null) {
            confusion[actual][predictedClass]++;
        }
    }

    void merge(ScoreCounts other) {
        for (int c = 0; c < predicted.length; c++) {
            predicted[c] += other.predicted[c];
        }
        if (confusion != null) {
            for (int a = 0; a < confusion.length; a++) {
                for (int p = 0; p < confusion.length; p++) {
                    confusion[a][p] += other.confusion[a][p];
                }
            }
        }
    }

    boolean isZero() {
        for (long c : predicted) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    ScoreCounts copy() {
        ScoreCounts c = new ScoreCounts(predicted.length, confusion != null);
        c.merge(this);
        return c;
    }

    ScoreSummary summary(String[] classNames) {
        long[][] matrix = null;
        if (confusion != null) {
            matrix = new long[confusion.length][];
            for (int a = 0; a < confusion.length; a++) {
                matrix[a] = confusion[a].clone();
            }
        }
        return new ScoreSummary(classNames.clone(), predicted.clone(), matrix);
    }

    /** The Spark accumulator: each task adds the counts of its partition once, when it has scored every row. */
    static final class Accumulator extends AccumulatorV2<ScoreCounts, ScoreCounts> {
        private static final long serialVersionUID = 1L;
        private ScoreCounts counts;

        Accumulator(int classes, boolean labelled) {
            this.counts = new ScoreCounts(classes, labelled);
        }

        @Override
        public boolean isZero() {
            return counts.isZero();
        }

        @Override
        public AccumulatorV2<ScoreCounts, ScoreCounts> copy() {
            Accumulator a = new Accumulator(counts.predicted.length, counts.confusion != null);
            a.counts.merge(counts);
            return a;
        }

        @Override
        public void reset() {
            counts = new ScoreCounts(counts.predicted.length, counts.confusion != null);
        }

        @Override
        public void add(ScoreCounts v) {
            counts.merge(v);
        }

        @Override
        public void merge(AccumulatorV2<ScoreCounts, ScoreCounts> other) {
            counts.merge(other.value());
        }

        @Override
        public ScoreCounts value() {
            return counts;
        }
    }
}
