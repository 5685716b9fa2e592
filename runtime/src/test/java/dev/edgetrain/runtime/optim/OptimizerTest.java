package dev.edgetrain.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.TrainingSession;
import org.junit.jupiter.api.Test;

/** Each update rule against the same rule computed by hand in double precision, parameter by parameter. */
class OptimizerTest {
    private static final NetworkSpec SPEC = NetworkSpec.of(3, 4, 2);

    /**
     * A network's parameter slab (a copy) and a gradient slab holding a known pattern, as if a backward pass had
     * run: what an optimizer steps on.
     */
    private static Slabs withGradients(long seed) {
        Slabs n = new Slabs(new Network(SPEC, seed));
        float[] g = n.gradients();
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) Math.sin(i + seed) * 0.5f;
        }
        return n;
    }

    /** Parameters, gradients and their layout, stepped by an optimizer with every layer trainable. */
    private static final class Slabs {
        private final float[] params;
        private final float[] grads;
        private final ParameterLayout layout;

        Slabs(Network n) {
            this(n.copyParameters(), new float[n.parameterCount()], n.layout());
        }

        private Slabs(float[] params, float[] grads, ParameterLayout layout) {
            this.params = params;
            this.grads = grads;
            this.layout = layout;
        }

        float[] copyParameters() {
            return params.clone();
        }

        int parameterCount() {
            return params.length;
        }

        float[] gradients() {
            return grads;
        }

        ParameterLayout layout() {
            return layout;
        }

        Slabs copy() {
            return new Slabs(params.clone(), new float[grads.length], layout);
        }

        void step(Optimizer opt) {
            boolean[] all = new boolean[layout.layerCount()];
            java.util.Arrays.fill(all, true);
            opt.step(params, grads, layout, all);
        }
    }

    private static boolean isBias(ParameterLayout layout, int i) {
        for (int l = 0; l < layout.layerCount(); l++) {
            int b = layout.biasOffset(l);
            if (b >= 0 && i >= b && i < b + layout.biasSize(l)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sgdStepsAgainstTheGradientWithL2DecayOnWeightsOnly() {
        Slabs n = withGradients(1);
        float[] w0 = n.copyParameters();
        float[] g = n.gradients().clone();
        Optimizer opt = OptimizerConfig.sgd(0.1f).withWeightDecay(0.01f).create(w0.length);
        n.step(opt);
        for (int i = 0; i < w0.length; i++) {
            double decay = isBias(n.layout(), i) ? 0 : 0.01;
            assertEquals(w0[i] - 0.1 * (g[i] + decay * w0[i]), n.copyParameters()[i], 1e-6, "param " + i);
        }
        assertEquals(1, opt.steps());
    }

    @Test
    void momentumAndNesterovFollowPyTorchsFormulation() {
        for (boolean nesterov : new boolean[] {false, true}) {
            Slabs n = withGradients(2);
            float[] w = n.copyParameters();
            double[] v = new double[w.length];
            double[] expected = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                expected[i] = w[i];
            }
            Optimizer opt = OptimizerConfig.sgd(0.05f).withMomentum(0.9f, nesterov).create(w.length);
            for (int step = 0; step < 3; step++) {
                float[] g = n.gradients();
                for (int i = 0; i < w.length; i++) {
                    v[i] = 0.9 * v[i] + g[i];
                    expected[i] -= 0.05 * (nesterov ? g[i] + 0.9 * v[i] : v[i]);
                }
                n.step(opt);
            }
            for (int i = 0; i < w.length; i++) {
                assertEquals(expected[i], n.copyParameters()[i], 1e-5,
                        (nesterov ? "nesterov" : "momentum") + " param " + i);
                assertEquals(v[i], opt.stateSlab(0)[i], 1e-5, "velocity " + i);
            }
        }
    }

    @Test
    void adamMatchesTheBiasCorrectedUpdate() {
        Slabs n = withGradients(3);
        float[] w = n.copyParameters();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] expected = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            expected[i] = w[i];
        }
        Optimizer opt = OptimizerConfig.adam(0.01f).withBetas(0.8f, 0.99f).create(w.length);
        for (int t = 1; t <= 4; t++) {
            float[] g = n.gradients();
            for (int i = 0; i < w.length; i++) {
                g[i] *= 1.1f; // a different gradient each step
                m[i] = 0.8 * m[i] + 0.2 * g[i];
                v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(0.8, t));
                double vHat = v[i] / (1 - Math.pow(0.99, t));
                expected[i] -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            n.step(opt);
        }
        for (int i = 0; i < w.length; i++) {
            assertEquals(expected[i], n.copyParameters()[i], 1e-5, "param " + i);
        }
    }

    @Test
    void adamWDecaysWeightsDecoupledFromTheGradient() {
        Slabs n = withGradients(4);
        java.util.Arrays.fill(n.gradients(), 0f); // zero gradient: only the decay moves weights
        float[] w = n.copyParameters();
        Optimizer opt = OptimizerConfig.adamW(0.1f, 0.5f).create(w.length);
        n.step(opt);
        for (int i = 0; i < w.length; i++) {
            double expected = isBias(n.layout(), i) ? w[i] : w[i] * (1 - 0.1 * 0.5);
            assertEquals(expected, n.copyParameters()[i], 1e-6, "param " + i);
        }
        // Adam with L2 decay instead feeds λw through the moments: the first step moves each weight by ~lr.
        Slabs l2 = withGradients(4);
        java.util.Arrays.fill(l2.gradients(), 0f);
        float[] w2 = l2.copyParameters();
        l2.step(OptimizerConfig.adam(0.1f).withWeightDecay(0.5f).create(w2.length));
        int weight = 1;
        assertEquals(w2[weight] - 0.1 * Math.signum(w2[weight]), l2.copyParameters()[weight], 1e-5);
    }

    @Test
    void clippingScalesTheGlobalNormDownToTheLimit() {
        Slabs n = withGradients(5);
        float[] w = n.copyParameters();
        float[] g = n.gradients().clone();
        double norm = 0;
        for (float v : g) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        assertTrue(norm > 1, "the pattern's norm exceeds the limit: " + norm);
        Optimizer opt = OptimizerConfig.sgd(1f).withClipNorm(1f).create(w.length);
        n.step(opt);
        double stepNorm = 0;
        for (int i = 0; i < w.length; i++) {
            stepNorm += (w[i] - n.copyParameters()[i]) * (double) (w[i] - n.copyParameters()[i]);
        }
        assertEquals(1.0, Math.sqrt(stepNorm), 1e-5, "a unit-lr SGD step moves by exactly the clip norm");
        assertEquals(norm, opt.lastGradientNorm(), 1e-5);
        assertArrayEquals(g, n.gradients(), 0f, "clipping does not rewrite the gradient slab");
    }

    @Test
    void frozenLayersKeepTheirWeightsAndGetNoGradient() {
        Network n = new Network(NetworkSpec.of(3, new int[] {5, 4}, 2), 6);
        TrainingSession s = new TrainingSession(n, 4, OptimizerConfig.adam(0.05f));
        s.trainOnlyLastLayer();
        float[] before = n.copyParameters();
        float[] x = {1, 2, 3, -1, 0.5f, 2, 0, 1, -2, 3, 1, 1};
        int[] y = {0, 1, 1, 0};
        s.trainStep(x, y, 4);
        ParameterLayout layout = n.layout();
        for (int i = 0; i < layout.layerEnd(1); i++) {
            assertEquals(0f, n.gradients()[i], "no gradient in frozen " + layout.describe(i));
        }
        s.optimizerStep();
        for (int i = 0; i < layout.layerEnd(1); i++) {
            assertEquals(before[i], n.parameter(i), "frozen " + layout.describe(i));
        }
        boolean moved = false;
        for (int i = layout.layerStart(2); i < layout.size(); i++) {
            moved |= before[i] != n.parameter(i);
        }
        assertTrue(moved, "the output layer trained");
        // Unfrozen again, the whole network trains, and the output layer's gradient is the same either way.
        Network m = Network.fromParameters(n.spec(), before);
        TrainingSession all = new TrainingSession(m, 4, OptimizerConfig.adam(0.05f));
        all.trainStep(x, y, 4);
        s.setTrainable(0, true);
        s.setTrainable(1, true);
        assertTrue(s.isTrainable(0) && s.isTrainable(1) && s.isTrainable(2));
        n.setParameters(before);
        s.zeroGrad();
        s.trainStep(x, y, 4);
        assertArrayEquals(m.gradients(), n.gradients(), 0f);
    }

    @Test
    void schedulesGiveTheDocumentedFactors() {
        assertEquals(1.0, LearningRateSchedule.constant().factor(12345));
        LearningRateSchedule step = LearningRateSchedule.step(10, 0.5);
        assertEquals(1.0, step.factor(9));
        assertEquals(0.5, step.factor(10));
        assertEquals(0.25, step.factor(25));
        LearningRateSchedule cosine = LearningRateSchedule.cosine(100, 0.1);
        assertEquals(1.0, cosine.factor(0), 1e-12);
        assertEquals(0.55, cosine.factor(50), 1e-12);
        assertEquals(0.1, cosine.factor(100), 1e-12);
        assertEquals(0.1, cosine.factor(1000), 1e-12);
        LearningRateSchedule warm = cosine.withWarmup(4);
        assertEquals(0.25, warm.factor(0), 1e-12);
        assertEquals(1.0, warm.factor(3), 1e-12);
        assertEquals(1.0, warm.factor(4), 1e-12);
        assertEquals(0.55, warm.factor(54), 1e-12);
    }

    @Test
    void theOptimizerUsesTheScheduledRate() {
        Slabs n = withGradients(7);
        float[] w = n.copyParameters();
        float[] g = n.gradients().clone();
        Optimizer opt = OptimizerConfig.sgd(0.2f).withSchedule(LearningRateSchedule.constant().withWarmup(4))
                .create(w.length);
        assertEquals(0.05f, opt.currentLearningRate(), 1e-7f);
        n.step(opt);
        assertEquals(w[0] - 0.05 * g[0], n.copyParameters()[0], 1e-6);
        assertEquals(0.1f, opt.currentLearningRate(), 1e-7f);
    }

    @Test
    void invalidSettingsAreRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.sgd(0f)).getMessage()
                .contains("learning rate must be in (0.0, inf), got 0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.sgd(0.1f).withMomentum(1f, false))
                .getMessage().contains("momentum must be in [0.0, 1.0), got 1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> OptimizerConfig.adam(0.1f).withMomentum(0.5f, false))
                .getMessage().contains("momentum applies to SGD, not ADAM"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.sgd(Float.NaN)).getMessage()
                .contains("got NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0, 0)).getMessage()
                .contains("totalSteps must be >= 1"));
        Slabs n = withGradients(1);
        Optimizer small = OptimizerConfig.sgd(0.1f).create(3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> n.step(small)).getMessage()
                .contains("optimizer was made for 3 parameters"));
    }

    @Test
    void stateCanBeCopiedForCheckpoints() {
        Slabs n = withGradients(8);
        Optimizer a = OptimizerConfig.adam(0.01f).create(n.parameterCount());
        n.step(a);
        n.step(a);
        Optimizer b = OptimizerConfig.adam(0.01f).create(n.parameterCount());
        b.copyStateFrom(a);
        assertEquals(2, b.steps());
        assertArrayEquals(a.stateSlab(0), b.stateSlab(0), 0f);
        assertArrayEquals(a.stateSlab(1), b.stateSlab(1), 0f);
        Slabs n2 = n.copy();
        System.arraycopy(n.gradients(), 0, n2.gradients(), 0, n.gradients().length);
        n.step(a);
        n2.step(b);
        assertArrayEquals(n.copyParameters(), n2.copyParameters(), 0f, "continuing from copied state is identical");
    }
}
