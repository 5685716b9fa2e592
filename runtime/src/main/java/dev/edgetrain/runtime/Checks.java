package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.KernelSet;

/**
 * Argument checks shared by the public entry points. They run before any state changes, so a rejected
 * call leaves weights, gradients and optimizer state as they were. Messages say what was expected and
 * what came. Only index arithmetic on the happy path; strings are built only when throwing.
 */
final class Checks {
    private Checks() {
    }

    static void batch(int batch, int maxBatch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch must be in [1, " + maxBatch + "] (the workspace's maxBatch), got "
                    + batch);
        }
    }

    /**
     * {@code array} holds {@code rows × columns} values from {@code offset}; {@code columns < 0} for a vector of
     * {@code rows}. Takes dimensions rather than a shape string so the happy path builds no string.
     */
    static void region(String name, Object array, int length, int offset, int rows, int columns) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        final long needed = columns < 0 ? rows : (long) rows * columns;
        if (offset < 0 || offset > length || needed > length - offset) {
            throw new IllegalArgumentException(name + " needs " + needed + " values "
                    + (columns < 0 ? "[" + rows + "]" : "[" + rows + "][" + columns + "]") + " from offset " + offset
                    + ", but has length " + length);
        }
    }

    /** Inputs {@code [batch][features]} at {@code offset}: present, long enough, all finite ({@code kernels} scan). */
    static void inputs(float[] x, int offset, int batch, int features, Workspace ws, KernelSet kernels) {
        region("input", x, x == null ? 0 : x.length, offset, batch, features);
        final int n = batch * features;
        if (kernels.allFinite(x, offset, offset + n, ws.checkChunk, ws.checkLanes)) {
            return;
        }
        for (int i = 0; i < n; i++) {
            final float v = x[offset + i];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("input row " + (i / features) + ", column " + (i % features)
                        + " is " + v + ", expected a finite number");
            }
        }
    }

    static void labels(int[] labels, int offset, int batch, int classes) {
        region("labels", labels, labels == null ? 0 : labels.length, offset, batch, -1);
        for (int b = 0; b < batch; b++) {
            final int c = labels[offset + b];
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("label of row " + b + " is " + c + ", expected a class in [0, "
                        + classes + ")");
            }
        }
    }

    /**
     * Targets {@code [batch][width]} at {@code offset}: present, long enough, finite, and in [0, 1] when
     * {@code probabilities} (binary cross-entropy targets).
     */
    static void targets(float[] t, int offset, int batch, int width, boolean probabilities) {
        region("targets", t, t == null ? 0 : t.length, offset, batch, width);
        final int n = batch * width;
        for (int i = 0; i < n; i++) {
            final float v = t[offset + i];
            if (probabilities ? !(v >= 0f && v <= 1f) : !(Math.abs(v) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("target of row " + (i / width) + ", output " + (i % width) + " is "
                        + v + ", expected " + (probabilities ? "a probability in [0, 1]" : "a finite number"));
            }
        }
    }

    static void workspace(Workspace ws, NetworkSpec spec) {
        if (ws == null) {
            throw new IllegalArgumentException("workspace must not be null");
        }
        if (!ws.spec.equals(spec)) {
            throw new IllegalArgumentException("workspace was made for network " + ws.spec + ", expected one for "
                    + spec);
        }
    }
}
