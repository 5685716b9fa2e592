package dev.edgetrain.transfer;

import java.io.IOException;

/**
 * An ONNX model that cannot serve as a frozen backbone: not an ONNX model, more than one input, a non-float input
 * or output, an output tensor that does not exist, or a model onnxruntime refuses. The message names the file and
 * says what was expected.
 */
public class BackboneException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A backbone problem described by {@code message}.
     *
     * @param message what is wrong, and what was expected
     */
    public BackboneException(String message) {
        super(message);
    }

    /**
     * A backbone problem described by {@code message}, caused by {@code cause}.
     *
     * @param message what is wrong, and what was expected
     * @param cause the underlying failure (onnxruntime's, or an I/O error)
     */
    public BackboneException(String message, Throwable cause) {
        super(message, cause);
    }
}
