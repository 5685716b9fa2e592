package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.checkpoint.CheckpointException;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL after a few epochs, then resumed from its checkpoint, ends with the
 * same model, byte for byte, as a run that was never interrupted.
 */
class ResumeAfterKillTest {
    private static final int EPOCHS = 16;

    @TempDir
    File dir;

    private List<String> trainArgs(File out, File checkpoint) {
        List<String> a = new ArrayList<>(Arrays.asList("train", "--data", "digits", "--hidden", "256,256", "--epochs",
                String.valueOf(EPOCHS), "--batch-size", "8", "--optimizer", "nesterov", "--lr", "0.01",
                "--schedule", "cosine", "--seed", "5", "--quiet", "--no-verify", "--out", out.getPath()));
        if (checkpoint != null) {
            a.add("--checkpoint");
            a.add(checkpoint.getPath());
        }
        return a;
    }

    @Test
    void resumingAfterSigkillEndsBitIdenticalToAnUninterruptedRun() throws Exception {
        File straight = new File(dir, "straight.onnx");
        assertEquals(0, Cli.run(trainArgs(straight, null).toArray(new String[0])).exit);

        File resumed = new File(dir, "resumed.onnx");
        File checkpoint = new File(dir, "run.ckpt");
        List<String> command = new ArrayList<>(Arrays.asList(
                new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-cp", System.getProperty("java.class.path"), Edgetrain.class.getName()));
        command.addAll(trainArgs(resumed, checkpoint));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File(dir, "child.log")).start();
        int killedAfter = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (checkpoint.isFile()) {
                try {
                    int done = Checkpoint.read(checkpoint).epochsDone();
                    if (done >= 3) {
                        process.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
                        process.waitFor();
                        killedAfter = done;
                        break;
                    }
                } catch (CheckpointException e) {
                    throw new AssertionError("a checkpoint on disk must always be complete: " + e.getMessage(), e);
                }
            }
            Thread.sleep(5);
        }
        assertTrue(killedAfter >= 3 && killedAfter < EPOCHS, "killed mid-run, after epoch " + killedAfter + "; log: "
                + Files.readString(new File(dir, "child.log").toPath()));
        assertFalse(resumed.exists(), "the killed run never wrote its model");
        int saved = Checkpoint.read(checkpoint).epochsDone();
        assertTrue(saved >= killedAfter, "the checkpoint holds epoch " + saved);

        List<String> resume = trainArgs(resumed, checkpoint);
        resume.add("--resume");
        Cli.Result r = Cli.run(resume.toArray(new String[0]));
        assertEquals(0, r.exit, r.toString());
        System.out.println("killed after epoch " + killedAfter + " (checkpoint at " + saved + "), resumed to "
                + EPOCHS + ": " + resumed.length() + " bytes");
        assertArrayEquals(Files.readAllBytes(straight.toPath()), Files.readAllBytes(resumed.toPath()),
                "the resumed model equals the uninterrupted one byte for byte");
    }

    @Test
    void resumingWithOtherSettingsIsRefused() throws Exception {
        File out = new File(dir, "a.onnx");
        File checkpoint = new File(dir, "a.ckpt");
        assertEquals(0, Cli.run("train", "--data", "iris", "--epochs", "2", "--quiet", "--out", out.getPath(),
                "--checkpoint", checkpoint.getPath()).exit);
        byte[] before = Files.readAllBytes(checkpoint.toPath());
        Cli.Result otherData = Cli.run("train", "--data", "wine", "--epochs", "4", "--out", out.getPath(),
                "--checkpoint", checkpoint.getPath(), "--resume");
        assertEquals(Edgetrain.EXIT_USER_ERROR, otherData.exit);
        assertTrue(otherData.err.contains("it was made with other data"), otherData.err);
        Cli.Result otherLr = Cli.run("train", "--data", "iris", "--epochs", "4", "--lr", "0.1", "--out",
                out.getPath(), "--checkpoint", checkpoint.getPath(), "--resume");
        assertEquals(Edgetrain.EXIT_USER_ERROR, otherLr.exit);
        assertTrue(otherLr.err.contains("trained with optimizer adam(lr=0.001"), otherLr.err);
        assertArrayEquals(before, Files.readAllBytes(checkpoint.toPath()), "the checkpoint is untouched");
    }
}
