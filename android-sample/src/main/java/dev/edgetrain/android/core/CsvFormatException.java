package dev.edgetrain.android.core;

import java.io.IOException;

/** A CSV file that is not what the reader expects; names the source, the 1-based line and column. */
public final class CsvFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;

    public CsvFormatException(String source, int line, int column, String problem) {
        super(source + ":" + line + (column > 0 ? ", column " + column : "") + ": " + problem);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /** The file or asset name that was being read. */
    public String source() {
        return source;
    }

    /** 1-based line number. */
    public int line() {
        return line;
    }

    /** 1-based column number, or 0 when the problem is the whole line. */
    public int column() {
        return column;
    }
}
