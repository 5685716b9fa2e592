package dev.edgetrain.fleet.model;

import dev.edgetrain.runtime.NetworkSpec;
import java.io.Serializable;

/** A {@link NetworkSpec} in a form Spark can ship to tasks (the runtime's types stay free of Serializable). */
public final class SpecData implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int inputs;
    private final int[] hidden;
    private final int classes;
    private final boolean[] bias;
    private transient NetworkSpec spec;

    public SpecData(NetworkSpec spec) {
        this.inputs = spec.inputs();
        this.hidden = spec.hiddenSizes();
        this.classes = spec.classes();
        this.bias = new boolean[spec.layerCount()];
        for (int l = 0; l < bias.length; l++) {
            bias[l] = spec.hasBias(l);
        }
        this.spec = spec;
    }

    public NetworkSpec spec() {
        if (spec == null) {
            spec = NetworkSpec.of(inputs, hidden, classes).withLayerBias(bias);
        }
        return spec;
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
