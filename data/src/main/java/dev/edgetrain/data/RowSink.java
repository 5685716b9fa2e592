package dev.edgetrain.data;

import java.io.IOException;

/**
 * Where a pass over a table puts its rows: into memory, or into a binary row cache on disk. The caller reuses the
 * arrays after {@link #row} returns, so a sink copies what it keeps.
 */
public interface RowSink {
    /**
     * One data row.
     *
     * @param line     the file line the row starts on (the header is line 1), for messages
     * @param features {@code [featureCount]}
     * @param label    the row's class, numbered in order of first appearance (the scan's result maps these to the
     *                 final class indices); -1 for a row with targets
     * @param targets  {@code [targetWidth]}, or {@code null} for a labelled row
     * @throws IOException when the sink cannot take the row (a spill file cannot be written); the scan stops
     */
    void row(long line, float[] features, int label, float[] targets) throws IOException;
}
