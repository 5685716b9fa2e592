package dev.edgetrain.fleet.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.data.DataException;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed scoring gives, row for row, what the runtime computes on one machine. */
class DistributedScorerTest {
    private static final AtomicInteger FAILURES = new AtomicInteger();
    @TempDir
    static File dir;
    static byte[] model;
    /** The model's class {@code [rows]} and outputs {@code [rows][10]} for every digits row, computed locally. */
    static int[] expected;
    static float[] outputs;
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
        outputs = new float[digits.rows() * 10];
        m.predict(ws, digits.features(), 0, digits.rows(), outputs, 0);
        expected = new int[digits.rows()];
        for (int r = 0; r < digits.rows(); r++) {
            expected[r] = SoftmaxCrossEntropy.argmax(outputs, 0, r, 10);
        }
    }

    @BeforeEach
    void reset() {
        FAILURES.set(0);
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
    void aCsvCutIntoThreeRangesMatchesTheLocalRuntimeRowForRow() throws Exception {
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            Scoring scoring = scorer.csv(Digits.CSV.getPath(), null, null, 3);
            assertEquals(3, scoring.partitions());
            File out = new File(dir, "predictions");
            assertSameAsLocal(scoring.write(out.getPath(), "csv"));

            List<Row> back = spark.read().option("header", "true").option("inferSchema", "true").csv(out.getPath())
                    .orderBy("row").collectAsList();
            assertEquals(List.of("row", "line", "predicted", "score", "actual"), List.of(back.get(0).schema().names()));
            assertEquals(digits.rows(), back.size());
            for (int r = 0; r < digits.rows(); r++) {
                Row row = back.get(r);
                assertEquals(r + 1, ((Number) row.getAs("row")).intValue());
                assertEquals(r + 2, ((Number) row.getAs("line")).intValue(), "the header is line 1");
                assertEquals(String.valueOf(expected[r]), String.valueOf(row.<Object>getAs("predicted")), "row " + r);
                assertEquals(String.valueOf(digits.labels()[r]), String.valueOf(row.<Object>getAs("actual")),
                        "row " + r);
                assertEquals(outputs[r * 10 + expected[r]], ((Number) row.getAs("score")).floatValue(), 1e-6f);
            }
            Scoring again = scorer.csv(Digits.CSV.getPath(), null, null, 3);
            assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class,
                    () -> again.write(out.getPath(), "csv"));
            assertTrue(new File(out, "_SUCCESS").isFile(), "an existing directory is left as it was");
        }
    }

    @Test
    void aCsvWithQuotesCrlfAndBlankLinesScoresAsTheSameRows() throws Exception {
        // the digits rewritten: CRLF, every fourth row's cells quoted, a blank line now and then, a text column
        // whose quoted cells hold line breaks and commas; rows still map to the same features
        List<String> lines = Files.readAllLines(Digits.CSV.toPath(), StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder("\uFEFF").append(lines.get(0)).append(",note\r\n");
        List<Integer> lineOfRow = new ArrayList<>();
        int line = 2;
        for (int r = 1; r < lines.size(); r++) {
            if (r % 50 == 0) {
                s.append("\r\n");
                line++;
            }
            lineOfRow.add(line);
            String row = lines.get(r);
            if (r % 4 == 0) {
                row = "\"" + row.replace(",", "\",\"") + "\"";
            }
            s.append(row).append(r % 3 == 0 ? ",\"two\r\nlines, \"\"quoted\"\"\"\r\n" : ",plain\r\n");
            line += r % 3 == 0 ? 2 : 1;
        }
        File csv = new File(dir, "digits-quoted.csv");
        Files.writeString(csv.toPath(), s.toString(), StandardCharsets.UTF_8);
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            Scoring scoring = scorer.csv(csv.getPath(), null, "digit", 7);
            assertEquals(7, scoring.partitions());
            File out = new File(dir, "quoted-predictions");
            assertSameAsLocal(scoring.write(out.getPath(), "parquet"));
            List<Row> back = spark.read().parquet(out.getPath()).orderBy("row").collectAsList();
            for (int r = 0; r < digits.rows(); r++) {
                assertEquals((long) lineOfRow.get(r), back.get(r).<Long>getAs("line"), "row " + (r + 1));
                assertEquals(String.valueOf(expected[r]), back.get(r).getAs("predicted"));
            }
        }
    }

    @Test
    void aDirectoryOfCsvPartsIsNumberedAcrossItsFilesAndNamesThem() throws Exception {
        List<String> lines = Files.readAllLines(Digits.CSV.toPath(), StandardCharsets.UTF_8);
        File parts = new File(dir, "digit-parts");
        assertTrue(parts.mkdir());
        Files.write(new File(parts, "a.csv").toPath(), lines.subList(0, 1001), StandardCharsets.UTF_8);
        List<String> rest = new ArrayList<>(lines.subList(1000, lines.size()));
        rest.set(0, lines.get(0));
        Files.write(new File(parts, "b.csv").toPath(), rest, StandardCharsets.UTF_8);
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            File out = new File(dir, "parts-predictions");
            assertSameAsLocal(scorer.csv(parts.getPath(), null, null, 4).write(out.getPath(), "csv"));
            List<Row> back = spark.read().option("header", "true").csv(out.getPath())
                    .orderBy(functions.col("row").cast("int")).collectAsList();
            assertEquals(List.of("row", "line", "file", "predicted", "score", "actual"),
                    List.of(back.get(0).schema().names()));
            for (int r = 0; r < digits.rows(); r++) {
                Row row = back.get(r);
                assertEquals(String.valueOf(r + 1), row.getAs("row"));
                String file = new File(parts, r < 1000 ? "a.csv" : "b.csv").getPath();
                assertEquals(file, row.getAs("file"), "row " + (r + 1));
                assertEquals(String.valueOf(r < 1000 ? r + 2 : r - 1000 + 2), row.getAs("line"));
                assertEquals(String.valueOf(expected[r]), row.getAs("predicted"));
            }
        }
    }

    @Test
    void aParquetTableWithNumericColumnsScoresTheSame() throws Exception {
        SparkSession spark = LocalSpark.session();
        Dataset<Row> csv = spark.read().option("header", "true").csv(Digits.CSV.getPath());
        Dataset<Row> typed = csv;
        for (String c : csv.columns()) {
            typed = typed.withColumn(c, functions.col(c).cast(c.equals("digit") ? "int" : "double"));
        }
        File parquet = new File(dir, "digits.parquet");
        typed.repartition(2).write().parquet(parquet.getPath());
        assertTrue(DistributedScorer.isParquet(parquet.getPath(), "auto"));
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            Dataset<Row> table = DistributedScorer.readParquet(spark, parquet.getPath());
            assertSameAsLocal(scorer.table(table, parquet.getPath(), "digit").count());
            File out = new File(dir, "parquet-predictions");
            assertSameAsLocal(scorer.table(table, parquet.getPath(), null).write(out.getPath(), "parquet"));
            Dataset<Row> back = spark.read().parquet(out.getPath());
            assertEquals(digits.rows(), back.count());
            assertEquals(0, back.filter(functions.col(DistributedScorer.ACTUAL).notEqual(functions.col("digit")))
                    .count(), "the input columns travel with the predictions; actual is the label");
        }
    }

    @Test
    void countsAndPartsAreExactWhenATaskFailsAfterItsWorkAndIsRetried() throws Exception {
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            CsvScoring csv = (CsvScoring) scorer.csv(Digits.CSV.getPath(), null, null, 3);
            assertSameAsLocal(csv.withResults(parts -> failingOnceAtTheEnd(parts, 1)).count());
            assertEquals(1, FAILURES.get());
            File out = new File(dir, "retried");
            csv = (CsvScoring) scorer.csv(Digits.CSV.getPath(), null, null, 3);
            assertSameAsLocal(csv.withResults(parts -> failingOnceAtTheEnd(parts, 2)).write(out.getPath(), "csv"));
            assertEquals(2, FAILURES.get(), "the task failed after its part was in place");
            assertEquals(digits.rows(), spark.read().option("header", "true").csv(out.getPath()).count(),
                    "the retry's part replaced the failed attempt's");
            assertEquals(List.of("_SUCCESS", "part-00000.csv", "part-00001.csv", "part-00002.csv"), visible(out));

            Dataset<Row> table = spark.read().option("header", "true").csv(Digits.CSV.getPath()).repartition(2);
            TableScoring scored = (TableScoring) scorer.table(table, "digits", null);
            assertSameAsLocal(scored.withRows(rows -> failingOnceAtTheEnd(rows, 0)).count());
            assertEquals(3, FAILURES.get(), "the accumulator drops a failed attempt's counts");
        }
    }

    private static List<String> visible(File dir) {
        List<String> names = new ArrayList<>();
        for (String n : dir.list()) {
            if (!n.startsWith(".")) {
                names.add(n);
            }
        }
        names.sort(null);
        return names;
    }

    /** The items of partition {@code victim} as they are, but its first attempt fails after its last one. */
    static <T> JavaRDD<T> failingOnceAtTheEnd(JavaRDD<T> items, int victim) {
        return items.mapPartitionsWithIndex((index, it) -> {
            final boolean fail = index == victim && TaskContext.get().attemptNumber() == 0;
            return new Iterator<T>() {
                @Override
                public boolean hasNext() {
                    boolean more = it.hasNext(); // the partition is done (and counted) when it runs out
                    if (!more && fail) {
                        FAILURES.incrementAndGet();
                        throw new IllegalStateException("simulated loss of the executor after scoring");
                    }
                    return more;
                }

                @Override
                public T next() {
                    return it.next();
                }
            };
        }, true);
    }

    @Test
    void aBadCellStopsTheJobWithItsFileLineColumnAndValue() throws Exception {
        List<String> lines = Files.readAllLines(Digits.CSV.toPath(), StandardCharsets.UTF_8);
        String[] cells = lines.get(1500).split(",", -1);
        cells[5] = "five";
        lines.set(1500, String.join(",", cells));
        File bad = new File(dir, "bad-digits.csv");
        Files.write(bad.toPath(), lines, StandardCharsets.UTF_8);
        SparkSession spark = LocalSpark.session();
        try (DistributedScorer scorer = new DistributedScorer(spark, model)) {
            Scoring scoring = scorer.csv(bad.getPath(), null, null, 3);
            File out = new File(dir, "bad-predictions");
            Exception e = assertThrows(Exception.class, () -> scoring.write(out.getPath(), "csv"));
            assertFalse(out.exists(), "no half-written predictions are left");
            Throwable cause = SparkFailures.unwrap(e);
            assertTrue(cause instanceof DataException, "typed: " + cause);
            assertEquals(bad.getPath() + ", line 1501, column 'pixel_0_5' (6): 'five' is not a number",
                    cause.getMessage());
        }
    }

    @Test
    void aQuoteLeftOpenIsReportedWithItsLineBeforeAnyTaskRuns() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(Digits.CSV.toPath(), StandardCharsets.UTF_8));
        lines.set(1000, lines.get(1000).replaceFirst(",", ",\"x\"y,"));
        File bad = new File(dir, "quote-digits.csv");
        Files.write(bad.toPath(), lines, StandardCharsets.UTF_8);
        try (DistributedScorer scorer = new DistributedScorer(LocalSpark.session(), model)) {
            DataException e = assertThrows(DataException.class, () -> scorer.csv(bad.getPath(), null, null, 3));
            assertTrue(e.getMessage().startsWith(bad.getPath() + ", line 1001, column 'pixel_0_1' (2): unexpected 'y' "
                    + "after the closing quote"), e.getMessage());
        }
    }

    @Test
    void anUnknownLabelIsNamedWithTheModelsClasses() throws Exception {
        String csv = Files.readString(Digits.CSV.toPath()).replaceFirst(",0\n", ",ten\n");
        File bad = new File(dir, "label-digits.csv");
        Files.writeString(bad.toPath(), csv);
        try (DistributedScorer scorer = new DistributedScorer(LocalSpark.session(), model)) {
            Throwable cause = SparkFailures.unwrap(assertThrows(Exception.class,
                    () -> scorer.csv(bad.getPath(), null, null, 2).count()));
            assertEquals(bad.getPath() + ", line 2, column 'digit' (65): unknown label 'ten', expected one of "
                    + "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", cause.getMessage());
        }
    }

    @Test
    void aTableWithoutTheModelsColumnsIsRefusedBeforeAnyTaskRuns() throws Exception {
        File small = new File(dir, "three-columns.csv");
        Files.writeString(small.toPath(), "a,b,label\n1,2,3\n", StandardCharsets.UTF_8);
        try (DistributedScorer scorer = new DistributedScorer(LocalSpark.session(), model)) {
            DataException e = assertThrows(DataException.class,
                    () -> scorer.csv(small.getPath(), null, "label", 0));
            assertEquals(small.getPath() + ": 2 feature columns (besides label column 'label'), the model expects 64 "
                    + "named [pixel_0_0, pixel_0_1, pixel_0_2, pixel_0_3, pixel_0_4, pixel_0_5, pixel_0_6, pixel_0_7, "
                    + "pixel_1_0, pixel_1_1, … (64 in all)]", e.getMessage());
            FleetDataException taken = assertThrows(FleetDataException.class, () -> scorer.table(
                    LocalSpark.session().range(3).withColumn("predicted", functions.lit("x")), "ids", null));
            assertFalse(taken.getMessage().isEmpty());
        }
    }
}
