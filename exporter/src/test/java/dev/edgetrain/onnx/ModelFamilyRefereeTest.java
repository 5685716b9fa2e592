package dev.edgetrain.onnx;

import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * onnxruntime is the referee for the whole model family: every activation on hidden layers and on the output
 * layer, layer norm on and off, dropout, every task with every output kind it allows, labels and feature names, a
 * folded standardiser, a rank-3 or rank-4 input with a leading Flatten, and the target opsets where the graph
 * changes (13: decomposed layer norm and GELU; 17: native layer norm, decomposed GELU; 20: both native). Random
 * networks (every parameter random, layer-norm scales away from 1) and trained ones, at batch 1 and batch 64: each
 * output onnxruntime computes from the exported bytes matches the runtime within {@value #TOLERANCE} (absolute).
 */
class ModelFamilyRefereeTest {
    static final double TOLERANCE = 1e-5;
    static final int[] BATCHES = {1, 64};

    /** Worst absolute difference over all combinations, per graph output. */
    private static final Map<String, Double> WORST = new TreeMap<>();
    private static String worstCombination = "";
    private static double worstOverall;
    private static int combinations;
    private static long rows;

    /** One export to check: a network, the options, and the standardiser it was trained behind (or null). */
    record Combo(String label, Network network, ExportOptions options, Standardizer standardizer) {
        @Override
        public String toString() {
            NetworkSpec s = network.spec();
            OutputKind kind = options.outputFor(s.task());
            return label + " " + s + " opset " + (options.targetOpset() == 0 ? "auto" : options.targetOpset()) + " "
                    + kind.outputName() + (options.includeLogits() ? "+logits" : "")
                    + (standardizer != null ? " standardized" : "")
                    + (options.inputShape() != null ? " input " + java.util.Arrays.toString(options.inputShape()) : "");
        }
    }

    // ---- the combinations ------------------------------------------------------------------------------------

    /** The target opsets that change the graph of {@code spec}: automatic, and each lower one with a decomposition. */
    static int[] opsetsFor(NetworkSpec spec) {
        boolean norm = false;
        boolean gelu = false;
        for (int l = 0; l < spec.layerCount(); l++) {
            norm |= spec.hasLayerNorm(l);
            gelu |= OpsetPlan.isGelu(spec.activation(l));
        }
        if (gelu) {
            return new int[] {0, 13, 17};       // auto = 20: both native; 17: native norm, decomposed GELU
        }
        return norm ? new int[] {0, 13} : new int[] {0};
    }

    private static void addOpsets(List<Combo> out, String label, Network n, ExportOptions.Builder options,
                                  Standardizer standardizer) {
        for (int opset : opsetsFor(n.spec())) {
            out.add(new Combo(label, n, options.targetOpset(opset).build(), standardizer));
        }
    }

    /** Each activation (and the identity) on both hidden layers, 64 and 24 wide, layer norm off and on. */
    static Stream<Combo> hiddenActivations() {
        List<Combo> out = new ArrayList<>();
        int seed = 100;
        for (Activation a : FamilyModels.ACTIVATIONS) {
            for (boolean norm : new boolean[] {false, true}) {
                NetworkSpec.Builder b = NetworkSpec.builder(12).hidden(64).activation(a);
                if (norm) {
                    b.layerNorm();
                }
                b.hidden(24).activation(a);
                if (norm) {
                    b.layerNorm(1e-3f);
                }
                NetworkSpec spec = b.output(4, Task.CLASSIFY).build();
                ExportOptions.Builder o = ExportOptions.builder().includeLogits(true);
                addOpsets(out, "random", FamilyModels.random(spec, seed++), o, null);
                addOpsets(out, "trained", FamilyModels.trained(spec, 4, seed++), o, null);
            }
        }
        return out.stream();
    }

    /**
     * Each activation on the output layer of each task, and a layer norm on the output layer: over 1 output
     * (binary; it outputs its shift) or 4. Not over 2 or 3: a row whose few outputs are nearly equal has a variance
     * far below ε, and there the norm multiplies any float rounding of its input by up to {@code 1/(2√ε)} (158 at
     * ε = 1e-5), so two correct float implementations differ by more than 1e-5 whatever the graph (measured: the
     * runtime and onnxruntime were then both 1e-5 to 9e-5 away from the same computation in double).
     */
    static Stream<Combo> outputActivations() {
        List<Combo> out = new ArrayList<>();
        int seed = 200;
        for (Task task : Task.values()) {
            int k = FamilyModels.outputsFor(task);
            ExportOptions.Builder o = ExportOptions.builder().includeLogits(true);
            for (Activation a : FamilyModels.ACTIVATIONS) {
                NetworkSpec spec = NetworkSpec.builder(10).hidden(32).output(k, task).activation(a).build();
                addOpsets(out, "random", FamilyModels.random(spec, seed++), o, null);
            }
            NetworkSpec normed = NetworkSpec.builder(10).hidden(32).activation(Activation.GELU_TANH)
                    .output(task == Task.BINARY ? 1 : 4, task).layerNorm().activation(Activation.TANH).build();
            addOpsets(out, "random", FamilyModels.random(normed, seed++), o, null);
            addOpsets(out, "trained", FamilyModels.trained(normed, 4, seed++), o, null);
        }
        return out.stream();
    }

    /**
     * Every task with every output kind it allows, with and without the extra logits output, class labels and
     * feature names: trained networks with a layer norm, GELU, dropout and tanh.
     */
    static Stream<Combo> tasksAndOutputs() {
        List<Combo> out = new ArrayList<>();
        int seed = 300;
        for (Task task : Task.values()) {
            int k = FamilyModels.outputsFor(task);
            NetworkSpec spec = NetworkSpec.builder(16).hidden(64).layerNorm().activation(Activation.GELU).dropout(0.1f)
                    .hidden(32).activation(Activation.TANH).output(k, task).build();
            Network n = FamilyModels.trained(spec, 5, seed++);
            String[] labels = names("label", ModelMetadata.classLabelCount(task, k));
            for (OutputKind kind : OutputKind.values()) {
                if (!kind.suits(task)) {
                    continue;
                }
                boolean head = kind == OutputKind.PROBABILITIES || kind == OutputKind.LOG_PROBABILITIES;
                for (boolean logits : head ? new boolean[] {false, true} : new boolean[] {false}) {
                    ExportOptions.Builder o = ExportOptions.builder().output(kind).includeLogits(logits)
                            .classLabels(labels).featureNames(names("feature", 16));
                    addOpsets(out, "trained", n, o, null);
                }
            }
        }
        return out.stream();
    }

    /**
     * Inputs: a folded standardiser (random and trained networks), a rank-3 and a rank-4 input flattened by the
     * graph (the rank-4 one declared with batch 1, written as the symbolic batch), a rank-2 shape (no Flatten).
     */
    static Stream<Combo> inputsAndStandardization() {
        List<Combo> out = new ArrayList<>();
        NetworkSpec leaky = NetworkSpec.builder(12).hidden(64).layerNorm().activation(Activation.leakyRelu(0.2f))
                .output(3, Task.CLASSIFY).build();
        Standardizer random = randomStandardizer(12, new Random(400));
        addOpsets(out, "random", FamilyModels.random(leaky, 401), ExportOptions.builder().standardizer(random), random);
        Network trained = trainedBehindStandardizer(leaky, 402);
        Standardizer fitted = Standardizer.fit(rawData(leaky, 402));
        addOpsets(out, "trained", trained, ExportOptions.builder().standardizer(fitted).includeLogits(true), fitted);

        NetworkSpec multi = NetworkSpec.builder(12).hidden(48).activation(Activation.GELU_TANH)
                .output(3, Task.MULTILABEL).build();
        addOpsets(out, "random", FamilyModels.random(multi, 403), ExportOptions.builder()
                .inputShape(new long[] {-1, 4, 3}).standardizer(random), random);
        NetworkSpec regress = NetworkSpec.builder(12).hidden(16).layerNorm().activation(Activation.SIGMOID)
                .output(2, Task.REGRESS).build();
        addOpsets(out, "random", FamilyModels.random(regress, 404), ExportOptions.builder()
                .inputShape(new long[] {1, 2, 3, 2}), null);
        addOpsets(out, "random", FamilyModels.random(regress, 405), ExportOptions.builder()
                .inputShape(new long[] {-1, 12}), null);
        return out.stream();
    }

    /**
     * Wide trained networks: 96 → 256 → 128 → 10 with layer norms and both GELUs, a dropout-trained one, an
     * openWakeWord-like binary head over a [16 × 96] input, and a plain ReLU classifier at target opsets above
     * what it needs (its IR version follows the opset).
     */
    static Stream<Combo> wideAndTrained() {
        List<Combo> out = new ArrayList<>();
        NetworkSpec wide = NetworkSpec.builder(96).hidden(256).layerNorm().activation(Activation.GELU)
                .hidden(128).layerNorm().activation(Activation.GELU_TANH).output(10, Task.CLASSIFY).build();
        addOpsets(out, "trained", FamilyModels.trained(wide, 3, 500), ExportOptions.builder().includeLogits(true),
                null);
        NetworkSpec dropout = NetworkSpec.builder(20).hidden(128).activation(Activation.RELU).dropout(0.5f)
                .hidden(64).layerNorm().activation(Activation.SIGMOID).dropout(0.3f).output(5, Task.MULTILABEL).build();
        addOpsets(out, "trained with dropout", FamilyModels.trained(dropout, 4, 501), ExportOptions.builder(), null);
        NetworkSpec wakeWord = NetworkSpec.builder(1536).hidden(32).layerNorm().activation(Activation.RELU)
                .hidden(32).layerNorm().activation(Activation.RELU).output(1, Task.BINARY).build();
        addOpsets(out, "trained", FamilyModels.trained(wakeWord, 3, 502), ExportOptions.builder()
                .inputShape(new long[] {-1, 16, 96}).classLabels(new String[] {"other", "hey_jarvis"}), null);
        Network plain = FamilyModels.random(NetworkSpec.of(30, new int[] {64, 32}, 6), 503);
        for (int opset : new int[] {13, 17, 20, 21}) {
            out.add(new Combo("random", plain, ExportOptions.builder().targetOpset(opset).build(), null));
        }
        return out.stream();
    }

    private static String[] names(String prefix, int count) {
        String[] n = new String[count];
        for (int i = 0; i < count; i++) {
            n[i] = prefix + "," + i + "%"; // characters the metadata list encoding must escape
        }
        return n;
    }

    private static Standardizer randomStandardizer(int features, Random r) {
        float[] mean = new float[features];
        float[] std = new float[features];
        for (int j = 0; j < features; j++) {
            std[j] = (float) Math.exp(r.nextGaussian());
            mean[j] = (float) (r.nextGaussian() * 3 * std[j]);
        }
        return new Standardizer(mean, std);
    }

    /** {@link FamilyModels#data} moved to raw sensor-like scales: offsets around 50, spreads 0.5 to 20. */
    private static Dataset rawData(NetworkSpec spec, long seed) {
        Dataset d = FamilyModels.data(spec, 512, seed);
        Random r = new Random(seed);
        int f = spec.inputs();
        float[] offset = new float[f];
        float[] scale = new float[f];
        for (int j = 0; j < f; j++) {
            offset[j] = (float) (50 + 20 * r.nextGaussian());
            scale[j] = (float) (0.5 + 19.5 * r.nextDouble());
        }
        float[] x = d.features().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = offset[i % f] + scale[i % f] * x[i];
        }
        return d.withFeatures(x);
    }

    private static Network trainedBehindStandardizer(NetworkSpec spec, long seed) {
        Dataset raw = rawData(spec, seed);
        Dataset standardized = Standardizer.fit(raw).apply(raw);
        Network n = new Network(spec, seed);
        dev.edgetrain.runtime.TrainingSession session = new dev.edgetrain.runtime.TrainingSession(n, 32,
                dev.edgetrain.runtime.optim.OptimizerConfig.adam(3e-3f));
        new dev.edgetrain.runtime.train.Trainer(session, standardized, 32, seed)
                .fit(5, dev.edgetrain.runtime.train.TrainingListener.NONE);
        return n;
    }

    // ---- the referee -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource({"hiddenActivations", "outputActivations", "tasksAndOutputs", "inputsAndStandardization",
            "wideAndTrained"})
    void onnxruntimeComputesWhatTheRuntimeComputes(Combo c) throws Exception {
        NetworkSpec spec = c.network().spec();
        if (c.label().startsWith("trained") && hasTrainableLayerNorm(spec)) {
            assertTrue(FamilyModels.maxScaleShift(c.network()) > 1e-3,
                    "training should have moved the layer-norm scales of " + c);
        }
        ModelProto model = OnnxExporter.toModel(c.network(), c.options());
        assertEquals(expectedOpset(c), model.getOpsetImport(0).getVersion(), "declared opset of " + c);
        byte[] bytes = model.toByteArray();
        Map<String, Double> worst = new LinkedHashMap<>();
        Random r = new Random(c.toString().hashCode()); // not spec.hashCode(): enum hashes change between runs
        for (int batch : BATCHES) {
            float[] raw = inputs(c, r, batch);
            float[] x = raw.clone();
            if (c.standardizer() != null) {
                c.standardizer().applyInPlace(x, 0, batch);
            }
            Map<String, float[]> expected = expected(c, x, batch);
            Map<String, float[]> ort = TestSupport.runOrt(bytes, OnnxExporter.INPUT_NAME, raw, ortShape(c, batch));
            assertEquals(expected.keySet(), ort.keySet(), "graph outputs of " + c);
            for (Map.Entry<String, float[]> e : expected.entrySet()) {
                double d = TestSupport.maxAbsDiff(ort.get(e.getKey()), e.getValue());
                worst.merge(e.getKey(), d, Math::max);
                assertTrue(d <= TOLERANCE, "max |Δ " + e.getKey() + "| = " + d + " at batch " + batch + " for " + c);
            }
        }
        record(c, worst);
    }

    /**
     * Whether a layer norm's scale gets a gradient: not over a single output, whose normalised value is always 0
     * (the layer outputs its shift β).
     */
    private static boolean hasTrainableLayerNorm(NetworkSpec spec) {
        for (int l = 0; l < spec.layerCount(); l++) {
            if (spec.hasLayerNorm(l) && spec.layerOutputs(l) > 1) {
                return true;
            }
        }
        return false;
    }

    /** The opset the file must declare: the target, or the lowest with every layer's native op. */
    private static int expectedOpset(Combo c) {
        if (c.options().targetOpset() != 0) {
            return c.options().targetOpset();
        }
        NetworkSpec spec = c.network().spec();
        int opset = 13;
        for (int l = 0; l < spec.layerCount(); l++) {
            opset = Math.max(opset, spec.hasLayerNorm(l) ? 17 : 13);
            opset = Math.max(opset, OpsetPlan.isGelu(spec.activation(l)) ? 20 : 13);
        }
        return opset;
    }

    /** Raw input rows: N(0, 1), or at the standardiser's scale ({@code mean + std·z}) when one is folded. */
    private static float[] inputs(Combo c, Random r, int batch) {
        int f = c.network().spec().inputs();
        float[] z = TestSupport.randomInputs(r, batch, f, 1.0);
        if (c.standardizer() != null) {
            float[] mean = c.standardizer().mean();
            float[] std = c.standardizer().std();
            for (int i = 0; i < z.length; i++) {
                z[i] = mean[i % f] + std[i % f] * z[i];
            }
        }
        return z;
    }

    private static long[] ortShape(Combo c, int batch) {
        long[] declared = c.options().inputShape();
        if (declared == null) {
            return new long[] {batch, c.network().spec().inputs()};
        }
        long[] shape = declared.clone();
        shape[0] = batch;
        return shape;
    }

    /** What each graph output must hold, computed by the runtime from the (standardised) rows {@code x}. */
    private static Map<String, float[]> expected(Combo c, float[] x, int batch) {
        Network n = c.network();
        NetworkSpec spec = n.spec();
        Workspace ws = new Workspace(spec, batch);
        float[] predictions = new float[batch * spec.outputs()];
        float[] logits = new float[batch * spec.outputs()];
        n.predict(ws, x, 0, batch, predictions, 0);
        n.predictLogits(ws, x, 0, batch, logits, 0);
        OutputKind kind = c.options().outputFor(spec.task());
        Map<String, float[]> out = new TreeMap<>();
        switch (kind) {
            case PROBABILITIES:
            case PREDICTIONS:
                out.put(kind.outputName(), predictions);
                break;
            case LOG_PROBABILITIES:
                out.put(kind.outputName(), logSoftmax(logits, batch, spec.outputs()));
                break;
            default:
                out.put(kind.outputName(), logits);
        }
        boolean head = kind == OutputKind.PROBABILITIES || kind == OutputKind.LOG_PROBABILITIES;
        if (c.options().includeLogits() && head) {
            out.put(OutputKind.LOGITS.outputName(), logits);
        }
        return out;
    }

    /** {@code x − max − log Σ exp(x − max)} per row, in double. */
    private static float[] logSoftmax(float[] logits, int batch, int width) {
        float[] out = new float[logits.length];
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < width; i++) {
                max = Math.max(max, logits[b * width + i]);
            }
            double sum = 0;
            for (int i = 0; i < width; i++) {
                sum += Math.exp(logits[b * width + i] - max);
            }
            double log = Math.log(sum);
            for (int i = 0; i < width; i++) {
                out[b * width + i] = (float) (logits[b * width + i] - max - log);
            }
        }
        return out;
    }

    private static synchronized void record(Combo c, Map<String, Double> worst) {
        StringBuilder line = new StringBuilder("[onnxruntime referee] ").append(c).append(", batch 1 and 64:");
        for (Map.Entry<String, Double> e : worst.entrySet()) {
            line.append(String.format(" max |Δ %s| = %.3e", e.getKey(), e.getValue()));
            WORST.merge(e.getKey(), e.getValue(), Math::max);
            if (e.getValue() > worstOverall) {
                worstOverall = e.getValue();
                worstCombination = c + " (" + e.getKey() + ")";
            }
        }
        System.out.println(line);
        combinations++;
        rows += 65;
    }

    @AfterAll
    static void report() {
        StringBuilder perOutput = new StringBuilder();
        for (Map.Entry<String, Double> e : WORST.entrySet()) {
            perOutput.append(String.format(" %s %.3e", e.getKey(), e.getValue()));
        }
        System.out.printf("[onnxruntime referee] model family: %d combinations, %d rows; max |Δ| per output:%s; "
                        + "worst %.3e in %s (tolerance %.0e)%n", combinations, rows, perOutput, worstOverall,
                worstCombination, TOLERANCE);
    }
}
