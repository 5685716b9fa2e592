package dev.edgetrain.fleet.data;

/**
 * Bad input data met inside a Spark task or on the driver: says which file, column and value, and what was
 * expected. An {@link IllegalArgumentException}, so callers treat it as a user mistake.
 */
public final class FleetDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with {@code message}.
     *
     * @param message which file, column and value, and what was expected
     */
    public FleetDataException(String message) {
        super(message);
    }
}
