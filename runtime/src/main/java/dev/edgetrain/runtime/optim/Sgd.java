package dev.edgetrain.runtime.optim;

/**
 * Stochastic gradient descent, optionally with momentum (heavy-ball or Nesterov, PyTorch's formulation)
 * and L2 weight decay:
 * <pre>
 *   g = gradScale·∇ + λ·w
 *   plain:     w −= lr·g
 *   momentum:  v = μ·v + g;  w −= lr·v            (Nesterov: w −= lr·(g + μ·v))
 * </pre>
 */
final class Sgd extends Optimizer {
    /** Momentum buffer {@code v}, same layout as the parameters; empty without momentum. */
    private final float[] velocity;

    Sgd(OptimizerConfig config, int parameterCount) {
        super(config, parameterCount);
        this.velocity = config.momentum == 0f ? new float[0] : new float[parameterCount];
    }

    @Override
    void update(float[] w, float[] grads, int from, int to, float lr, float gradScale, float decay) {
        final float mu = config.momentum;
        if (mu == 0f) {
            for (int i = from; i < to; i++) {
                w[i] -= lr * (gradScale * grads[i] + decay * w[i]);
            }
        } else if (config.nesterov) {
            final float[] v = velocity;
            for (int i = from; i < to; i++) {
                final float g = gradScale * grads[i] + decay * w[i];
                final float vi = mu * v[i] + g;
                v[i] = vi;
                w[i] -= lr * (g + mu * vi);
            }
        } else {
            final float[] v = velocity;
            for (int i = from; i < to; i++) {
                final float vi = mu * v[i] + gradScale * grads[i] + decay * w[i];
                v[i] = vi;
                w[i] -= lr * vi;
            }
        }
    }

    @Override
    public int stateSlabCount() {
        return velocity.length == 0 ? 0 : 1;
    }

    @Override
    float[] slab(int k) {
        if (k != 0 || velocity.length == 0) {
            throw new IndexOutOfBoundsException("state slab " + k + " of " + stateSlabCount());
        }
        return velocity;
    }
}
