package dev.edgetrain.android.core;

import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * Everything the sample app does, without Android: the current model, the sketch, the collected examples,
 * fine-tuning in the background and the result. The Activity keeps one across configuration changes,
 * forwards touches and clicks to it and shows what it reports. All methods are for one thread, the
 * Activity's main thread; training results arrive on it through the callback executor.
 */
public final class DigitsWorkbench implements AutoCloseable {
    /** Receives training reports on the UI thread. */
    public interface Listener {
        /**
         * One epoch of the current run is done.
         *
         * @param epoch    epochs done so far, 1-based
         * @param epochs   epochs the run was configured for
         * @param loss     mean training loss of that epoch
         * @param accuracy training accuracy of that epoch, in [0, 1]
         */
        void onTrainingProgress(int epoch, int epochs, float loss, float accuracy);

        /**
         * The run is over; unless it was cancelled its copy is already the current model.
         *
         * @param result what the run did; also {@link #lastResult()}
         */
        void onTrainingFinished(FineTuneResult result);

        /**
         * The run threw; the current model is unchanged.
         *
         * @param error what training threw
         */
        void onTrainingFailed(RuntimeException error);
    }

    /** The most examples the user can collect; as many as there are pickable rows. */
    public static final int MAX_EXAMPLES = 400;

    private final Dataset pickable;
    private final Dataset evaluation;
    private final Network shipped;
    private final String shippedName;
    /** The shipped file's own training record ({@code edgetrain.pretrain.*}), carried into exports of it. */
    private final Map<String, String> shippedRecord = new LinkedHashMap<>();
    private final DigitSketch sketch = new DigitSketch();
    private final ExampleSet examples = new ExampleSet(MAX_EXAMPLES);
    private final BackgroundTrainer trainer;
    private final float[] row = new float[DigitsCsv.FEATURES];
    private final float[] probabilities = new float[DigitsCsv.CLASSES];
    private final Random picker;

    private Network model;
    /** What the current model started from: the shipped file's name or "fresh network (seed n)". */
    private String modelBase;
    /** Whether {@link #modelBase} is the shipped model. */
    private boolean baseIsShipped;
    /** The fine-tuning runs that made the current model from its base, oldest first. */
    private final List<FineTuneResult> runs = new ArrayList<>();
    private Workspace workspace;
    private Listener listener;
    private FineTuneResult lastResult;
    private int shownRow = -1;

    /**
     * Splits the digits file, copies the shipped model, starts the background trainer's worker thread and makes
     * the shipped model current. Call on the UI thread; {@link #close()} stops the worker.
     *
     * @param allRows       the shipped digits file, all {@value DigitsSplit#ROWS} rows
     * @param shipped       the shipped pre-trained model, as {@link ModelStore#readDigitsModel} read it; never changed
     * @param shippedName   how to call it on screen, e.g. its asset name
     * @param callbacks     the UI thread's executor
     * @param pickSeed      seeds the random row picks
     * @throws IllegalArgumentException if {@code shipped} or {@code shippedName} is null, the shipped model does not
     *                                  take 64 inputs and give 10 classes, {@code allRows} does not have
     *                                  {@value DigitsSplit#ROWS} rows, or {@code callbacks} is null
     */
    public DigitsWorkbench(Dataset allRows, ImportedModel shipped, String shippedName, Executor callbacks,
                           long pickSeed) {
        if (shipped == null || shippedName == null) {
            throw new IllegalArgumentException("shipped model and its name must not be null");
        }
        if (shipped.featureCount() != DigitsCsv.FEATURES || shipped.classCount() != DigitsCsv.CLASSES) {
            throw new IllegalArgumentException("the shipped model " + shipped.spec() + " must take "
                    + DigitsCsv.FEATURES + " inputs and have " + DigitsCsv.CLASSES + " classes");
        }
        this.pickable = DigitsSplit.pickable(allRows);
        this.evaluation = DigitsSplit.evaluation(allRows);
        this.shipped = shipped.network().copy();
        this.shippedName = shippedName;
        for (Map.Entry<String, String> e : shipped.metadata().entrySet()) {
            if (e.getKey().startsWith("edgetrain.pretrain.")) {
                shippedRecord.put(e.getKey(), e.getValue());
            }
        }
        this.trainer = new BackgroundTrainer(callbacks);
        this.picker = new Random(pickSeed);
        useShippedModel();
    }

    // ---- the model

    /**
     * Back to the shipped model (a copy: fine-tuning never changes the shipped one). Forgets the runs behind the
     * current model.
     *
     * @throws IllegalStateException while fine-tuning runs
     */
    public void useShippedModel() {
        requireIdle();
        runs.clear();
        baseIsShipped = true;
        setModel(shipped.copy(), shippedName);
    }

    /**
     * A fresh, untrained network with the shipped model's shape, He-initialised from {@code seed} for
     * scaled inputs, with {@link InputScaling} folded in so it takes raw counts like the shipped one.
     * Forgets the runs behind the current model.
     *
     * @param seed seeds the initial weights; shown in {@link #modelOrigin()}
     * @throws IllegalStateException while fine-tuning runs
     */
    public void useFreshNetwork(long seed) {
        requireIdle();
        runs.clear();
        baseIsShipped = false;
        setModel(InputScaling.foldInto(new Network(shipped.spec(), seed)), "fresh network (seed " + seed + ")");
    }

    /**
     * The current model; read-only for callers.
     *
     * @return the network itself, not a copy; replaced (not changed) when a run finishes or the model is reset
     */
    public Network model() {
        return model;
    }

    /**
     * What the current model is, e.g. {@code "digits-base.onnx, fine-tuned 2×"}.
     *
     * @return the model's base and, if any, how many runs fine-tuned it
     */
    public String modelOrigin() {
        return runs.isEmpty() ? modelBase : modelBase + ", fine-tuned " + runs.size() + "×";
    }

    /**
     * The fine-tuning runs behind the current model, oldest first (a copy).
     *
     * @return a new list of the runs that were not cancelled since the model was last reset
     */
    public List<FineTuneResult> runs() {
        return new ArrayList<>(runs);
    }

    /**
     * The current model's {@code model_version}: the shipped file is version 1 and each fine-tuning run
     * adds one; a fresh network counts its runs from 0.
     *
     * @return the version an export of the current model gets
     */
    public long modelVersion() {
        return (baseIsShipped ? 1 : 0) + runs.size();
    }

    /**
     * Exports the current model to {@code file} (atomically: an existing file is replaced only by a
     * complete one), reads it back and checks it against the model on the evaluation rows. Runs on the
     * calling thread; may be called while fine-tuning runs (it exports the current model, not the one in training).
     *
     * @param file where to write; its directory is created if missing
     * @return what was written, as read back
     * @throws IOException if the file cannot be written or does not read back to the same model
     */
    public ExportReport exportModel(File file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("edgetrain.sample.base", modelBase);
        meta.put("edgetrain.sample.finetune_runs", Integer.toString(runs.size()));
        if (baseIsShipped) {
            meta.putAll(shippedRecord);
        }
        if (!runs.isEmpty()) {
            meta.putAll(runs.get(runs.size() - 1).metadata());
        }
        return ModelStore.export(model, modelVersion(), meta, file, evaluation);
    }

    /**
     * The current model on the evaluation rows (never trained on).
     *
     * @return the mean loss and accuracy over the {@link #evaluationRows()} held-out rows
     */
    public Evaluation evaluate() {
        TrainingSession probe = new TrainingSession(model, 64, OptimizerConfig.sgd(0.1f));
        return Trainer.evaluate(probe, evaluation);
    }

    /**
     * Number of held-out rows {@link #evaluate()} and exports are measured on.
     *
     * @return the evaluation rows of the digits file
     */
    public int evaluationRows() {
        return evaluation.rows();
    }

    // ---- the sketch and the examples

    /**
     * The sketch the view draws into and shows.
     *
     * @return the workbench's one sketch, owned by the UI thread
     */
    public DigitSketch sketch() {
        return sketch;
    }

    /**
     * The examples collected for fine-tuning.
     *
     * @return the workbench's one example set, owned by the UI thread
     */
    public ExampleSet examples() {
        return examples;
    }

    /**
     * The current model's answer for the sketch, or null when the sketch is empty.
     *
     * @return the most probable digit and every digit's probability, or null
     */
    public Prediction predictSketch() {
        if (sketch.isEmpty()) {
            return null;
        }
        sketch.copyFeatures(row, 0);
        model.predictProbabilities(workspace, row, 0, 1, probabilities, 0);
        return new Prediction(probabilities);
    }

    /**
     * Number of rows the user can pick from.
     *
     * @return the pickable rows of the digits file
     */
    public int pickableRows() {
        return pickable.rows();
    }

    /**
     * Shows pickable row {@code index} (0-based) in the sketch and returns its digit.
     *
     * @param index the row among the pickable ones, 0-based
     * @return the row's label
     * @throws IllegalArgumentException for an index outside {@code [0, pickableRows())}
     */
    public int showRow(int index) {
        if (index < 0 || index >= pickable.rows()) {
            throw new IllegalArgumentException("row " + index + " is outside [0, " + pickable.rows() + ")");
        }
        sketch.load(pickable.features(), index * DigitsCsv.FEATURES);
        shownRow = index;
        return pickable.labels()[index];
    }

    /**
     * Shows a random pickable row and returns its index.
     *
     * @return the index of the row now shown, in [0, pickableRows())
     */
    public int showRandomRow() {
        int index = picker.nextInt(pickable.rows());
        showRow(index);
        return index;
    }

    /**
     * The digit of pickable row {@code index}.
     *
     * @param index the row among the pickable ones, 0-based
     * @return the row's label, 0–9
     * @throws IllegalArgumentException for an index outside {@code [0, pickableRows())}
     */
    public int pickableLabel(int index) {
        if (index < 0 || index >= pickable.rows()) {
            throw new IllegalArgumentException("row " + index + " is outside [0, " + pickable.rows() + ")");
        }
        return pickable.labels()[index];
    }

    /**
     * The shown row's index, or -1 while the sketch holds a drawing.
     *
     * @return the pickable row last shown by {@link #showRow}, or -1 when the sketch shows no row
     */
    public int shownRow() {
        return sketch.isShowingRow() ? shownRow : -1;
    }

    /**
     * Adds what the sketch shows as an example of {@code digit}: a drawing, or the shown data-set row.
     *
     * @param digit the label the user gave it, 0–9
     * @throws IllegalArgumentException for a digit outside 0–9
     * @throws IllegalStateException when the sketch is empty or the example set is full
     */
    public void addSketchAs(int digit) {
        if (sketch.isEmpty()) {
            throw new IllegalStateException("nothing drawn: draw a digit or pick a row first");
        }
        sketch.copyFeatures(row, 0);
        examples.add(row, 0, digit, sketch.isShowingRow() ? ExampleSet.Source.DATA_SET_ROW : ExampleSet.Source.DRAWN);
    }

    /**
     * Adds {@code n} random pickable rows with their own labels; returns how many fit.
     *
     * @param n how many rows to add; the same row may be drawn twice
     * @return the rows added, fewer than {@code n} when the example set filled up
     */
    public int addRandomRows(int n) {
        int added = 0;
        while (added < n && !examples.isFull()) {
            int index = picker.nextInt(pickable.rows());
            examples.add(pickable.features(), index * DigitsCsv.FEATURES, pickable.labels()[index],
                    ExampleSet.Source.DATA_SET_ROW);
            added++;
        }
        return added;
    }

    // ---- fine-tuning

    /**
     * Receives training reports; null to stop (e.g. while the Activity is being recreated).
     *
     * @param l the listener, called on the callback executor's thread, or null; reports made while it is null
     *          are dropped, but {@link #lastResult()} and the model are still updated
     */
    public void setListener(Listener l) {
        this.listener = l;
    }

    /**
     * Whether a fine-tuning run is going; the model cannot be reset then.
     *
     * @return true from {@link #startFineTuning} until the run's final report
     */
    public boolean isTraining() {
        return trainer.isRunning();
    }

    /**
     * Fine-tunes a copy of the current model on the collected examples in the background. When it finishes,
     * the copy becomes the current model; if it is cancelled or fails, the current model stays.
     *
     * @param config the run's settings
     * @throws IllegalStateException with no examples, or while a run is going
     */
    public void startFineTuning(final FineTuneConfig config) {
        requireIdle();
        final Dataset data = examples.toDataset();
        trainer.start(model, data, evaluation, config, new BackgroundTrainer.Callback() {
            @Override
            public void onProgress(int epoch, int epochs, float loss, float accuracy) {
                if (listener != null) {
                    listener.onTrainingProgress(epoch, epochs, loss, accuracy);
                }
            }

            @Override
            public void onFinished(FineTuneResult result) {
                lastResult = result;
                if (!result.cancelled()) {
                    runs.add(result);
                    setModel(result.network(), modelBase);
                }
                if (listener != null) {
                    listener.onTrainingFinished(result);
                }
            }

            @Override
            public void onFailed(RuntimeException error) {
                if (listener != null) {
                    listener.onTrainingFailed(error);
                }
            }
        });
    }

    /** Asks the current run to stop before its next epoch; harmless when none runs. */
    public void cancelFineTuning() {
        trainer.cancel();
    }

    /**
     * The last finished run (possibly cancelled), or null.
     *
     * @return the last run's result, or null before any run finished; a failed run does not change it
     */
    public FineTuneResult lastResult() {
        return lastResult;
    }

    @Override
    public void close() {
        trainer.close();
    }

    private void setModel(Network network, String base) {
        this.model = network;
        this.modelBase = base;
        this.workspace = new Workspace(network.spec(), 1);
    }

    private void requireIdle() {
        if (trainer.isRunning()) {
            throw new IllegalStateException("fine-tuning is running; cancel it or wait");
        }
    }
}
