package dev.edgetrain.fleet.secagg;

/**
 * A round of secure aggregation cannot be completed, or a party was asked for something the protocol forbids: too
 * few clients' masked updates arrived (below the threshold), a surviving client's unmasking response is missing or
 * incomplete, or a request names clients that did not take part. The message says which round, which client and
 * what was expected. Nothing is unmasked when this is thrown.
 */
public final class SecureAggregationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with {@code message}.
     *
     * @param message which round, which client, and what was expected
     */
    public SecureAggregationException(String message) {
        super(message);
    }
}
