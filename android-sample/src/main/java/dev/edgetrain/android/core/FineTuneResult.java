package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.train.Evaluation;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The outcome of one fine-tuning run: the trained copy of the network and what happened. */
public final class FineTuneResult {
    private final Network network;
    private final FineTuneConfig config;
    private final int examples;
    private final int epochsRun;
    private final boolean cancelled;
    private final float trainLoss;
    private final float trainAccuracy;
    private final Evaluation before;
    private final Evaluation after;
    private final long elapsedMillis;

    FineTuneResult(Network network, FineTuneConfig config, int examples, int epochsRun, boolean cancelled,
                   float trainLoss, float trainAccuracy, Evaluation before, Evaluation after, long elapsedMillis) {
        this.network = network;
        this.config = config;
        this.examples = examples;
        this.epochsRun = epochsRun;
        this.cancelled = cancelled;
        this.trainLoss = trainLoss;
        this.trainAccuracy = trainAccuracy;
        this.before = before;
        this.after = after;
        this.elapsedMillis = elapsedMillis;
    }

    /**
     * The fine-tuned network: a copy, the base network is never changed. Use it only if not {@link #cancelled()}.
     *
     * @return the trained copy itself, not a further copy; after a cancel, partly trained
     */
    public Network network() {
        return network;
    }

    /**
     * The settings the run was started with.
     *
     * @return the run's config
     */
    public FineTuneConfig config() {
        return config;
    }

    /**
     * Number of training examples.
     *
     * @return the rows of the examples data set the run trained on
     */
    public int examples() {
        return examples;
    }

    /**
     * Epochs completed: {@link FineTuneConfig#epochs()} unless cancelled, fewer (possibly 0) if cancelled.
     *
     * @return the epochs the run completed
     */
    public int epochsRun() {
        return epochsRun;
    }

    /**
     * Whether the cancel flag stopped the run before all its epochs.
     *
     * @return true for a cancelled run, whose {@link #network()} should not replace the current model
     */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Mean training loss of the last epoch (NaN if none ran).
     *
     * @return the loss per example of the last completed epoch, or NaN
     */
    public float trainLoss() {
        return trainLoss;
    }

    /**
     * Training accuracy of the last epoch (NaN if none ran).
     *
     * @return the fraction of examples classified right in the last completed epoch, in [0, 1], or NaN
     */
    public float trainAccuracy() {
        return trainAccuracy;
    }

    /**
     * The base network on the evaluation rows, or null when there were none.
     *
     * @return the loss and accuracy before training, or null
     */
    public Evaluation before() {
        return before;
    }

    /**
     * The fine-tuned network on the evaluation rows, or null when there were none or the run was cancelled.
     *
     * @return the loss and accuracy after training, or null
     */
    public Evaluation after() {
        return after;
    }

    /**
     * Wall-clock time of the whole run: copying the network, both evaluations and the training.
     *
     * @return the run's duration in milliseconds
     */
    public long elapsedMillis() {
        return elapsedMillis;
    }

    /**
     * One line for the screen.
     *
     * @return epochs, examples, mode, time, loss, accuracy and the held-out accuracy before and after; for a
     *         cancelled run, how many epochs ran
     */
    public String summary() {
        if (cancelled) {
            return String.format(Locale.ROOT, "cancelled after %d of %d epochs; the model is unchanged", epochsRun,
                    config.epochs());
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "%d epochs on %d examples (%s) in %d ms: loss %.3f, training accuracy %.0f%%", epochsRun, examples,
                config.mode() == FineTuneMode.OUTPUT_LAYER_ONLY ? "output layer" : "all layers", elapsedMillis,
                trainLoss, 100 * trainAccuracy));
        if (before != null && after != null) {
            sb.append(String.format(Locale.ROOT, "; held-out rows %.1f%% \u2192 %.1f%%", 100 * before.accuracy(),
                    100 * after.accuracy()));
        }
        return sb.toString();
    }

    /**
     * Key/value pairs that describe this run, for the exported model's metadata.
     *
     * @return a new, modifiable map of {@code edgetrain.finetune.*} keys in a fixed order; the held-out keys only
     *         when both evaluations exist
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("edgetrain.finetune.mode", config.mode().name());
        m.put("edgetrain.finetune.examples", Integer.toString(examples));
        m.put("edgetrain.finetune.epochs", Integer.toString(epochsRun));
        m.put("edgetrain.finetune.optimizer", "adam lr=" + config.learningRate() + " batch=" + config.batchSize());
        m.put("edgetrain.finetune.train_loss", String.format(Locale.ROOT, "%.4f", trainLoss));
        m.put("edgetrain.finetune.train_accuracy", String.format(Locale.ROOT, "%.4f", trainAccuracy));
        if (before != null && after != null) {
            m.put("edgetrain.finetune.heldout_accuracy_before", String.format(Locale.ROOT, "%.4f", before.accuracy()));
            m.put("edgetrain.finetune.heldout_accuracy_after", String.format(Locale.ROOT, "%.4f", after.accuracy()));
            m.put("edgetrain.finetune.heldout_rows", Integer.toString(after.rows()));
        }
        return m;
    }
}
