package dev.edgetrain.fleet.score;

import java.io.Serializable;

/**
 * One Spark task's share of a CSV file: the bytes {@code [start, end)}, which begin with a whole record, and what
 * reading them needs — the file's header bytes (everything before its first data row), its dialect, which columns
 * feed the model — and what numbering them needs: the data rows before it in the whole input and the physical line
 * it starts on.
 */
final class CsvRange implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The file, as a Hadoop path ({@code /data/x.csv}, {@code hdfs://…}). */
    final String path;
    /** What messages call the file. */
    final String source;
    /** The file's bytes before its first data row: the header (and any blank lines). */
    final byte[] header;
    /** The physical line of the file's first data row (the header's lines and blank lines before it, plus 1). */
    final long dataStartLine;
    final char delimiter;
    /** Model input {@code j} is header column {@code featureColumns[j]}. */
    final int[] featureColumns;
    /** The label's header column, or -1. */
    final int labelColumn;
    final long start;
    final long end;
    /** Data rows of the whole input (every file) before this range. */
    final long firstRow;
    /** Data rows in this range. */
    final long rows;
    /** The physical line of this range's first row. */
    final long firstLine;

    CsvRange(String path, String source, byte[] header, long dataStartLine, char delimiter, int[] featureColumns,
             int labelColumn, long start, long end, long firstRow, long rows, long firstLine) {
        this.path = path;
        this.source = source;
        this.header = header;
        this.dataStartLine = dataStartLine;
        this.delimiter = delimiter;
        this.featureColumns = featureColumns;
        this.labelColumn = labelColumn;
        this.start = start;
        this.end = end;
        this.firstRow = firstRow;
        this.rows = rows;
        this.firstLine = firstLine;
    }

    /** What the scanner, reading the header and then this range, calls line L is line {@code L + lineShift()}. */
    long lineShift() {
        return firstLine - dataStartLine;
    }

    @Override
    public String toString() {
        return source + " bytes [" + start + ", " + end + ") (rows " + (firstRow + 1) + "-" + (firstRow + rows)
                + ", from line " + firstLine + ")";
    }
}
