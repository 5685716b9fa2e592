package dev.edgetrain.runtime.kernels;

/**
 * The rectifier {@code B = ReLU(A) = max(A, 0)}. Its forward pass is fused into {@link Dense#forward} and
 * {@link Dense#forwardDot} ({@code relu = true}); this is its backward pass.
 */
public final class Relu {
    private Relu() {
    }

    /** 2^126: twice applied, it lifts every positive float, subnormals included, to at least 1. */
    private static final float LIFT = 0x1p126f;

    /**
     * {@code d[i] = 1[A_i > 0] · d[i]}, in place: the indicator {@code 1[A_j > 0]} of the founding equation
     * {@code ∂J/∂W_ji = x_i · 1[A_j > 0] · Σ_k (y_k − P_k) V_kj}. The test is made on the forward <em>output</em>
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
     */
    public static void backward(float[] d, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            d[i] *= Math.min(Math.min(out[i] * LIFT, 1f) * LIFT, 1f);
        }
    }
}
