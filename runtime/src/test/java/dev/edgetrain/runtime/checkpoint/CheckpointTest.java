package dev.edgetrain.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.example.SpiralExample;
import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final NetworkSpec SPEC = NetworkSpec.of(2, new int[] {12, 8}, 2);
    private static final Dataset DATA = SpiralExample.spirals(100, 1.0, 3);

    @TempDir
    File dir;

    private static Trainer trainer(OptimizerConfig config) {
        return new Trainer(new TrainingSession(new Network(SPEC, 4), 16, config), DATA, 16, 5);
    }

    @Test
    void resumingFromAFileEndsBitIdenticalToAnUninterruptedRun() throws IOException {
        OptimizerConfig adam = OptimizerConfig.adamW(0.01f, 0.001f);
        Trainer straight = trainer(adam);
        straight.fit(6, TrainingListener.NONE);

        Trainer interrupted = trainer(adam);
        interrupted.fit(3, TrainingListener.NONE);
        File file = new File(dir, "run.ckpt");
        Map<String, String> meta = new TreeMap<>();
        meta.put("data", "spirals");
        Checkpoint.capture(interrupted, meta, Collections.singletonMap("mean", new float[] {1, 2})).write(file);

        Checkpoint loaded = Checkpoint.read(file);
        assertEquals(3, loaded.epochsDone());
        assertEquals("spirals", loaded.metadata().get("data"));
        assertArrayEquals(new float[] {1, 2}, loaded.array("mean"), 0f);
        Trainer resumed = new Trainer(new TrainingSession(new Network(SPEC, 999), 16, adam), DATA, 16, 777);
        loaded.restoreInto(resumed);
        resumed.fit(6 - resumed.epochsDone(), TrainingListener.NONE);
        assertTrue(java.util.Arrays.equals(straight.session().network().copyParameters(),
                resumed.session().network().copyParameters()), "bit-identical weights after resuming");
    }

    /** A network with dropout (and layer norm, GELU): its masks come from a generator the checkpoint must carry. */
    private static final NetworkSpec DROPOUT_SPEC = NetworkSpec.builder(2).hidden(16).layerNorm()
            .activation(Activation.GELU).dropout(0.3f).hidden(8).dropout(0.2f).output(2, Task.CLASSIFY).build();

    private static Trainer dropoutTrainer(long networkSeed, long shuffleSeed, long dropoutSeed) {
        TrainingSession session = new TrainingSession(new Network(DROPOUT_SPEC, networkSeed), 16,
                OptimizerConfig.adam(0.01f));
        session.setDropoutSeed(dropoutSeed);
        return new Trainer(session, DATA, 16, shuffleSeed);
    }

    @Test
    void aRunWithDropoutResumesFromItsCheckpointToBitIdenticalWeights() throws CheckpointException {
        Trainer straight = dropoutTrainer(4, 5, 21);
        straight.fit(6, TrainingListener.NONE);

        Trainer interrupted = dropoutTrainer(4, 5, 21);
        interrupted.fit(3, TrainingListener.NONE);
        byte[] bytes = Checkpoint.capture(interrupted, null, null).toBytes();
        Checkpoint loaded = Checkpoint.fromBytes(bytes, "mid-run.ckpt");
        assertEquals(DROPOUT_SPEC, loaded.spec(), "layer norm, activations and dropout rates survive the file");
        assertEquals(interrupted.session().dropoutRngState(), loaded.dropoutRngState());

        // a new process: other initial weights, shuffling seed and dropout seed, all replaced by the checkpoint
        Trainer resumed = dropoutTrainer(999, 777, 12345);
        loaded.restoreInto(resumed);
        resumed.fit(6 - resumed.epochsDone(), TrainingListener.NONE);
        assertTrue(Arrays.equals(straight.session().network().copyParameters(),
                resumed.session().network().copyParameters()), "bit-identical weights after resuming");

        // and the dropout generator's state is what makes it so: without it the run goes elsewhere
        Trainer forgetful = dropoutTrainer(999, 777, 12345);
        loaded.restoreInto(forgetful);
        forgetful.session().setDropoutSeed(12345);
        forgetful.fit(6 - forgetful.epochsDone(), TrainingListener.NONE);
        assertFalse(Arrays.equals(straight.session().network().copyParameters(),
                forgetful.session().network().copyParameters()), "other masks, other weights");
    }

    @Test
    void versionOneBytesStillLoadAsAReluClassifierWithTheDefaultDropoutGenerator() throws IOException,
            CheckpointException {
        // Version 1, by hand from the format in Checkpoint's Javadoc: 3 inputs, hidden [5, 4], 2 classes, no bias on
        // the middle layer; SGD with momentum (one state slab); epoch 7; one metadata entry and one array.
        NetworkSpec spec = NetworkSpec.of(3, new int[] {5, 4}, 2).withLayerBias(new boolean[] {true, false, true});
        OptimizerConfig momentum = OptimizerConfig.sgd(0.05f).withMomentum(0.9f, false);
        float[] params = new Network(spec, 31).copyParameters();
        float[] velocity = new float[params.length];
        for (int i = 0; i < velocity.length; i++) {
            velocity[i] = 0.001f * i;
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.write(new byte[] {'E', 'T', 'C', 'K', 'P', 'T', '\r', '\n'});
        out.writeInt(1);
        out.writeInt(3); // inputs
        out.writeInt(2); // hidden layer count
        out.writeInt(5);
        out.writeInt(4);
        out.writeInt(2); // classes
        out.writeByte(1); // bias flags, one per dense layer
        out.writeByte(0);
        out.writeByte(1);
        writeString(out, "sgd(lr=0.05, momentum=0.9, schedule=constant)"); // the display text of the time
        out.writeLong(42); // optimizer steps
        out.writeDouble(0.5); // learning-rate scale
        out.writeInt(1); // state slabs
        writeFloats(out, velocity);
        out.writeInt(7); // epochs done
        out.writeLong(0x1234_5678_9ABCL); // shuffling generator
        out.writeInt(1);
        writeString(out, "data");
        writeString(out, "old run");
        out.writeInt(1);
        writeString(out, "mean");
        writeFloats(out, new float[] {1.5f, -2f});
        writeFloats(out, params);
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(buffer.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();

        Checkpoint v1 = Checkpoint.fromBytes(buffer.toByteArray(), "v1.ckpt");
        assertEquals(spec, v1.spec(), "a ReLU classifier with the bias flags as stored");
        assertEquals(Loss.crossEntropy(), v1.loss(), "version 1 knew one loss");
        assertEquals(TrainingSession.DEFAULT_DROPOUT_SEED, v1.dropoutRngState(), "and no dropout generator");
        assertArrayEquals(params, v1.parameters(), 0f);
        assertEquals(42, v1.optimizerSteps());
        assertEquals(0.5, v1.learningRateScale(), 0.0);
        assertEquals(7, v1.epochsDone());
        assertEquals(0x1234_5678_9ABCL, v1.rngState());
        assertEquals("old run", v1.metadata().get("data"));
        assertArrayEquals(new float[] {1.5f, -2f}, v1.array("mean"), 0f);

        Trainer trainer = new Trainer(new TrainingSession(new Network(spec, 1), 8, momentum),
                new Dataset(new float[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1}, 3, 2), 2, 3);
        v1.restoreInto(trainer);
        assertArrayEquals(params, trainer.session().network().copyParameters(), 0f);
        assertArrayEquals(velocity, trainer.session().optimizer().stateSlab(0), 0f);
        assertEquals(42, trainer.session().optimizer().steps());
        assertEquals(7, trainer.epochsDone());
        assertEquals(0x1234_5678_9ABCL, trainer.rngState());
        assertEquals(TrainingSession.DEFAULT_DROPOUT_SEED, trainer.session().dropoutRngState());
        // written again, it is a version 4 file that reads back the same
        Checkpoint again = Checkpoint.fromBytes(Checkpoint.capture(trainer, null, null).toBytes(), "v2.ckpt");
        assertEquals(spec, again.spec());
        assertArrayEquals(params, again.parameters(), 0f);
        assertEquals(momentum, again.optimizerConfig());
    }

    @Test
    void everyOptimizerSettingIsStoredAsAFieldAndNotAsItsDisplayText() throws CheckpointException {
        OptimizerConfig[] configs = {
            OptimizerConfig.sgd(0.1f),
            OptimizerConfig.sgd(0.05f).withMomentum(0.8f, true).withWeightDecay(1e-3f).withEpsilon(1e-5f),
            OptimizerConfig.adam(3e-4f).withBetas(0.85f, 0.995f).withClipNorm(0.5f)
                    .withSchedule(LearningRateSchedule.step(9, 0.3)),
            OptimizerConfig.adamW(1e-3f, 0.01f).withSchedule(LearningRateSchedule.cosine(100, 0.05)
                    .withWarmup(10).withWarmup(2)),
        };
        for (OptimizerConfig config : configs) {
            Trainer t = trainer(config);
            byte[] bytes = Checkpoint.capture(t, null, null).toBytes();
            Checkpoint back = Checkpoint.fromBytes(bytes, "fields.ckpt");
            assertEquals(config, back.optimizerConfig(), "every field comes back");
            assertEquals(config.schedule(), back.optimizerConfig().schedule());
            // the display text is not in the file, so changing how a config prints cannot break resuming
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(config.toString()) || text.contains("lr="), config + " is in the file");
            back.restoreInto(trainer(config));
        }
        // and restoring compares the fields: a config that prints the same but differs is refused
        OptimizerConfig sgd = OptimizerConfig.sgd(0.1f);
        OptimizerConfig otherEpsilon = sgd.withEpsilon(1e-3f);
        assertEquals(sgd.toString(), otherEpsilon.toString(), "SGD's display text leaves out epsilon");
        Checkpoint c = Checkpoint.capture(trainer(sgd), null, null);
        assertThrows(CheckpointException.class, () -> c.restoreInto(trainer(otherEpsilon)));
    }

    /** A trainer of a 2-5-k network for {@code task} with {@code loss}, on four rows that suit the task. */
    private static Trainer trainer(Task task, Loss loss) {
        int outputs = task == Task.CLASSIFY ? 3 : task == Task.MULTILABEL ? 2 : 1;
        NetworkSpec spec = NetworkSpec.builder(2).hidden(5).output(outputs, task).build();
        float[] x = {0, 1, 1, 0, 2, 2, -1, 0.5f}; // [4][2]
        Dataset data = task.hasClassLabels()
                ? new Dataset(x, task == Task.CLASSIFY ? new int[] {0, 1, 2, 1} : new int[] {0, 1, 1, 0}, 2,
                        task == Task.CLASSIFY ? 3 : 2)
                : Dataset.withTargets(x, task == Task.MULTILABEL ? new float[] {0, 1, 1, 0, 1, 1, 0, 0}
                        : new float[] {0.5f, -1f, 2f, 0f}, 2, outputs, null, null);
        return new Trainer(new TrainingSession(new Network(spec, 3), 4, OptimizerConfig.sgd(0.1f), loss, null),
                data, 2, 1);
    }

    @Test
    void everyLossSettingIsStoredAsAFieldAndNotAsItsDisplayText() throws CheckpointException {
        Object[][] cases = { // task, loss
            {Task.CLASSIFY, Loss.crossEntropy()},
            {Task.CLASSIFY, Loss.crossEntropy().withClassWeights(new float[] {1f, 2.5f, 0f})},
            {Task.CLASSIFY, Loss.crossEntropy().withLabelSmoothing(0.15f)},
            {Task.CLASSIFY, Loss.crossEntropy().withClassWeights(new float[] {0.3f, 1f, 7f}).withLabelSmoothing(0.05f)},
            {Task.BINARY, Loss.binaryCrossEntropy().withClassWeights(new float[] {0.25f, 4f})},
            {Task.MULTILABEL, Loss.binaryCrossEntropy()},
            {Task.REGRESS, Loss.meanSquaredError()},
            {Task.REGRESS, Loss.huber(0.7f)},
        };
        for (Object[] c : cases) {
            Task task = (Task) c[0];
            Loss loss = (Loss) c[1];
            Trainer t = trainer(task, loss);
            t.fit(1, TrainingListener.NONE);
            byte[] bytes = Checkpoint.capture(t, null, null).toBytes();
            Checkpoint back = Checkpoint.fromBytes(bytes, "loss.ckpt");
            assertEquals(loss, back.loss(), "every field comes back");
            // the display text is not in the file, so changing how a loss prints cannot break resuming
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            for (String printed : new String[] {"weights=", "smoothing=", "huber:"}) {
                assertFalse(text.contains(printed), loss + ": '" + printed + "' of its display text is in the file");
            }
            assertTrue(loss.toString().equals(loss.kind().id()) || !text.contains(loss.toString()),
                    loss + " is in the file");
            Trainer resumed = trainer(task, loss);
            back.restoreInto(resumed);
            assertArrayEquals(t.session().network().copyParameters(), resumed.session().network().copyParameters(),
                    0f);
        }
        // and restoring compares the fields: any other setting is refused, and nothing is restored
        Loss weighted = Loss.crossEntropy().withClassWeights(new float[] {1f, 2f, 3f});
        Checkpoint c = Checkpoint.capture(trainer(Task.CLASSIFY, weighted), null, null);
        for (Loss other : new Loss[] {Loss.crossEntropy(), weighted.withClassWeights(new float[] {1f, 2f, 3.0001f}),
                weighted.withLabelSmoothing(0.1f)}) {
            Trainer t = trainer(Task.CLASSIFY, other);
            float[] before = t.session().network().copyParameters();
            CheckpointException e = assertThrows(CheckpointException.class, () -> c.restoreInto(t));
            assertTrue(e.getMessage().contains("loss"), e.getMessage());
            assertArrayEquals(before, t.session().network().copyParameters(), 0f);
        }
    }

    @Test
    void theLossTextOfVersionsTwoAndThreeIsReadByAFrozenGrammar() throws CheckpointException {
        assertEquals(Loss.crossEntropy(), LegacyLossText.parse("cross_entropy", "old.ckpt"));
        assertEquals(Loss.binaryCrossEntropy(), LegacyLossText.parse("binary_cross_entropy", "old.ckpt"));
        assertEquals(Loss.meanSquaredError(), LegacyLossText.parse("mse", "old.ckpt"));
        assertEquals(Loss.huber(0.125f), LegacyLossText.parse("huber:0.125", "old.ckpt"));
        assertEquals(Loss.crossEntropy().withLabelSmoothing(0.2f),
                LegacyLossText.parse("cross_entropy(smoothing=0.2)", "old.ckpt"));
        assertEquals(Loss.binaryCrossEntropy().withClassWeights(new float[] {0.5f, 2f}),
                LegacyLossText.parse("binary_cross_entropy(weights=[0.5, 2.0])", "old.ckpt"));
        assertEquals(Loss.crossEntropy().withClassWeights(new float[] {1f, 1e-7f, 3f}).withLabelSmoothing(0.1f),
                LegacyLossText.parse("cross_entropy(weights=[1.0, 1.0E-7, 3.0], smoothing=0.1)", "old.ckpt"));
        for (String bad : new String[] {"hinge", "huber:", "huber:0.5x", "cross_entropy(", "mse(smoothing=0.1)",
                "cross_entropy(weights=[1.0, two])", "cross_entropy extra", "huber:-1.0"}) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> LegacyLossText.parse(bad, "old.ckpt"), bad);
            assertTrue(e.getMessage()
                    .startsWith("old.ckpt: loss description '" + bad + "' cannot be read at character"),
                    e.getMessage());
        }
    }

    @Test
    void anUnknownLossKindInAFileIsNamedWithTheKindsExpected() throws IOException {
        byte[] mse = Checkpoint.capture(trainer(Task.REGRESS, Loss.meanSquaredError()), null, null).toBytes();
        assertMessage(withCrc(replace(mse, "mse", "msX")),
                "unknown loss kind 'msX', expected one of cross_entropy, binary_cross_entropy, mse, huber");
    }

    @Test
    void anUnknownOptimizerOrScheduleKindInAFileIsNamedWithTheKindsExpected() throws IOException {
        byte[] good = Checkpoint.capture(trainer(OptimizerConfig.adam(0.01f)), null, null).toBytes();
        assertMessage(withCrc(replace(good, "adam", "adaX")),
                "unknown optimizer kind 'adaX', expected one of sgd, adam, adamw");
        assertMessage(withCrc(replace(good, "constant", "constanX")),
                "unknown learning-rate schedule kind 'constanX', expected one of constant, step, cosine, warmup");
    }

    /** {@code bytes} with the first occurrence of {@code from} replaced by {@code to} (same length). */
    private static byte[] replace(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(from);
        assertTrue(at > 0, from + " not found");
        byte[] out = bytes.clone();
        System.arraycopy(to.getBytes(StandardCharsets.ISO_8859_1), 0, out, at, to.length());
        return out;
    }

    /** {@code bytes} with its trailing CRC-32 recomputed, so the parser gets past the checksum. */
    private static byte[] withCrc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).putLong(crc.getValue());
        return bytes;
    }

    @Test
    void everyActivationAndTaskSurvivesTheFileIncludingANegativeLeakySlope() throws CheckpointException {
        NetworkSpec spec = NetworkSpec.builder(3).hidden(5, Activation.leakyRelu(-0.3f)).layerNorm(1e-3f)
                .hidden(4, Activation.GELU_TANH).dropout(0.1f).hidden(4, Activation.SIGMOID).bias(false)
                .output(2, Task.REGRESS).activation(Activation.TANH).build();
        TrainingSession session = new TrainingSession(new Network(spec, 2), 4, OptimizerConfig.sgd(0.1f),
                Loss.huber(0.25f), null);
        Trainer trainer = new Trainer(session, Dataset.withTargets(new float[] {1, 2, 3, 4, 5, 6},
                new float[] {0.5f, -1f, 2f, 0f}, 3, 2, null, null), 2, 1);
        trainer.fit(1, TrainingListener.NONE);
        Checkpoint back = Checkpoint.fromBytes(Checkpoint.capture(trainer, null, null).toBytes(), "leaky.ckpt");
        assertEquals(spec, back.spec());
        assertEquals(Loss.huber(0.25f), back.loss());
        assertArrayEquals(session.network().copyParameters(), back.parameters(), 0f);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    @Test
    void aMismatchedRunIsRefusedAndLeftUnchanged() throws IOException {
        Trainer t = trainer(OptimizerConfig.adam(0.01f));
        t.fit(1, TrainingListener.NONE);
        Checkpoint c = Checkpoint.capture(t, null, null);
        Trainer sgd = trainer(OptimizerConfig.sgd(0.01f));
        float[] before = sgd.session().network().copyParameters();
        CheckpointException e = assertThrows(CheckpointException.class, () -> c.restoreInto(sgd));
        assertTrue(e.getMessage().contains("trained with optimizer adam(lr=0.01"), e.getMessage());
        assertArrayEquals(before, sgd.session().network().copyParameters(), 0f);
        Trainer other = new Trainer(new TrainingSession(new Network(NetworkSpec.of(2, 5, 2), 1), 16,
                OptimizerConfig.adam(0.01f)), DATA, 16, 5);
        assertTrue(assertThrows(CheckpointException.class, () -> c.restoreInto(other)).getMessage()
                .contains("checkpoint holds network 2-12-8-2, this run builds 2-5-2"));
    }

    @Test
    void damagedFilesGiveClearErrors() throws IOException {
        Trainer t = trainer(OptimizerConfig.sgd(0.1f).withMomentum(0.9f, false));
        t.fit(1, TrainingListener.NONE);
        byte[] good = Checkpoint.capture(t, null, null).toBytes();

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertMessage(flipped, "checksum mismatch");
        assertMessage(java.util.Arrays.copyOf(good, good.length - 100), "checksum mismatch");
        assertMessage("hello, world, not a checkpoint".getBytes("UTF-8"), "not an edgetrain checkpoint");
        byte[] crlf = good.clone();
        crlf[6] = '\n';
        assertMessage(crlf, "not an edgetrain checkpoint");
        byte[] future = good.clone();
        future[11] = 9;
        assertMessage(future, "format version 9, this edgetrain reads versions 1 to 4");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(new File(dir, "missing.ckpt")))
                .getMessage().contains("does not exist"));
    }

    private static void assertMessage(byte[] bytes, String part) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.fromBytes(bytes, "x.ckpt"));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains("x.ckpt"), e.getMessage());
    }

    @Test
    void aFailedWriteLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        File file = new File(dir, "model.ckpt");
        Checkpoint.writeAtomically(file, new byte[] {1, 2, 3});
        // The rename cannot replace a non-empty directory: the write fails after the temporary file was written.
        File blocker = new File(dir, "blocked");
        assertTrue(new File(blocker, "child").mkdirs());
        assertThrows(IOException.class, () -> Checkpoint.writeAtomically(blocker, new byte[] {9}));
        assertThrows(IOException.class, () -> Checkpoint.writeAtomically(new File(dir, "no/such/dir/x"), new byte[1]));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file.toPath()));
        String[] left = dir.list();
        java.util.Arrays.sort(left);
        assertArrayEquals(new String[] {"blocked", "model.ckpt"}, left, "no temporary files left behind");
    }
}
