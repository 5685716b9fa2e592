package dev.edgetrain.data;

/**
 * A mistake in the data, with where it is: {@code "iris.csv, line 7, column 'petal_width' (4): 'abc' is not a
 * number"}. The message is whole and meant for people; the accessors give the parts to programs, and a mistake a
 * program may handle on its own has a type of its own ({@link UnknownLabelException}).
 */
public class DataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The file or data set name. */
    private final String source;
    /** The 1-based line, or 0 for the whole source. */
    private final long line;
    /** The 1-based column, or 0 for none. */
    private final int column;
    /** The column's name, or null. */
    private final String columnName;
    /** What was wrong, without where. */
    private final String detail;

    /**
     * A mistake in the data, with where it is in the message: {@code source, line L, column C: detail}.
     *
     * @param source     the file or data set name
     * @param line       the physical line (the first line is 1), or 0 when the mistake has no line
     * @param column     the 1-based column, or 0 when the mistake has no column
     * @param columnName the column's header name, or null (then the column is named by number)
     * @param detail     what is wrong, and what was expected
     */
    public DataException(String source, long line, int column, String columnName, String detail) {
        super(where(source, line, column, columnName) + ": " + detail);
        this.source = source;
        this.line = line;
        this.column = column;
        this.columnName = columnName;
        this.detail = detail;
    }

    /**
     * A mistake about the whole source (no line): {@code "iris.csv: no data rows after the header"}.
     *
     * @param source the file or data set name
     * @param detail what is wrong, and what was expected
     */
    public DataException(String source, String detail) {
        this(source, 0, 0, null, detail);
    }

    /**
     * {@code "iris.csv, line 7, column 'petal_width' (4)"}, leaving out the parts that are absent.
     *
     * @param source the file or data set name
     * @param line the physical line (1-based), or 0 for none
     * @param column the 1-based column, or 0 for none
     * @param columnName the column's header name, or null to name it by number
     * @return the place, for the start of a message
     */
    public static String where(String source, long line, int column, String columnName) {
        StringBuilder s = new StringBuilder(source);
        if (line > 0) {
            s.append(", line ").append(line);
        }
        if (column > 0) {
            if (columnName != null) {
                s.append(", column '").append(columnName).append("' (").append(column).append(')');
            } else {
                s.append(", column ").append(column);
            }
        }
        return s.toString();
    }

    /**
     * The file or data set the mistake is in.
     *
     * @return the name given at construction, as messages show it
     */
    public String source() {
        return source;
    }

    /**
     * The physical line (the first line is 1), or 0 when the mistake is about the whole source.
     *
     * @return the 1-based line, or 0
     */
    public long line() {
        return line;
    }

    /**
     * The 1-based column, or 0 when the mistake is not about one column.
     *
     * @return the 1-based column, or 0
     */
    public int column() {
        return column;
    }

    /**
     * The column's header name, or null.
     *
     * @return the header name, or null when the column has none or the mistake is not about a column
     */
    public String columnName() {
        return columnName;
    }

    /**
     * The message without the place: what is wrong and what was expected.
     *
     * @return the detail, without the source, line or column
     */
    public String detail() {
        return detail;
    }
}
