package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fine-tunes a copy of a network on a few examples, synchronously: the code the app's background thread
 * runs, and what the JVM tests run. The base network is only read, so the app can keep predicting with it
 * on the UI thread meanwhile; whatever happens (cancel, an exception), it stays as it was.
 */
public final class FineTuner {
    private FineTuner() {
    }

    /**
     * Trains a copy of {@code base} for {@code config.epochs()} epochs on the calling thread and measures it on
     * {@code evaluation} before and after. Takes as long as the training does: not for the UI thread.
     *
     * @param base       the network to start from; read only
     * @param examples   the training examples
     * @param evaluation rows to measure accuracy on before and after, or null
     * @param config     the mode, epochs, learning rate, batch size and shuffling seed
     * @param listener   told after every epoch, on the calling thread; may be null
     * @param cancel     checked before every epoch; may be null
     * @return the trained copy and what happened; a cancelled run returns the epochs done so far and no
     *         after-evaluation
     * @throws IllegalArgumentException if the data does not fit the network, or {@code base}, {@code examples} or
     *                                  {@code config} is null
     * @throws IllegalStateException    if training diverges (the base network is still unchanged)
     */
    public static FineTuneResult run(Network base, Dataset examples, Dataset evaluation, FineTuneConfig config,
                                     FineTuneListener listener, AtomicBoolean cancel) {
        if (base == null || examples == null || config == null) {
            throw new IllegalArgumentException("base network, examples and config must not be null");
        }
        checkFits(base, examples, "examples");
        if (evaluation != null) {
            checkFits(base, evaluation, "evaluation rows");
        }
        final long start = System.nanoTime();
        final Network network = base.copy();
        final int batch = Math.min(config.batchSize(), examples.rows());
        final TrainingSession session = new TrainingSession(network, Math.max(batch, 64),
                OptimizerConfig.adam(config.learningRate()));
        if (config.mode() == FineTuneMode.OUTPUT_LAYER_ONLY) {
            session.trainOnlyLastLayer();
        }
        final Evaluation before = evaluation == null ? null : Trainer.evaluate(session, evaluation);
        final Trainer trainer = new Trainer(session, examples, batch, config.seed());
        int epoch = 0;
        boolean cancelled = false;
        while (epoch < config.epochs()) {
            if (cancel != null && cancel.get()) {
                cancelled = true;
                break;
            }
            trainer.runEpoch(TrainingListener.NONE);
            epoch++;
            if (listener != null) {
                listener.onEpoch(epoch, config.epochs(), trainer.lastLoss(), trainer.lastAccuracy());
            }
        }
        final Evaluation after = evaluation == null || cancelled ? null : Trainer.evaluate(session, evaluation);
        final long elapsed = (System.nanoTime() - start) / 1_000_000L;
        return new FineTuneResult(network, config, examples.rows(), epoch, cancelled, trainer.lastLoss(),
                trainer.lastAccuracy(), before, after, elapsed);
    }

    private static void checkFits(Network base, Dataset data, String what) {
        if (data.featureCount() != base.spec().inputs() || data.classes() != base.spec().classes()) {
            throw new IllegalArgumentException(what + " have " + data.featureCount() + " features and "
                    + data.classes() + " classes, network " + base.spec() + " needs " + base.spec().inputs()
                    + " and " + base.spec().classes());
        }
    }
}
