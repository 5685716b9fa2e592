package dev.edgetrain.fleet.score;

import dev.edgetrain.fleet.data.FleetDataException;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.OnnxImporter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a table (CSV or Parquet, any size) with an ONNX model on Spark: the model's bytes are broadcast, each
 * partition imports them once and runs the edgetrain runtime over its rows in chunks with one workspace. The
 * result is the table with three columns added — {@value #PREDICTED}, {@value #SCORE} (the model's output for the
 * predicted class: a probability, log-probability or logit, as the model computes) and, when the table has labels,
 * {@value #ACTUAL} (the label as the model's class name) — from which {@link #summarize} counts accuracy and the
 * confusion matrix.
 */
public final class DistributedScorer implements AutoCloseable {
    public static final String PREDICTED = "predicted";
    public static final String SCORE = "score";
    public static final String ACTUAL = "actual";
    private static final String SOURCE = "__edgetrain_source";

    private final SparkSession spark;
    private final ImportedModel model;
    private final Broadcast<byte[]> bytes;
    private final String[] classNames;

    /** @throws OnnxImportException when the bytes are not a model edgetrain can run */
    public DistributedScorer(SparkSession spark, byte[] modelBytes) throws OnnxImportException {
        this.spark = spark;
        this.model = OnnxImporter.read(modelBytes);
        if (model.spec().task() != dev.edgetrain.runtime.Task.CLASSIFY) {
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
        this.bytes = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(modelBytes);
    }

    public ImportedModel model() {
        return model;
    }

    /**
     * Reads a table: {@code format} {@code csv} (header row, values as text), {@code parquet}, or {@code auto} (by
     * the path's extension, else CSV). A CSV row with the wrong number of cells stops the read.
     */
    public static Dataset<Row> read(SparkSession spark, String path, String format) {
        String f = format == null ? "auto" : format.toLowerCase(Locale.ROOT);
        if ("auto".equals(f)) {
            f = path.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
        }
        switch (f) {
            case "csv":
                return spark.read().option("header", "true").option("mode", "FAILFAST")
                        .option("ignoreLeadingWhiteSpace", "true").option("ignoreTrailingWhiteSpace", "true").csv(path);
            case "parquet":
                return spark.read().parquet(path);
            default:
                throw new IllegalArgumentException("format must be csv, parquet or auto, got '" + format + "'");
        }
    }

    /**
     * The table with the model's predictions added (lazy: nothing runs until the result is written or counted).
     *
     * @param source      what to call the table in errors found on the driver (cells name their own file)
     * @param labelColumn the label column, or null to find one as the CLI does (or score without labels)
     */
    public Dataset<Row> predict(Dataset<Row> table, String source, String labelColumn) {
        final String[] columns = table.columns();
        for (String c : Arrays.asList(PREDICTED, SCORE, ACTUAL, SOURCE)) {
            if (Arrays.asList(columns).contains(c)) {
                throw new FleetDataException(source + ": already has a column '" + c + "', which scoring adds");
            }
        }
        final ColumnMapping mapping = ColumnMapping.of(source, columns, model.featureCount(), model.featureNames(),
                labelColumn);
        final Dataset<Row> withSource = table.withColumn(SOURCE, functions.input_file_name());
        StructType schema = table.schema()
                .add(new StructField(PREDICTED, DataTypes.StringType, false, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(SCORE, DataTypes.FloatType, false, org.apache.spark.sql.types.Metadata.empty()));
        if (mapping.label() >= 0) {
            schema = schema.add(new StructField(ACTUAL, DataTypes.StringType, false,
                    org.apache.spark.sql.types.Metadata.empty()));
        }
        JavaRDD<Row> scored = withSource.javaRDD().mapPartitions(new PredictRows(bytes, mapping, classNames,
                model.classLabels() != null, columns.length));
        return spark.createDataFrame(scored, schema);
    }

    /** Counts predictions (and, with labels, the confusion matrix) of a {@link #predict} result: one Spark job. */
    public ScoreSummary summarize(Dataset<Row> predictions) {
        final boolean labelled = Arrays.asList(predictions.columns()).contains(ACTUAL);
        final Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classNames.length; c++) {
            index.put(classNames[c], c);
        }
        long[] predicted = new long[classNames.length];
        long[][] confusion = labelled ? new long[classNames.length][classNames.length] : null;
        List<Row> counts = labelled ? predictions.groupBy(ACTUAL, PREDICTED).count().collectAsList()
                : predictions.groupBy(PREDICTED).count().collectAsList();
        for (Row r : counts) {
            if (labelled) {
                int a = index.get(r.getString(0));
                int p = index.get(r.getString(1));
                confusion[a][p] += r.getLong(2);
                predicted[p] += r.getLong(2);
            } else {
                predicted[index.get(r.getString(0))] += r.getLong(1);
            }
        }
        return new ScoreSummary(classNames.clone(), predicted, confusion);
    }

    @Override
    public void close() {
        bytes.destroy();
    }
}
