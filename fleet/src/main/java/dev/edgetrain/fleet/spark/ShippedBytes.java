package dev.edgetrain.fleet.spark;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Measures what the tasks of a piece of driver code send back through Spark: serialized task results (what
 * reaches the driver) and shuffle writes (the intermediate levels of a tree aggregation). Data read by tasks is
 * not counted: the point is what a round ships, not the data it trains on.
 *
 * <p>{@link #measure} runs the code under a job group of its own and attributes task metrics to it by stage, so
 * other jobs of the application are not counted. Spark delivers listener events on its own thread after the job
 * has returned; {@link #measure} waits (bounded) for the end of the group's jobs before reading.
 */
public final class ShippedBytes extends SparkListener implements AutoCloseable {
    private static final String GROUP_PROPERTY = "spark.jobGroup.id";
    private static final AtomicLong NEXT = new AtomicLong();

    private final JavaSparkContext sc;
    private final String prefix = "edgetrain-fleet-" + Long.toHexString(System.nanoTime()) + "-";
    private final Map<Integer, String> stageGroup = new ConcurrentHashMap<>();
    private final Map<Integer, String> jobGroup = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bytes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> jobsEnded = new ConcurrentHashMap<>();

    /**
     * Registers the listener with {@code sc}; {@link #close()} removes it.
     *
     * @param sc the Spark context whose jobs are measured
     */
    public ShippedBytes(JavaSparkContext sc) {
        this.sc = sc;
        sc.sc().addSparkListener(this);
    }

    /**
     * What a measured piece of code returned, and the bytes its jobs shipped.
     *
     * @param <T> the type of the value
     */
    public static final class Measured<T> {
        private final T value;
        private final long bytes;

        Measured(T value, long bytes) {
            this.value = value;
            this.bytes = bytes;
        }

        /**
         * What the measured code returned.
         *
         * @return the value
         */
        public T value() {
            return value;
        }

        /**
         * Task results plus shuffle writes of the code's jobs, or -1 when Spark did not report them in time.
         *
         * @return bytes, or -1
         */
        public long bytes() {
            return bytes;
        }
    }

    /**
     * Runs {@code code}, which runs exactly {@code jobs} Spark jobs from this thread, and measures them.
     *
     * @param <T> the type of the code's value
     * @param description shown in Spark's UI for the jobs
     * @param jobs the number of Spark jobs {@code code} runs; the measurement waits for that many to end
     * @param code the driver code to run
     * @return the code's value and the bytes its jobs shipped (-1 when Spark did not report them within 10 seconds)
     */
    public <T> Measured<T> measure(String description, int jobs, Supplier<T> code) {
        final String group = prefix + NEXT.incrementAndGet();
        bytes.put(group, new AtomicLong());
        jobsEnded.put(group, new AtomicLong());
        final String previousGroup = sc.getLocalProperty(GROUP_PROPERTY);
        final String previousDescription = sc.getLocalProperty("spark.job.description");
        sc.setJobGroup(group, description, false);
        final T value;
        try {
            value = code.get();
        } finally {
            sc.setLocalProperty(GROUP_PROPERTY, previousGroup);
            sc.setLocalProperty("spark.job.description", previousDescription);
        }
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (jobsEnded.get(group).get() < jobs && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        final long shipped = jobsEnded.get(group).get() >= jobs ? bytes.get(group).get() : -1;
        bytes.remove(group);
        jobsEnded.remove(group);
        return new Measured<>(value, shipped);
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        final Properties p = jobStart.properties();
        final String group = p == null ? null : p.getProperty(GROUP_PROPERTY);
        if (group != null && group.startsWith(prefix)) {
            jobGroup.put(jobStart.jobId(), group);
            for (Object stage : scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageIds())) {
                stageGroup.put((Integer) stage, group);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        final String group = stageGroup.get(taskEnd.stageId());
        final TaskMetrics m = taskEnd.taskMetrics();
        final AtomicLong counter = group == null ? null : bytes.get(group);
        if (counter != null && m != null) {
            counter.addAndGet(m.resultSize() + m.shuffleWriteMetrics().bytesWritten());
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
        final String group = jobGroup.remove(jobEnd.jobId());
        final AtomicLong ended = group == null ? null : jobsEnded.get(group);
        if (ended != null) {
            ended.incrementAndGet();
        }
        if (group != null) {
            stageGroup.values().removeIf(group::equals);
        }
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(this);
    }
}
