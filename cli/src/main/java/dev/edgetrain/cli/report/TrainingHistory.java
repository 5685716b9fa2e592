package dev.edgetrain.cli.report;

import java.util.ArrayList;
import java.util.List;

/** Per-epoch figures of a training run, for the summary lines, the plot and the JSON report. */
public final class TrainingHistory {
    /** One epoch's figures; a validation or test figure is NaN when there is no such set (accuracy: or no classes). */
    public static final class Epoch {
        /** The epoch, counted from 1 as the summary lines print it. */
        public final int epoch;
        /** The mean training loss over the epoch's batches. */
        public final double trainLoss;
        /** The training accuracy over the epoch's batches (NaN without classes). */
        public final double trainAccuracy;
        /** The validation loss after the epoch, or NaN. */
        public final double validationLoss;
        /** The validation accuracy after the epoch, or NaN. */
        public final double validationAccuracy;
        /** The test loss after the epoch, or NaN. */
        public final double testLoss;
        /** The test accuracy after the epoch, or NaN. */
        public final double testAccuracy;

        /**
         * An epoch without validation.
         *
         * @param epoch the epoch, from 1
         * @param trainLoss the mean training loss
         * @param trainAccuracy the training accuracy, or NaN
         * @param testLoss the test loss, or NaN
         * @param testAccuracy the test accuracy, or NaN
         */
        public Epoch(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy) {
            this(epoch, trainLoss, trainAccuracy, Double.NaN, Double.NaN, testLoss, testAccuracy);
        }

        /**
         * An epoch's figures.
         *
         * @param epoch the epoch, from 1
         * @param trainLoss the mean training loss
         * @param trainAccuracy the training accuracy, or NaN
         * @param validationLoss the validation loss, or NaN
         * @param validationAccuracy the validation accuracy, or NaN
         * @param testLoss the test loss, or NaN
         * @param testAccuracy the test accuracy, or NaN
         */
        public Epoch(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                     double validationAccuracy, double testLoss, double testAccuracy) {
            this.epoch = epoch;
            this.trainLoss = trainLoss;
            this.trainAccuracy = trainAccuracy;
            this.validationLoss = validationLoss;
            this.validationAccuracy = validationAccuracy;
            this.testLoss = testLoss;
            this.testAccuracy = testAccuracy;
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();

    /** An empty history. */
    public TrainingHistory() {
    }

    /**
     * Records an epoch's figures.
     *
     * @param e the epoch, after the previous ones
     */
    public void add(Epoch e) {
        epochs.add(e);
    }

    /**
     * The epochs recorded so far.
     *
     * @return the epochs in order (the history's own list)
     */
    public List<Epoch> epochs() {
        return epochs;
    }

    /**
     * The epochs as JSON-ready maps; a missing test figure is null, not NaN.
     *
     * @return one map per epoch, in order
     */
    public List<java.util.Map<String, Object>> toJson() {
        List<java.util.Map<String, Object>> list = new ArrayList<>();
        for (Epoch e : epochs) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("epoch", e.epoch);
            m.put("train_loss", e.trainLoss);
            m.put("train_accuracy", Double.isNaN(e.trainAccuracy) ? null : e.trainAccuracy);
            m.put("validation_loss", Double.isNaN(e.validationLoss) ? null : e.validationLoss);
            m.put("validation_accuracy", Double.isNaN(e.validationAccuracy) ? null : e.validationAccuracy);
            m.put("test_loss", Double.isNaN(e.testLoss) ? null : e.testLoss);
            m.put("test_accuracy", Double.isNaN(e.testAccuracy) ? null : e.testAccuracy);
            list.add(m);
        }
        return list;
    }
}
