package dev.edgetrain.runtime.checkpoint;

import dev.edgetrain.runtime.Loss;

/**
 * Reads the loss text of checkpoint format versions 2 and 3, which stored {@code Loss.toString()} as it was then.
 * Frozen on purpose: the display text may change, this grammar may not.
 * <pre>
 *   huber:F | kind | kind(weights=[F, F, …]) | kind(smoothing=F) | kind(weights=[F, F, …], smoothing=F)
 *   kind = cross_entropy | binary_cross_entropy | mse
 * </pre>
 * Every {@code F} was written by {@code Float.toString}, so it reads back to the same float.
 */
final class LegacyLossText extends LegacyText {
    private static final String[] KINDS = {"cross_entropy", "binary_cross_entropy", "mse"};

    private LegacyLossText(String text) {
        super(text);
    }

    /** The loss the text describes; {@code source} names the file in errors. */
    static Loss parse(String text, String source) throws CheckpointException {
        LegacyLossText p = new LegacyLossText(text);
        try {
            return p.loss();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": loss description '" + text + "' cannot be read at character "
                    + p.pos + ": " + e.getMessage());
        }
    }

    private Loss loss() {
        if (skip("huber:")) {
            return end(Loss.huber(Float.parseFloat(text.substring(pos))), text.length());
        }
        Loss.Kind kind = kind();
        float[] weights = null;
        float smoothing = 0f;
        if (skip("(")) {
            if (skip("weights=[")) {
                weights = floats(upTo("]"));
                expect("]");
                if (skip(", smoothing=")) {
                    smoothing = Float.parseFloat(upTo(")"));
                }
            } else {
                expect("smoothing=");
                smoothing = Float.parseFloat(upTo(")"));
            }
            expect(")");
        }
        return end(Loss.of(kind, weights, smoothing, 0f), pos);
    }

    /** The longest kind name the text starts with ({@code binary_cross_entropy} before {@code cross_entropy}). */
    private Loss.Kind kind() {
        String best = null;
        for (String k : KINDS) {
            if (text.startsWith(k, pos) && (best == null || k.length() > best.length())) {
                best = k;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(
                    "expected huber:DELTA or one of cross_entropy, binary_cross_entropy, mse");
        }
        pos += best.length();
        return best.equals("mse") ? Loss.Kind.MSE
                : best.equals("cross_entropy") ? Loss.Kind.CROSS_ENTROPY : Loss.Kind.BINARY_CROSS_ENTROPY;
    }

    /** {@code Arrays.toString(float[])}'s inside: {@code F, F, …}, or nothing for an empty array. */
    private static float[] floats(String list) {
        if (list.isEmpty()) {
            return new float[0];
        }
        String[] parts = list.split(", ", -1);
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Float.parseFloat(parts[i]);
        }
        return values;
    }

    private Loss end(Loss loss, int at) {
        pos = at;
        if (pos != text.length()) {
            throw new IllegalArgumentException("expected the end of the text");
        }
        return loss;
    }
}
