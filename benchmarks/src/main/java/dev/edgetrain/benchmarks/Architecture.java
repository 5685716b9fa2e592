package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.NetworkSpec;

/**
 * A benchmark network written {@code "784-128-10"}: inputs, hidden ReLU widths, classes; every dense layer
 * has a bias. Counts the multiply-adds of a training step, the basis of every GFLOP/s figure.
 */
public final class Architecture {
    /** {@code widths[0]} inputs, {@code widths[last]} classes, hidden widths between. */
    private final int[] widths;
    private final String name;

    private Architecture(String name, int[] widths) {
        this.name = name;
        this.widths = widths;
    }

    public static Architecture parse(String name) {
        String[] parts = name.split("-");
        if (parts.length < 2) {
            throw new IllegalArgumentException("network '" + name + "' must be written inputs-hidden...-classes");
        }
        int[] w = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                w[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("network '" + name + "': width " + (i + 1) + " '" + parts[i]
                        + "' is not a number", e);
            }
        }
        return new Architecture(name, w);
    }

    public int inputs() {
        return widths[0];
    }

    public int classes() {
        return widths[widths.length - 1];
    }

    /** Number of dense layers. */
    public int layers() {
        return widths.length - 1;
    }

    public int layerInputs(int l) {
        return widths[l];
    }

    public int layerOutputs(int l) {
        return widths[l + 1];
    }

    public int[] hidden() {
        int[] h = new int[widths.length - 2];
        System.arraycopy(widths, 1, h, 0, h.length);
        return h;
    }

    public NetworkSpec spec() {
        return NetworkSpec.of(inputs(), hidden(), classes());
    }

    /** Weights and biases. */
    public long parameters() {
        long p = 0;
        for (int l = 0; l < layers(); l++) {
            p += (long) widths[l] * widths[l + 1] + widths[l + 1];
        }
        return p;
    }

    /** Multiply-adds of the forward pass over {@code batch} rows: {@code Σ_l batch·in·out}. */
    public long forwardMultiplyAdds(int batch) {
        long m = 0;
        for (int l = 0; l < layers(); l++) {
            m += (long) batch * widths[l] * widths[l + 1];
        }
        return m;
    }

    /**
     * Multiply-adds of one training step over {@code batch} rows: forward ({@code Σ_l B·in·out}), weight
     * gradients (the same again), input gradients of every layer but the first ({@code Σ_{l≥1} B·in·out}),
     * and one per parameter for the SGD update {@code w −= lr·g}. Softmax, ReLU and bias sums are not
     * counted. Each multiply-add is 2 FLOPs.
     */
    public long trainingMultiplyAdds(int batch) {
        long m = 2 * forwardMultiplyAdds(batch);
        for (int l = 1; l < layers(); l++) {
            m += (long) batch * widths[l] * widths[l + 1];
        }
        return m + parameters();
    }

    @Override
    public String toString() {
        return name;
    }
}
