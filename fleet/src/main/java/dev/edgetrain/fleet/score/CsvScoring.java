package dev.edgetrain.fleet.score;

import dev.edgetrain.data.ClassLookup;
import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Scoring CSV ranges: one task per range ({@code parallelize} as the scheduler), each returning its counts and,
 * when writing, leaving one whole part file in the output directory. When the job is done the driver removes
 * {@code _temporary/} and marks the directory with {@code _SUCCESS}; when it fails, the directory is removed.
 */
final class CsvScoring extends Scoring {
    private final JavaSparkContext sc;
    private final List<CsvRange> ranges;
    private final Broadcast<byte[]> model;
    private final String[] classNames;
    private final ClassLookup lookup;
    private final boolean labelled;
    private final boolean severalFiles;
    /** Between the tasks and the driver (identity; a test makes a task fail with it). */
    private final UnaryOperator<JavaRDD<ScoreCounts>> results;

    CsvScoring(JavaSparkContext sc, List<CsvRange> ranges, Broadcast<byte[]> model, String[] classNames,
               ClassLookup lookup, boolean labelled, boolean severalFiles,
               UnaryOperator<JavaRDD<ScoreCounts>> results) {
        super(classNames, ranges.size());
        this.sc = sc;
        this.ranges = ranges;
        this.model = model;
        this.classNames = classNames;
        this.lookup = lookup;
        this.labelled = labelled;
        this.severalFiles = severalFiles;
        this.results = results;
    }

    /** This job with its tasks' results passed through {@code f} (for tests: a task that fails). */
    CsvScoring withResults(UnaryOperator<JavaRDD<ScoreCounts>> f) {
        return new CsvScoring(sc, ranges, model, classNames, lookup, labelled, severalFiles, f);
    }

    @Override
    ScoreCounts run(String directory, String format) throws IOException {
        final Configuration conf = sc.hadoopConfiguration();
        if (directory == null) {
            return job(conf, null);
        }
        final PredictionWriter.Spec spec = new PredictionWriter.Spec(directory, format, severalFiles, labelled);
        final Path dir = new Path(directory);
        final FileSystem fs = dir.getFileSystem(conf);
        if (fs.exists(dir) || !fs.mkdirs(dir)) {
            throw new FileAlreadyExistsException(directory + ": already exists; expected a new directory");
        }
        try {
            ScoreCounts counts = job(conf, spec);
            fs.delete(new Path(dir, PredictionWriter.TEMPORARY), true);
            fs.create(new Path(dir, "_SUCCESS"), true).close();
            return counts;
        } catch (Throwable e) { // Spark's SparkException too, which is checked but undeclared
            fs.delete(dir, true); // no half-written predictions
            throw e;
        }
    }

    private ScoreCounts job(Configuration conf, PredictionWriter.Spec spec) {
        final Broadcast<SerializableConfiguration> hadoop = sc.broadcast(new SerializableConfiguration(conf));
        try {
            JavaRDD<ScoreCounts> parts = sc.parallelize(ranges, ranges.size())
                    .mapPartitionsWithIndex(new ScoreCsvRanges(model, hadoop, classNames, lookup, labelled, spec),
                            false);
            ScoreCounts total = new ScoreCounts(classNames.length, labelled);
            for (ScoreCounts part : results.apply(parts).collect()) {
                total.merge(part);
            }
            return total;
        } finally {
            hadoop.destroy();
        }
    }
}
