package dev.edgetrain.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.edgetrain.onnx.ModelMetadata;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.checkpoint.CheckpointException;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {
    private static ShippedData digits;
    private static Model digitsModel;

    @TempDir
    Path dir;

    @BeforeAll
    static void fitDigits() {
        digits = ShippedData.load("digits");
        // Not the defaults, so that restoring the defaults instead of the saved settings fails the test.
        digitsModel = Model.fit(digits.trainX, digits.trainLabels, digits.classNames, ModelSettings.defaults()
                .withHidden(32, 16).withEpochs(3).withBatchSize(16).withLearningRate(0.005f).withSeed(7));
    }

    @Test
    void checkpointRoundTripGivesTheSameModelBitForBit() throws IOException {
        File file = dir.resolve("digits.etckpt").toFile();
        digitsModel.saveCheckpoint(file);
        Model loaded = Model.loadCheckpoint(file);

        assertSameModel(digitsModel, loaded);
        assertArrayEquals(bits(digitsModel.predict(digits.testX)), bits(loaded.predict(digits.testX)));
    }

    @Test
    void linearRegressorWithoutScalingRoundTrips() throws IOException {
        Random random = new Random(3);
        float[][] x = new float[200][3];
        float[][] y = new float[200][2];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < 3; j++) {
                x[r][j] = (float) random.nextGaussian();
            }
            y[r][0] = 2 * x[r][0] - x[r][2] + 0.5f;
            y[r][1] = x[r][1];
        }
        Model model = Model.fitTargets(x, y, new String[] {"price", "size"},
                ModelSettings.defaults().withHidden().withStandardize(false).withEpochs(5));
        File file = dir.resolve("linear.etckpt").toFile();
        model.saveCheckpoint(file);
        Model loaded = Model.loadCheckpoint(file);

        assertNull(loaded.standardizer());
        assertEquals(Task.REGRESS, loaded.task());
        assertSameModel(model, loaded);
    }

    @Test
    void fineTuneFromALoadedCheckpointEqualsFineTuneFromTheOriginal() throws IOException {
        File file = dir.resolve("digits.etckpt").toFile();
        digitsModel.saveCheckpoint(file);
        Model loaded = Model.loadCheckpoint(file);

        Model fromOriginal = digitsModel.fineTune(digits.testX, digits.testLabels);
        Model fromLoaded = loaded.fineTune(digits.testX, digits.testLabels);

        float[] start = digitsModel.network().copyParameters();
        assertFalse(Arrays.equals(bits(start), bits(fromOriginal.network().copyParameters())),
                "fine-tuning changed nothing, so the comparison proves nothing");
        assertSameModel(fromOriginal, fromLoaded);
    }

    @Test
    void aTruncatedCheckpointIsRefusedNamingTheFile() throws IOException {
        File file = dir.resolve("cut.etckpt").toFile();
        byte[] whole = digitsModel.toCheckpoint().toBytes();
        Files.write(file.toPath(), Arrays.copyOf(whole, whole.length / 2));

        CheckpointException e = assertThrows(CheckpointException.class, () -> Model.loadCheckpoint(file));
        assertEquals(file + " is corrupt or truncated: checksum mismatch", e.getMessage());
    }

    @Test
    void anOnnxFileIsRefusedAsNotACheckpoint() throws IOException {
        File file = dir.resolve("digits.onnx").toFile();
        digitsModel.save(file);

        CheckpointException e = assertThrows(CheckpointException.class, () -> Model.loadCheckpoint(file));
        assertEquals(file + " is not an edgetrain checkpoint (expected magic \"ETCKPT\\r\\n\")", e.getMessage());
    }

    @Test
    void aTrainingCheckpointWithoutAModelsStateIsRefused() throws IOException {
        File file = dir.resolve("run.etckpt").toFile();
        Checkpoint.capture(idleTrainer(digitsModel.network()), null, null).write(file);

        CheckpointException e = assertThrows(CheckpointException.class, () -> Model.loadCheckpoint(file));
        assertEquals(file + " is a training checkpoint without a Model's state (no metadata edgetrain.app.model); "
                + "expected one that Model.saveCheckpoint wrote", e.getMessage());
    }

    @Test
    void namesThatDoNotFitTheNetworkAreRefused() throws IOException {
        Map<String, String> meta = new TreeMap<>(digitsModel.toCheckpoint().metadata());
        meta.put(ModelCheckpoint.NAMES, ModelMetadata.encodeList(Arrays.copyOf(digits.classNames, 9)));
        Checkpoint edited = Checkpoint.capture(idleTrainer(digitsModel.network()), meta, null);

        CheckpointException e = assertThrows(CheckpointException.class, () -> Model.of(edited, "edited.etckpt"));
        assertEquals("edited.etckpt: metadata edgetrain.app.outputNames has 9 names; expected 10 for a classify "
                + "network of 10 outputs", e.getMessage());
    }

    @Test
    void aMissingSettingIsRefusedNamingIt() throws IOException {
        Map<String, String> meta = new TreeMap<>(digitsModel.toCheckpoint().metadata());
        meta.remove(ModelCheckpoint.LEARNING_RATE);
        Checkpoint edited = Checkpoint.capture(idleTrainer(digitsModel.network()), meta, null);

        CheckpointException e = assertThrows(CheckpointException.class, () -> Model.of(edited, "edited.etckpt"));
        assertEquals("edited.etckpt lacks the Model's metadata edgetrain.app.settings.learningRate; expected every "
                + "entry Model.saveCheckpoint writes", e.getMessage());
    }

    /** A trainer of {@code network} on the digits test rows, never run: what a plain training checkpoint holds. */
    private static Trainer idleTrainer(Network network) {
        Dataset data = new Dataset(ShippedData.flatten(digits.testX), digits.testLabels, 64, 10);
        return new Trainer(new TrainingSession(network, 8, OptimizerConfig.adam(1e-3f)), data, 8, 1);
    }

    private static void assertSameModel(Model expected, Model actual) {
        assertEquals(expected.network().spec(), actual.network().spec());
        assertArrayEquals(bits(expected.network().copyParameters()), bits(actual.network().copyParameters()));
        assertEquals(expected.task(), actual.task());
        assertArrayEquals(expected.outputNames(), actual.outputNames());
        if (expected.standardizer() != null) {
            assertArrayEquals(bits(expected.standardizer().mean()), bits(actual.standardizer().mean()));
            assertArrayEquals(bits(expected.standardizer().std()), bits(actual.standardizer().std()));
        }
        ModelSettings s = expected.settings();
        ModelSettings t = actual.settings();
        assertArrayEquals(s.hidden(), t.hidden());
        assertEquals(s.epochs(), t.epochs());
        assertEquals(s.batchSize(), t.batchSize());
        assertEquals(Float.floatToIntBits(s.learningRate()), Float.floatToIntBits(t.learningRate()));
        assertEquals(s.seed(), t.seed());
        assertEquals(s.standardize(), t.standardize());
        assertEquals(s.task(), t.task());
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToIntBits(values[i]);
        }
        return bits;
    }

    private static int[] bits(float[][] rows) {
        return bits(ShippedData.flatten(rows));
    }
}
