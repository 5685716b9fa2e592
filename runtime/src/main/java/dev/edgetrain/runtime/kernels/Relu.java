package dev.edgetrain.runtime.kernels;

/**
 * The rectifier {@code B = ReLU(A) = max(A, 0)} and its backward pass: the indicator {@code 1[A_j > 0]} of the
 * founding equation {@code ∂J/∂W_ji = x_i · 1[A_j > 0] · Σ_k (y_k − P_k) V_kj}.
 */
public final class Relu {
    private Relu() {
    }

    /** 2^126: twice applied, it lifts every positive float, subnormals included, to at least 1. */
    private static final float LIFT = 0x1p126f;

    /**
     * {@code out[i] = max(in[i], 0)}; {@code out} may be {@code in} (the workspace computes ReLU in place, since its
     * backward needs only the output).
     *
     * @param out {@code [≥ n]}
     * @param in  {@code [≥ n]} pre-activation {@code A}
     * @param n elements to compute
     */
    public static void forward(float[] out, float[] in, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(in[i], 0f);
        }
    }

    /**
     * {@code d[i] = 1[A_i > 0] · d[i]}, in place. The test is made on the forward <em>output</em>
     * {@code B = ReLU(A)}, since {@code B > 0} exactly when {@code A > 0}, so the workspace keeps only {@code B}.
     *
     * <p>Written without a branch or a select so the JIT vectorises it: the factor
     * {@code min(min(B·2^126, 1)·2^126, 1)} is exactly 1 for every positive float (subnormals too) and 0 for 0.
     * The result equals {@link ReferenceKernels#reluBackward}'s {@code A > 0 ? d : 0} except that an infinite
     * {@code d} gated off gives NaN rather than 0 (a gradient that has overflowed, which the optimizer rejects
     * either way).
     *
     * @param d   {@code [≥ n]} gradient, in place
     * @param out {@code [≥ n]} forward output {@code B}
     * @param n elements to gate
     */
    public static void backward(float[] d, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            d[i] *= Math.min(Math.min(out[i] * LIFT, 1f) * LIFT, 1f); // out ≥ 0: no max(·, 0) needed
        }
    }

    /** 1 for every positive float, 0 for zero and negatives (any input, not only a ReLU's output); branch-free. */
    static float gate(float v) {
        return Math.min(Math.min(Math.max(v, 0f) * LIFT, 1f) * LIFT, 1f);
    }
}
