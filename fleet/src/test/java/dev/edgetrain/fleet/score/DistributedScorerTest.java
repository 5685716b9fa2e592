package dev.edgetrain.fleet.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.data.FleetDataException;
import dev.edgetrain.fleet.spark.SparkFailures;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed scoring gives, row for row, what the runtime computes on one machine. */
class DistributedScorerTest {
    @TempDir
    static File dir;
    static byte[] model;
    /** The model's class for every digits row, computed locally. */
    static int[] expected;
    static dev.edgetrain.runtime.train.Dataset digits;

    @BeforeAll
    static void aTrainedModel() throws Exception {
        digits = Digits.all();
        Standardizer st = Standardizer.fit(digits);
        Network network = new Network(NetworkSpec.of(64, 16, 10), 2);
        TrainingSession session = new TrainingSession(network, 32, OptimizerConfig.adam(0.01f));
        new Trainer(session, st.apply(digits), 32, 2).fit(2, null);
        model = OnnxExporter.toBytes(network, ExportOptions.builder().standardizer(st.mean(), st.std())
                .classLabels(digits.classNames()).featureNames(digits.featureNames()).build());
        ImportedModel m = OnnxImporter.read(model);
        Workspace ws = new Workspace(m.spec(), digits.rows());
        float[] out = new float[digits.rows() * 10];
        m.predict(ws, digits.features(), 0, digits.rows(), out, 0);
        expected = new int[digits.rows()];
        for (int r = 0; r < digits.rows(); r++) {
            expected[r] = SoftmaxCrossEntropy.argmax(out, 0, r, 10);
        }
    }

    private static long[][] expectedConfusion() {
        long[][] c = new long[10][10];
        for (int r = 0; r < digits.rows(); r++) {
            c[digits.labels()[r]][expected[r]]++;
        }
        return c;
    }

    private static void assertSameAsLocal(ScoreSummary s) {
        long[][] want = expectedConfusion();
        assertEquals(digits.rows(), s.rows());
        for (int a = 0; a < 10; a++) {
            for (int p = 0; p < 10; p++) {
                assertEquals(want[a][p], s.confusion(a, p), "confusion[" + a + "][" + p + "]");
            }
        }
        assertTrue(s.accuracy() > 0.8, "a trained model: " + s);
    }

    @Test
    void aCsvScoredOverThreePartitionsMatchesTheLocalRuntimeRowForRow() throws Exception {
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            Dataset<Row> table = DistributedScorer.read(spark, Digits.CSV.getPath(), "auto").repartition(3);
            Dataset<Row> predictions = scorer.predict(table, "digits.csv", null);
            assertSameAsLocal(scorer.summarize(predictions));

            File out = new File(dir, "predictions");
            predictions.write().option("header", "true").csv(out.getPath());
            Dataset<Row> back = spark.read().option("header", "true").csv(out.getPath());
            assertEquals(digits.rows(), back.count());
            assertEquals(0, back.filter(functions.col(DistributedScorer.ACTUAL).notEqual(functions.col("digit"))).count(),
                    "actual is the label");
            long correct = 0;
            for (int r = 0; r < digits.rows(); r++) {
                correct += expected[r] == digits.labels()[r] ? 1 : 0;
            }
            assertEquals(correct, back.filter(functions.col(DistributedScorer.ACTUAL)
                    .equalTo(functions.col(DistributedScorer.PREDICTED))).count());
        }
    }

    @Test
    void aParquetTableWithNumericColumnsScoresTheSame() throws Exception {
        SparkSession spark = LocalSpark.session();
        Dataset<Row> csv = DistributedScorer.read(spark, Digits.CSV.getPath(), "csv");
        Dataset<Row> typed = csv;
        for (String c : csv.columns()) {
            typed = typed.withColumn(c, functions.col(c).cast(c.equals("digit") ? "int" : "double"));
        }
        File parquet = new File(dir, "digits.parquet");
        typed.repartition(2).write().parquet(parquet.getPath());
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            Dataset<Row> table = DistributedScorer.read(spark, parquet.getPath(), "auto");
            assertSameAsLocal(scorer.summarize(scorer.predict(table, parquet.getPath(), "digit")));
        }
    }

    @Test
    void aBadCellStopsTheJobWithItsFileColumnAndValue() throws Exception {
        List<String> lines = Files.readAllLines(Digits.CSV.toPath(), StandardCharsets.UTF_8);
        String[] cells = lines.get(40).split(",", -1);
        cells[5] = "five";
        lines.set(40, String.join(",", cells));
        File bad = new File(dir, "bad-digits.csv");
        Files.write(bad.toPath(), lines, StandardCharsets.UTF_8);
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            Dataset<Row> predictions = scorer.predict(DistributedScorer.read(spark, bad.getPath(), "csv"), bad.getPath(),
                    null);
            Exception e = assertThrows(Exception.class, () -> scorer.summarize(predictions));
            Throwable cause = SparkFailures.unwrap(e);
            assertTrue(cause instanceof FleetDataException, "typed: " + cause);
            assertTrue(cause.getMessage().contains("bad-digits.csv") && cause.getMessage().contains("'pixel_0_5'")
                    && cause.getMessage().contains("'five' is not a number"), cause.getMessage());
        }
    }

    @Test
    void aTableWithoutTheModelsColumnsIsRefusedBeforeAnyTaskRuns() throws Exception {
        File small = new File(dir, "three-columns.csv");
        Files.writeString(small.toPath(), "a,b,label\n1,2,3\n", StandardCharsets.UTF_8);
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            FleetDataException e = assertThrows(FleetDataException.class,
                    () -> scorer.predict(DistributedScorer.read(spark, small.getPath(), "csv"), "three-columns.csv",
                            "label"));
            assertTrue(e.getMessage().contains("three-columns.csv: 2 feature columns (besides label column 'label'), "
                    + "the model expects 64"), e.getMessage());
        }
    }
}
