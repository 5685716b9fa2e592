package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.train.Dataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FineTunerTest {
    /** 100 mirrored pickable rows: a writer the pre-trained model reads at ~46%. */
    private static Dataset mirroredExamples() {
        return TestData.firstRows(TestData.mirrored(DigitsSplit.pickable(TestData.digits())), 100);
    }

    private static Dataset mirroredEvaluation() {
        return TestData.mirrored(DigitsSplit.evaluation(TestData.digits()));
    }

    private static float[] layer(Network n, int l) {
        ParameterLayout layout = n.layout();
        return Arrays.copyOfRange(n.copyParameters(), layout.layerStart(l), layout.layerEnd(l));
    }

    @Test
    void outputLayerOnlyAdaptsToANewWriterAndLeavesTheHiddenLayerAndTheBaseAlone() {
        Network base = TestData.pretrainedOnRawCounts();
        float[] baseParams = base.copyParameters();
        FineTuneResult r = FineTuner.run(base, mirroredExamples(), mirroredEvaluation(),
                FineTuneConfig.defaults(FineTuneMode.OUTPUT_LAYER_ONLY), null, null);
        assertFalse(r.cancelled());
        assertEquals(40, r.epochsRun());
        assertTrue(r.after().accuracy() > r.before().accuracy() + 0.10,
                "held-out " + r.before().accuracy() + " -> " + r.after().accuracy());
        assertArrayEquals(layer(base, 0), layer(r.network(), 0), "hidden layer must be frozen");
        assertFalse(Arrays.equals(layer(base, 1), layer(r.network(), 1)), "output layer must change");
        assertArrayEquals(baseParams, base.copyParameters(), "the base network must not change");
    }

    @Test
    void allLayersAdaptsFurtherThanTheOutputLayerAlone() {
        Network base = TestData.pretrainedOnRawCounts();
        FineTuneResult outputOnly = FineTuner.run(base, mirroredExamples(), mirroredEvaluation(),
                FineTuneConfig.defaults(FineTuneMode.OUTPUT_LAYER_ONLY), null, null);
        FineTuneResult all = FineTuner.run(base, mirroredExamples(), mirroredEvaluation(),
                FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS), null, null);
        assertFalse(Arrays.equals(layer(base, 0), layer(all.network(), 0)), "hidden layer must change");
        assertTrue(all.after().accuracy() > outputOnly.after().accuracy(),
                "all layers " + all.after() + " vs output layer " + outputOnly.after());
    }

    @Test
    void reportsEveryEpochInOrder() {
        List<Integer> epochs = new ArrayList<>();
        List<Float> losses = new ArrayList<>();
        FineTuneResult r = FineTuner.run(TestData.pretrainedOnRawCounts(), mirroredExamples(), null,
                FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS).withEpochs(5), (epoch, total, loss, acc) -> {
                    assertEquals(5, total);
                    assertTrue(acc >= 0 && acc <= 1);
                    epochs.add(epoch);
                    losses.add(loss);
                }, null);
        assertEquals(Arrays.asList(1, 2, 3, 4, 5), epochs);
        assertTrue(losses.get(4) < losses.get(0), "loss " + losses);
        assertEquals(losses.get(4), r.trainLoss());
        assertNull(r.before());
        assertNull(r.after());
    }

    @Test
    void cancellingStopsBeforeTheNextEpochAndSaysSo() {
        AtomicBoolean cancel = new AtomicBoolean();
        FineTuneResult r = FineTuner.run(TestData.pretrainedOnRawCounts(), mirroredExamples(), mirroredEvaluation(),
                FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS), (epoch, total, loss, acc) -> {
                    if (epoch == 3) {
                        cancel.set(true);
                    }
                }, cancel);
        assertTrue(r.cancelled());
        assertEquals(3, r.epochsRun());
        assertNull(r.after());
        assertTrue(r.summary().startsWith("cancelled after 3 of 40 epochs"), r.summary());
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        Network base = TestData.pretrainedOnRawCounts();
        FineTuneConfig config = FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS).withEpochs(3);
        float[] a = FineTuner.run(base, mirroredExamples(), null, config, null, null).network().copyParameters();
        float[] b = FineTuner.run(base, mirroredExamples(), null, config, null, null).network().copyParameters();
        float[] c = FineTuner.run(base, mirroredExamples(), null, config.withSeed(2), null, null).network()
                .copyParameters();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void rejectsDataOfTheWrongShape() {
        Dataset wrong = new Dataset(new float[3 * 4], new int[] {0, 1, 2}, 4, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FineTuner.run(
                TestData.pretrainedOnRawCounts(), wrong, null, FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS),
                null, null));
        assertTrue(e.getMessage().startsWith("examples have 4 features"), e.getMessage());
    }

    @Test
    void describesTheRunForTheExportedMetadata() {
        FineTuneResult r = FineTuner.run(TestData.pretrainedOnRawCounts(), mirroredExamples(), mirroredEvaluation(),
                FineTuneConfig.defaults(FineTuneMode.OUTPUT_LAYER_ONLY).withEpochs(2), null, null);
        assertEquals("OUTPUT_LAYER_ONLY", r.metadata().get("edgetrain.finetune.mode"));
        assertEquals("100", r.metadata().get("edgetrain.finetune.examples"));
        assertEquals("2", r.metadata().get("edgetrain.finetune.epochs"));
        assertEquals("397", r.metadata().get("edgetrain.finetune.heldout_rows"));
        assertNotEquals(null, r.metadata().get("edgetrain.finetune.heldout_accuracy_after"));
    }

    @Test
    void configRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig(null, 1, 0.1f, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig(FineTuneMode.ALL_LAYERS, 0, 0.1f, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new FineTuneConfig(FineTuneMode.ALL_LAYERS, 1, Float.NaN, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig(FineTuneMode.ALL_LAYERS, 1, 0.1f, 0, 0));
    }
}
