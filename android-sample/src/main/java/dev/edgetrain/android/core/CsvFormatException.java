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

    private final String source;
    private final long line;
    private final int column;

    public CsvFormatException(DataException cause) {
        super(cause.getMessage(), cause);
        this.source = cause.source();
        this.line = cause.line();
        this.column = cause.column();
    }

    /** The file or asset name that was being read. */
    public String source() {
        return source;
    }

    /** 1-based line number, or 0 when the problem is the whole file. */
    public long line() {
        return line;
    }

    /** 1-based column number, or 0 when the problem is the whole line. */
    public int column() {
        return column;
    }
}
