package dev.edgetrain.runtime.checkpoint;

import java.io.IOException;

/** A checkpoint file that cannot be read (wrong magic, unsupported version, corrupt, truncated) or restored. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
