package dev.edgetrain.app;

import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.ModelMetadata;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.checkpoint.CheckpointException;
import dev.edgetrain.runtime.metrics.BinaryMetrics;
import dev.edgetrain.runtime.metrics.ClassificationMetrics;
import dev.edgetrain.runtime.metrics.MultilabelMetrics;
import dev.edgetrain.runtime.metrics.RegressionMetrics;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.TargetScaling;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;

/**
 * A trained model for apps: the network, the input scaling it was trained with, the names of its classes (or
 * labels, or targets) and its task, in one object.
 * <pre>
 *   Model model = Model.fit(x, labels);                      // float[rows][features], int[rows]
 *   ModelEvaluation test = model.evaluate(testX, testLabels); // confusion matrix, per-class precision/recall/F1
 *   model.save(new File("model.onnx"));                      // the scaling folded in: takes raw features
 * </pre>
 * {@link #fit} trains with {@link ModelSettings#defaults()} unless given settings; {@link #fitTargets} trains a
 * multi-label or regression model on {@code float} targets. {@link #predict} takes raw rows: the model standardises
 * them itself. {@link #save} writes ONNX that onnxruntime runs on raw features, with the names as class labels and
 * the scaling's statistics as metadata, so {@link #load} gives back the same model (up to one float rounding of the
 * first layer) — and any other importable MLP (PyTorch, Keras, TF) with no scaling. {@link #saveCheckpoint} writes
 * the model bit for bit as a runtime checkpoint, which {@link #loadCheckpoint} reads back. {@link #fineTune} trains a
 * copy further on new rows, keeping the scaling.
 *
 * <p>Immutable: {@link #fineTune} returns a new model and leaves this one as it was; any number of threads may
 * predict and evaluate at once. Bad data is an {@link InvalidDataException} naming the row and column, thrown before
 * any work. The low-level API ({@link Network}, {@link TrainingSession}, {@link Trainer}, {@link OnnxExporter}) is
 * what this is built on, for anything it does not offer.
 */
public final class Model {
    /** Metadata key of the input scaling's means, an encoded list of floats ({@link ModelMetadata#encodeList}). */
    public static final String STANDARDIZER_MEAN = "edgetrain.app.standardizer.mean";
    /** Metadata key of the input scaling's standard deviations, as {@link #STANDARDIZER_MEAN}. */
    public static final String STANDARDIZER_STD = "edgetrain.app.standardizer.std";
    /** Rows per forward pass when predicting. */
    private static final int CHUNK = 256;

    /** Takes standardised inputs when {@link #standardizer} is set, raw ones otherwise; never written once built. */
    private final Network network;
    private final Standardizer standardizer;
    /** The names of the classes (binary: negative, positive), labels or targets, one per output or class. */
    private final String[] outputNames;
    private final ModelSettings settings;

    private Model(Network network, Standardizer standardizer, String[] outputNames, ModelSettings settings) {
        this.network = network;
        this.standardizer = standardizer;
        this.outputNames = outputNames;
        this.settings = settings.withTask(network.spec().task());
    }

    /**
     * A classifier of {@code x [rows][features]} into classes {@code 0..max(labels)}, with the default settings.
     *
     * @param x {@code [rows][features]}, finite, every row as long as the first
     * @param labels {@code [rows]}: class indices from 0; at least two classes
     * @return the trained model
     * @throws InvalidDataException when a row is ragged or not finite, or a label is negative, naming the row
     */
    public static Model fit(float[][] x, int[] labels) {
        return fit(x, labels, null, ModelSettings.defaults());
    }

    /**
     * A classifier ({@link Task#CLASSIFY}, or {@link Task#BINARY} when the settings say so) of {@code x} into
     * {@code labels}.
     *
     * @param x          {@code [rows][features]}, finite, every row as long as the first
     * @param labels     {@code [rows]}: class indices into {@code classNames}, or 0/1 for binary
     * @param classNames the classes' names (binary: negative, positive); null for {@code "0"}, {@code "1"}, …
     *                   and as many classes as {@code max(labels) + 1}
     * @param settings how to build and train; null for {@link ModelSettings#defaults()}
     * @return the trained model
     * @throws InvalidDataException when a row is ragged or not finite, or a label does not fit, naming the row
     */
    public static Model fit(float[][] x, int[] labels, String[] classNames, ModelSettings settings) {
        ModelSettings s = settings == null ? ModelSettings.defaults() : settings;
        Task task = s.task() == null ? Task.CLASSIFY : s.task();
        if (task != Task.CLASSIFY && task != Task.BINARY) {
            throw new IllegalArgumentException("fit with labels trains a classify or binary model, the settings "
                    + "ask for " + task + "; use fitTargets");
        }
        float[] flat = Rows.flatten("x", x, -1, null);
        int classes = task == Task.BINARY ? 2 : classNames != null ? classNames.length : maxLabel(labels) + 1;
        String[] names = names(classNames, classes, task == Task.BINARY ? "classes (negative, positive)" : "classes");
        Rows.checkLabels(labels, x.length, classes, task == Task.BINARY ? "0 or 1" : "a class");
        if (classes < 2) {
            throw new InvalidDataException("the labels hold one class; expected at least 2", -1, -1);
        }
        Dataset raw = new Dataset(flat, labels.clone(), flat.length / x.length, classes);
        int outputs = task == Task.BINARY ? 1 : classes;
        return train(raw, spec(raw.featureCount(), s, outputs, task), names, s);
    }

    /**
     * A {@link Task#REGRESS} (the default) or {@link Task#MULTILABEL} model of {@code x} onto {@code targets}.
     *
     * @param x {@code [rows][features]}, finite, every row as long as the first
     * @param targets     {@code [rows][outputs]}, finite; in [0, 1] for multilabel
     * @param targetNames the targets' (labels') names; null for {@code "0"}, {@code "1"}, …
     * @param settings how to build and train; null for {@link ModelSettings#defaults()}
     * @return the trained model
     * @throws InvalidDataException when a row is ragged or not finite, naming the row and column
     */
    public static Model fitTargets(float[][] x, float[][] targets, String[] targetNames, ModelSettings settings) {
        ModelSettings s = settings == null ? ModelSettings.defaults() : settings;
        Task task = s.task() == null ? Task.REGRESS : s.task();
        if (task != Task.REGRESS && task != Task.MULTILABEL) {
            throw new IllegalArgumentException("fitTargets trains a regress or multilabel model, the settings ask for "
                    + task + "; use fit with labels");
        }
        float[] flat = Rows.flatten("x", x, -1, null);
        Rows.checkTargetRows(targets, x.length);
        float[] t = Rows.flatten("targets", targets, -1, null);
        int width = t.length / x.length;
        if (task == Task.MULTILABEL) {
            Rows.checkProbabilities(t, width);
        }
        String[] names = names(targetNames, width, task == Task.REGRESS ? "targets" : "labels");
        Dataset raw = Dataset.withTargets(flat, t, flat.length / x.length, width, null, null);
        return train(raw, spec(raw.featureCount(), s, width, task), names, s);
    }

    /**
     * Trains a new network on {@code raw} rows. With standardisation on, the inputs are standardised, and so are a
     * regressor's targets, whose scaling is then folded into the output layer ({@link TargetScaling}): the network
     * predicts in the targets' own units.
     */
    private static Model train(Dataset raw, NetworkSpec spec, String[] names, ModelSettings s) {
        Standardizer standardizer = s.standardize() ? Standardizer.fit(raw) : null;
        TargetScaling targets = s.standardize() && spec.task() == Task.REGRESS && TargetScaling.applies(spec)
                ? TargetScaling.fit(raw) : null;
        Dataset input = standardizer == null ? raw : standardizer.apply(raw);
        Network network = new Network(spec, s.seed());
        runEpochs(network, targets == null ? input : targets.apply(input), s);
        return new Model(targets == null ? network : targets.fold(network), standardizer, names, s);
    }

    private static NetworkSpec spec(int features, ModelSettings s, int outputs, Task task) {
        NetworkSpec.Builder b = NetworkSpec.builder(features);
        for (int width : s.hidden()) {
            b.hidden(width);
        }
        return b.output(outputs, task).build();
    }

    /** Trains {@code network} in place on {@code data} (already scaled) as {@code s} says. */
    private static void runEpochs(Network network, Dataset data, ModelSettings s) {
        int batch = Math.min(s.batchSize(), data.rows());
        TrainingSession session = new TrainingSession(network, batch, OptimizerConfig.adam(s.learningRate()));
        new Trainer(session, data, batch, s.seed() + 1).fit(s.epochs(), s.listener());
    }

    /**
     * This model trained further on {@code x} and {@code labels} (a classifier's), with this model's settings
     * ({@link #settings()}); this model is not changed. The input scaling is kept; a model without one (imported
     * from another tool, or trained without) gets one fitted on {@code x} when the settings standardise, and its
     * network re-expressed on it ({@link Standardizer#onStandardizedInputs}), so it computes the same function
     * before training. A regressor fine-tunes in its targets' own units (as the CLI's {@code finetune}): the
     * scaling its targets were fitted with is folded into its output layer.
     *
     * @param x {@code [rows][featureCount()]} raw rows, finite
     * @param labels {@code [rows]}: class indices of this model's classes (binary: 0/1)
     * @return the fine-tuned copy
     * @throws InvalidDataException when a row or label does not fit the model, naming the row
     */
    public Model fineTune(float[][] x, int[] labels) {
        return fineTune(x, labels, settings);
    }

    /**
     * As {@link #fineTune(float[][], int[])}, with other settings (epochs, learning rate, seed; the task is kept).
     *
     * @param x {@code [rows][featureCount()]} raw rows, finite
     * @param labels {@code [rows]}: class indices of this model's classes (binary: 0/1)
     * @param s the settings to train with; null for this model's
     * @return the fine-tuned copy
     * @throws InvalidDataException when a row or label does not fit the model, naming the row
     */
    public Model fineTune(float[][] x, int[] labels, ModelSettings s) {
        requireLabels("fineTune");
        float[] flat = rows(x);
        Rows.checkLabels(labels, x.length, classCount(), task() == Task.BINARY ? "0 or 1" : "a class");
        return fineTuneOn(new Dataset(flat, labels.clone(), featureCount(), classCount()), s);
    }

    /**
     * As {@link #fineTune(float[][], int[])}, for a regress or multilabel model: {@code targets [rows][outputs]}.
     *
     * @param x {@code [rows][featureCount()]} raw rows, finite
     * @param targets {@code [rows][outputs]}, finite; in [0, 1] for multilabel
     * @param s the settings to train with; null for this model's
     * @return the fine-tuned copy
     * @throws InvalidDataException when a row or target does not fit the model, naming the row
     */
    public Model fineTuneTargets(float[][] x, float[][] targets, ModelSettings s) {
        return fineTuneOn(targetSet(x, targets, "fineTuneTargets"), s);
    }

    private Model fineTuneOn(Dataset raw, ModelSettings settings) {
        ModelSettings s = settings == null ? this.settings : settings.withTask(task());
        Standardizer scaling = standardizer;
        Network start;
        if (scaling == null && s.standardize()) {
            scaling = Standardizer.fit(raw);
            start = scaling.onStandardizedInputs(network);
        } else {
            start = network.copy();
        }
        runEpochs(start, scaling == null ? raw : scaling.apply(raw), s);
        return new Model(start, scaling, outputNames, s);
    }

    /**
     * The model's output for each raw row of {@code x [rows][featureCount()]}: class probabilities (classify),
     * the positive class's probability (binary, one value), each label's probability (multilabel), the predicted
     * targets (regress).
     *
     * @param x {@code [rows][featureCount()]} raw rows, finite
     * @return {@code [rows][outputs]}: probabilities in [0, 1], or a regressor's values in its targets' units
     */
    public float[][] predict(float[][] x) {
        float[] out = outputs(rows(x), x.length);
        int width = network.spec().outputs();
        float[][] result = new float[x.length][width];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(out, r * width, result[r], 0, width);
        }
        return result;
    }

    /**
     * The predicted class of each row (classify: the most probable; binary: 1 at a probability of ½ or more).
     *
     * @param x {@code [rows][featureCount()]} raw rows, finite
     * @return {@code [rows]} class indices
     */
    public int[] predictClasses(float[][] x) {
        requireLabels("predictClasses");
        return classesOf(outputs(rows(x), x.length), x.length);
    }

    /**
     * The metrics of a classify or binary model on {@code x} and {@code labels}.
     *
     * @param x {@code [rows][featureCount()]} raw rows, finite
     * @param labels {@code [rows]}: the true class indices
     * @return loss, accuracy, confusion matrix, per-class precision/recall/F1 (and ROC-AUC for binary)
     */
    public ModelEvaluation evaluate(float[][] x, int[] labels) {
        requireLabels("evaluate(x, labels)");
        float[] flat = rows(x);
        int rows = x.length;
        Rows.checkLabels(labels, rows, classCount(), task() == Task.BINARY ? "0 or 1" : "a class");
        float[] out = outputs(flat.clone(), rows);
        ClassificationMetrics classification = ClassificationMetrics.of(classesOf(out, rows), labels, rows,
                classCount());
        BinaryMetrics binary = task() == Task.BINARY ? BinaryMetrics.of(out, labels, rows) : null;
        double loss = loss(new Dataset(flat, labels.clone(), featureCount(), classCount()));
        return new ModelEvaluation(task(), outputNames, loss, classification, binary, null, null);
    }

    /**
     * The metrics of a regress or multilabel model on {@code x} and {@code targets [rows][outputs]}.
     *
     * @param x {@code [rows][featureCount()]} raw rows, finite
     * @param targets {@code [rows][outputs]}: the true values (multilabel: 0 or 1)
     * @return loss and the task's metrics: per-target MSE/MAE/R², or per-label precision/recall/F1
     */
    public ModelEvaluation evaluate(float[][] x, float[][] targets) {
        Dataset raw = targetSet(x, targets, "evaluate(x, targets)");
        int rows = raw.rows();
        int width = raw.targetWidth();
        float[] out = outputs(raw.features().clone(), rows);
        double loss = loss(raw);
        if (task() == Task.MULTILABEL) {
            return new ModelEvaluation(task(), outputNames, loss, null, null,
                    MultilabelMetrics.of(out, raw.targets(), rows, width), null);
        }
        return new ModelEvaluation(task(), outputNames, loss, null, null, null,
                RegressionMetrics.of(out, raw.targets(), rows, width));
    }

    /** The training loss on {@code raw} rows, on a copy of the network (a session writes its gradients). */
    private double loss(Dataset raw) {
        Dataset input = standardizer == null ? raw : standardizer.apply(raw);
        TrainingSession session = new TrainingSession(network.copy(), Math.min(CHUNK, raw.rows()),
                OptimizerConfig.sgd(1e-3f));
        return Trainer.evaluate(session, input).loss();
    }

    /**
     * Writes the model as ONNX, atomically: raw features in ({@code input [N, features]}), the task's output out
     * (probabilities, or a regressor's predictions), the scaling folded into the first layer and kept as metadata
     * ({@link #STANDARDIZER_MEAN}, {@link #STANDARDIZER_STD}), the names as class labels.
     *
     * @param file where to write; replaced whole or left as it was
     * @throws IOException when the file cannot be written
     */
    public void save(File file) throws IOException {
        OnnxExporter.write(network, exportOptions(), file);
    }

    /**
     * The bytes {@link #save} writes.
     *
     * @return a serialised ONNX {@code ModelProto}
     */
    public byte[] toOnnx() {
        return OnnxExporter.toBytes(network, exportOptions());
    }

    private ExportOptions exportOptions() {
        ExportOptions.Builder b = ExportOptions.builder().classLabels(outputNames);
        if (standardizer != null) {
            b.standardizer(standardizer).metadata(STANDARDIZER_MEAN, encode(standardizer.mean()))
                    .metadata(STANDARDIZER_STD, encode(standardizer.std()));
        }
        return b.build();
    }

    /**
     * Writes the model as an edgetrain checkpoint, atomically ({@link Checkpoint#write}): the parameters, input
     * scaling, names, task and settings bit for bit, so that {@link #loadCheckpoint} gives back this very model
     * (and {@link #fineTune} from it trains exactly as from this one). The settings' listener is not stored.
     *
     * @param file where to write; replaced whole or left as it was
     * @throws IOException when the file cannot be written
     */
    public void saveCheckpoint(File file) throws IOException {
        toCheckpoint().write(file);
    }

    /**
     * The model as the runtime's {@link Checkpoint}: network and parameters, with the names and settings as its
     * metadata and the scaling's statistics as its arrays; its optimizer is a fresh Adam at the settings' rate.
     *
     * @return a checkpoint {@link #of(Checkpoint, String)} turns back into this model
     */
    public Checkpoint toCheckpoint() {
        return ModelCheckpoint.capture(network, standardizer, outputNames, settings);
    }

    /**
     * The model a {@link #saveCheckpoint} file holds, bit for bit (with no listener in its settings).
     *
     * @param file a file {@link #saveCheckpoint} wrote
     * @return the saved model
     * @throws CheckpointException naming the file, when it is missing, not a checkpoint, truncated or corrupt, or
     *                             a checkpoint without a Model's state (one the CLI's {@code --checkpoint} wrote)
     */
    public static Model loadCheckpoint(File file) throws CheckpointException {
        return of(Checkpoint.read(file), file.toString());
    }

    /**
     * The model {@code saved} holds, as {@link #toCheckpoint} made it.
     *
     * @param saved  a checkpoint of a model
     * @param source what to call it in errors (its file)
     * @return the model
     * @throws CheckpointException when the checkpoint lacks a Model's entries or they do not fit its network
     */
    public static Model of(Checkpoint saved, String source) throws CheckpointException {
        return ModelCheckpoint.restore(saved, source);
    }

    /** A model of parts read back from a checkpoint, taken as they are. */
    static Model restored(Network network, Standardizer standardizer, String[] names, ModelSettings settings) {
        return new Model(network, standardizer, names, settings);
    }

    /**
     * A model read from an ONNX file: one {@link #save} wrote, or any MLP {@link OnnxImporter} reads.
     *
     * @param file an ONNX model file
     * @return the model, with the scaling when the file holds it
     * @throws IOException when the file cannot be read, or is not an importable model ({@link OnnxImportException})
     */
    public static Model load(File file) throws IOException {
        return of(OnnxImporter.read(file));
    }

    /**
     * As {@link #load(File)}, from a stream (an Android asset); the stream is read to its end, not closed.
     *
     * @param in the ONNX bytes
     * @return the model, with the scaling when the bytes hold it
     * @throws IOException when the stream cannot be read, or is not an importable model ({@link OnnxImportException})
     */
    public static Model load(InputStream in) throws IOException {
        return of(OnnxImporter.read(in));
    }

    /**
     * A model of an imported network: its labels (or {@code "0"}, {@code "1"}, …), and, when the file holds the
     * scaling {@link #save} writes, the network re-expressed on standardised inputs so that fine-tuning sees them.
     *
     * @param imported what {@link OnnxImporter} read
     * @return the model
     * @throws OnnxImportException when the scaling metadata is malformed or does not fit the network
     */
    public static Model of(ImportedModel imported) throws OnnxImportException {
        Task task = imported.task();
        int count = ModelMetadata.classLabelCount(task, imported.classCount());
        String[] names = imported.classLabels() != null ? imported.classLabels() : names(null, count, "");
        String mean = imported.metadata().get(STANDARDIZER_MEAN);
        String std = imported.metadata().get(STANDARDIZER_STD);
        if (mean == null || std == null) {
            return new Model(imported.network(), null, names, ModelSettings.defaults());
        }
        Standardizer scaling;
        try {
            scaling = new Standardizer(decode(mean), decode(std));
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException("metadata " + STANDARDIZER_MEAN + "/" + STANDARDIZER_STD + ": "
                    + e.getMessage() + "; expected " + imported.featureCount() + " finite means and stds > 0", e);
        }
        if (scaling.featureCount() != imported.featureCount()) {
            throw new OnnxImportException("metadata " + STANDARDIZER_MEAN + " has " + scaling.featureCount()
                    + " features, the network takes " + imported.featureCount() + "; expected the same number");
        }
        return new Model(scaling.onStandardizedInputs(imported.network()), scaling, names, ModelSettings.defaults());
    }

    /**
     * What the model is trained for.
     *
     * @return the network's task
     */
    public Task task() {
        return network.spec().task();
    }

    /**
     * Values per input row.
     *
     * @return the number of input features, at least 1
     */
    public int featureCount() {
        return network.spec().inputs();
    }

    /**
     * The names of the classes (binary: negative, positive), labels or targets, a copy.
     *
     * @return one name per class (binary: 2), label or target
     */
    public String[] outputNames() {
        return outputNames.clone();
    }

    /**
     * The input scaling, or null when the network takes raw features.
     *
     * @return the scaling, or null
     */
    public Standardizer standardizer() {
        return standardizer;
    }

    /**
     * A copy of the network; it takes standardised inputs when {@link #standardizer()} is not null.
     *
     * @return a copy, free to train or change
     */
    public Network network() {
        return network.copy();
    }

    /**
     * The settings {@link #fineTune(float[][], int[])} trains with (the task set to this model's).
     *
     * @return the settings, with this model's task
     */
    public ModelSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "Model " + network.spec() + (standardizer == null ? "" : ", standardised inputs");
    }

    private float[] rows(float[][] x) {
        return Rows.flatten("x", x, featureCount(), "the model's features");
    }

    /** The network's outputs {@code [rows][outputs]} for raw rows {@code flat}, which it standardises in place. */
    private float[] outputs(float[] flat, int rows) {
        if (standardizer != null) {
            standardizer.applyInPlace(flat, 0, rows);
        }
        int width = network.spec().outputs();
        float[] out = new float[rows * width];
        Workspace ws = new Workspace(network.spec(), Math.min(CHUNK, rows));
        for (int start = 0; start < rows; start += CHUNK) {
            int n = Math.min(CHUNK, rows - start);
            network.predict(ws, flat, start * featureCount(), n, out, start * width);
        }
        return out;
    }

    private int[] classesOf(float[] out, int rows) {
        int width = network.spec().outputs();
        int[] classes = new int[rows];
        for (int r = 0; r < rows; r++) {
            if (task() == Task.BINARY) {
                classes[r] = out[r] >= 0.5f ? 1 : 0;
                continue;
            }
            int best = 0;
            for (int k = 1; k < width; k++) {
                if (out[r * width + k] > out[r * width + best]) {
                    best = k;
                }
            }
            classes[r] = best;
        }
        return classes;
    }

    private int classCount() {
        return task() == Task.BINARY ? 2 : network.spec().outputs();
    }

    private void requireLabels(String call) {
        if (!task().hasClassLabels()) {
            throw new IllegalStateException(call + " needs a classify or binary model, this one is " + task().id()
                    + "; use the targets variant");
        }
    }

    private Dataset targetSet(float[][] x, float[][] targets, String call) {
        if (task().hasClassLabels()) {
            throw new IllegalStateException(call + " needs a regress or multilabel model, this one is " + task().id()
                    + "; use the labels variant");
        }
        float[] flat = rows(x);
        Rows.checkTargetRows(targets, x.length);
        int width = network.spec().outputs();
        float[] t = Rows.flatten("targets", targets, width, "the model's outputs");
        if (task() == Task.MULTILABEL) {
            Rows.checkProbabilities(t, width);
        }
        return Dataset.withTargets(flat, t, featureCount(), width, null, null);
    }

    private static int maxLabel(int[] labels) {
        int max = -1;
        if (labels != null) {
            for (int label : labels) {
                max = Math.max(max, label);
            }
        }
        return max;
    }

    /** {@code given} (checked: {@code count} non-null names) or {@code "0"}, {@code "1"}, …. */
    private static String[] names(String[] given, int count, String noun) {
        if (given == null) {
            String[] names = new String[count];
            for (int k = 0; k < count; k++) {
                names[k] = String.valueOf(k);
            }
            return names;
        }
        if (given.length != count) {
            throw new InvalidDataException(given.length + " names for " + count + " " + noun + "; expected one each",
                    -1, -1);
        }
        for (int k = 0; k < count; k++) {
            if (given[k] == null) {
                throw new InvalidDataException("name " + k + " is null; expected a name for each of the " + noun,
                        -1, -1);
            }
        }
        return given.clone();
    }

    private static String encode(float[] values) {
        String[] items = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            items[i] = Float.toString(values[i]); // the shortest string that parses back to the same float
        }
        return ModelMetadata.encodeList(items);
    }

    private static float[] decode(String encoded) {
        String[] items = ModelMetadata.decodeList(encoded);
        float[] values = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                values[i] = Float.parseFloat(items[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("item " + i + " is '" + items[i] + "', not a number");
            }
        }
        return values;
    }
}
