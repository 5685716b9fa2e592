package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainingTest {
    private static Evaluation evaluate(Network n, Dataset d) {
        return Trainer.evaluate(new TrainingSession(n, 64, OptimizerConfig.sgd(0.1f)), d);
    }

    @Test
    void theShippedRecipeReadsHeldOutWritersAtOver90Percent() {
        Network raw = TestData.pretrainedOnRawCounts();
        Evaluation heldOut = evaluate(raw, DigitsSplit.evaluation(TestData.digits()));
        assertTrue(heldOut.accuracy() > 0.90, heldOut.toString());
    }

    @Test
    void isReproducibleBitForBit() {
        Dataset rows = DigitsSplit.pretraining(TestData.digits());
        assertArrayEquals(Pretraining.train(rows).network.copyParameters(),
                Pretraining.train(rows).network.copyParameters());
    }

    @Test
    void foldingTheScalingGivesTheSameProbabilitiesOnRawCounts() {
        Pretraining.Result r = Pretraining.train(DigitsSplit.pretraining(TestData.digits()));
        Network raw = InputScaling.foldInto(r.network.copy());
        Dataset eval = DigitsSplit.evaluation(TestData.digits());
        Dataset scaled = r.standardizer.apply(eval);
        Workspace ws = new Workspace(raw.spec(), eval.rows());
        float[] a = new float[eval.rows() * 10];
        float[] b = new float[eval.rows() * 10];
        raw.predictProbabilities(ws, eval.features(), 0, eval.rows(), a, 0);
        r.network.predictProbabilities(ws, scaled.features(), 0, eval.rows(), b, 0);
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5f, "probability " + i);
        }
    }

    @Test
    void foldingNeedsAFirstLayerBias() {
        Network noBias = new Network(Pretraining.SPEC.withBias(false), 1);
        assertThrows(IllegalArgumentException.class, () -> InputScaling.foldInto(noBias));
    }

    @Test
    void theSplitNeedsTheWholeFile() {
        Dataset fewer = TestData.firstRows(TestData.digits(), 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DigitsSplit.pickable(fewer));
        assertTrue(e.getMessage().contains("100 rows, expected 1797"), e.getMessage());
        assertEquals(1000, DigitsSplit.pretraining(TestData.digits()).rows());
        assertEquals(400, DigitsSplit.pickable(TestData.digits()).rows());
        assertEquals(397, DigitsSplit.evaluation(TestData.digits()).rows());
    }

    /** The recipe in the shipped model's metadata names the optimizer and scaling training really used. */
    @Test
    void theRecipeNamesTheOptimizerAndScalingTrainingUses() {
        String recipe = Pretraining.describe();
        assertTrue(recipe.contains(Pretraining.optimizer().toString()), recipe);
        assertTrue(recipe.startsWith("adamw", recipe.indexOf(Pretraining.optimizer().toString())), recipe);
        assertTrue(recipe.contains("(x - 8.0) / 8.0"), recipe);
        System.out.println("recipe: " + recipe);
    }
}
