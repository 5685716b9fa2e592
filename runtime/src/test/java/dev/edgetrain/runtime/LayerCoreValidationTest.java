package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.optim.OptimizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What the layer core's descriptions accept and how they refuse the rest: {@link LayerSpec}, {@link NetworkSpec}
 * and its builder, {@link Activation#parse}, {@link Loss} (parse, weights, smoothing, and whether it suits the
 * network), {@link Task#parse}, and the task-specific checks of a training step and of inference. Every message
 * names what came and what was expected; a refused training step leaves the network as it was.
 */
class LayerCoreValidationTest {
    private static void assertRefused(Class<? extends RuntimeException> type, Executable call, String... parts) {
        RuntimeException e = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    private static void assertRefused(Executable call, String... parts) {
        assertRefused(IllegalArgumentException.class, call, parts);
    }

    @Test
    void layerSpecsRefuseWidthsEpsilonsAndRatesOutOfRange() {
        assertRefused(() -> LayerSpec.dense(0, Activation.RELU), "layer width must be in [1, 65536], got 0");
        assertRefused(() -> LayerSpec.dense(65537, Activation.RELU), "got 65537");
        assertRefused(() -> LayerSpec.dense(4, null), "activation must not be null", "Activation.IDENTITY");
        LayerSpec ok = LayerSpec.dense(4, Activation.TANH);
        assertRefused(() -> ok.withLayerNorm(0f), "layer-norm epsilon must be in (0, 1], got 0.0");
        assertRefused(() -> ok.withLayerNorm(Float.NaN), "got NaN");
        assertRefused(() -> ok.withLayerNorm(2f), "got 2.0");
        assertRefused(() -> ok.withDropout(1f), "dropout rate must be in [0, 1), got 1.0");
        assertRefused(() -> ok.withDropout(-0.1f), "got -0.1");
        assertRefused(() -> ok.withDropout(Float.NaN), "got NaN");
        assertRefused(() -> ok.withOutputs(0), "got 0");
        LayerSpec full = ok.withLayerNorm(1e-3f).withDropout(0.5f).withBias(false);
        assertEquals("4(tanh, layer_norm eps=0.001, dropout 0.5, no bias)", full.toString());
        assertEquals(LayerSpec.DEFAULT_NORM_EPSILON, full.withoutLayerNorm().normEpsilon(), 0f);
    }

    @Test
    void networkSpecsRefuseOutputsThatDoNotSuitTheTaskAndDropoutOnTheOutput() {
        assertRefused(() -> NetworkSpec.builder(4).hidden(3).output(2, Task.BINARY).build(),
                "a binary network needs exactly 1 output, got 2");
        assertRefused(() -> NetworkSpec.builder(4).output(1, Task.MULTILABEL).build(),
                "a multilabel network needs at least 2 outputs, got 1");
        assertRefused(() -> NetworkSpec.builder(4).output(1, Task.CLASSIFY).build(),
                "classes must be in [2, 65536], got 1");
        assertRefused(() -> NetworkSpec.builder(4).hidden(3).output(2, Task.CLASSIFY).dropout(0.5f).build(),
                "the output layer cannot have dropout (got rate 0.5); expected dropout on hidden layers only");
        assertRefused(() -> NetworkSpec.of(0, new LayerSpec[] {LayerSpec.dense(2, Activation.IDENTITY)}, Task.REGRESS),
                "inputs must be in [1, 65536], got 0");
        assertRefused(() -> NetworkSpec.of(3, new LayerSpec[0], Task.REGRESS), "at least one (output) layer");
        assertRefused(() -> NetworkSpec.of(3, new LayerSpec[] {null, LayerSpec.dense(2, Activation.IDENTITY)},
                Task.REGRESS), "layer 0 is null");
        assertRefused(() -> NetworkSpec.of(3, new LayerSpec[] {LayerSpec.dense(2, Activation.IDENTITY)}, null),
                "task must not be null");
        assertRefused(() -> NetworkSpec.of(4, 3, 2).withTask(Task.BINARY), "a binary network needs exactly 1 output");
        assertRefused(IndexOutOfBoundsException.class, () -> NetworkSpec.of(4, 3, 2).layer(2),
                "layer 2 out of range [0, 2)");
    }

    @Test
    void theBuilderRefusesCallsOutOfOrder() {
        assertRefused(IllegalStateException.class, () -> NetworkSpec.builder(4).hidden(3).build(),
                "no output layer: call output(width, task) last");
        assertRefused(IllegalStateException.class, () -> NetworkSpec.builder(4).output(2, Task.CLASSIFY).hidden(3),
                "cannot add a hidden layer after the output layer");
        assertRefused(IllegalStateException.class, () -> NetworkSpec.builder(4).activation(Activation.TANH),
                "add a layer (hidden or output) first");
        NetworkSpec spec = NetworkSpec.builder(8).hidden(16).layerNorm().activation(Activation.GELU).dropout(0.1f)
                .hidden(4).bias(false).output(3, Task.MULTILABEL).activation(Activation.TANH).build();
        assertEquals("8-16[gelu, layer_norm, dropout 0.1]-4-3[tanh] multilabel (bias: layer 0, 2)", spec.toString());
        assertTrue(spec.hasDropout());
        assertTrue(!spec.isReluClassifier());
        assertTrue(NetworkSpec.of(8, 4, 3).isReluClassifier());
    }

    @Test
    void activationsParseTheirNamesAndRefuseOthers() {
        assertEquals(Activation.GELU_TANH, Activation.parse(" GELU-Tanh "));
        assertEquals(Activation.leakyRelu(0.01f), Activation.parse("leaky_relu"));
        assertEquals(Activation.leakyRelu(0.2f), Activation.parse("leaky-relu:0.2"));
        assertEquals(Activation.IDENTITY, Activation.parse("none"));
        assertEquals(Activation.IDENTITY, Activation.parse("linear"));
        for (Activation a : new Activation[] {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(-0.3f),
            Activation.TANH, Activation.SIGMOID, Activation.GELU, Activation.GELU_TANH}) {
            assertEquals(a, Activation.parse(a.toString()), "toString reads back: " + a);
            assertEquals(a, Activation.of(a.kind(), a.alpha()));
        }
        assertRefused(() -> Activation.parse("swish"), "unknown activation 'swish'",
                "expected one of [identity, relu, leaky_relu[:alpha], tanh, sigmoid, gelu, gelu_tanh]");
        assertRefused(() -> Activation.parse("leaky_relu:steep"), "activation 'leaky_relu:steep'",
                "slope 'steep' is not a number; expected e.g. leaky_relu:0.1");
        assertRefused(() -> Activation.parse("tanh:2"), "activation 'tanh:2': only leaky_relu takes a parameter");
        assertRefused(() -> Activation.parse(null), "activation must not be null");
        assertRefused(() -> Activation.leakyRelu(Float.NaN), "leaky_relu alpha must be a finite number, got NaN");
        assertRefused(() -> Activation.parse("leaky_relu:Infinity"), "got Infinity");
        assertRefused(() -> Activation.of(null, 0f), "activation kind must not be null");
    }

    @Test
    void lossesParseAndRefuseBadWeightsSmoothingAndDeltas() {
        assertEquals(Loss.crossEntropy(), Loss.parse("CE"));
        assertEquals(Loss.binaryCrossEntropy(), Loss.parse("binary-cross-entropy"));
        assertEquals(Loss.meanSquaredError(), Loss.parse("mse"));
        assertEquals(Loss.huber(1f), Loss.parse("huber"));
        assertEquals(Loss.huber(0.25f), Loss.parse("huber:0.25"));
        assertEquals(Loss.huber(0.25f), Loss.parse(Loss.huber(0.25f).toString()));
        assertRefused(() -> Loss.parse("focal"), "unknown loss 'focal'",
                "expected one of [cross_entropy, binary_cross_entropy, mse, huber[:delta]]");
        assertRefused(() -> Loss.parse("huber:wide"),
                "loss 'huber:wide': 'wide' is not a number; expected e.g. huber:0.5");
        assertRefused(() -> Loss.parse("huber:-1"), "huber delta must be a positive finite number, got -1.0");
        assertRefused(() -> Loss.huber(0f), "got 0.0");
        assertRefused(() -> Loss.parse(null), "unknown loss 'null'");

        assertRefused(() -> Loss.crossEntropy().withClassWeights(new float[] {1f, -1f}),
                "class weight 1 is -1.0; expected a finite number >= 0");
        assertRefused(() -> Loss.crossEntropy().withClassWeights(new float[] {Float.NaN, 1f}), "class weight 0 is NaN");
        assertRefused(() -> Loss.crossEntropy().withClassWeights(new float[] {0f, 0f}),
                "class weights are all 0; expected at least one positive weight");
        assertRefused(() -> Loss.meanSquaredError().withClassWeights(new float[] {1f}),
                "class weights apply to cross-entropy losses, not mse");
        assertRefused(() -> Loss.crossEntropy().withLabelSmoothing(1f), "label smoothing must be in [0, 1), got 1.0");
        assertRefused(() -> Loss.crossEntropy().withLabelSmoothing(-0.1f), "got -0.1");
        assertRefused(() -> Loss.binaryCrossEntropy().withLabelSmoothing(0.1f),
                "label smoothing applies to cross_entropy, not binary_cross_entropy");
        float[] w = {1f, 2f};
        Loss weighted = Loss.binaryCrossEntropy().withClassWeights(w);
        w[0] = 9f;
        assertArrayEquals(new float[] {1f, 2f}, weighted.classWeights(), 0f, "the weights were copied");
        assertEquals("cross_entropy(weights=[1.0, 3.0], smoothing=0.1)",
                Loss.crossEntropy().withClassWeights(new float[] {1f, 3f}).withLabelSmoothing(0.1f).toString());
    }

    @Test
    void aSessionRefusesALossThatDoesNotSuitTheNetwork() {
        Network classifier = new Network(NetworkSpec.of(4, 5, 3), 1);
        Network regressor = new Network(NetworkSpec.builder(4).hidden(5).output(2, Task.REGRESS).build(), 1);
        Network binary = new Network(NetworkSpec.builder(4).hidden(5).output(1, Task.BINARY).build(), 1);
        Network multilabel = new Network(NetworkSpec.builder(4).hidden(5).output(3, Task.MULTILABEL).build(), 1);
        OptimizerConfig sgd = OptimizerConfig.sgd(0.1f);
        assertRefused(() -> new TrainingSession(classifier, 4, sgd, Loss.meanSquaredError(), null),
                "loss mse does not suit a classify network; expected cross_entropy");
        assertRefused(() -> new TrainingSession(regressor, 4, sgd, Loss.crossEntropy(), null),
                "loss cross_entropy does not suit a regress network; expected mse or huber");
        assertRefused(() -> new TrainingSession(binary, 4, sgd, Loss.huber(1f), null),
                "does not suit a binary network; expected binary_cross_entropy");
        Loss twoWeights = Loss.crossEntropy().withClassWeights(new float[] {1f, 2f});
        assertRefused(() -> new TrainingSession(classifier, 4, sgd, twoWeights, null),
                "2 class weights given, the classify network 4-5-3 needs 3 (one per class)");
        Loss threeWeights = Loss.binaryCrossEntropy().withClassWeights(new float[] {1f, 2f, 3f});
        assertRefused(() -> new TrainingSession(binary, 4, sgd, threeWeights, null), "3 class weights given",
                "needs 2 (negative, positive)");
        assertRefused(() -> new TrainingSession(multilabel, 4, sgd, Loss.binaryCrossEntropy().withClassWeights(
                new float[] {1f, 2f}), null), "class weights apply to classify and binary networks, not multilabel");
        assertEquals(Loss.binaryCrossEntropy(), new TrainingSession(multilabel, 4, sgd).loss(), "the task's default");
        assertEquals(Loss.meanSquaredError(), new TrainingSession(regressor, 4, sgd).loss());
    }

    @Test
    void aBatchWhoseClassWeightsSumToZeroIsRefusedNotTakenForADivergence() {
        // Weight 0 is allowed (a class that should not count); a batch of only such rows has no weighted mean.
        NetworkSpec spec = NetworkSpec.builder(2).hidden(4).dropout(0.2f).output(3, Task.CLASSIFY).build();
        Network network = new Network(spec, 1);
        Loss ignoreClass0 = Loss.crossEntropy().withClassWeights(new float[] {0f, 1f, 2f}).withLabelSmoothing(0.1f);
        TrainingSession session = new TrainingSession(network, 4, OptimizerConfig.sgd(0.1f), ignoreClass0, null);
        float[] x = {1f, 2f, 3f, 4f};
        float[] before = network.copyParameters();
        long dropoutState = session.dropoutRngState();
        assertRefused(() -> session.trainStep(x, new int[] {0, 0}, 2),
                "every row of this batch is of a class with weight 0 in cross_entropy(weights=[0.0, 1.0, 2.0], "
                        + "smoothing=0.1)", "expected a row of a class with a positive weight");
        assertRefused(() -> session.evalStep(x, new int[] {0, 0}, 2), "weighted mean loss divides by 0");
        assertArrayEquals(before, network.copyParameters(), 0f, "parameters unchanged");
        assertEquals(dropoutState, session.dropoutRngState(), "no dropout mask drawn");
        for (float g : network.gradients()) {
            assertEquals(0f, g, 0f, "no gradient accumulated");
        }
        assertTrue(Float.isFinite(session.trainStep(x, new int[] {0, 1}, 2)), "one weighted row is enough");
    }

    @Test
    void tasksParseTheirNames() {
        assertEquals(Task.CLASSIFY, Task.parse("Classification"));
        assertEquals(Task.REGRESS, Task.parse(" regression "));
        assertEquals(Task.MULTILABEL, Task.parse("MULTILABEL"));
        for (Task t : Task.values()) {
            assertEquals(t, Task.parse(t.toString()));
        }
        assertRefused(() -> Task.parse("ranking"), "unknown task 'ranking'",
                "expected one of [classify, binary, multilabel, regress]");
        assertRefused(() -> Task.parse(null), "unknown task 'null'");
    }

    @Test
    void trainingStepsRefuseTargetsTheTaskDoesNotTakeAndLeaveTheNetworkAsItWas() {
        Network binary = new Network(NetworkSpec.builder(3).hidden(4).output(1, Task.BINARY).build(), 2);
        Network multilabel = new Network(NetworkSpec.builder(3).hidden(4).output(2, Task.MULTILABEL).build(), 2);
        Network regressor = new Network(NetworkSpec.builder(3).hidden(4).output(2, Task.REGRESS).build(), 2);
        Network classifier = new Network(NetworkSpec.of(3, 4, 3), 2);
        float[] x = {0.5f, -1f, 2f, 1f, 0f, -0.5f};
        TrainingSession b = new TrainingSession(binary, 2, OptimizerConfig.sgd(0.1f));
        TrainingSession m = new TrainingSession(multilabel, 2, OptimizerConfig.sgd(0.1f));
        TrainingSession r = new TrainingSession(regressor, 2, OptimizerConfig.sgd(0.1f));
        TrainingSession c = new TrainingSession(classifier, 2, OptimizerConfig.sgd(0.1f));
        float[] before = binary.copyParameters();
        assertRefused(() -> b.trainStep(x, new int[] {1, 2}, 2), "label of row 1 is 2, expected a class in [0, 2)");
        assertRefused(() -> b.trainStep(x, new float[] {0.5f, 1.5f}, 2),
                "target of row 1, output 0 is 1.5, expected a probability in [0, 1]");
        assertRefused(() -> m.trainStep(x, new float[] {0f, 1f, -0.25f, 1f}, 2),
                "target of row 1, output 0 is -0.25, expected a probability in [0, 1]");
        assertRefused(() -> m.trainStep(x, new int[] {0, 1}, 2),
                "a multilabel network trains on targets [batch][2] (float[]), not class labels");
        assertRefused(() -> r.trainStep(x, new float[] {0f, 1f, Float.NaN, 1f}, 2),
                "target of row 1, output 0 is NaN, expected a finite number");
        assertRefused(() -> r.trainStep(x, new int[] {0, 1}, 2), "a regress network trains on targets [batch][2]");
        assertRefused(() -> r.trainStep(x, new float[] {0f, 1f, 2f}, 2), "targets needs 4 values [2][2]", "length 3");
        assertRefused(() -> c.trainStep(x, new float[] {0f, 1f, 0f, 0f, 1f, 0f}, 2),
                "a classifier trains on class labels (int[]), not float targets");
        assertRefused(() -> r.evalStep(x, new int[] {0, 1}, 2), "not class labels");
        assertArrayEquals(before, binary.copyParameters(), 0f, "parameters unchanged");
        for (Network n : new Network[] {binary, multilabel, regressor, classifier}) {
            for (float g : n.gradients()) {
                assertEquals(0f, g, 0f, "no gradient was accumulated by a refused step");
            }
        }
    }

    @Test
    void inferenceRefusesWhatTheTaskHasNot() {
        NetworkSpec regress = NetworkSpec.builder(3).hidden(4).output(2, Task.REGRESS).build();
        NetworkSpec multi = NetworkSpec.builder(3).hidden(4).output(2, Task.MULTILABEL).build();
        Network r = new Network(regress, 1);
        Network m = new Network(multi, 1);
        float[] x = {1f, 2f, 3f};
        assertRefused(() -> r.predictProbabilities(new Workspace(regress, 1), x, 0, 1, new float[2], 0),
                "network 3-4-2 regress is a regressor and has no probabilities; use predict");
        assertRefused(() -> r.predictClasses(new Workspace(regress, 1), x, 0, 1, new int[1], 0),
                "predicts values, not one class; use predict");
        assertRefused(() -> m.predictClass(new Workspace(multi, 1), x, 0),
                "predicts several labels per row, not one class");
        assertRefused(() -> m.predict(new Workspace(regress, 1), x, 0, 1, new float[2], 0),
                "workspace was made for network 3-4-2 regress, expected one for 3-4-2 multilabel");
    }
}
