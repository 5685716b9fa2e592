package dev.edgetrain.app;

import dev.edgetrain.onnx.ModelMetadata;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.checkpoint.CheckpointException;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Standardizer;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Model} as a runtime {@link Checkpoint}: the network's spec and parameters as the checkpoint stores them,
 * the rest of the model in the checkpoint's own extras — the names and settings as metadata, the input scaling's
 * statistics as float arrays (bit for bit). The optimizer part is that of a fresh Adam at the settings' learning
 * rate, which is where {@link Model#fineTune} starts.
 */
final class ModelCheckpoint {
    /** Metadata key whose presence marks a Model's checkpoint; its value is the version of these entries. */
    static final String KIND = "edgetrain.app.model";
    static final String VERSION = "1";
    static final String NAMES = "edgetrain.app.outputNames";
    static final String HIDDEN = "edgetrain.app.settings.hidden";
    static final String EPOCHS = "edgetrain.app.settings.epochs";
    static final String BATCH_SIZE = "edgetrain.app.settings.batchSize";
    static final String LEARNING_RATE = "edgetrain.app.settings.learningRate";
    static final String SEED = "edgetrain.app.settings.seed";
    static final String STANDARDIZE = "edgetrain.app.settings.standardize";

    private ModelCheckpoint() {
    }

    /** The checkpoint of a model made of these parts. */
    static Checkpoint capture(Network network, Standardizer standardizer, String[] names, ModelSettings settings) {
        Map<String, String> meta = new TreeMap<String, String>();
        meta.put(KIND, VERSION);
        meta.put(NAMES, ModelMetadata.encodeList(names));
        meta.put(HIDDEN, joined(settings.hidden()));
        meta.put(EPOCHS, Integer.toString(settings.epochs()));
        meta.put(BATCH_SIZE, Integer.toString(settings.batchSize()));
        meta.put(LEARNING_RATE, Float.toString(settings.learningRate())); // shortest text that parses back exactly
        meta.put(SEED, Long.toString(settings.seed()));
        meta.put(STANDARDIZE, Boolean.toString(settings.standardize()));
        Map<String, float[]> arrays = new TreeMap<String, float[]>();
        if (standardizer != null) {
            arrays.put(Model.STANDARDIZER_MEAN, standardizer.mean());
            arrays.put(Model.STANDARDIZER_STD, standardizer.std());
        }
        // a fresh Adam at the settings' rate: where fineTune starts
        TrainingSession session = new TrainingSession(network.copy(), 1, OptimizerConfig.adam(settings.learningRate()));
        return Checkpoint.capture(session, meta, arrays);
    }

    /** The parts of the model {@code saved} holds; {@code source} names it in errors. */
    static Model restore(Checkpoint saved, String source) throws CheckpointException {
        Map<String, String> meta = saved.metadata();
        if (meta.get(KIND) == null) {
            throw new CheckpointException(source + " is a training checkpoint without a Model's state (no metadata "
                    + KIND + "); expected one that Model.saveCheckpoint wrote");
        }
        if (!VERSION.equals(meta.get(KIND))) {
            throw new CheckpointException(source + " holds Model entries of version " + meta.get(KIND)
                    + "; expected version " + VERSION);
        }
        String field = NAMES;
        try {
            String[] names = ModelMetadata.decodeList(required(meta, NAMES, source));
            NetworkSpec spec = saved.spec();
            int count = ModelMetadata.classLabelCount(spec.task(), spec.outputs());
            if (names.length != count) {
                throw new CheckpointException(source + ": metadata " + NAMES + " has " + names.length
                        + " names; expected " + count + " for a " + spec.task().id() + " network of "
                        + spec.outputs() + " outputs");
            }
            field = "settings";
            ModelSettings settings = ModelSettings.defaults()
                    .withHidden(ints(required(meta, HIDDEN, source)))
                    .withEpochs(Integer.parseInt(required(meta, EPOCHS, source)))
                    .withBatchSize(Integer.parseInt(required(meta, BATCH_SIZE, source)))
                    .withLearningRate(Float.parseFloat(required(meta, LEARNING_RATE, source)))
                    .withSeed(Long.parseLong(required(meta, SEED, source)))
                    .withStandardize(Boolean.parseBoolean(required(meta, STANDARDIZE, source)));
            field = "input scaling";
            Standardizer scaling = standardizer(saved, spec, source);
            return Model.restored(Network.fromParameters(spec, saved.parameters()), scaling, names, settings);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new CheckpointException(source + ": the Model's " + field + " entries are invalid: " + e.getMessage(),
                    e);
        }
    }

    private static Standardizer standardizer(Checkpoint saved, NetworkSpec spec, String source)
            throws CheckpointException {
        float[] mean = saved.array(Model.STANDARDIZER_MEAN);
        float[] std = saved.array(Model.STANDARDIZER_STD);
        if (mean == null && std == null) {
            return null;
        }
        if (mean == null || std == null || mean.length != spec.inputs()) {
            throw new CheckpointException(source + ": arrays " + Model.STANDARDIZER_MEAN + " and "
                    + Model.STANDARDIZER_STD + " hold " + (mean == null ? "no" : mean.length) + " and "
                    + (std == null ? "no" : std.length) + " values; expected " + spec.inputs() + " each");
        }
        return new Standardizer(mean, std);
    }

    private static String required(Map<String, String> meta, String key, String source) throws CheckpointException {
        String value = meta.get(key);
        if (value == null) {
            throw new CheckpointException(source + " lacks the Model's metadata " + key
                    + "; expected every entry Model.saveCheckpoint writes");
        }
        return value;
    }

    /** {@code "64,32"} for {@code {64, 32}}, {@code ""} for none. */
    private static String joined(int[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(values[i]);
        }
        return b.toString();
    }

    private static int[] ints(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] items = text.split(",", -1);
        int[] values = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            values[i] = Integer.parseInt(items[i]);
        }
        return values;
    }
}
