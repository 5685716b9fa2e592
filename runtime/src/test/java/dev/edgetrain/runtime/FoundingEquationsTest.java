package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.edgetrain.runtime.kernels.ReferenceKernels;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The founding document's network, A = W·x, B = ReLU(A), O = V·B, P = softmax(O), J = log P_c, worked by hand
 * for 2 inputs, 3 hidden units and 2 classes, and the runtime's gradients held to its two equations:
 * dJ/dV_kj = B_j (y_k − P_k) and dJ/dW_ji = x_i · 1[A_j > 0] · Σ_k (y_k − P_k) V_kj.
 */
class FoundingEquationsTest {
    // W [3][2]: hidden unit 1 is negative for x below, so its ReLU gate is closed.
    private static final double[][] W = {{0.5, -0.25}, {-1.0, 0.5}, {0.25, 0.75}};
    // V [2][3]
    private static final double[][] V = {{1.0, -0.5, 0.25}, {-0.75, 0.5, 1.5}};
    private static final double[] X = {1.0, 1.5};
    private static final int LABEL = 0;

    @Test
    void gradientsOfTheHandWorked232ExampleFollowTheFoundingEquations() {
        // Forward, by hand: A = W·x = [0.5−0.375, −1+0.75, 0.25+1.125] = [0.125, −0.25, 1.375].
        double[] x = X;
        double[] a = new double[3];
        for (int j = 0; j < 3; j++) {
            a[j] = W[j][0] * x[0] + W[j][1] * x[1];
        }
        double[] bh = {Math.max(a[0], 0), Math.max(a[1], 0), Math.max(a[2], 0)};
        double[] o = new double[2];
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                o[k] += V[k][j] * bh[j];
            }
        }
        double z = Math.exp(o[0]) + Math.exp(o[1]);
        double[] p = {Math.exp(o[0]) / z, Math.exp(o[1]) / z};
        double[] y = {LABEL == 0 ? 1 : 0, LABEL == 1 ? 1 : 0};

        // The founding equations, written out.
        double[][] dJdV = new double[2][3];
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                dJdV[k][j] = bh[j] * (y[k] - p[k]);
            }
        }
        double[][] dJdW = new double[3][2];
        for (int j = 0; j < 3; j++) {
            double back = 0;
            for (int k = 0; k < 2; k++) {
                back += (y[k] - p[k]) * V[k][j];
            }
            for (int i = 0; i < 2; i++) {
                dJdW[j][i] = x[i] * (a[j] > 0 ? 1 : 0) * back;
            }
        }
        // The runtime's forward pass computes the same A, B, O and P (all exact in float but the exponentials).
        NetworkSpec spec = NetworkSpec.of(2, 3, 2).withBias(false);
        float[] params = handParameters();
        float[] x32 = {(float) x[0], (float) x[1]};
        // A itself, before the ReLU: the same weights with an identity hidden layer expose it as the layer output
        NetworkSpec linearSpec = NetworkSpec.builder(2).hidden(3, Activation.IDENTITY).bias(false)
                .output(2, Task.CLASSIFY).bias(false).build();
        Workspace linearWs = new Workspace(linearSpec, 1);
        Network.fromParameters(linearSpec, params).forward(linearWs, x32, 0, 1);
        assertArrayEquals(new float[] {0.125f, -0.25f, 1.375f}, Arrays.copyOf(linearWs.layerOutput(0), 3), 0f,
                "A = W·x = [0.5−0.375, −1+0.75, 0.25+1.125] by the runtime's dense kernel");
        Network network = Network.fromParameters(spec, params);
        Workspace ws = new Workspace(spec, 1);
        network.forward(ws, x32, 0, 1);
        assertArrayEquals(new float[] {0.125f, 0f, 1.375f}, Arrays.copyOf(ws.layerOutput(0), 3), 0f,
                "B = ReLU(A): unit 1's gate is closed");
        assertEquals(o[0], ws.logits()[0], 1e-6, "O_0");
        assertEquals(o[1], ws.logits()[1], 1e-6, "O_1");
        assertEquals(p[0], ws.probabilities()[0], 1e-6, "P_0");
        assertEquals(p[1], ws.probabilities()[1], 1e-6, "P_1");

        // The runtime, batch 1: its gradient slab holds dLoss = −dJ.
        TrainingSession session = new TrainingSession(network, 1, OptimizerConfig.sgd(0.1f));
        float loss = session.trainStep(new float[] {(float) x[0], (float) x[1]}, new int[] {LABEL}, 1);
        assertEquals(-Math.log(p[LABEL]), loss, 1e-6, "loss is −J = −log P_c");

        float[] g = network.gradients();
        ParameterLayout layout = network.layout();
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 2; i++) {
                assertEquals(-dJdW[j][i], g[layout.weightOffset(0) + j * 2 + i], 1e-6, "dW[" + j + "][" + i + "]");
            }
        }
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(-dJdV[k][j], g[layout.weightOffset(1) + k * 3 + j], 1e-6, "dV[" + k + "][" + j + "]");
            }
        }
        // The closed gate (unit 1) gets exactly no gradient from the runtime: neither W's row 1 nor V's column 1.
        assertEquals(0f, g[layout.weightOffset(0) + 2], 0f, "dW[1][0]");
        assertEquals(0f, g[layout.weightOffset(0) + 3], 0f, "dW[1][1]");
        assertEquals(0f, g[layout.weightOffset(1) + 1], 0f, "dV[0][1]");
        assertEquals(0f, g[layout.weightOffset(1) + 3 + 1], 0f, "dV[1][1]");
    }

    /** W then V, row-major, as the bias-free network's parameter slab lays them out. */
    private static float[] handParameters() {
        float[] params = new float[6 + 6];
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 2; i++) {
                params[j * 2 + i] = (float) W[j][i];
            }
        }
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                params[6 + k * 3 + j] = (float) V[k][j];
            }
        }
        return params;
    }

    @Test
    void runtimeGradientsEqualTheLiteralFoundingKernelsOnRandomNetworks() {
        Rng rng = new Rng(5);
        for (int trial = 0; trial < 20; trial++) {
            int inputs = 1 + rng.nextInt(20);
            int hidden = 1 + rng.nextInt(20);
            int classes = 2 + rng.nextInt(8);
            NetworkSpec spec = NetworkSpec.of(inputs, hidden, classes).withBias(false);
            Network network = new Network(spec, trial);
            float[] x = new float[inputs];
            for (int i = 0; i < inputs; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            int label = rng.nextInt(classes);
            TrainingSession session = new TrainingSession(network, 1, OptimizerConfig.sgd(0.1f));
            session.trainStep(x, new int[] {label}, 1);

            float[] w = new float[hidden * inputs];
            float[] v = new float[classes * hidden];
            network.copyWeight(0, w, 0);
            network.copyWeight(1, v, 0);
            float[] a = new float[hidden];
            ReferenceKernels.denseForward(a, 0, x, 0, w, 0, null, 0, 1, inputs, hidden);
            float[] b = new float[hidden];
            ReferenceKernels.reluForward(b, 0, a, 0, hidden);
            float[] o = new float[classes];
            ReferenceKernels.denseForward(o, 0, b, 0, v, 0, null, 0, 1, hidden, classes);
            float[] p = new float[classes];
            ReferenceKernels.softmaxCrossEntropyForward(p, 0, o, 0, new int[] {label}, 0, 1, classes);

            float[] dJdV = new float[classes * hidden];
            ReferenceKernels.foundingOutputWeightGradient(dJdV, b, label, p, hidden, classes);
            float[] dJdW = new float[hidden * inputs];
            ReferenceKernels.foundingHiddenWeightGradient(dJdW, x, a, label, p, v, inputs, hidden, classes);

            float[] g = network.gradients();
            float[] runtimeDW = new float[hidden * inputs];
            float[] runtimeDV = new float[classes * hidden];
            for (int i = 0; i < runtimeDW.length; i++) {
                runtimeDW[i] = -g[network.layout().weightOffset(0) + i];
            }
            for (int i = 0; i < runtimeDV.length; i++) {
                runtimeDV[i] = -g[network.layout().weightOffset(1) + i];
            }
            assertArrayEquals(dJdW, runtimeDW, 1e-5f, "dJ/dW, network " + spec);
            assertArrayEquals(dJdV, runtimeDV, 1e-5f, "dJ/dV, network " + spec);
        }
    }
}
