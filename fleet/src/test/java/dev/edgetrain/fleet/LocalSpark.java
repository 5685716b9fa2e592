package dev.edgetrain.fleet;

import dev.edgetrain.fleet.spark.FleetSpark;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One Spark session for every test in this JVM: {@code local[2,2]}, two worker threads, and a task may fail once
 * and be retried (Spark's {@code local[N,F]} form; plain {@code local[2]} gives up at the first failure). Starting
 * Spark takes seconds, so the tests share it; commands run in-process reuse it too.
 */
public final class LocalSpark {
    public static final String MASTER = "local[2,2]";
    private static FleetSpark spark;

    private LocalSpark() {
    }

    public static synchronized SparkSession session() {
        if (spark == null) {
            spark = FleetSpark.start(MASTER, "edgetrain fleet tests", Map.of("spark.sql.shuffle.partitions", "2"));
        }
        return spark.session();
    }

    public static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }
}
