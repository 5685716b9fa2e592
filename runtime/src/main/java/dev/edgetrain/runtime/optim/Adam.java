package dev.edgetrain.runtime.optim;

/**
 * Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter), with bias correction:
 * <pre>
 *   g = gradScale·∇            (Adam adds L2 decay here: g += λ·w)
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   w −= lr · (m / (1 − β1ᵗ)) / (sqrt(v / (1 − β2ᵗ)) + ε)      (AdamW first: w −= lr·λ·w)
 * </pre>
 */
final class Adam extends Optimizer {
    /** First moment {@code m}, same layout as the parameters. */
    private final float[] m;
    /** Second moment {@code v}, same layout as the parameters. */
    private final float[] v;
    private final boolean decoupled;
    /** {@code 1 / (1 − β1ᵗ)} and {@code 1 / (1 − β2ᵗ)} of the current step. */
    private float correction1;
    private float correction2;

    Adam(OptimizerConfig config, int parameterCount) {
        super(config, parameterCount);
        this.m = new float[parameterCount];
        this.v = new float[parameterCount];
        this.decoupled = config.kind == OptimizerConfig.Kind.ADAMW;
    }

    @Override
    void prepareRate(float lr) {
        correction1 = (float) (1.0 / (1.0 - Math.pow(config.beta1, steps)));
        correction2 = (float) (1.0 / (1.0 - Math.pow(config.beta2, steps)));
    }

    @Override
    void update(float[] w, float[] grads, int from, int to, float lr, float gradScale, float decay) {
        final float b1 = config.beta1;
        final float b2 = config.beta2;
        final float eps = config.epsilon;
        final float c1 = correction1;
        final float c2 = correction2;
        final float l2 = decoupled ? 0f : decay;
        final float shrink = decoupled ? 1f - lr * decay : 1f;
        final float[] m = this.m;
        final float[] v = this.v;
        for (int i = from; i < to; i++) {
            final float g = gradScale * grads[i] + l2 * w[i];
            final float mi = b1 * m[i] + (1f - b1) * g;
            final float vi = b2 * v[i] + (1f - b2) * g * g;
            m[i] = mi;
            v[i] = vi;
            w[i] = shrink * w[i] - lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
        }
    }

    @Override
    public int stateSlabCount() {
        return 2;
    }

    @Override
    float[] slab(int k) {
        if (k == 0) {
            return m;
        }
        if (k == 1) {
            return v;
        }
        throw new IndexOutOfBoundsException("state slab " + k + " of 2");
    }
}
