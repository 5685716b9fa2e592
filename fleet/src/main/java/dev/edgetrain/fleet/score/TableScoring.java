package dev.edgetrain.fleet.score;

import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Scoring a table Spark has read: the rows go through {@link PredictRows} and, when writing, Spark's own writer
 * (any column types); the counts are gathered by a {@link ScoreCounts.Accumulator} filled by the same job.
 */
final class TableScoring extends Scoring {
    private final SparkSession spark;
    private final JavaRDD<Row> input;
    /** Scores a partition (emitting its rows or not: {@link PredictRows#emitting}). */
    private final PredictRows predict;
    private final String[] classNames;
    private final StructType schema;
    private final ScoreCounts.Accumulator counts;
    /** Between the scoring and the writer or the count (identity; a test makes a task fail with it). */
    private final UnaryOperator<JavaRDD<Row>> rows;

    TableScoring(SparkSession spark, JavaRDD<Row> input, PredictRows predict, StructType schema,
                 ScoreCounts.Accumulator counts, String[] classNames, UnaryOperator<JavaRDD<Row>> rows) {
        super(classNames, input.getNumPartitions());
        this.spark = spark;
        this.input = input;
        this.predict = predict;
        this.classNames = classNames;
        this.schema = schema;
        this.counts = counts;
        this.rows = rows;
    }

    /** This job with its scored rows passed through {@code f} (for tests: a task that fails). */
    TableScoring withRows(UnaryOperator<JavaRDD<Row>> f) {
        return new TableScoring(spark, input, predict, schema, counts, classNames, f);
    }

    @Override
    ScoreCounts run(String directory, String format) {
        if (directory == null) {
            rows.apply(input.mapPartitions(predict.emitting(false))).foreachPartition(it -> {
                while (it.hasNext()) {
                    it.next();
                }
            });
        } else {
            new PredictionWriter.Spec(directory, format, false, false); // checks the format
            org.apache.spark.sql.DataFrameWriter<Row> writer = spark.createDataFrame(
                    rows.apply(input.mapPartitions(predict.emitting(true))), schema).write();
            if (format.equalsIgnoreCase("csv")) {
                writer.option("header", "true").csv(directory);
            } else {
                writer.parquet(directory);
            }
        }
        return counts.value();
    }
}
