package dev.edgetrain.runtime.checkpoint;

import java.io.IOException;

/** A checkpoint file that cannot be read (wrong magic, unsupported version, corrupt, truncated) or restored. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A checkpoint problem described by {@code message}. */
    public CheckpointException(String message) {
        super(message);
    }

    /** A checkpoint problem described by {@code message}, caused by {@code cause}. */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
