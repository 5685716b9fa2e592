package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * onnxruntime is the referee: for random networks of many shapes, and for trained ones, the probabilities
 * onnxruntime computes from the exported file match the runtime's within {@value #TOLERANCE} (absolute).
 */
class OnnxRuntimeRefereeTest {
    static final double TOLERANCE = 1e-5;

    private static double maxProbabilityDiff;
    private static double maxLogitRelDiff;
    private static double maxLogProbDiff;
    private static int networks;
    private static long rows;

    /** One random network: the shape, which layers have a bias, whether a standardizer is folded. */
    record Case(int features, int[] hidden, int classes, int batch, boolean[] bias, boolean standardize, long seed) {
        @Override
        public String toString() {
            NetworkSpec s = spec();
            return s + " batch " + batch + (standardize ? " standardized" : "");
        }

        NetworkSpec spec() {
            return NetworkSpec.of(features, hidden, classes).withLayerBias(bias);
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        // The corners of the ranges.
        cases.add(new Case(1, new int[] {1}, 2, 1, new boolean[] {true, true}, false, 1));
        cases.add(new Case(1, new int[] {256}, 10, 64, new boolean[] {true, true}, true, 2));
        cases.add(new Case(784, new int[] {256}, 10, 64, new boolean[] {true, true}, false, 3));
        cases.add(new Case(784, new int[] {256, 128, 64}, 10, 17, new boolean[] {false, false, false, false}, true, 4));
        cases.add(new Case(784, new int[] {1, 1, 1}, 2, 5, new boolean[] {true, false, true, false}, false, 5));
        cases.add(new Case(3, new int[] {256, 256, 256}, 2, 64, new boolean[] {true, true, true, true}, true, 6));
        cases.add(new Case(2, new int[] {3}, 2, 1, new boolean[] {false, false}, false, 7));
        // Random shapes over the same ranges.
        Random r = new Random(20240611);
        for (int i = 0; i < 24; i++) {
            int features = 1 + (int) Math.round(Math.exp(r.nextDouble() * Math.log(784)) - 1);
            int[] hidden = new int[1 + r.nextInt(3)];
            for (int h = 0; h < hidden.length; h++) {
                hidden[h] = 1 + r.nextInt(256);
            }
            boolean[] bias = new boolean[hidden.length + 1];
            int mode = r.nextInt(3);
            for (int l = 0; l < bias.length; l++) {
                bias[l] = mode == 0 || (mode == 2 && r.nextBoolean());
            }
            cases.add(new Case(Math.min(features, 784), hidden, 2 + r.nextInt(9), 1 + r.nextInt(64), bias,
                    r.nextBoolean(), 100 + i));
        }
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void onnxruntimeComputesTheRuntimesProbabilities(Case c) throws Exception {
        NetworkSpec spec = c.spec();
        Network network = TestSupport.randomNetwork(spec, c.seed());
        Random r = new Random(c.seed());
        float[] z = TestSupport.randomInputs(r, c.batch(), c.features(), 1.0);

        float[] raw = z;
        ExportOptions.Builder options = ExportOptions.builder();
        float[] networkInput = z;
        if (c.standardize()) {
            float[] mean = new float[c.features()];
            float[] std = new float[c.features()];
            for (int j = 0; j < mean.length; j++) {
                std[j] = (float) Math.exp(r.nextGaussian());           // 0.1 .. 10 typically
                mean[j] = (float) (r.nextGaussian() * 3 * std[j]);      // up to a few std away from 0
            }
            raw = new float[z.length];
            for (int i = 0; i < z.length; i++) {
                int j = i % c.features();
                raw[i] = mean[j] + std[j] * z[i];
            }
            Standardizer standardizer = new Standardizer(mean, std);
            networkInput = raw.clone();
            standardizer.applyInPlace(networkInput, 0, c.batch());
            options.standardizer(standardizer);
        }
        // Rotate the output options over the cases so every combination meets many shapes.
        int variant = (int) (c.seed() % 3);
        OutputKind kind = variant == 2 ? OutputKind.LOG_PROBABILITIES : OutputKind.PROBABILITIES;
        options.output(kind).includeLogits(variant >= 1);
        byte[] model = OnnxExporter.toBytes(network, options.build());

        Workspace ws = new Workspace(spec, c.batch());
        float[] probs = new float[c.batch() * spec.classes()];
        float[] logits = new float[c.batch() * spec.classes()];
        network.predictProbabilities(ws, networkInput, 0, c.batch(), probs, 0);
        network.predictLogits(ws, networkInput, 0, c.batch(), logits, 0);

        Map<String, float[]> ort = TestSupport.runOrt(model, "input", raw, c.batch(), c.features());
        if (kind == OutputKind.PROBABILITIES) {
            double d = TestSupport.maxAbsDiff(ort.get("probabilities"), probs);
            record(d);
            assertTrue(d <= TOLERANCE, "max |Δp| = " + d + " for " + c);
        } else {
            float[] logProbs = logits.clone();
            ImportedModel.logSoftmaxInPlace(logProbs, 0, c.batch(), spec.classes());
            float[] ortLogProbs = ort.get("log_probabilities");
            double d = 0;
            for (int i = 0; i < logProbs.length; i++) {
                d = Math.max(d, Math.abs(ortLogProbs[i] - logProbs[i]) / Math.max(1, Math.abs(logProbs[i])));
            }
            maxLogProbDiff = Math.max(maxLogProbDiff, d);
            assertTrue(d <= TOLERANCE, "max relative |Δ log p| = " + d + " for " + c);
            // And the probabilities they imply.
            float[] p = new float[ortLogProbs.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) Math.exp(ortLogProbs[i]);
            }
            double dp = TestSupport.maxAbsDiff(p, probs);
            record(dp);
            assertTrue(dp <= TOLERANCE, "max |Δp| = " + dp + " for " + c);
        }
        if (variant >= 1) {
            float[] ortLogits = ort.get("logits");
            double d = 0;
            for (int i = 0; i < logits.length; i++) {
                d = Math.max(d, Math.abs(ortLogits[i] - logits[i]) / Math.max(1, Math.abs(logits[i])));
            }
            maxLogitRelDiff = Math.max(maxLogitRelDiff, d);
            assertTrue(d <= TOLERANCE, "max relative |Δ logit| = " + d + " for " + c);
        } else {
            assertEquals(1, ort.size(), "only the probabilities output unless includeLogits");
        }
        rows += c.batch();
        networks++;
    }

    /** A network trained on standardised blobs: the exported file takes raw features and agrees. */
    @Test
    void trainedNetworkWithFoldedStandardizationAgreesWithOnnxruntime() throws Exception {
        Random r = new Random(7);
        int features = 12;
        int classes = 4;
        int n = 800;
        float[][] centres = new float[classes][features];
        for (float[] c : centres) {
            for (int j = 0; j < features; j++) {
                c[j] = (float) (r.nextGaussian() * 2);
            }
        }
        // Raw sensor-like scales: offsets of ~100, spreads from 0.5 to 20.
        float[] offset = new float[features];
        float[] scale = new float[features];
        for (int j = 0; j < features; j++) {
            offset[j] = (float) (100 + 50 * r.nextGaussian());
            scale[j] = (float) (0.5 + 19.5 * r.nextDouble());
        }
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int j = 0; j < features; j++) {
                x[i * features + j] = offset[j] + scale[j] * (centres[y[i]][j] + (float) r.nextGaussian());
            }
        }
        Dataset raw = new Dataset(x, y, features, classes);
        Standardizer standardizer = Standardizer.fit(raw);
        Dataset standardized = standardizer.apply(raw);

        NetworkSpec spec = NetworkSpec.of(features, new int[] {32, 16}, classes);
        Network network = new Network(spec, 11);
        TrainingSession session = new TrainingSession(network, 32, OptimizerConfig.adam(3e-3f));
        Trainer trainer = new Trainer(session, standardized, 32, 5);
        trainer.fit(15, TrainingListener.NONE);
        Evaluation eval = Trainer.evaluate(session, standardized);
        assertTrue(eval.accuracy() > 0.9, "the network should have learned the blobs, accuracy " + eval.accuracy());

        byte[] model = OnnxExporter.toBytes(network, ExportOptions.builder().standardizer(standardizer).build());
        int batch = 64;
        float[] rawRows = Arrays.copyOf(x, batch * features);
        float[] stdRows = Arrays.copyOf(standardized.features(), batch * features);
        float[] probs = new float[batch * classes];
        network.predictProbabilities(new Workspace(spec, batch), stdRows, 0, batch, probs, 0);
        float[] ort = TestSupport.runOrt(model, "input", rawRows, batch, features).get("probabilities");
        double d = TestSupport.maxAbsDiff(ort, probs);
        record(d);
        networks++;
        rows += batch;
        assertTrue(d <= TOLERANCE, "trained network: max |Δp| = " + d);
    }

    /** A wide trained network (784 inputs, like MNIST pixels in [0, 1]) without standardisation. */
    @Test
    void trainedWideNetworkAgreesWithOnnxruntime() throws Exception {
        Random r = new Random(8);
        int features = 784;
        int classes = 10;
        int n = 640;
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int j = 0; j < features; j++) {
                // Class-dependent stripes of "ink" plus noise, clipped to [0, 1].
                float ink = (j / 28 + j % 28) % classes == y[i] ? 0.8f : 0.1f;
                x[i * features + j] = Math.max(0f, Math.min(1f, ink + (float) (r.nextGaussian() * 0.2)));
            }
        }
        Dataset data = new Dataset(x, y, features, classes);
        NetworkSpec spec = NetworkSpec.of(features, new int[] {128, 64}, classes);
        Network network = new Network(spec, 12);
        TrainingSession session = new TrainingSession(network, 64, OptimizerConfig.adamW(1e-3f, 1e-4f));
        new Trainer(session, data, 64, 3).fit(3, TrainingListener.NONE);
        assertTrue(Trainer.evaluate(session, data).accuracy() > 0.9, "the wide network should have learned");

        int batch = 64;
        byte[] model = OnnxExporter.toBytes(network, ExportOptions.builder().includeLogits(true).build());
        float[] probs = new float[batch * classes];
        network.predictProbabilities(new Workspace(spec, batch), x, 0, batch, probs, 0);
        float[] ort = TestSupport.runOrt(model, "input", Arrays.copyOf(x, batch * features), batch, features)
                .get("probabilities");
        double d = TestSupport.maxAbsDiff(ort, probs);
        record(d);
        networks++;
        rows += batch;
        assertTrue(d <= TOLERANCE, "trained wide network: max |Δp| = " + d);
    }

    private static synchronized void record(double d) {
        maxProbabilityDiff = Math.max(maxProbabilityDiff, d);
    }

    @AfterAll
    static void report() {
        System.out.printf("[onnxruntime referee] %d networks, %d rows: max |Δ probability| = %.3e, "
                        + "max relative |Δ logit| = %.3e, max relative |Δ log-probability| = %.3e (tolerance %.0e)%n",
                networks, rows, maxProbabilityDiff, maxLogitRelDiff, maxLogProbDiff, TOLERANCE);
    }
}
