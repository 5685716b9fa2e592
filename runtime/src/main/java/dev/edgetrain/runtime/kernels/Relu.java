package dev.edgetrain.runtime.kernels;

/** The rectifier {@code B = ReLU(A) = max(A, 0)}, element-wise over {@code n} values. */
public final class Relu {
    private Relu() {
    }

    /**
     * {@code out[i] = max(in[i], 0)}; {@code out} may be {@code in} (in place).
     *
     * @param out {@code [n]} at {@code outOff}
     * @param in  {@code [n]} at {@code inOff}
     */
    public static void forward(float[] out, int outOff, float[] in, int inOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = Math.max(in[inOff + i], 0f);
        }
    }

    /**
     * {@code dIn[i] = 1[A_i > 0] · dOut[i]}: the indicator {@code 1[A_j > 0]} of the founding equation
     * {@code ∂J/∂W_ji = x_i · 1[A_j > 0] · Σ_k (y_k − P_k) V_kj}. The test is made on the forward
     * <em>output</em> {@code B = ReLU(A)}, since {@code B > 0} exactly when {@code A > 0}; so the workspace keeps
     * only {@code B}. {@code dIn} may be {@code dOut} (in place).
     *
     * @param dIn  {@code [n]} at {@code dInOff}
     * @param dOut {@code [n]} at {@code dOutOff}
     * @param out  {@code [n]} at {@code outOff}: the forward output {@code B}
     */
    public static void backward(float[] dIn, int dInOff, float[] dOut, int dOutOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            dIn[dInOff + i] = out[outOff + i] > 0f ? dOut[dOutOff + i] : 0f;
        }
    }
}
