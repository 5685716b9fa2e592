package dev.edgetrain.app;

/**
 * Data a {@link Model} cannot take: a null or ragged row, a non-finite value, labels or targets that do not match
 * the rows or the model. The message says what was wrong, where, and what was expected; {@link #row()} and
 * {@link #column()} locate it (-1 when the problem is not one cell's). Thrown before any work, so the model is
 * unchanged.
 */
public final class InvalidDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The row at fault, or -1. */
    private final int row;
    /** The column at fault, or -1. */
    private final int column;

    InvalidDataException(String message, int row, int column) {
        super(message);
        this.row = row;
        this.column = column;
    }

    /**
     * The row (0-based) at fault, or -1 when no single row is.
     *
     * @return a row index, or -1
     */
    public int row() {
        return row;
    }

    /**
     * The column (0-based) at fault, or -1 when no single column is.
     *
     * @return a column index, or -1
     */
    public int column() {
        return column;
    }
}
