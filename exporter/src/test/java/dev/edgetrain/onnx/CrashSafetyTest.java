package dev.edgetrain.onnx;

import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.checkpoint.CheckpointException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code kill -9} at random moments while a separate JVM ({@link CheckpointAndModelWriter}) rewrites a
 * checkpoint and an ONNX model in a loop: after every kill both files load ({@link Checkpoint#read},
 * {@link OnnxImporter#read(File)}), and each holds, byte for byte, a version that was written in full: the last
 * one the writer reported, the one it was finishing, or (if it was killed before finishing any) the one from
 * the round before. A control run with a writer that overwrites in place shows the check catches torn files.
 */
class CrashSafetyTest {
    private static final int KILLS = 100;
    private static final int CONTROL_KILLS = 6;
    private static final int MIN_DELAY_MS = 50;
    private static final int MAX_DELAY_MS = 400;

    /**
     * Under the build directory rather than {@code java.io.tmpdir}, which may be a tmpfs: the writes should go
     * through a real file system's fsync and rename, as on a device.
     */
    private Path dir;

    @BeforeEach
    void createDirectory() throws IOException {
        Path target = Path.of("target");
        Path parent = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(parent, "crash-safety-").toAbsolutePath();
    }

    @AfterEach
    void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What one killed run left on disk. */
    private record Outcome(long checkpointVersion, long modelVersion, boolean torn, String detail, int tempFiles) {
    }

    @Test
    void killedWritersNeverLeaveAPartialCheckpointOrModel() throws Exception {
        Random random = new Random(20260101);
        long previousCheckpoint = -1;
        long previousModel = -1;
        int killedMidWrite = 0;
        int checkpointsChanged = 0;
        int modelsChanged = 0;
        long started = System.nanoTime();
        for (int round = 0; round < KILLS; round++) {
            Outcome o = killOnce("atomic", round, random, previousCheckpoint, previousModel);
            if (o.torn) {
                fail("kill " + (round + 1) + " of " + KILLS + " left a damaged file: " + o.detail);
            }
            killedMidWrite += o.tempFiles > 0 ? 1 : 0;
            checkpointsChanged += o.checkpointVersion != previousCheckpoint ? 1 : 0;
            modelsChanged += o.modelVersion != previousModel ? 1 : 0;
            previousCheckpoint = o.checkpointVersion;
            previousModel = o.modelVersion;
        }
        System.out.printf("[crash] %d kills in %.1f s: every file intact and a fully written version;"
                        + " %d kills landed inside a write (a temporary file was left behind);"
                        + " the checkpoint moved on in %d rounds, the model in %d%n", KILLS,
                (System.nanoTime() - started) / 1e9, killedMidWrite, checkpointsChanged, modelsChanged);
        // The kills must have hit writes in progress, or the test proves little. How many do depends on how
        // long fsync takes here (20 to 32 of 100 on the development machine).
        assertTrue(killedMidWrite >= KILLS / 20, "only " + killedMidWrite + " of " + KILLS + " kills hit a write");
        assertTrue(checkpointsChanged >= KILLS / 4 && modelsChanged >= KILLS / 4,
                "the writer made progress between kills: " + checkpointsChanged + ", " + modelsChanged);
    }

    /** The same kills against a writer that overwrites in place: the check must see torn files. */
    @Test
    void theCheckDetectsTornFilesFromAnInPlaceWriter() throws Exception {
        Random random = new Random(7);
        long previousCheckpoint = -1;
        long previousModel = -1;
        int torn = 0;
        List<String> details = new ArrayList<>();
        for (int round = 0; round < CONTROL_KILLS; round++) {
            Outcome o = killOnce("in-place", round, random, previousCheckpoint, previousModel);
            if (o.torn) {
                torn++;
                details.add(o.detail);
                // Start the next round from clean files, so each round is judged on its own.
                Files.deleteIfExists(dir.resolve(CheckpointAndModelWriter.CHECKPOINT_FILE));
                Files.deleteIfExists(dir.resolve(CheckpointAndModelWriter.MODEL_FILE));
                previousCheckpoint = -1;
                previousModel = -1;
            } else {
                previousCheckpoint = o.checkpointVersion;
                previousModel = o.modelVersion;
            }
        }
        System.out.printf("[crash] control, in-place writer: %d of %d kills left a torn file, e.g. %s%n", torn,
                CONTROL_KILLS, details.isEmpty() ? "-" : details.get(0));
        assertTrue(torn > 0, "killing an in-place writer " + CONTROL_KILLS + " times never left a torn file");
    }

    private Outcome killOnce(String mode, int round, Random random, long previousCheckpoint, long previousModel)
            throws IOException, InterruptedException {
        long first = (round + 1) * 1_000_000L;
        File ckpt = dir.resolve(CheckpointAndModelWriter.CHECKPOINT_FILE).toFile();
        File model = dir.resolve(CheckpointAndModelWriter.MODEL_FILE).toFile();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The writer's stdout goes to a file, not a pipe: after a kill, every line it printed is in the file.
        // (Read from a pipe, the last lines were sometimes lost: reading races with the JVM's clean-up of the
        // killed child's streams.)
        Path out = dir.resolve("writer.out");
        Path err = dir.resolve("writer.err");
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CheckpointAndModelWriter.class.getName(),
                dir.toString(), Long.toString(first), mode)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readAllLines(out).contains("started")) {
                if (!child.isAlive()) {
                    fail("the writer exited with " + child.exitValue() + " before it started: "
                            + Files.readString(err));
                }
                if (System.nanoTime() > deadline) {
                    fail("the writer JVM did not start within 60 s: " + Files.readString(err));
                }
                Thread.sleep(2);
            }
            Thread.sleep(MIN_DELAY_MS + random.nextInt(MAX_DELAY_MS - MIN_DELAY_MS + 1));
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            child.waitFor();
        }
        if (child.exitValue() != 137 && child.exitValue() != 9) {
            // 128 + SIGKILL; anything else means the writer died on its own before the kill.
            fail("the writer exited with " + child.exitValue() + " before it was killed: " + Files.readString(err));
        }
        long checkpointDone = -1;
        long modelDone = -1;
        for (String line : Files.readAllLines(out)) {
            // A kill cannot split one println's write, but ignore anything that is not a whole report.
            try {
                if (line.startsWith("checkpoint ")) {
                    checkpointDone = Long.parseLong(line.substring(11));
                } else if (line.startsWith("model ")) {
                    modelDone = Long.parseLong(line.substring(6));
                }
            } catch (NumberFormatException e) {
                // not a report
            }
        }

        StringBuilder damage = new StringBuilder();
        long ckptVersion = checkFile("checkpoint", ckpt, checkpointDone, first, previousCheckpoint, damage,
                f -> {
                    Checkpoint c = Checkpoint.read(f);
                    return Long.parseLong(c.metadata().get(CheckpointAndModelWriter.VERSION_KEY));
                }, v -> CheckpointAndModelWriter.checkpoint(v).toBytes());
        long modelVersion = checkFile("model", model, modelDone, first, previousModel, damage,
                f -> OnnxImporter.read(f).modelVersion(), CheckpointAndModelWriter::model);
        File[] temps = dir.toFile().listFiles((d, name) -> name.endsWith(".tmp"));
        for (File t : temps) {
            // A temporary file the kill left: the writer cannot clean it up; the test does, to count anew.
            Files.delete(t.toPath());
        }
        return new Outcome(ckptVersion, modelVersion, damage.length() > 0, damage.toString(), temps.length);
    }

    private interface VersionReader {
        long read(File f) throws IOException;
    }

    private interface Expected {
        byte[] bytes(long version);
    }

    /**
     * Loads {@code file} and checks it is, byte for byte, a version that was written in full: the last one
     * reported done or the next (done but not yet reported), or, when none was done in this round, the
     * previous round's version or this round's first. Appends what is wrong to {@code damage}; returns the
     * version found (-1 for no file).
     */
    private static long checkFile(String what, File file, long done, long first, long previous, StringBuilder damage,
                                  VersionReader reader, Expected expected) throws IOException {
        if (!file.exists()) {
            if (done >= 0 || previous >= 0) {
                damage.append(what).append(" file is missing after version ").append(Math.max(done, previous))
                        .append(" was written; ");
            }
            return -1;
        }
        long version;
        try {
            version = reader.read(file);
        } catch (CheckpointException | OnnxImportException | RuntimeException e) {
            damage.append(what).append(" file (").append(file.length()).append(" bytes) does not load: ")
                    .append(e.getMessage()).append("; ");
            return -1;
        }
        boolean expectedVersion = done >= 0 ? version == done || version == done + 1
                : version == previous || version == first;
        if (!expectedVersion) {
            damage.append(what).append(" file holds version ").append(version).append(", expected ")
                    .append(done >= 0 ? done + " or " + (done + 1) : previous + " or " + first).append("; ");
            return version;
        }
        if (!Arrays.equals(Files.readAllBytes(file.toPath()), expected.bytes(version))) {
            damage.append(what).append(" file loads as version ").append(version)
                    .append(" but differs from the bytes of that version; ");
        }
        return version;
    }

    @Test
    void versionsAreReproducibleSoTheByteComparisonMeansSomething() throws IOException {
        // The test compares files to regenerated versions: that only works if a version's bytes are a pure
        // function of the version, and if neighbouring versions differ.
        assertEquals(Arrays.toString(CheckpointAndModelWriter.model(5)),
                Arrays.toString(CheckpointAndModelWriter.model(5)));
        assertTrue(Arrays.equals(CheckpointAndModelWriter.checkpoint(5).toBytes(),
                CheckpointAndModelWriter.checkpoint(5).toBytes()));
        assertTrue(!Arrays.equals(CheckpointAndModelWriter.model(5), CheckpointAndModelWriter.model(6)));
        assertTrue(!Arrays.equals(CheckpointAndModelWriter.checkpoint(5).toBytes(),
                CheckpointAndModelWriter.checkpoint(6).toBytes()));
        assertEquals(5L, OnnxImporter.read(CheckpointAndModelWriter.model(5)).modelVersion());
    }
}
