package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every parameter's analytic gradient (the float kernels) against central differences of the loss computed
 * in double precision by {@link DoublePrecisionNetwork}.
 */
class GradientCheckTest {
    /** Step of the central difference, in double; far below float resolution of the parameters' effect. */
    private static final double H = 1e-6;
    /** Bound on the relative error |analytic − numeric| / max(|analytic|, |numeric|, FLOOR). */
    private static final double MAX_RELATIVE_ERROR = 1e-4;
    /** Gradients smaller than this are compared in absolute terms (float rounding dominates there). */
    private static final double FLOOR = 1e-4;

    @ParameterizedTest(name = "{0}-{1}-{2} hidden layers {3}, bias {4}, batch {5}")
    @CsvSource({
        "5, 7, 3, 1, true, 4",
        "5, 7, 3, 1, false, 4",
        "6, 8, 4, 2, true, 5",
        "6, 8, 4, 2, false, 5",
        "3, 9, 2, 2, true, 1",
        "13, 5, 3, 1, true, 7",
    })
    void analyticGradientsMatchCentralDifferences(int inputs, int hidden, int classes, int hiddenLayers, boolean bias,
                                                   int batch) {
        int[] widths = new int[hiddenLayers];
        for (int h = 0; h < hiddenLayers; h++) {
            widths[h] = hidden - h;
        }
        NetworkSpec spec = NetworkSpec.of(inputs, widths, classes).withBias(bias);
        Network network = new Network(spec, 11 + inputs + hiddenLayers);
        Rng rng = new Rng(99);
        // Non-zero biases, so their gradients and the ReLU gates are exercised away from the init.
        float[] p = network.copyParameters();
        for (int l = 0; l < spec.layerCount(); l++) {
            int b0 = network.layout().biasOffset(l);
            for (int o = 0; b0 >= 0 && o < spec.layerOutputs(l); o++) {
                p[b0 + o] = (float) (0.3 * rng.nextGaussian());
            }
        }
        network.setParameters(p);
        float[] x = new float[batch * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rng.nextInt(classes);
        }

        TrainingSession session = new TrainingSession(network, batch, OptimizerConfig.sgd(0.1f));
        session.trainStep(x, labels, batch);
        float[] analytic = network.gradients();

        ParameterLayout layout = network.layout();
        double[] params = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            params[i] = p[i];
        }
        double kink = DoublePrecisionNetwork.closestKink(spec, layout, params, x, batch);
        assertTrue(kink > 100 * H, "test point too close to a ReLU kink: " + kink);

        double worst = 0;
        String worstAt = "";
        for (int i = 0; i < params.length; i++) {
            double saved = params[i];
            params[i] = saved + H;
            double plus = DoublePrecisionNetwork.meanLoss(spec, layout, params, x, labels, batch);
            params[i] = saved - H;
            double minus = DoublePrecisionNetwork.meanLoss(spec, layout, params, x, labels, batch);
            params[i] = saved;
            double numeric = (plus - minus) / (2 * H);
            double error = Math.abs(analytic[i] - numeric)
                    / Math.max(FLOOR, Math.max(Math.abs(analytic[i]), Math.abs(numeric)));
            if (error > worst) {
                worst = error;
                worstAt = layout.describe(i) + " analytic " + analytic[i] + " numeric " + numeric;
            }
        }
        System.out.printf(Locale.ROOT, "gradient check %s batch %d: %d parameters, max relative error %.3e (%s)%n",
                spec, batch, params.length, worst, worstAt);
        assertTrue(worst < MAX_RELATIVE_ERROR, "max relative error " + worst + " at " + worstAt);
    }
}
