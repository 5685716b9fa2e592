package dev.edgetrain.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.example.SpiralExample;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
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
        assertMessage(future, "format version 9, this edgetrain reads versions 1 and 2");
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
