package dev.edgetrain.runtime.checkpoint;

import java.io.IOException;

/** A checkpoint file that cannot be read (wrong magic, unsupported version, corrupt, truncated) or restored. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A checkpoint problem described by {@code message}.
     *
     * @param message what is wrong and where: the file, the field or section, what was expected
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * A checkpoint problem described by {@code message}, caused by {@code cause}.
     *
     * @param message what is wrong and where: the file, the field or section, what was expected
     * @param cause the underlying failure (an I/O error, a rejected value)
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
