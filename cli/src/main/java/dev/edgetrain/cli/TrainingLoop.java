package dev.edgetrain.cli;

import dev.edgetrain.cli.report.TrainingHistory;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs a trainer up to a number of epochs: a progress bar on an interactive terminal, one summary line per
 * epoch, the held-out evaluation after each epoch, and a checkpoint after each epoch when asked.
 */
final class TrainingLoop {
    private final Console console;
    private final Trainer trainer;
    private final Dataset test;
    private final int epochs;
    private final File checkpoint;
    private final Map<String, String> checkpointMetadata;
    private final Map<String, float[]> checkpointArrays;

    TrainingLoop(Console console, Trainer trainer, Dataset test, int epochs, File checkpoint,
                 Map<String, String> checkpointMetadata, Map<String, float[]> checkpointArrays) {
        this.console = console;
        this.trainer = trainer;
        this.test = test;
        this.epochs = epochs;
        this.checkpoint = checkpoint;
        this.checkpointMetadata = checkpointMetadata;
        this.checkpointArrays = checkpointArrays;
    }

    TrainingHistory run() throws IOException {
        TrainingHistory history = new TrainingHistory();
        int remaining = epochs - trainer.epochsDone();
        if (remaining <= 0) {
            return history;
        }
        boolean bar = console.human() && System.console() != null;
        ProgressBar progress = bar ? new ProgressBarBuilder().setTaskName("training")
                .setInitialMax((long) remaining * trainer.batchesPerEpoch())
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(200).continuousUpdate().build() : null;
        try {
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
                    if (progress != null) {
                        progress.step();
                    }
                }

                @Override
                public void onRecovery(int epoch, long step, String reason, float newLearningRate) {
                    console.line("diverged at optimizer step %d (%s): restored the last good state, learning rate "
                            + "now %.3g", step, reason, newLearningRate);
                }

                @Override
                public void onEpoch(int epoch, float loss, float accuracy) {
                    if (progress != null) {
                        progress.setExtraMessage(Float.isNaN(accuracy)
                                ? String.format(java.util.Locale.ROOT, " epoch %d loss %.4f", epoch + 1, loss)
                                : String.format(java.util.Locale.ROOT, " epoch %d loss %.4f acc %.1f%%", epoch + 1, loss,
                                100 * accuracy));
                    }
                }
            };
            while (trainer.epochsDone() < epochs) {
                long start = System.nanoTime();
                trainer.runEpoch(listener);
                int epoch = trainer.epochsDone();
                double seconds = (System.nanoTime() - start) / 1e9;
                Evaluation eval = test == null ? null : Trainer.evaluate(trainer.session(), test);
                history.add(new TrainingHistory.Epoch(epoch, trainer.lastLoss(), trainer.lastAccuracy(),
                        eval == null ? Double.NaN : eval.loss(), eval == null ? Double.NaN : eval.accuracy()));
                String line = String.format(java.util.Locale.ROOT, "epoch %3d/%d  loss %.4f%s%s  (%.2f s)",
                        epoch, epochs, trainer.lastLoss(), Float.isNaN(trainer.lastAccuracy()) ? ""
                                : String.format(java.util.Locale.ROOT, "  train %.2f%%", 100 * trainer.lastAccuracy()),
                        eval == null ? "" : Double.isNaN(eval.accuracy())
                                ? String.format(java.util.Locale.ROOT, "  test loss %.4f", eval.loss())
                                : String.format(java.util.Locale.ROOT, "  test %.2f%%", 100 * eval.accuracy()),
                        seconds);
                if (progress != null) {
                    System.err.print("\r");
                }
                console.line(line);
                if (checkpoint != null) {
                    Checkpoint.capture(trainer, checkpointMetadata, checkpointArrays).write(checkpoint);
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        return history;
    }
}
