package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.Activations;
import dev.edgetrain.runtime.kernels.Dropout;
import dev.edgetrain.runtime.kernels.LayerNorm;

/**
 * Each example's gradient norm without its gradient ("ghost norms", Goodfellow 2015; Li et al. 2022): a backward
 * pass that propagates the gradient rows down the network as {@link Passes#backward} does but, instead of summing
 * the weight gradients over the batch, adds up per example the squared norms of what that example alone contributes:
 * <pre>
 *   dense layer, input row x, gradient row δ = ∂ℓ/∂z:   ‖∇W‖² = ‖δ‖² · ‖x‖²    (∇W = δ xᵀ),   ‖∇b‖² = ‖δ‖²
 *   layer norm, gradient row g = ∂ℓ/∂n, normalised ẑ:   ‖∇γ‖² = Σ_i (g_i ẑ_i)²,  ‖∇β‖² = ‖g‖²
 * </pre>
 * over the trainable layers. It costs one input-gradient product per layer, about a third of a training step.
 */
final class GhostNorms {
    private GhostNorms() {
    }

    /**
     * Fills {@code squaredNorms [batch]} with each example's squared gradient norm over the trainable layers, from
     * the loss gradient rows in {@code ws.gradRowsA} (one row per example, that example's own gradient) after a
     * training forward pass. Overwrites {@code ws.gradRowsA} and {@code ws.gradRowsB}; reads the rest of the pass.
     */
    static void compute(Network net, Workspace ws, boolean[] trainable, int lowest, int batch,
                        double[] squaredNorms) {
        final NetworkSpec spec = net.spec();
        final ParameterLayout layout = net.layout();
        final float[] params = net.params;
        for (int b = 0; b < batch; b++) {
            squaredNorms[b] = 0;
        }
        float[][] dOut = ws.gradRowsA;
        float[][] dIn = ws.gradRowsB;
        for (int l = layout.layerCount() - 1; l >= lowest; l--) {
            final LayerSpec s = spec.layer(l);
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            if (ws.training && ws.dropMask[l] != null) {
                Dropout.backward(dOut, ws.dropMask[l], 0, batch, outDim);
            }
            Activations.backward(s.activation(), dOut, ws.normed[l], ws.activated[l], 0, batch, outDim);
            if (s.layerNorm()) {
                if (trainable[l]) {
                    addNormParameterNorms(squaredNorms, dOut, ws.linear[l], ws.normMean[l], ws.normRstd[l], batch,
                            outDim);
                }
                LayerNorm.backward(dOut, null, dOut, ws.linear[l], params, layout.normScaleOffset(l),
                        layout.normShiftOffset(l), ws.normMean[l], ws.normRstd[l], 0, batch, outDim);
            }
            if (trainable[l]) {
                final float[][] in = l == 0 ? ws.copyInputRows(ws.input, ws.inputOffset, 0, batch)
                        : ws.layerOutputRows(l - 1);
                final double bias = layout.biasOffset(l) >= 0 ? 1 : 0;
                for (int b = 0; b < batch; b++) {
                    squaredNorms[b] += squaredNorm(dOut[b], outDim) * (squaredNorm(in[b], inDim) + bias);
                }
            }
            if (l > lowest) {
                net.dense[l].backwardInput(dIn, dOut, 0, batch);
                final float[][] t = dOut;
                dOut = dIn;
                dIn = t;
            }
        }
    }

    /** Adds {@code Σ_i (g_i ẑ_i)² + Σ_i g_i²} per row, with {@code ẑ} computed as {@link LayerNorm#backward} does. */
    private static void addNormParameterNorms(double[] squaredNorms, float[][] g, float[][] z, float[] mean,
                                              float[] rstd, int batch, int n) {
        for (int b = 0; b < batch; b++) {
            final float[] d = g[b];
            final float[] x = z[b];
            final float m = mean[b];
            final float r = rstd[b];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                final double scaleGradient = d[i] * ((x[i] - m) * r);
                sum += scaleGradient * scaleGradient + (double) d[i] * d[i];
            }
            squaredNorms[b] += sum;
        }
    }

    private static double squaredNorm(float[] row, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) row[i] * row[i];
        }
        return sum;
    }
}
