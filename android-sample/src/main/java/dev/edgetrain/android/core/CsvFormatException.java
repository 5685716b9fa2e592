package dev.edgetrain.android.core;

import dev.edgetrain.data.DataException;

import java.io.IOException;

/**
 * A CSV file that is not what the reader expects: the data module's {@link DataException} as an
 * {@link IOException}, so callers handle it with the other failures to read a file. The message names the
 * source, line and column ({@code "digits.csv, line 3, column 'pixel_0_2' (3): 'x' is not a number"}).
 */
public final class CsvFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file or asset name that was being read (part of the serialized form). */
    private final String source;
    /** 1-based line of the problem, 0 for the whole file (part of the serialized form). */
    private final long line;
    /** 1-based column of the problem, 0 for the whole line (part of the serialized form). */
    private final int column;

    /**
     * Wraps a data-module failure, keeping its message and its position.
     *
     * @param cause what the CSV scanner rejected; its message, source, line and column become this exception's.
     *              Must not be null.
     */
    public CsvFormatException(DataException cause) {
        super(cause.getMessage(), cause);
        this.source = cause.source();
        this.line = cause.line();
        this.column = cause.column();
    }

    /**
     * The file or asset name that was being read.
     *
     * @return the name the reader was given for the stream, as in the message
     */
    public String source() {
        return source;
    }

    /**
     * 1-based line number, or 0 when the problem is the whole file.
     *
     * @return the line of the problem, the header being line 1; 0 for the whole file
     */
    public long line() {
        return line;
    }

    /**
     * 1-based column number, or 0 when the problem is the whole line.
     *
     * @return the column of the problem; 0 for the whole line
     */
    public int column() {
        return column;
    }
}
