package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on the data module: dialects (delimiter, TSV by extension, a BOM, CRLF, quotes), streamed
 * training (the same accuracy as in memory, the same bytes for the same seed, resumed bit for bit), validation
 * with early stopping, and running out of memory as one line.
 */
class DataLayerTest {
    @TempDir
    static File dir;
    /** 3,000 rows of 8 features in 3 well-separated classes. */
    static File blobs;

    @BeforeAll
    static void data() throws IOException {
        Random r = new Random(11);
        StringBuilder csv = new StringBuilder("f0,f1,f2,f3,f4,f5,f6,f7,kind\n");
        for (int i = 0; i < 3000; i++) {
            int c = i % 3;
            for (int j = 0; j < 8; j++) {
                csv.append(String.format(Locale.ROOT, "%.4f,", r.nextGaussian() + (j % 3 == c ? 2.5 : 0)));
            }
            csv.append("kind").append(c).append('\n');
        }
        blobs = write("blobs.csv", csv.toString());
    }

    private static File write(String name, String content) throws IOException {
        File f = new File(dir, name);
        Files.writeString(f.toPath(), content, StandardCharsets.UTF_8);
        return f;
    }

    private static JsonObject json(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit, r.toString());
        return JsonParser.parseString(r.out).getAsJsonObject();
    }

    @Test
    void streamedTrainingReachesTheInMemoryAccuracyAndIsDeterministicForASeed() throws IOException {
        File memory = new File(dir, "memory.onnx");
        File streamed = new File(dir, "streamed.onnx");
        File again = new File(dir, "streamed-again.onnx");
        JsonObject m = json("train", "--data", blobs.getPath(), "--epochs", "8", "--out", memory.getPath(), "--json");
        JsonObject s = json("train", "--data", blobs.getPath(), "--epochs", "8", "--stream", "--cache-dir",
                dir.getPath(), "--out", streamed.getPath(), "--json");
        json("train", "--data", blobs.getPath(), "--epochs", "8", "--stream", "--cache-dir", dir.getPath(), "--out",
                again.getPath(), "--json");
        assertFalse(m.get("streamed").getAsBoolean());
        assertTrue(s.get("streamed").getAsBoolean());
        double a = m.get("test_accuracy").getAsDouble();
        double b = s.get("test_accuracy").getAsDouble();
        System.out.printf("blobs, 8 epochs: in memory %.4f, streamed %.4f%n", a, b);
        assertTrue(a > 0.9 && Math.abs(a - b) <= 0.005, "in memory " + a + ", streamed " + b);
        assertTrue(s.get("onnxruntime_max_abs_difference").getAsDouble() <= 1e-5);
        assertArrayEquals(Files.readAllBytes(streamed.toPath()), Files.readAllBytes(again.toPath()),
                "the same seed streams the same batches: the same model, byte for byte");
        String[] left = dir.list((d, name) -> name.startsWith("edgetrain-rows-"));
        assertEquals(0, left.length, "no row cache is left behind: " + String.join(", ", left));
    }

    @Test
    void aStreamedRunResumedFromItsCheckpointEndsAsAnUninterruptedOne() throws IOException {
        File straight = new File(dir, "straight.onnx");
        File resumed = new File(dir, "resumed.onnx");
        File checkpoint = new File(dir, "streamed.ckpt");
        String[] common = {"--data", blobs.getPath(), "--stream", "--cache-dir", dir.getPath(), "--dropout", "0.1",
                "--quiet"};
        Cli.Result full = Cli.run(concat(new String[] {"train", "--epochs", "4", "--out", straight.getPath()}, common));
        assertEquals(0, full.exit, full.toString());
        Cli.Result first = Cli.run(concat(new String[] {"train", "--epochs", "2", "--out", resumed.getPath(),
                "--checkpoint", checkpoint.getPath()}, common));
        assertEquals(0, first.exit, first.toString());
        Cli.Result rest = Cli.run(concat(new String[] {"train", "--epochs", "4", "--out", resumed.getPath(),
                "--checkpoint", checkpoint.getPath(), "--resume"}, common));
        assertEquals(0, rest.exit, rest.toString());
        assertArrayEquals(Files.readAllBytes(straight.toPath()), Files.readAllBytes(resumed.toPath()));
    }

    @Test
    void earlyStoppingStopsOnTheValidationLossAndKeepsTheBestEpoch() throws IOException {
        File model = new File(dir, "stopped.onnx");
        // A learning rate far too high for this data: the validation loss stops improving within a few epochs.
        JsonObject doc = json("train", "--data", blobs.getPath(), "--epochs", "60", "--lr", "0.5", "--optimizer",
                "sgd", "--validation-fraction", "0.2", "--patience", "3", "--out", model.getPath(), "--json");
        int ran = doc.getAsJsonArray("epochs").size();
        int best = doc.get("best_epoch").getAsInt();
        System.out.printf("early stopping: ran %d of 60 epochs, best epoch %d%n", ran, best);
        assertTrue(ran < 60, "stopped early: " + ran + " epochs");
        assertEquals(ran - 3, best, "stops 3 epochs after the best");
        double bestLoss = doc.getAsJsonArray("epochs").get(best - 1).getAsJsonObject().get("validation_loss")
                .getAsDouble();
        for (int e = 0; e < ran; e++) {
            assertTrue(doc.getAsJsonArray("epochs").get(e).getAsJsonObject().get("validation_loss").getAsDouble()
                    >= bestLoss, "epoch " + (e + 1) + " is no better than the best");
        }
        Cli.Result inspect = Cli.run("inspect", "--model", model.getPath());
        assertTrue(inspect.out.contains("training.best_epoch = " + best)
                && inspect.out.contains("training.patience = 3"),
                inspect.out);
        // The model written is the best epoch's: the same run stopped there by hand predicts the same, bit for bit.
        File byHand = new File(dir, "stopped-by-hand.onnx");
        json("train", "--data", blobs.getPath(), "--epochs", String.valueOf(best), "--lr", "0.5", "--optimizer", "sgd",
                "--validation-fraction", "0.2", "--out", byHand.getPath(), "--json");
        Cli.Result early = Cli.run("predict", "--model", model.getPath(), "--data", blobs.getPath());
        Cli.Result hand = Cli.run("predict", "--model", byHand.getPath(), "--data", blobs.getPath());
        assertEquals(0, early.exit, early.toString());
        assertTrue(early.out.lines().count() > 3000, early.out);
        assertEquals(hand.out, early.out);
    }

    @Test
    void dialectsDelimitersBomCrlfAndQuotesAreRead() throws IOException {
        List<String> iris = Files.readAllLines(new File(Cli.REPO, "models/data/iris.csv").toPath());
        StringBuilder semicolons = new StringBuilder();
        StringBuilder tabs = new StringBuilder();
        StringBuilder bomCrlfQuoted = new StringBuilder("\uFEFF");
        for (int i = 0; i < iris.size(); i++) {
            String[] cells = iris.get(i).split(",");
            semicolons.append(String.join(";", cells)).append('\n');
            tabs.append(String.join("\t", cells)).append('\n');
            cells[cells.length - 1] = "\"" + cells[cells.length - 1] + "\"";
            bomCrlfQuoted.append(String.join(",", cells)).append("\r\n");
        }
        File semi = write("iris-semicolons.csv", semicolons.toString());
        File tsv = write("iris.tsv", tabs.toString());
        File bom = write("iris-bom.csv", bomCrlfQuoted.toString());
        File out = new File(dir, "dialect.onnx");
        Cli.Result wrong = Cli.run("train", "--data", semi.getPath(), "--epochs", "1", "--out", out.getPath());
        assertEquals(Edgetrain.EXIT_USER_ERROR, wrong.exit, wrong.toString());
        assertTrue(wrong.err.contains("only one column"), wrong.err);
        for (String[] args : new String[][] {{"--data", semi.getPath(), "--delimiter", ";"}, {"--data", tsv.getPath()},
                {"--data", bom.getPath()}}) {
            JsonObject doc = json(concat(new String[] {"train", "--epochs", "30", "--out", out.getPath(), "--json"},
                    args));
            assertTrue(doc.get("test_accuracy").getAsDouble() > 0.8, String.join(" ", args) + ": " + doc);
            Cli.Result inspect = Cli.run("inspect", "--model", out.getPath());
            assertTrue(inspect.out.contains("features sepal_length_cm, sepal_width_cm"), "no BOM in the first name: "
                    + inspect.out);
            assertTrue(inspect.out.contains("classes setosa, versicolor, virginica"), inspect.out);
        }
    }

    /**
     * In a JVM of its own with a 48 MB heap, a network too big for it: one line that says what was under way, how big
     * the heap is and what to do, exit code 4, no stack trace, no model written.
     */
    @Test
    void runningOutOfMemoryIsOneClearLine() throws Exception {
        File model = new File(dir, "huge.onnx");
        Process p = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), Edgetrain.class.getName(), "train", "--data", "iris",
                "--hidden", "3000,3000", "--out", model.getPath(), "--quiet").redirectErrorStream(false).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM ends");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(Edgetrain.EXIT_OUT_OF_MEMORY, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("edgetrain train: error: out of memory while building the network 4-3000-3000-3")
                && err.contains("heap holds at most") && err.contains("--stream") && err.contains("-Xmx"), err);
        assertFalse(model.exists());
    }

    /**
     * Progress (rows and MB/s) while reading and while streaming, on a terminal only: the same run under
     * {@code script}, which gives it a pseudo-terminal, and through pipes.
     */
    @Test
    void progressIsShownOnATerminalAndOnlyThere() throws Exception {
        Random r = new Random(5);
        StringBuilder csv = new StringBuilder();
        for (int j = 0; j < 20; j++) {
            csv.append('f').append(j).append(',');
        }
        csv.append("label\n");
        for (int i = 0; i < 60_000; i++) {
            for (int j = 0; j < 20; j++) {
                csv.append(String.format(Locale.ROOT, "%.5f,", r.nextGaussian()));
            }
            csv.append(i % 2).append('\n');
        }
        File big = write("progress.csv", csv.toString());
        assertTrue(big.length() > 9L << 20, "above the size that gets a reading bar: " + big.length());
        String command = String.join(" ", quoted(new File(System.getProperty("java.home"), "bin/java").getPath()),
                "-cp", quoted(System.getProperty("java.class.path")), Edgetrain.class.getName(), "train", "--data",
                quoted(big.getPath()), "--epochs", "1", "--stream", "--cache-dir", quoted(dir.getPath()), "--out",
                quoted(new File(dir, "progress.onnx").getPath()));
        Process terminal = new ProcessBuilder("script", "-qec", "stty cols 200; " + command, "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true).start();
        String shown = new String(terminal.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(terminal.waitFor(120, TimeUnit.SECONDS) && terminal.exitValue() == 0, shown);
        assertTrue(shown.matches("(?s).*reading +\\d+% .* MB .*60,000 rows, \\d+ MB/s.*"), "a reading bar: " + shown);
        assertTrue(shown.matches("(?s).*training +\\d+% .* rows .* rows/s .*MB/s from the row cache.*"),
                "a training bar: " + shown);

        Process piped = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String logged = new String(piped.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(piped.waitFor(120, TimeUnit.SECONDS) && piped.exitValue() == 0, logged);
        assertTrue(logged.contains("epoch   1/1"), logged);
        assertFalse(logged.contains("\r") || logged.contains("MB/s") || logged.contains("rows/s"),
                "no bar without a terminal: " + logged);
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = new String[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
