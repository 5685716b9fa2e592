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
        void onTrainingProgress(int epoch, int epochs, float loss, float accuracy);

        void onTrainingFinished(FineTuneResult result);

        void onTrainingFailed(RuntimeException error);
    }

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
     * @param allRows       the shipped digits file, all {@value DigitsSplit#ROWS} rows
     * @param shipped       the shipped pre-trained model, as {@link ModelStore#readDigitsModel} read it; never changed
     * @param shippedName   how to call it on screen, e.g. its asset name
     * @param callbacks     the UI thread's executor
     * @param pickSeed      seeds the random row picks
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

    /** Back to the shipped model (a copy: fine-tuning never changes the shipped one). */
    public void useShippedModel() {
        requireIdle();
        runs.clear();
        baseIsShipped = true;
        setModel(shipped.copy(), shippedName);
    }

    /**
     * A fresh, untrained network with the shipped model's shape, He-initialised from {@code seed} for
     * scaled inputs, with {@link InputScaling} folded in so it takes raw counts like the shipped one.
     */
    public void useFreshNetwork(long seed) {
        requireIdle();
        runs.clear();
        baseIsShipped = false;
        setModel(InputScaling.foldInto(new Network(shipped.spec(), seed)), "fresh network (seed " + seed + ")");
    }

    /** The current model; read-only for callers. */
    public Network model() {
        return model;
    }

    /** What the current model is, e.g. {@code "digits-base.onnx, fine-tuned 2×"}. */
    public String modelOrigin() {
        return runs.isEmpty() ? modelBase : modelBase + ", fine-tuned " + runs.size() + "×";
    }

    /** The fine-tuning runs behind the current model, oldest first (a copy). */
    public List<FineTuneResult> runs() {
        return new ArrayList<>(runs);
    }

    /**
     * The current model's {@code model_version}: the shipped file is version 1 and each fine-tuning run
     * adds one; a fresh network counts its runs from 0.
     */
    public long modelVersion() {
        return (baseIsShipped ? 1 : 0) + runs.size();
    }

    /**
     * Exports the current model to {@code file} (atomically: an existing file is replaced only by a
     * complete one), reads it back and checks it against the model on the evaluation rows.
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

    /** The current model on the evaluation rows (never trained on). */
    public Evaluation evaluate() {
        TrainingSession probe = new TrainingSession(model, 64, OptimizerConfig.sgd(0.1f));
        return Trainer.evaluate(probe, evaluation);
    }

    public int evaluationRows() {
        return evaluation.rows();
    }

    // ---- the sketch and the examples

    public DigitSketch sketch() {
        return sketch;
    }

    public ExampleSet examples() {
        return examples;
    }

    /** The current model's answer for the sketch, or null when the sketch is empty. */
    public Prediction predictSketch() {
        if (sketch.isEmpty()) {
            return null;
        }
        sketch.copyFeatures(row, 0);
        model.predictProbabilities(workspace, row, 0, 1, probabilities, 0);
        return new Prediction(probabilities);
    }

    /** Number of rows the user can pick from. */
    public int pickableRows() {
        return pickable.rows();
    }

    /**
     * Shows pickable row {@code index} (0-based) in the sketch and returns its digit.
     *
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

    /** Shows a random pickable row and returns its index. */
    public int showRandomRow() {
        int index = picker.nextInt(pickable.rows());
        showRow(index);
        return index;
    }

    /** The digit of pickable row {@code index}. */
    public int pickableLabel(int index) {
        if (index < 0 || index >= pickable.rows()) {
            throw new IllegalArgumentException("row " + index + " is outside [0, " + pickable.rows() + ")");
        }
        return pickable.labels()[index];
    }

    /** The shown row's index, or -1 while the sketch holds a drawing. */
    public int shownRow() {
        return sketch.isShowingRow() ? shownRow : -1;
    }

    /**
     * Adds what the sketch shows as an example of {@code digit}: a drawing, or the shown data-set row.
     *
     * @throws IllegalStateException when the sketch is empty or the example set is full
     */
    public void addSketchAs(int digit) {
        if (sketch.isEmpty()) {
            throw new IllegalStateException("nothing drawn: draw a digit or pick a row first");
        }
        sketch.copyFeatures(row, 0);
        examples.add(row, 0, digit, sketch.isShowingRow() ? ExampleSet.Source.DATA_SET_ROW : ExampleSet.Source.DRAWN);
    }

    /** Adds {@code n} random pickable rows with their own labels; returns how many fit. */
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

    /** Receives training reports; null to stop (e.g. while the Activity is being recreated). */
    public void setListener(Listener l) {
        this.listener = l;
    }

    public boolean isTraining() {
        return trainer.isRunning();
    }

    /**
     * Fine-tunes a copy of the current model on the collected examples in the background. When it finishes,
     * the copy becomes the current model; if it is cancelled or fails, the current model stays.
     *
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

    public void cancelFineTuning() {
        trainer.cancel();
    }

    /** The last finished run (possibly cancelled), or null. */
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
