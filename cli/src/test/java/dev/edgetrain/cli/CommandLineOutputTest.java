package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.edgetrain.cli.support.Numbers;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.TensorProto;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the commands print on success: help, results under --quiet, losses, predictions as JSON, and nothing else. */
class CommandLineOutputTest {
    @TempDir
    static File dir;
    static File iris;

    @BeforeAll
    static void aModel() {
        iris = new File(dir, "iris.onnx");
        Cli.Result r = Cli.run("train", "--data", "iris", "--epochs", "3", "--quiet", "--out", iris.getPath());
        assertEquals(0, r.exit, r.toString());
    }

    private static File csv(String name, String content) throws IOException {
        File f = new File(dir, name);
        Files.writeString(f.toPath(), content, StandardCharsets.UTF_8);
        return f;
    }

    /**
     * Every command's summary in the top-level help is its first description line, which picocli shows alone: it
     * must be a whole sentence, shown whole. The fleet commands (another jar) and the exit codes are in the footer.
     */
    @Test
    void topLevelHelpShowsWholeSummariesTheFleetAndTheExitCodes() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.exit, r.toString());
        String help = r.out.replaceAll("\\s+", " ");
        for (Map.Entry<String, CommandLine> sub : Edgetrain.commandLine().getSubcommands().entrySet()) {
            if (sub.getValue().getCommand() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own
            }
            String[] description = sub.getValue().getCommandSpec().usageMessage().description();
            String summary = description.length == 0 ? "" : description[0];
            assertTrue(summary.endsWith("."), sub.getKey() + "'s summary is cut mid-sentence: '" + summary + "'");
            assertTrue(help.contains(summary), sub.getKey() + ": '" + summary + "' in " + r.out);
        }
        assertTrue(help.contains("fleet Federated averaging") && help.contains("./edgetrain fleet --help"), r.out);
        assertTrue(help.contains("Exit codes: 0 ok, 1 verification failed") && help.contains("3 training diverged")
                && help.contains("4 out of memory"), r.out);

        Cli.Result fleet = Cli.run("fleet", "sgd");
        assertEquals(Edgetrain.EXIT_USER_ERROR, fleet.exit, fleet.toString());
        assertEquals(1, fleet.err.strip().lines().count(), fleet.toString());
        assertTrue(fleet.err.contains("fleet/target/edgetrain-fleet.jar"), fleet.err);
    }

    /** --quiet drops the settings and the epochs, not the result: what was written and the onnxruntime check. */
    @Test
    void quietKeepsTheResultLinesAndDropsTheProgress() {
        File out = new File(dir, "quiet.onnx");
        Cli.Result r = Cli.run("train", "--data", "iris", "--epochs", "2", "--quiet", "--out", out.getPath());
        assertEquals(0, r.exit, r.toString());
        List<String> lines = r.out.lines().collect(Collectors.toList());
        assertEquals(2, lines.size(), r.out);
        assertTrue(lines.get(0).startsWith("wrote " + out.getPath()) && lines.get(0).contains("test accuracy"), r.out);
        assertTrue(lines.get(1).startsWith("onnxruntime ") && lines.get(1).endsWith("OK"), r.out);
        assertEquals("", r.err);

        Cli.Result evaluate = Cli.run("evaluate", "--model", iris.getPath(), "--data", "iris", "--quiet");
        assertEquals(1, evaluate.out.lines().count(), evaluate.out);
        assertTrue(evaluate.out.contains("on iris (150 rows): accuracy"), evaluate.out);
        Cli.Result verify = Cli.run("verify", "--model", iris.getPath(), "--quiet");
        assertTrue(verify.out.strip().endsWith("OK") && verify.out.lines().count() == 1, verify.out);
        Cli.Result inspect = Cli.run("inspect", "--model", iris.getPath(), "--quiet");
        assertTrue(inspect.out.startsWith(iris.getPath() + ": ") && inspect.out.lines().count() == 1, inspect.out);
        Cli.Result json = Cli.run("train", "--data", "iris", "--epochs", "2", "--json", "--out", out.getPath());
        assertTrue(JsonParser.parseString(json.out).isJsonObject(), "--json prints the document only: " + json.out);
    }

    /** A loss of 1e37 (after a recovered divergence) prints as 1.085e+37, not 38 digits; small ones keep 4 decimals. */
    @Test
    void lossesPrintCompactlyWhateverTheirSize() {
        assertEquals("1.085e+37", Numbers.compact(1.0849770781329406e37));
        assertEquals("0.4601", Numbers.compact(0.46014));
        assertEquals("279.9970", Numbers.compact(279.997));
        assertEquals("2.500e-05", Numbers.compact(2.5e-5));
        assertEquals("0.0000", Numbers.compact(0));
        assertEquals("NaN", Numbers.compact(Double.NaN));

        Cli.Result r = Cli.run("train", "--data", "iris", "--optimizer", "sgd", "--lr", "1e3", "--epochs", "10",
                "--on-divergence", "lower-lr", "--max-recoveries", "60", "--out", new File(dir, "big.onnx").getPath());
        assertEquals(0, r.exit, r.toString());
        Matcher loss = Pattern.compile("(?m)^epoch .*?  loss (\\S+)").matcher(r.out);
        int seen = 0;
        boolean scientific = false;
        while (loss.find()) {
            String figure = loss.group(1);
            assertTrue(figure.matches("-?\\d{1,5}\\.\\d{4}|-?\\d\\.\\d{3}e[+-]\\d{2,3}"), figure + " in " + r.out);
            scientific |= figure.contains("e+");
            seen++;
        }
        assertEquals(10, seen, r.out);
        assertTrue(scientific, "this run's early losses are huge: " + r.out);
    }

    /** predict --json without --out: one JSON document on stdout with every row's prediction and outputs. */
    @Test
    void predictJsonWithoutOutPrintsThePredictionsAsOneDocument() {
        Cli.Result r = Cli.run("predict", "--model", iris.getPath(), "--data", "iris", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonObject doc = JsonParser.parseString(r.out).getAsJsonObject();
        assertEquals(150, doc.get("rows").getAsInt());
        JsonArray predictions = doc.getAsJsonArray("predictions");
        assertEquals(150, predictions.size());
        JsonObject first = predictions.get(0).getAsJsonObject();
        assertEquals(1, first.get("row").getAsInt());
        double sum = first.get("probabilities_setosa").getAsDouble() + first.get("probabilities_versicolor")
                .getAsDouble() + first.get("probabilities_virginica").getAsDouble();
        assertEquals(1.0, sum, 1e-5);
        assertTrue(List.of("setosa", "versicolor", "virginica").contains(first.get("predicted").getAsString()));

        // The same figures as the CSV, to the float.
        String csvFirst = Cli.run("predict", "--model", iris.getPath(), "--data", "iris").out.lines().skip(1)
                .findFirst().orElseThrow();
        assertEquals(csvFirst, "1," + first.get("predicted").getAsString() + ","
                + first.get("probabilities_setosa").getAsString() + ","
                + first.get("probabilities_versicolor").getAsString() + ","
                + first.get("probabilities_virginica").getAsString());
    }

    /** predict's help says a label column is ignored: a class the model never saw there is no error. */
    @Test
    void predictIgnoresTheLabelColumnEvenWithAClassTheModelNeverSaw() throws IOException {
        File flowers = csv("flowers.csv", "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n6.0,3.0,4.0,1.0,rose\n6.1,2.8,4.7,1.2,\n");
        Cli.Result r = Cli.run("predict", "--model", iris.getPath(), "--data", flowers.getPath());
        assertEquals(0, r.exit, r.toString());
        assertEquals(4, r.out.lines().count(), "header and three rows: " + r.out);
        Cli.Result unlabelled = Cli.run("predict", "--model", iris.getPath(), "--data", csv("bare.csv",
                "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n5.1,3.5,1.4,0.2\n6.0,3.0,4.0,1.0\n"
                        + "6.1,2.8,4.7,1.2\n").getPath());
        assertEquals(unlabelled.out, r.out, "the same predictions as without the label column");
    }

    /** finetune takes --checkpoint and --resume as train does: a resumed run ends with the same bytes. */
    @Test
    void finetuneResumedFromItsCheckpointEndsAsAnUninterruptedRun() throws IOException {
        File straight = new File(dir, "straight.onnx");
        File resumed = new File(dir, "resumed.onnx");
        File checkpoint = new File(dir, "finetune.ckpt");
        String[] common = {"finetune", "--model", iris.getPath(), "--data", "iris", "--quiet"};
        assertEquals(0, Cli.run(concat(common, "--epochs", "4", "--out", straight.getPath())).exit);
        assertEquals(0, Cli.run(concat(common, "--epochs", "2", "--out", resumed.getPath(), "--checkpoint",
                checkpoint.getPath())).exit);
        assertTrue(checkpoint.isFile());
        Cli.Result rest = Cli.run(concat(common, "--epochs", "4", "--out", resumed.getPath(), "--checkpoint",
                checkpoint.getPath(), "--resume"));
        assertEquals(0, rest.exit, rest.toString());
        assertArrayEquals(Files.readAllBytes(straight.toPath()), Files.readAllBytes(resumed.toPath()));

        Cli.Result otherData = Cli.run("finetune", "--model", iris.getPath(), "--data", csv("few.csv",
                "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n5.1,3.5,1.4,0.2,setosa\n"
                        + "6.0,3.0,4.0,1.0,versicolor\n6.3,3.3,6.0,2.5,virginica\n5.0,3.6,1.4,0.2,setosa\n"
                        + "5.7,2.8,4.5,1.3,versicolor\n").getPath(), "--test-fraction", "0", "--out",
                resumed.getPath(), "--checkpoint", checkpoint.getPath(), "--resume");
        assertEquals(Edgetrain.EXIT_USER_ERROR, otherData.exit, otherData.toString());
        assertTrue(otherData.err.contains("cannot resume from") && otherData.err.contains("other data"),
                otherData.err);
    }

    /**
     * onnxruntime's warnings (here: an initializer no node uses) are native, coloured lines on stderr; verify's output
     * stays its one line. Native output cannot be captured in-process: the command runs in a JVM of its own.
     */
    @Test
    void onnxRuntimesWarningsStayOutOfVerify() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(iris.toPath()));
        TensorProto unused = TensorProto.newBuilder().setName("unused").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1).addFloatData(1f).build();
        File withUnused = new File(dir, "unused-initializer.onnx");
        Files.write(withUnused.toPath(), model.toBuilder().setGraph(model.getGraph().toBuilder().addInitializer(unused))
                .build().toByteArray());
        Process p = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(), "-cp",
                System.getProperty("java.class.path"), Edgetrain.class.getName(), "verify", "--model",
                withUnused.getPath()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM ends");
        assertEquals(0, p.exitValue(), out + err);
        assertEquals("", err, "nothing on stderr");
        assertEquals(1, out.lines().count(), out);
        assertFalse(out.contains("\u001b["), "no terminal colours: " + out);
    }

    private static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
