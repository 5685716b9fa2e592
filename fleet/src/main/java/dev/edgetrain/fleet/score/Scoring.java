package dev.edgetrain.fleet.score;

import java.io.IOException;

/**
 * A scoring job planned on the driver and not yet run: {@link #count()} runs it for the summary only,
 * {@link #write} also writes every row's prediction. Either way the input is read once, by one Spark job, and the
 * summary's counts come from that job's tasks, exactly (integers, from each task's successful attempt only).
 */
public abstract class Scoring {
    private final String[] classNames;
    private final int partitions;
    private boolean ran;

    Scoring(String[] classNames, int partitions) {
        this.classNames = classNames;
        this.partitions = partitions;
    }

    /**
     * Spark partitions (tasks) the job runs as.
     *
     * @return the partition count
     */
    public int partitions() {
        return partitions;
    }

    /**
     * Runs the job, counting only.
     *
     * @return the summary of the rows scored
     * @throws IOException when a file cannot be read
     * @throws IllegalStateException when the job has already run
     */
    public final ScoreSummary count() throws IOException {
        start();
        return run(null, null).summary(classNames);
    }

    /**
     * Runs the job, writing the predictions to {@code directory}, which must not exist yet, as part files of
     * {@code format} {@code csv} (with a header row) or {@code parquet}.
     *
     * @param directory the directory to write to, which must not exist yet
     * @param format {@code csv} or {@code parquet}
     * @return the summary of the rows scored
     * @throws IOException when a file cannot be read or written, or the directory exists
     * @throws IllegalArgumentException if {@code directory} or {@code format} is null
     * @throws IllegalStateException when the job has already run
     */
    public final ScoreSummary write(String directory, String format) throws IOException {
        if (directory == null || format == null) {
            throw new IllegalArgumentException("a directory and a format to write to, got " + directory + " and "
                    + format);
        }
        start();
        return run(directory, format).summary(classNames);
    }

    /** Runs the job; writes the predictions when {@code directory} is not null. */
    abstract ScoreCounts run(String directory, String format) throws IOException;

    private void start() {
        if (ran) {
            throw new IllegalStateException("a scoring job runs once");
        }
        ran = true;
    }
}
