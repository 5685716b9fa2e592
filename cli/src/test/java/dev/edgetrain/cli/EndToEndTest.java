package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.FileReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end on shipped data: train → evaluate → predict → verify → finetune → inspect. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
    @TempDir
    static File dir;

    private static File model() {
        return new File(dir, "digits.onnx");
    }

    private static JsonObject json(Cli.Result r) {
        assertEquals(0, r.exit, r.toString());
        return JsonParser.parseString(r.out).getAsJsonObject();
    }

    @Test
    @Order(1)
    void trainWithDefaultSettingsReaches95PercentOnDigitsAndMatchesOnnxRuntime() throws Exception {
        File plot = new File(dir, "curve.png");
        JsonObject doc = json(Cli.run("train", "--out", model().getPath(), "--plot", plot.getPath(), "--json"));
        double test = doc.get("test_accuracy").getAsDouble();
        double diff = doc.get("onnxruntime_max_abs_difference").getAsDouble();
        System.out.printf("digits, default settings: test accuracy %.4f, onnxruntime max |diff| %.3g over %d rows%n",
                test, diff, doc.get("verified_rows").getAsInt());
        assertTrue(test >= 0.95, "digits test accuracy " + test);
        assertTrue(diff <= 1e-5, "onnxruntime difference " + diff);
        assertEquals(359, doc.get("verified_rows").getAsInt());
        JsonArray epochs = doc.getAsJsonArray("epochs");
        assertEquals(30, epochs.size());
        assertTrue(epochs.get(29).getAsJsonObject().get("train_loss").getAsDouble()
                < epochs.get(0).getAsJsonObject().get("train_loss").getAsDouble() / 5, "loss falls");
        assertTrue(model().length() > 0);
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(plot);
        assertNotNull(png, "the plot is a readable PNG");
        assertEquals(900, png.getWidth());
        assertEquals(650, png.getHeight());
    }

    @Test
    @Order(2)
    void humanOutputHasOneSummaryLinePerEpoch() {
        Cli.Result r = Cli.run("train", "--data", "iris", "--epochs", "5", "--out",
                new File(dir, "iris.onnx").getPath());
        assertEquals(0, r.exit, r.toString());
        long epochLines = r.out.lines().filter(l -> l.startsWith("epoch ")).count();
        assertEquals(5, epochLines, r.out);
        assertTrue(r.out.contains("onnxruntime 1.29.0 on 30 test rows"), r.out);
        assertTrue(r.out.contains("OK"), r.out);
        assertEquals(0, Cli.run("train", "--data", "iris", "--epochs", "2", "--quiet", "--out",
                new File(dir, "iris2.onnx").getPath()).out.lines().filter(l -> l.startsWith("epoch ")).count(),
                "--quiet prints no epochs");
    }

    @Test
    @Order(3)
    void evaluateReportsAccuracyPrecisionRecallAndConfusion() {
        JsonObject doc = json(Cli.run("evaluate", "--model", model().getPath(), "--data", "digits", "--json"));
        assertEquals(1797, doc.get("rows").getAsInt());
        assertTrue(doc.get("accuracy").getAsDouble() > 0.97, doc.toString());
        JsonArray confusion = doc.getAsJsonArray("confusion");
        int total = 0;
        int diagonal = 0;
        for (int a = 0; a < 10; a++) {
            for (int p = 0; p < 10; p++) {
                int v = confusion.get(a).getAsJsonArray().get(p).getAsInt();
                total += v;
                diagonal += a == p ? v : 0;
            }
        }
        assertEquals(1797, total);
        assertEquals(doc.get("correct").getAsInt(), diagonal);
        assertEquals(10, doc.getAsJsonArray("classes").size());
        Cli.Result text = Cli.run("evaluate", "--model", model().getPath(), "--data", "digits");
        assertTrue(text.out.contains("precision  recall  support") && text.out.contains("confusion matrix"), text.out);
    }

    @Test
    @Order(4)
    void predictWritesEveryOutputAtFullPrecision() throws Exception {
        File preds = new File(dir, "preds.csv");
        Cli.Result r = Cli.run("predict", "--model", model().getPath(), "--data", "digits", "--out", preds.getPath());
        assertEquals(0, r.exit, r.toString());
        List<CSVRecord> rows;
        try (FileReader in = new FileReader(preds, StandardCharsets.UTF_8)) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
        assertEquals(1797, rows.size());
        CSVRecord first = rows.get(0);
        assertEquals("1", first.get("row"));
        double sum = 0;
        int best = 0;
        for (int k = 0; k < 10; k++) {
            double p = Double.parseDouble(first.get("probabilities_" + k));
            sum += p;
            if (p > Double.parseDouble(first.get("probabilities_" + best))) {
                best = k;
            }
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(String.valueOf(best), first.get("predicted"));
        // Without --out the same CSV goes to standard output.
        Cli.Result stdout = Cli.run("predict", "--model", model().getPath(), "--data", "digits");
        assertEquals(Files.readString(preds.toPath()).replace("\r\n", "\n"), stdout.out.replace("\r\n", "\n"));
    }

    @Test
    @Order(5)
    void verifyPassesOnDataAndOnRandomRows() {
        JsonObject onData = json(Cli.run("verify", "--model", model().getPath(), "--data", "digits", "--json"));
        assertTrue(onData.get("ok").getAsBoolean());
        assertEquals(1797, onData.get("rows").getAsInt());
        JsonObject random = json(Cli.run("verify", "--model", model().getPath(), "--rows", "50", "--json"));
        assertTrue(random.get("max_abs_difference").getAsDouble() <= 1e-5);
        assertEquals(50, random.get("rows").getAsInt());
    }

    @Test
    @Order(6)
    void verifyFailsWithExitCode1WhenTheToleranceIsNotMet() {
        Cli.Result r = Cli.run("verify", "--model", model().getPath(), "--tolerance", "0");
        assertEquals(Edgetrain.EXIT_CHECK_FAILED, r.exit, r.toString());
        assertTrue(r.out.contains("FAILED"), r.out);
    }

    @Test
    @Order(7)
    void finetuneTheOutputLayerOnlyKeepsTheHiddenLayerAndPassesVerify() throws Exception {
        File tuned = new File(dir, "tuned.onnx");
        JsonObject doc = json(Cli.run("finetune", "--model", model().getPath(), "--data", "digits", "--out",
                tuned.getPath(), "--train-only-last-layer", "--epochs", "3", "--json"));
        assertTrue(doc.get("onnxruntime_max_abs_difference").getAsDouble() <= 1e-5);
        assertTrue(doc.get("test_accuracy_after").getAsDouble() >= 0.95, doc.toString());
        dev.edgetrain.onnx.ImportedModel before = dev.edgetrain.onnx.OnnxImporter.read(model());
        dev.edgetrain.onnx.ImportedModel after = dev.edgetrain.onnx.OnnxImporter.read(tuned);
        float[] w0 = new float[64 * 64];
        float[] w1 = new float[64 * 64];
        before.network().copyWeight(0, w0, 0);
        after.network().copyWeight(0, w1, 0);
        assertArrayEquals(w0, w1, 1e-5f, "the frozen hidden layer survives standardise-unfold-fold");
        float[] v0 = new float[10 * 64];
        float[] v1 = new float[10 * 64];
        before.network().copyWeight(1, v0, 0);
        after.network().copyWeight(1, v1, 0);
        assertTrue(!java.util.Arrays.equals(v0, v1), "the output layer trained");
        assertArrayEquals(before.classLabels(), after.classLabels());
    }

    @Test
    @Order(8)
    void finetuneAllLayersOnAnotherDataSetsRowsRecordsItInTheMetadata() {
        File all = new File(dir, "all.onnx");
        Cli.Result r = Cli.run("finetune", "--model", model().getPath(), "--data", "digits", "--out", all.getPath(),
                "--epochs", "2", "--optimizer", "sgd", "--lr", "0.01");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("all layers") && r.out.contains("OK"), r.out);
        JsonObject meta = json(Cli.run("inspect", "--model", all.getPath(), "--json")).getAsJsonObject("metadata");
        assertEquals("all", meta.get("finetune.layers").getAsString());
        assertEquals("digits.onnx", meta.get("finetune.base_model").getAsString());
        assertEquals("digits", meta.get("training.data").getAsString(), "the base model's summary is kept");
    }

    @Test
    @Order(9)
    void inspectShowsShapesOpsetAndMetadata() {
        JsonObject doc = json(Cli.run("inspect", "--model", model().getPath(), "--json"));
        assertEquals("64-64-10", doc.get("network").getAsString());
        assertEquals("input", doc.get("input").getAsString());
        assertEquals("probabilities", doc.get("output").getAsString());
        assertTrue(doc.get("opset").getAsInt() >= 13);
        assertEquals("digits", doc.getAsJsonObject("metadata").get("training.data").getAsString());
        assertNotNull(doc.getAsJsonArray("class_labels"));
    }
}
