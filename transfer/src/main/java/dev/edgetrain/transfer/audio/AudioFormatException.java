package dev.edgetrain.transfer.audio;

import java.io.IOException;

/**
 * A WAV file that is not 16 kHz mono 16-bit PCM, or not a well-formed RIFF/WAVE file at all. The message names the
 * file, the field at fault ({@link #field()}) and what was expected, with a {@code sox} command where converting
 * the file would fix it.
 */
public class AudioFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The field at fault. */
    private final String field;

    /**
     * A problem described by {@code message} in field {@code field}.
     *
     * @param message what is wrong, and what was expected
     * @param field the field at fault, as {@link #field()} lists them
     */
    public AudioFormatException(String message, String field) {
        super(message);
        this.field = field;
    }

    /**
     * The field at fault: "riff", "fmt", "format", "channels", "sample rate", "bits", "data".
     *
     * @return the field's name
     */
    public String field() {
        return field;
    }
}
