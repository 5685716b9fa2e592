package dev.edgetrain.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.metrics.ClassificationMetrics;
import java.io.File;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
    private static ShippedData digits;
    private static Model digitsModel;

    @TempDir
    Path dir;

    @BeforeAll
    static void fitDigits() {
        digits = ShippedData.load("digits");
        digitsModel = Model.fit(digits.trainX, digits.trainLabels, digits.classNames, ModelSettings.defaults());
    }

    @Test
    void fitWithDefaultsReachesHighTestAccuracyOnDigits() {
        ModelEvaluation test = digitsModel.evaluate(digits.testX, digits.testLabels);
        System.out.println("digits, default settings, " + digits.trainX.length + " train / " + digits.testX.length
                + " test rows: " + test);
        assertTrue(test.accuracy() > 0.95, "test accuracy " + test.accuracy());
        assertEquals(Task.CLASSIFY, digitsModel.task());
        assertNotNull(digitsModel.standardizer(), "standardised by default");
        assertArrayEquals(digits.classNames, digitsModel.outputNames());
    }

    @Test
    void fitOnIrisKeepsItsClassNamesAndClassifiesTheTestRows() {
        ShippedData iris = ShippedData.load("iris");
        // 120 rows: 30 epochs of the defaults are 120 steps, too few; models/README.md's iris settings.
        Model model = Model.fit(iris.trainX, iris.trainLabels, iris.classNames,
                ModelSettings.defaults().withHidden(16).withEpochs(100).withBatchSize(16).withLearningRate(0.01f));
        ModelEvaluation test = model.evaluate(iris.testX, iris.testLabels);
        System.out.println("iris: " + test);
        assertTrue(test.accuracy() >= 0.95, "test accuracy " + test.accuracy());
        assertArrayEquals(new String[] {"setosa", "versicolor", "virginica"}, test.outputNames());
    }

    @Test
    void theSameDataAndSettingsGiveTheSameModel() {
        Model again = Model.fit(digits.trainX, digits.trainLabels, digits.classNames, ModelSettings.defaults());
        assertArrayEquals(digitsModel.network().copyParameters(), again.network().copyParameters());
    }

    @Test
    void confusionMatrixRowsSumToEachClassesRowsAndItsDiagonalToTheCorrectOnes() {
        ModelEvaluation test = digitsModel.evaluate(digits.testX, digits.testLabels);
        int[][] confusion = test.confusion();
        int[] predicted = digitsModel.predictClasses(digits.testX);
        int total = 0;
        int diagonal = 0;
        for (int a = 0; a < 10; a++) {
            int expectedRows = 0;
            for (int label : digits.testLabels) {
                expectedRows += label == a ? 1 : 0;
            }
            assertEquals(expectedRows, Arrays.stream(confusion[a]).sum(), "row of class " + a);
            for (int p = 0; p < 10; p++) {
                int count = 0;
                for (int r = 0; r < predicted.length; r++) {
                    count += digits.testLabels[r] == a && predicted[r] == p ? 1 : 0;
                }
                assertEquals(count, confusion[a][p], "confusion[" + a + "][" + p + "]");
                total += confusion[a][p];
            }
            diagonal += confusion[a][a];
            ClassificationMetrics m = test.classification();
            int column = 0;
            for (int[] row : confusion) {
                column += row[a];
            }
            assertEquals((double) confusion[a][a] / column, m.precision(a), 1e-12, "precision of " + a);
            assertEquals((double) confusion[a][a] / expectedRows, m.recall(a), 1e-12, "recall of " + a);
        }
        assertEquals(digits.testX.length, total);
        assertEquals((double) diagonal / total, test.accuracy(), 1e-12);
    }

    @Test
    void saveThenLoadPredictsTheSameProbabilitiesAndOnnxRuntimeAgrees() throws IOException, OrtException {
        File file = dir.resolve("digits.onnx").toFile();
        digitsModel.save(file);
        Model loaded = Model.load(file);
        assertArrayEquals(digits.classNames, loaded.outputNames());
        assertArrayEquals(digitsModel.standardizer().mean(), loaded.standardizer().mean());
        assertArrayEquals(digitsModel.standardizer().std(), loaded.standardizer().std());
        float[][] before = digitsModel.predict(digits.testX);
        float[][] after = loaded.predict(digits.testX);
        float[][] ort = onnxRuntime(digitsModel.toOnnx(), digits.testX);
        double reload = maxAbsDiff(before, after);
        double referee = maxAbsDiff(before, ort);
        System.out.printf("digits save/load: max |difference| %.3g; onnxruntime on raw rows: %.3g%n", reload,
                referee);
        assertTrue(reload <= 1e-6, "reloaded model differs by " + reload);
        assertTrue(referee <= 1e-5, "onnxruntime differs by " + referee);
        assertArrayEquals(digitsModel.predictClasses(digits.testX), loaded.predictClasses(digits.testX));
    }

    @Test
    void fineTuneChangesTheWeightsOfACopyAndKeepsTheScaling() {
        float[] original = digitsModel.network().copyParameters();
        float[][] before = digitsModel.predict(digits.testX);
        Model tuned = digitsModel.fineTune(digits.testX, digits.testLabels,
                digitsModel.settings().withEpochs(3));
        assertFalse(Arrays.equals(original, tuned.network().copyParameters()), "fine-tuning changed nothing");
        assertArrayEquals(digitsModel.standardizer().mean(), tuned.standardizer().mean());
        assertArrayEquals(digitsModel.standardizer().std(), tuned.standardizer().std());
        assertArrayEquals(original, digitsModel.network().copyParameters(), "the original model changed");
        assertArrayEquals(flatten(before), flatten(digitsModel.predict(digits.testX)));
        assertTrue(tuned.evaluate(digits.testX, digits.testLabels).accuracy() >= 0.98,
                "fine-tuned on its test rows");
    }

    @Test
    void fineTuneOfAModelWithoutScalingFitsOneAndStartsFromTheSameFunction() {
        ShippedData iris = ShippedData.load("iris");
        Model raw = Model.fit(iris.trainX, iris.trainLabels, iris.classNames,
                ModelSettings.defaults().withStandardize(false));
        assertNull(raw.standardizer());
        Model rescaled = raw.fineTune(iris.testX, iris.testLabels,
                raw.settings().withStandardize(true).withEpochs(0));
        assertNotNull(rescaled.standardizer(), "fine-tuning fits a standardiser");
        double diff = maxAbsDiff(raw.predict(iris.testX), rescaled.predict(iris.testX));
        assertTrue(diff <= 1e-5, "re-expressed on standardised inputs, the model differs by " + diff);
    }

    @Test
    void binaryModelOnBreastCancerReportsRocAucAndSurvivesSaveAndLoad() throws IOException {
        ShippedData data = ShippedData.load("breast_cancer");
        Model model = Model.fit(data.trainX, data.trainLabels, data.classNames,
                ModelSettings.defaults().withTask(Task.BINARY));
        ModelEvaluation test = model.evaluate(data.testX, data.testLabels);
        System.out.println("breast cancer: " + test);
        assertEquals(1, model.predict(data.testX)[0].length);
        assertTrue(test.accuracy() > 0.93, "accuracy " + test.accuracy());
        assertTrue(test.binary().rocAuc() > 0.97, "ROC-AUC " + test.binary().rocAuc());
        assertEquals(test.binary().truePositives(), test.confusion()[1][1]);
        File file = dir.resolve("binary.onnx").toFile();
        model.save(file);
        Model loaded = Model.load(file);
        assertEquals(Task.BINARY, loaded.task());
        assertArrayEquals(data.classNames, loaded.outputNames());
        assertArrayEquals(model.predictClasses(data.testX), loaded.predictClasses(data.testX));
    }

    @Test
    void regressionOnALinearFunctionFitsItAndRoundTrips() throws IOException {
        Random random = new Random(5);
        float[][] x = new float[400][3];
        float[][] y = new float[400][1];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < 3; j++) {
                x[r][j] = (float) (random.nextGaussian() * 10 + 50);
            }
            y[r][0] = 0.3f * x[r][0] - 0.2f * x[r][1] + 0.1f * x[r][2];
        }
        Model model = Model.fitTargets(x, y, new String[] {"y"}, ModelSettings.defaults().withEpochs(60));
        ModelEvaluation fit = model.evaluate(x, y);
        System.out.println("linear regression: " + fit);
        assertEquals(Task.REGRESS, model.task());
        assertTrue(fit.regression().r2() > 0.95, "R² " + fit.regression().r2());
        File file = dir.resolve("regress.onnx").toFile();
        model.save(file);
        assertTrue(maxAbsDiff(model.predict(x), Model.load(file).predict(x)) <= 1e-4, "values of about 10");
    }

    @Test
    void multilabelModelReportsPerLabelFigures() {
        ShippedData iris = ShippedData.load("iris");
        // Two labels per flower: "not setosa", "virginica".
        Function<int[], float[][]> targets = labels -> {
            float[][] t = new float[labels.length][2];
            for (int r = 0; r < labels.length; r++) {
                t[r][0] = labels[r] != 0 ? 1 : 0;
                t[r][1] = labels[r] == 2 ? 1 : 0;
            }
            return t;
        };
        Model model = Model.fitTargets(iris.trainX, targets.apply(iris.trainLabels),
                new String[] {"not_setosa", "virginica"}, ModelSettings.defaults().withTask(Task.MULTILABEL));
        ModelEvaluation test = model.evaluate(iris.testX, targets.apply(iris.testLabels));
        System.out.println("iris multilabel: " + test);
        assertEquals(2, test.multilabel().labels());
        assertTrue(test.multilabel().microF1() > 0.9, "micro-F1 " + test.multilabel().microF1());
        assertEquals(1 - test.multilabel().hammingLoss(), test.accuracy(), 1e-12);
    }

    @Test
    void aLambdaListenerHearsEveryEpochCountedFromZero() {
        ShippedData iris = ShippedData.load("iris");
        List<Integer> epochs = new ArrayList<>();
        Model.fit(iris.trainX, iris.trainLabels, null,
                ModelSettings.defaults().withEpochs(4).withListener((epoch, loss, accuracy) -> epochs.add(epoch)));
        assertEquals(List.of(0, 1, 2, 3), epochs);
    }

    @Test
    void raggedRowsAreRefusedNamingTheRow() {
        float[][] x = copy(digits.testX);
        x[3] = Arrays.copyOf(x[3], 63);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> Model.fit(x, digits.testLabels));
        assertEquals("x row 3 has 63 values; expected 64 (as row 0)", e.getMessage());
        assertEquals(3, e.row());
        InvalidDataException p = assertThrows(InvalidDataException.class, () -> digitsModel.predict(x));
        assertEquals("x row 3 has 63 values; expected 64 (the model's features)", p.getMessage());
    }

    @Test
    void nonFiniteValuesAreRefusedNamingRowAndColumn() {
        float[][] x = copy(digits.testX);
        x[2][5] = Float.NaN;
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> digitsModel.evaluate(x, digits.testLabels));
        assertEquals("x row 2, column 5 is NaN; expected a finite number", e.getMessage());
        assertEquals(2, e.row());
        assertEquals(5, e.column());
    }

    @Test
    void labelsThatDoNotMatchTheRowsOrClassesAreRefused() {
        int[] short1 = Arrays.copyOf(digits.testLabels, digits.testLabels.length - 1);
        InvalidDataException count = assertThrows(InvalidDataException.class,
                () -> digitsModel.evaluate(digits.testX, short1));
        assertEquals(short1.length + " labels for " + digits.testX.length + " rows; expected one label per row",
                count.getMessage());
        int[] unknown = digits.testLabels.clone();
        unknown[7] = 10;
        InvalidDataException range = assertThrows(InvalidDataException.class,
                () -> digitsModel.fineTune(digits.testX, unknown));
        assertEquals("label of row 7 is 10; expected a class in [0, 10)", range.getMessage());
        assertEquals(7, range.row());
    }

    @Test
    void badDataInFineTuneLeavesTheModelAsItWas() {
        float[] parameters = digitsModel.network().copyParameters();
        float[][] before = digitsModel.predict(digits.testX);
        float[][] x = copy(digits.testX);
        x[x.length - 1][63] = Float.POSITIVE_INFINITY;
        assertThrows(InvalidDataException.class, () -> digitsModel.fineTune(x, digits.testLabels));
        assertArrayEquals(parameters, digitsModel.network().copyParameters());
        assertArrayEquals(flatten(before), flatten(digitsModel.predict(digits.testX)));
    }

    private static float[][] onnxRuntime(byte[] model, float[][] x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {x.length, x[0].length};
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(ShippedData.flatten(x)), shape);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int r = 0; r < a.length; r++) {
            assertEquals(a[r].length, b[r].length);
            for (int k = 0; k < a[r].length; k++) {
                max = Math.max(max, Math.abs((double) a[r][k] - b[r][k]));
            }
        }
        return max;
    }

    private static float[][] copy(float[][] x) {
        float[][] c = new float[x.length][];
        for (int r = 0; r < x.length; r++) {
            c[r] = x[r].clone();
        }
        return c;
    }

    private static float[] flatten(float[][] x) {
        return ShippedData.flatten(x);
    }
}
