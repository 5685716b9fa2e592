package dev.edgetrain.fleet.spark;

import dev.edgetrain.data.DataException;

/**
 * Spark reports a failed task as a {@code SparkException} whose cause is the task's own exception. A user
 * mistake found inside a task (bad data, a diverged network) should reach the user as itself, so
 * {@link #unwrap} digs it out.
 */
public final class SparkFailures {
    private SparkFailures() {
    }

    /**
     * The first {@link DataException}, {@link IllegalArgumentException}, {@link IllegalStateException} or
     * {@link java.io.IOException} in {@code e}'s cause chain when {@code e} is a Spark failure; otherwise {@code e}
     * itself.
     *
     * @param e a failure caught around a Spark action
     * @return the user-facing cause, or {@code e}
     */
    public static Throwable unwrap(Throwable e) {
        if (!(e instanceof org.apache.spark.SparkException)) {
            return e;
        }
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof DataException || t instanceof IllegalArgumentException
                    || t instanceof IllegalStateException || t instanceof java.io.IOException) {
                return t;
            }
        }
        return e;
    }
}
