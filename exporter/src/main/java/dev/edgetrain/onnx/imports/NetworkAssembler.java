package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.runtime.LayerSpec;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.Task;

import java.util.List;

/**
 * Builds the runtime network from the layers read: a {@link NetworkSpec} (widths, biases, layer norms,
 * activations, dropout of hidden layers, task) and its parameter slab laid out by the runtime's
 * {@link ParameterLayout}. A Dropout after the output layer is read as the identity it is at inference and not
 * kept: the runtime has dropout on hidden layers only.
 */
final class NetworkAssembler {
    private NetworkAssembler() {
    }

    static Network build(List<LayerDraft> layers, Task task, int maxLayerWidth) throws OnnxImportException {
        LayerSpec[] specs = new LayerSpec[layers.size()];
        for (int l = 0; l < specs.length; l++) {
            LayerDraft d = layers.get(l);
            LayerSpec s = LayerSpec.dense(d.out, d.activation).withBias(d.bias != null);
            if (d.hasLayerNorm()) {
                s = s.withLayerNorm(d.normEpsilon);
            }
            if (l < specs.length - 1 && d.dropout > 0) {
                s = s.withDropout(d.dropout);
            }
            specs[l] = s;
        }
        NetworkSpec spec;
        try {
            spec = NetworkSpec.of(layers.get(0).in, specs, task);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException("the layers " + describe(layers) + " do not make an edgetrain network"
                    + " (expected widths up to " + maxLayerWidth + " and at most " + NetworkSpec.MAX_PARAMETERS
                    + " parameters): " + e.getMessage(), e);
        }
        // The runtime owns the layout: fill a slab laid out as it says, then hand it over.
        Network network = new Network(spec, 0L);
        ParameterLayout layout = network.layout();
        float[] params = new float[layout.size()];
        for (int l = 0; l < layers.size(); l++) {
            LayerDraft d = layers.get(l);
            System.arraycopy(d.weight, 0, params, layout.weightOffset(l), d.weight.length);
            if (d.bias != null) {
                System.arraycopy(d.bias, 0, params, layout.biasOffset(l), d.bias.length);
            }
            if (d.hasLayerNorm()) {
                System.arraycopy(d.normScale, 0, params, layout.normScaleOffset(l), d.out);
                System.arraycopy(d.normShift, 0, params, layout.normShiftOffset(l), d.out);
            }
        }
        for (int i = 0; i < params.length; i++) {
            if (!(Math.abs(params[i]) <= Float.MAX_VALUE)) {
                // Only alpha/beta scaling and BatchNormalization folding can get here: stored values were checked.
                int l = 0;
                while (i >= layout.layerEnd(l)) {
                    l++;
                }
                throw new OnnxImportException(layers.get(l).where + " gives " + layout.describe(i) + " = " + params[i]
                        + " after scaling by alpha/beta or folding a BatchNormalization; expected finite weights");
            }
        }
        network.setParameters(params);
        return network;
    }

    private static String describe(List<LayerDraft> layers) {
        StringBuilder sb = new StringBuilder();
        for (LayerDraft l : layers) {
            sb.append(sb.length() == 0 ? "" : ", ").append(l.in).append("->").append(l.out);
        }
        return "[" + sb + "]";
    }
}
