package dev.edgetrain.cli.report;

import java.util.ArrayList;
import java.util.List;

/** Per-epoch figures of a training run, for the summary lines, the plot and the JSON report. */
public final class TrainingHistory {
    /** One epoch's figures; a validation or test figure is NaN when there is no such set (accuracy: or no classes). */
    public static final class Epoch {
        public final int epoch;
        public final double trainLoss;
        public final double trainAccuracy;
        public final double validationLoss;
        public final double validationAccuracy;
        public final double testLoss;
        public final double testAccuracy;

        public Epoch(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy) {
            this(epoch, trainLoss, trainAccuracy, Double.NaN, Double.NaN, testLoss, testAccuracy);
        }

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

    public void add(Epoch e) {
        epochs.add(e);
    }

    public List<Epoch> epochs() {
        return epochs;
    }

    /** The epochs as JSON-ready maps; a missing test figure is null, not NaN. */
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
