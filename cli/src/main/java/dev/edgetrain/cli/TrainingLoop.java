package dev.edgetrain.cli;

import dev.edgetrain.cli.report.TrainingHistory;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.Numbers;
import dev.edgetrain.data.RowCache;
import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.train.BatchSource;
import dev.edgetrain.runtime.train.EarlyStopping;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.io.File;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs a trainer up to a number of epochs: a progress bar on an interactive terminal, one summary line per
 * epoch, the validation and test evaluations after each epoch, early stopping on the validation loss, and a
 * checkpoint after each epoch when asked (with the early stopping's best epoch, so a resumed run stops and restores
 * exactly as an uninterrupted one).
 */
final class TrainingLoop {
    /** Checkpoint entries of the early stopping. */
    static final String BEST_PARAMETERS = "early_stopping.best_parameters";
    static final String BEST_STATE = "early_stopping.state";
    /** What to try after a diverged run, in the options of train and finetune. */
    static final String DIVERGENCE_ADVICE = "lower --lr, set --clip-norm, or use --on-divergence lower-lr";

    private final Console console;
    private final Trainer trainer;
    private final BatchSource validation;
    private final BatchSource test;
    private final int epochs;
    /** Epochs without a better validation loss before stopping; 0: never stop early. */
    private final int patience;
    private final File checkpoint;
    private final Map<String, String> checkpointMetadata;
    private final Map<String, float[]> checkpointArrays;
    private EarlyStopping stopping;
    /** The row cache of a streamed run, whose reads the progress bar shows in MB/s; null in memory. */
    private RowCache disk;
    /** Appended to each epoch's line (DP-SGD's ε so far), or null. */
    private IntFunction<String> epochNote;

    TrainingLoop(Console console, Trainer trainer, BatchSource validation, BatchSource test, int epochs, int patience,
                 File checkpoint, Map<String, String> checkpointMetadata, Map<String, float[]> checkpointArrays) {
        this.console = console;
        this.trainer = trainer;
        this.validation = validation;
        this.test = test;
        this.epochs = epochs;
        this.patience = patience;
        this.checkpoint = checkpoint;
        this.checkpointMetadata = checkpointMetadata;
        this.checkpointArrays = checkpointArrays;
    }

    /** Shows, on the progress bar, how fast the batches come from {@code cache}. */
    void streamingFrom(RowCache cache) {
        this.disk = cache;
    }

    /** Appends {@code note.apply(epoch)} to each epoch's summary line (after the epoch, before the time). */
    void epochNote(IntFunction<String> note) {
        this.epochNote = note;
    }

    /** The early stopping of a run with {@code --patience}, after {@link #run}; null without. */
    EarlyStopping stopping() {
        return stopping;
    }

    /**
     * Continues from the checkpoint (written by this loop in an earlier run of the same command), before {@link #run}:
     * refused unless it was made with the same data and settings (the checkpoint metadata of this run: entries
     * {@code data.*} and the rest), then the trainer and the early stopping take its state.
     */
    void resume() throws IOException {
        Checkpoint saved = Checkpoint.read(checkpoint);
        for (Map.Entry<String, String> e : checkpointMetadata.entrySet()) {
            if (!e.getValue().equals(saved.metadata().get(e.getKey()))) {
                throw new CliException("cannot resume from " + checkpoint + ": it was made with other "
                        + (e.getKey().startsWith("data") ? "data" : e.getKey().startsWith("model") ? "base model"
                        : "settings (" + saved.metadata().get(e.getKey()) + "; now " + e.getValue() + ")"));
            }
        }
        saved.restoreInto(trainer);
        resumeStopping(saved);
        console.line("resuming from %s after epoch %d", checkpoint, saved.epochsDone());
    }

    /** Takes the early stopping's state from a checkpoint (written by this loop), before {@link #run}. */
    private void resumeStopping(Checkpoint saved) {
        if (patience == 0) {
            return;
        }
        stopping = new EarlyStopping(trainer.session().network(), patience);
        float[] best = saved.array(BEST_PARAMETERS);
        String state = saved.metadata().get(BEST_STATE);
        if (best != null && state != null) {
            String[] parts = state.split(" ");
            stopping.resume(Integer.parseInt(parts[0]), Double.parseDouble(parts[1]), Integer.parseInt(parts[2]), best);
        }
    }

    TrainingHistory run() throws IOException {
        TrainingHistory history = new TrainingHistory();
        if (patience > 0 && stopping == null) {
            stopping = new EarlyStopping(trainer.session().network(), patience);
        }
        int remaining = epochs - trainer.epochsDone();
        if (remaining <= 0 || (stopping != null && stopping.shouldStop())) {
            return history;
        }
        boolean bar = console.human() && System.console() != null;
        int rowsPerEpoch = trainer.rowsPerEpoch();
        int batchSize = trainer.batchSize();
        ProgressBar progress = bar ? new ProgressBarBuilder().setTaskName("training")
                .setInitialMax((long) remaining * rowsPerEpoch).setUnit(" rows", 1)
                .showSpeed(new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)))
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(200).continuousUpdate().build() : null;
        try {
            TrainingListener listener = new TrainingListener() {
                /** The last epoch's summary, and when and how far the disk read rate was last measured. */
                private String epochSummary = "";
                private long lastNanos = System.nanoTime();
                private long lastBytes = disk == null ? 0 : disk.bytesRead();

                @Override
                public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
                    if (progress == null) {
                        return;
                    }
                    progress.stepBy(Math.min(batchSize, rowsPerEpoch - (long) batchIndex * batchSize));
                    long now = System.nanoTime();
                    if (disk != null && now - lastNanos > 500_000_000L) {
                        progress.setExtraMessage(epochSummary + diskRate(now));
                    }
                }

                /** The row cache's read rate since the last call, or "" in memory. */
                private String diskRate(long now) {
                    if (disk == null) {
                        return "";
                    }
                    long bytes = disk.bytesRead();
                    double mbPerSecond = (bytes - lastBytes) / 1e6 / Math.max(1e-3, (now - lastNanos) / 1e9);
                    lastNanos = now;
                    lastBytes = bytes;
                    return String.format(Locale.ROOT, "  %.0f MB/s from the row cache", mbPerSecond);
                }

                @Override
                public void onRecovery(int epoch, long step, String reason, float newLearningRate) {
                    console.line("diverged at optimizer step %d (%s): restored the last good state, learning rate "
                            + "now %.3g", step, reason, newLearningRate);
                }

                @Override
                public void onEpoch(int epoch, float loss, float accuracy) {
                    if (progress != null) {
                        epochSummary = Float.isNaN(accuracy)
                                ? String.format(Locale.ROOT, " epoch %d loss %s", epoch + 1, Numbers.compact(loss))
                                : String.format(Locale.ROOT, " epoch %d loss %s acc %.1f%%", epoch + 1,
                                Numbers.compact(loss), 100 * accuracy);
                        progress.setExtraMessage(epochSummary + diskRate(System.nanoTime()));
                    }
                }
            };
            while (trainer.epochsDone() < epochs) {
                long start = System.nanoTime();
                try {
                    trainer.runEpoch(listener);
                } catch (DivergenceException e) {
                    throw CliException.diverged(e.getMessage() + "; no model written (" + DIVERGENCE_ADVICE + ")", e);
                }
                int epoch = trainer.epochsDone();
                double seconds = (System.nanoTime() - start) / 1e9;
                Evaluation val = validation == null ? null : Trainer.evaluate(trainer.session(), validation);
                Evaluation eval = test == null ? null : Trainer.evaluate(trainer.session(), test);
                boolean best = stopping != null && stopping.record(epoch, val.loss());
                history.add(new TrainingHistory.Epoch(epoch, trainer.lastLoss(), trainer.lastAccuracy(),
                        val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(),
                        eval == null ? Double.NaN : eval.loss(), eval == null ? Double.NaN : eval.accuracy()));
                String line = String.format(Locale.ROOT, "epoch %3d/%d  loss %s%s%s%s%s%s  (%.2f s)",
                        epoch, epochs, Numbers.compact(trainer.lastLoss()), Float.isNaN(trainer.lastAccuracy()) ? ""
                                : String.format(Locale.ROOT, "  train %.2f%%", 100 * trainer.lastAccuracy()),
                        held("validation", val), held("test", eval), best ? "  (best)" : "",
                        epochNote == null ? "" : epochNote.apply(epoch), seconds);
                if (progress != null) {
                    System.err.print("\r");
                }
                console.line(line);
                if (checkpoint != null) {
                    Checkpoint.capture(trainer, withStopping(checkpointMetadata), withBest(checkpointArrays))
                            .write(checkpoint);
                }
                if (stopping != null && stopping.shouldStop()) {
                    console.line("stopping early: no better validation loss for %d epochs; the best was epoch %d "
                            + "(validation loss %s)", patience, stopping.bestEpoch(),
                            Numbers.compact(stopping.bestLoss()));
                    break;
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        return history;
    }

    /** {@code   validation 96.20%} for a classifier, {@code   validation loss 0.0312} for a regressor. */
    private static String held(String name, Evaluation e) {
        if (e == null) {
            return "";
        }
        return Double.isNaN(e.accuracy()) ? String.format(Locale.ROOT, "  %s loss %s", name, Numbers.compact(e.loss()))
                : String.format(Locale.ROOT, "  %s %.2f%%", name, 100 * e.accuracy());
    }

    private Map<String, String> withStopping(Map<String, String> metadata) {
        if (stopping == null || !stopping.hasBest()) {
            return metadata;
        }
        Map<String, String> m = new TreeMap<>(metadata == null ? Map.of() : metadata);
        m.put(BEST_STATE, stopping.bestEpoch() + " " + stopping.bestLoss() + " " + stopping.epochsSinceBest());
        return m;
    }

    private Map<String, float[]> withBest(Map<String, float[]> arrays) {
        if (stopping == null || !stopping.hasBest()) {
            return arrays;
        }
        Map<String, float[]> m = new TreeMap<>(arrays == null ? Map.of() : arrays);
        m.put(BEST_PARAMETERS, stopping.bestParameters());
        return m;
    }
}
