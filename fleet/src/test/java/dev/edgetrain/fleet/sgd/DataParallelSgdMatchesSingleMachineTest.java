package dev.edgetrain.fleet.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.Floats;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.data.Shards;
import dev.edgetrain.fleet.model.OptimizerSettings;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel SGD over two slices takes the same steps as the runtime's {@link Trainer} on one machine with the
 * same seed and batch size: same batches, same averaged gradient, same optimizer (momentum, state on the driver).
 */
class DataParallelSgdMatchesSingleMachineTest {
    static final int EPOCHS = 2;
    static final int BATCH = 64;
    static final long SEED = 5;
    /**
     * Each slice sums its part of a batch's gradient separately (another float addition order), and the aggregation
     * rounds each part to 2^-41: differences of about 1e-7 relative per step, carried through 46 momentum steps.
     */
    static final double TOLERANCE = 2e-5;

    @Test
    void twoPartitionsTakeTheSameStepsAsTheSingleMachineTrainer() throws IOException {
        Dataset data = Digits.standardized();
        NetworkSpec spec = NetworkSpec.of(64, 32, 10);
        OptimizerSettings momentum = OptimizerSettings.momentum(0.05f, 0.9f, false);

        Network single = new Network(spec, SEED);
        Network initial = single.copy();
        Trainer trainer = new Trainer(new TrainingSession(single, BATCH, momentum.config()), data, BATCH, SEED);
        float[] singleLosses = new float[EPOCHS];
        for (int e = 0; e < EPOCHS; e++) {
            trainer.runEpoch(dev.edgetrain.runtime.train.TrainingListener.NONE);
            singleLosses[e] = trainer.lastLoss();
        }

        Network distributed = initial.copy();
        List<EpochReport> reports = new DataParallelSgd(LocalSpark.context(),
                new DataParallelConfig(EPOCHS, BATCH, momentum, SEED))
                .run(Shards.toRdd(LocalSpark.context(), Shards.contiguous(data, 2)).cache(), distributed, null, null);

        double moved = Floats.maxAbsDifference(single.copyParameters(), initial.copyParameters());
        double diff = Floats.maxAbsDifference(distributed.copyParameters(), single.copyParameters());
        assertTrue(moved > 0.05, "training must move the weights: " + moved);
        assertTrue(diff <= TOLERANCE, "data-parallel vs single machine: max |difference| " + diff);
        assertEquals(EPOCHS, reports.size());
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(singleLosses[e], reports.get(e).trainLoss(), 1e-5, "epoch " + (e + 1) + " training loss");
            assertEquals((data.rows() + BATCH - 1) / BATCH, reports.get(e).steps());
        }
    }

    @Test
    void anotherShuffleSeedTakesOtherSteps() throws IOException {
        // The comparison above is only meaningful if the batches matter: with another seed the result moves away.
        Dataset data = Digits.standardized();
        NetworkSpec spec = NetworkSpec.of(64, 32, 10);
        OptimizerSettings momentum = OptimizerSettings.momentum(0.05f, 0.9f, false);
        Network single = new Network(spec, SEED);
        Network initial = single.copy();
        new Trainer(new TrainingSession(single, BATCH, momentum.config()), data, BATCH, SEED).fit(1, null);
        Network distributed = initial.copy();
        new DataParallelSgd(LocalSpark.context(), new DataParallelConfig(1, BATCH, momentum, SEED + 1))
                .run(Shards.toRdd(LocalSpark.context(), Shards.contiguous(data, 2)), distributed, null, null);
        assertTrue(Floats.maxAbsDifference(distributed.copyParameters(), single.copyParameters()) > 100 * TOLERANCE);
    }
}
