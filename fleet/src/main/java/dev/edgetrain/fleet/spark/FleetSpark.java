package dev.edgetrain.fleet.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session a fleet job runs in. The master is, in order: the one asked for, the one {@code spark-submit}
 * set ({@code spark.master}), or {@code local[*]} (every core of this machine). A local master keeps Spark on the
 * loopback interface and its web UI off unless configured otherwise. When a session is already running in this
 * JVM (a notebook, a test) it is reused and left running on {@link #close()}.
 */
public final class FleetSpark implements AutoCloseable {
    /** The master when none is asked for or set by {@code spark-submit}: every core of this machine. */
    public static final String DEFAULT_MASTER = "local[*]";

    private final SparkSession session;
    private final JavaSparkContext context;
    private final boolean owned;

    private FleetSpark(SparkSession session, boolean owned) {
        this.session = session;
        this.context = JavaSparkContext.fromSparkContext(session.sparkContext());
        this.owned = owned;
    }

    /**
     * Starts a session, or reuses the running one of this JVM (then {@code master}, {@code appName} and {@code conf}
     * are ignored).
     *
     * @param master a master URL ({@code local[4]}, {@code spark://host:7077}, {@code yarn}, …) or null for the default
     * @param appName the application's name in Spark
     * @param conf extra Spark settings ({@code --conf key=value}), may be null
     * @return the session, to close when done
     */
    public static FleetSpark start(String master, String appName, Map<String, String> conf) {
        scala.Option<SparkSession> active = SparkSession.getActiveSession();
        if (active.isEmpty()) {
            active = SparkSession.getDefaultSession();
        }
        if (active.isDefined() && !active.get().sparkContext().isStopped()) {
            return new FleetSpark(active.get(), false);
        }
        SparkConf sparkConf = new SparkConf(true); // picks up spark.* system properties, as spark-submit sets them
        String m = master != null ? master : sparkConf.get("spark.master", DEFAULT_MASTER);
        sparkConf.setMaster(m).setAppName(appName);
        if (m.startsWith("local")) {
            sparkConf.setIfMissing("spark.ui.enabled", "false");
            sparkConf.setIfMissing("spark.driver.host", "127.0.0.1");
            sparkConf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            sparkConf.setIfMissing("spark.sql.shuffle.partitions", "8");
        }
        if (conf != null) {
            for (Map.Entry<String, String> e : conf.entrySet()) {
                sparkConf.set(e.getKey(), e.getValue());
            }
        }
        return new FleetSpark(SparkSession.builder().config(sparkConf).getOrCreate(), true);
    }

    /**
     * The Spark SQL session.
     *
     * @return the session
     */
    public SparkSession session() {
        return session;
    }

    /**
     * The Java API's context of the session.
     *
     * @return the context
     */
    public JavaSparkContext context() {
        return context;
    }

    /**
     * The master the session runs on.
     *
     * @return the master URL, e.g. {@code local[*]}
     */
    public String master() {
        return session.sparkContext().master();
    }

    /**
     * Cores Spark spreads work over by default.
     *
     * @return Spark's default parallelism
     */
    public int defaultParallelism() {
        return session.sparkContext().defaultParallelism();
    }

    @Override
    public void close() {
        if (owned) {
            session.stop();
        }
    }
}
