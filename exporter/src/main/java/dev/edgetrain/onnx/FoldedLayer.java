package dev.edgetrain.onnx;

import dev.edgetrain.runtime.ParameterLayout;

/** The first layer with {@code x' = (x − mean)/std} folded in. */
final class FoldedLayer {
    /** {@code W'[o][i] = W[o][i] / std[i]}. */
    final float[] weight;
    /** {@code b'[o] = b[o] − Σ_i W'[o][i]·mean[i]}, or null when there is no bias and every mean is 0. */
    final float[] bias;

    private FoldedLayer(float[] weight, float[] bias) {
        this.weight = weight;
        this.bias = bias;
    }

    static FoldedLayer fold(float[] params, ParameterLayout layout, float[] mean, float[] std) {
        final int in = layout.inputs(0);
        final int out = layout.outputs(0);
        final int w0 = layout.weightOffset(0);
        final int b0 = layout.biasOffset(0);
        boolean centred = true;
        for (float m : mean) {
            centred &= m == 0f;
        }
        float[] w = new float[in * out];
        float[] b = b0 < 0 && centred ? null : new float[out];
        for (int o = 0; o < out; o++) {
            // The bias shift is summed in double from the rounded W', so the folded graph is exact up to
            // one float rounding of b'.
            double shift = 0;
            for (int i = 0; i < in; i++) {
                float wi = params[w0 + o * in + i] / std[i];
                w[o * in + i] = wi;
                shift += (double) wi * mean[i];
            }
            if (b != null) {
                b[o] = (float) ((b0 < 0 ? 0.0 : params[b0 + o]) - shift);
            }
        }
        for (int k = 0; k < w.length; k++) {
            if (!(Math.abs(w[k]) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("folding the standardizer into " + layout.describe(w0 + k)
                        + " gives " + w[k] + " (a std too small for the weight); expected a finite weight");
            }
        }
        if (b != null) {
            for (int o = 0; o < out; o++) {
                if (!(Math.abs(b[o]) <= Float.MAX_VALUE)) {
                    throw new IllegalArgumentException("folding the standardizer into layer 0's bias[" + o
                            + "] gives " + b[o] + "; expected a finite bias");
                }
            }
        }
        return new FoldedLayer(w, b);
    }
}
