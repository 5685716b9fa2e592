package dev.edgetrain.fleet.score;

import dev.edgetrain.data.ClassLookup;
import dev.edgetrain.data.Columns;
import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.data.DataException;
import dev.edgetrain.fleet.data.FleetDataException;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Task;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a table of any size with an ONNX classifier on Spark: the model's bytes are broadcast, and every task
 * imports them once and runs the edgetrain runtime over its rows in chunks with one workspace.
 * <ul>
 *   <li>CSV ({@link #csv}): the driver cuts the files into byte ranges that begin with whole records; each task
 *       reads its range with the data module's scanner straight into floats (no DataFrame, no String per cell),
 *       writes its own part of the predictions and returns its counts: Spark is the scheduler. The predictions
 *       are {@value #ROW} (numbered as {@code edgetrain predict} numbers rows), {@value #LINE}, ({@value #FILE}
 *       with several files), {@value #PREDICTED}, {@value #SCORE} and, with labels, {@value #ACTUAL}.</li>
 *   <li>Any table Spark reads ({@link #table}: Parquet): its rows with {@value #PREDICTED}, {@value #SCORE} and
 *       {@value #ACTUAL} added (so ids travel with them), written by Spark.</li>
 * </ul>
 * {@value #SCORE} is the model's output for the predicted class (a probability, log-probability or logit, as the
 * model computes); {@value #ACTUAL} is the label as the model's class name. Columns are chosen as {@code edgetrain
 * predict} chooses them: by the model's feature names when the table has them all, the label by {@code --label}
 * or as the one column left over.
 */
public final class DistributedScorer implements AutoCloseable {
    /** Column of the CSV predictions: the row's number, as {@code edgetrain predict} numbers rows. */
    public static final String ROW = "row";
    /** Column of the CSV predictions: the row's line in its file. */
    public static final String LINE = "line";
    /** Column of the CSV predictions: the row's file, written when several files are scored. */
    public static final String FILE = "file";
    /** Column added to every row: the predicted class's name. */
    public static final String PREDICTED = "predicted";
    /** Column added to every row: the model's output for the predicted class. */
    public static final String SCORE = "score";
    /** Column added to every row when the table has labels: the label as the model's class name. */
    public static final String ACTUAL = "actual";
    private static final String SOURCE = "__edgetrain_source";

    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final ImportedModel model;
    private final Broadcast<byte[]> bytes;
    private final String[] classNames;

    /**
     * Imports the model on the driver and broadcasts its bytes to the tasks.
     *
     * @param spark the session to score with
     * @param modelBytes an ONNX classifier edgetrain can import
     * @throws OnnxImportException when the bytes are not a model edgetrain can run
     * @throws IllegalArgumentException when the model is not a classifier (binary, multi-label or regression)
     */
    public DistributedScorer(SparkSession spark, byte[] modelBytes) throws OnnxImportException {
        this.spark = spark;
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.model = OnnxImporter.read(modelBytes);
        if (model.spec().task() != Task.CLASSIFY) {
            // Rows get a predicted class and its probability; binary, multi-label and regression models need other
            // output columns, which distributed scoring does not write yet.
            throw new IllegalArgumentException("distributed scoring writes a predicted class per row and takes "
                    + "classifiers; the model is a " + model.spec().task() + " network " + model.spec());
        }
        String[] names = model.classLabels();
        if (names == null) {
            names = new String[model.classCount()];
            for (int c = 0; c < names.length; c++) {
                names[c] = String.valueOf(c);
            }
        }
        this.classNames = names;
        this.bytes = sc.broadcast(modelBytes);
    }

    /**
     * The model as imported on the driver.
     *
     * @return the imported model
     */
    public ImportedModel model() {
        return model;
    }

    /**
     * Whether {@code format} ({@code csv}, {@code parquet} or {@code auto}: by the extension) means Parquet.
     *
     * @param path the table's path; with {@code auto}, Parquet when it ends in {@code .parquet} or {@code .parquet/}
     * @param format {@code csv}, {@code parquet} or {@code auto} in any case, or null for {@code auto}
     * @return true for Parquet, false for CSV
     * @throws IllegalArgumentException for any other format
     */
    public static boolean isParquet(String path, String format) {
        String f = format == null ? "auto" : format.toLowerCase(Locale.ROOT);
        switch (f) {
            case "auto":
                String p = path.toLowerCase(Locale.ROOT);
                return p.endsWith(".parquet") || p.endsWith(".parquet/");
            case "csv":
                return false;
            case "parquet":
                return true;
            default:
                throw new IllegalArgumentException("format must be csv, parquet or auto, got '" + format + "'");
        }
    }

    /**
     * Plans the scoring of CSV files (header row; a file, a directory of parts, or a glob) on the driver: checks each
     * header against the model and cuts the files into ranges (reading each once). Nothing is scored until the
     * result is run.
     *
     * @param path a CSV file, a directory of parts, or a glob, in any file system Hadoop reads
     * @param format     the dialect, or null for each file's by its name (tab for {@code *.tsv}), else comma
     * @param labelSpec  the label column (name or 1-based index), or null to find it (or score without labels)
     * @param partitions ranges (tasks) wanted, or 0 for a multiple of Spark's default parallelism with at most
     *                   128 MB each
     * @return the planned scoring, run by its {@link Scoring} methods
     * @throws DataException for a file that does not suit the model or has a mistake the cutting met
     * @throws IOException when a file cannot be listed or read
     */
    public Scoring csv(String path, CsvFormat format, String labelSpec, int partitions) throws IOException {
        final CsvInput input = CsvInput.plan(sc.hadoopConfiguration(), path, format, partitions,
                sc.defaultParallelism(), model, labelSpec);
        return new CsvScoring(sc, input.ranges(), bytes, classNames, new ClassLookup(model.classLabels(),
                model.classCount()), input.labelled(), input.severalFiles(), UnaryOperator.identity());
    }

    /**
     * Reads a Parquet table (a file, a directory of parts, or a glob).
     *
     * @param spark the session to read with
     * @param path a Parquet file, a directory of parts, or a glob
     * @return the table, read lazily by Spark
     */
    public static Dataset<Row> readParquet(SparkSession spark, String path) {
        return spark.read().parquet(path);
    }

    /**
     * Plans the scoring of a table Spark has read (Parquet: numeric or text columns); its columns are checked now,
     * its cells as they are scored.
     *
     * @param table the table to score, e.g. from {@link #readParquet}
     * @param source    what to call the table in errors found on the driver (cells name their own file)
     * @param labelSpec the label column (name or 1-based index), or null to find it (or score without labels)
     * @return the planned scoring, run by its {@link Scoring} methods
     * @throws DataException when the table's columns do not suit the model
     * @throws FleetDataException when the table already has a column scoring adds
     */
    public Scoring table(Dataset<Row> table, String source, String labelSpec) {
        final String[] columns = table.columns();
        for (String c : Arrays.asList(PREDICTED, SCORE, ACTUAL, SOURCE)) {
            if (Arrays.asList(columns).contains(c)) {
                throw new FleetDataException(source + ": already has a column '" + c + "', which scoring adds");
            }
        }
        final Columns chosen = Columns.forModel(source, columns, Task.CLASSIFY, model.featureCount(),
                model.featureNames(), model.classLabels(), model.classCount(), labelSpec, false);
        final int label = chosen.hasLabels() ? chosen.labelColumns()[0] : -1;
        final ScoreCounts.Accumulator counts = new ScoreCounts.Accumulator(classNames.length, label >= 0);
        sc.sc().register(counts, "edgetrain scoring counts");
        final ClassLookup lookup = new ClassLookup(model.classLabels(), model.classCount());
        final StructType schema = table.schema().add(field(PREDICTED, DataTypes.StringType))
                .add(field(SCORE, DataTypes.FloatType));
        final JavaRDD<Row> withSource = table.withColumn(SOURCE, functions.input_file_name()).javaRDD();
        return new TableScoring(spark, withSource, new PredictRows(bytes, chosen.featureColumns(), label, columns,
                classNames, lookup, false, counts), label >= 0 ? schema.add(field(ACTUAL, DataTypes.StringType))
                : schema, counts, classNames, UnaryOperator.identity());
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
        return new StructField(name, type, false, Metadata.empty());
    }

    @Override
    public void close() {
        bytes.destroy();
    }
}
