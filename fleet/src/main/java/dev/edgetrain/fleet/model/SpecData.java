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
    /** Input features of the network. */
    private final int inputs;
    /** Output width of each layer, {@code [layers]}. */
    private final int[] outputs;
    /** Whether each layer has a bias, {@code [layers]}. */
    private final boolean[] bias;
    /** Whether each layer has a layer norm, {@code [layers]}. */
    private final boolean[] layerNorm;
    /** Each layer's layer-norm epsilon, {@code [layers]}. */
    private final float[] normEpsilon;
    /** {@code Activation.toString()}, which {@code Activation.parse} reads back. */
    private final String[] activation;
    /** Each layer's dropout rate, {@code [layers]}. */
    private final float[] dropout;
    /** The task's id, which {@code Task.parse} reads back. */
    private final String task;
    private transient NetworkSpec spec;

    /**
     * The shippable form of {@code spec}, which it also keeps (not shipped) for {@link #spec()}.
     *
     * @param spec the network spec
     */
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

    /**
     * The spec, rebuilt from the shipped fields on first use after deserialization.
     *
     * @return the network spec, equal to the one this was made from
     */
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
