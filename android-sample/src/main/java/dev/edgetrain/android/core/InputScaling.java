package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.train.Standardizer;

import java.util.Arrays;

/**
 * The digits models see pixel counts 0–16 mapped to [−1, 1] by {@code x' = (x − 8) / 8}. A fixed scale
 * rather than a per-pixel fit: border pixels are almost always 0 in the pre-training rows, and dividing
 * by their tiny spread made other writers' strokes there look enormous (held-out accuracy 90.2% fitted,
 * 91.9% fixed, same recipe).
 *
 * <p>The models the app holds take raw counts: the scaling is folded into the first layer
 * ({@code W' = W/8}, {@code b' = b − Σ_j W_j}), by the exporter for the shipped model and by
 * {@link #foldInto} for a fresh network.
 */
public final class InputScaling {
    /** The pixel count that maps to 0: 8, half of {@link DigitSketch#MAX_COUNT}. */
    public static final float CENTRE = DigitSketch.MAX_COUNT / 2f;
    /** The divisor that maps counts 0 and 16 to −1 and 1: 8. */
    public static final float HALF_RANGE = DigitSketch.MAX_COUNT / 2f;

    private InputScaling() {
    }

    /**
     * The scaling as a runtime {@link Standardizer} (mean 8, std 8 for every pixel).
     *
     * @return a new standardizer for the 64 pixel features, each mean {@link #CENTRE} and std {@link #HALF_RANGE}
     */
    public static Standardizer standardizer() {
        float[] mean = new float[DigitsCsv.FEATURES];
        float[] std = new float[DigitsCsv.FEATURES];
        Arrays.fill(mean, CENTRE);
        Arrays.fill(std, HALF_RANGE);
        return new Standardizer(mean, std);
    }

    /**
     * Rewrites layer 0 of {@code network} (trained on scaled inputs) so it gives the same outputs on raw
     * counts: {@code W'[o][i] = W[o][i] / 8}, {@code b'[o] = b[o] − Σ_i W[o][i] · 8 / 8}.
     *
     * @param network a network trained on scaled inputs; its parameters are replaced in place, so it must not be
     *                training or predicting on another thread meanwhile
     * @return {@code network} itself, now taking raw counts 0–16
     * @throws IllegalArgumentException if layer 0 has no bias or the network does not take 64 inputs
     */
    public static Network foldInto(Network network) {
        ParameterLayout layout = network.layout();
        if (network.spec().inputs() != DigitsCsv.FEATURES || layout.biasOffset(0) < 0) {
            throw new IllegalArgumentException("folding the input scaling needs " + DigitsCsv.FEATURES
                    + " inputs and a bias in layer 0, network is " + network.spec());
        }
        float[] p = network.copyParameters();
        final int in = layout.inputs(0);
        final int out = layout.outputs(0);
        final int w0 = layout.weightOffset(0);
        final int b0 = layout.biasOffset(0);
        for (int o = 0; o < out; o++) {
            double shift = 0;
            for (int i = 0; i < in; i++) {
                float w = p[w0 + o * in + i];
                shift += (double) w * CENTRE / HALF_RANGE;
                p[w0 + o * in + i] = w / HALF_RANGE;
            }
            p[b0 + o] = (float) (p[b0 + o] - shift);
        }
        network.setParameters(p);
        return network;
    }
}
