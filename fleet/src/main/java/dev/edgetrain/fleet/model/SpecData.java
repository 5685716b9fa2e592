package dev.edgetrain.fleet.model;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.LayerSpec;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import java.io.Serializable;

/**
 * A {@link NetworkSpec} in a form Spark can ship to tasks (the runtime's types stay free of Serializable): every
 * layer's width, bias, layer norm, activation and dropout, and the task, so a task rebuilds exactly the spec.
 */
public final class SpecData implements Serializable {
    private static final long serialVersionUID = 2L;
    private final int inputs;
    private final int[] outputs;
    private final boolean[] bias;
    private final boolean[] layerNorm;
    private final float[] normEpsilon;
    /** {@code Activation.toString()}, which {@code Activation.parse} reads back. */
    private final String[] activation;
    private final float[] dropout;
    private final String task;
    private transient NetworkSpec spec;

    public SpecData(NetworkSpec spec) {
        int layers = spec.layerCount();
        this.inputs = spec.inputs();
        this.outputs = new int[layers];
        this.bias = new boolean[layers];
        this.layerNorm = new boolean[layers];
        this.normEpsilon = new float[layers];
        this.activation = new String[layers];
        this.dropout = new float[layers];
        for (int l = 0; l < layers; l++) {
            LayerSpec s = spec.layer(l);
            outputs[l] = s.outputs();
            bias[l] = s.bias();
            layerNorm[l] = s.layerNorm();
            normEpsilon[l] = s.normEpsilon();
            activation[l] = s.activation().toString();
            dropout[l] = s.dropout();
        }
        this.task = spec.task().id();
        this.spec = spec;
    }

    public NetworkSpec spec() {
        if (spec == null) {
            LayerSpec[] layers = new LayerSpec[outputs.length];
            for (int l = 0; l < layers.length; l++) {
                LayerSpec s = LayerSpec.dense(outputs[l], Activation.parse(activation[l])).withBias(bias[l])
                        .withDropout(dropout[l]);
                layers[l] = layerNorm[l] ? s.withLayerNorm(normEpsilon[l]) : s;
            }
            spec = NetworkSpec.of(inputs, layers, Task.parse(task));
        }
        return spec;
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
