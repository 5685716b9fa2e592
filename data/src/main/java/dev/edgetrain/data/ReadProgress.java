package dev.edgetrain.data;

/** Told how far a pass over a table has come: every {@link #EVERY_ROWS} rows, and once at the end. */
public interface ReadProgress {
    /** Rows between reports. */
    int EVERY_ROWS = 1 << 16;

    /**
     * How far the pass has come.
     *
     * @param bytesRead bytes taken from the input so far (it is read ahead in blocks, so this runs a little ahead
     *                  of {@code rows})
     * @param rows      data rows read so far
     */
    void progress(long bytesRead, long rows);
}
