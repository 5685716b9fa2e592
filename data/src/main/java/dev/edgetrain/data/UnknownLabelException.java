package dev.edgetrain.data;

/**
 * A label that is none of the classes the data was read for (a model's class names or indices):
 * {@code "flowers.csv, line 3, column 'species' (5): unknown label 'rose', expected one of [setosa, versicolor]"}.
 * Its own type so that a caller can offer what else to do (the CLI's {@code finetune} suggests {@code --new-head}).
 */
public final class UnknownLabelException extends DataException {
    private static final long serialVersionUID = 1L;

    /** The label as written in the data. */
    private final String label;

    /**
     * A label the data's label column holds that is not one of the expected classes.
     *
     * @param source     the file or data set name
     * @param line       the physical line (the first line is 1)
     * @param column     the 1-based column
     * @param columnName the column's header name, or null (then the column is named by number)
     * @param label      the label as written
     * @param expected   what was expected: {@code "expected one of [setosa, versicolor]"}
     */
    public UnknownLabelException(String source, long line, int column, String columnName, String label,
                                 String expected) {
        super(source, line, column, columnName, "unknown label '" + label + "', " + expected);
        this.label = label;
    }

    /**
     * The label that is none of the known classes.
     *
     * @return the label as written in the data
     */
    public String label() {
        return label;
    }
}
