package dev.edgetrain.fleet.fedavg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.Floats;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.data.Shards;
import dev.edgetrain.fleet.model.OptimizerSettings;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.train.Dataset;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One round of one local epoch of full-batch gradient descent is one step of centralised full-batch gradient
 * descent: with one client trivially, and with several clients of unequal size because the average is weighted by
 * example count (an unweighted average would miss by far more than the tolerance).
 */
class OneRoundOfFullBatchEqualsCentralisedTest {
    private static final float LR = 0.5f;
    /**
     * The client sums its gradient over its rows in its own shuffled order, the centralised step in file order: the
     * float sums differ in their last bits, about 1e-7 relative, and the aggregation rounds each contribution to
     * 2^-41. Both are orders of magnitude below the step itself (checked below).
     */
    private static final double TOLERANCE = 1e-6;

    private static final NetworkSpec SPEC = NetworkSpec.of(64, 32, 10);

    private static Network centralisedStep(Network initial, Dataset data) {
        Network central = initial.copy();
        TrainingSession session = new TrainingSession(central, data.rows(), OptimizerSettings.sgd(LR).config());
        session.trainStep(data.features(), data.labels(), data.rows());
        session.optimizerStep();
        return central;
    }

    private static Network oneRound(List<Shard> clients, Network initial) throws IOException {
        FedAvgConfig config = FedAvgConfig.defaults(LR).withRounds(1).withLocalEpochs(1).withBatchSize(0);
        FedAvg.Result result = new FedAvg(LocalSpark.context(), config)
                .run(Shards.toRdd(LocalSpark.context(), clients), initial, null, null);
        assertEquals(1, result.rounds().size());
        assertEquals(clients.size(), result.rounds().get(0).clientsAveraged());
        return result.global();
    }

    @Test
    void oneClientOneRoundOneEpochOfFullBatchGradientDescentEqualsCentralisedTraining() throws IOException {
        Dataset data = Digits.standardized();
        Network initial = new Network(SPEC, 7);
        Network central = centralisedStep(initial, data);
        Shard everything = new Shard(0, 0, data.features(), data.labels(), data.featureCount(), data.classes());

        Network federated = oneRound(List.of(everything), initial);

        double moved = Floats.maxAbsDifference(central.copyParameters(), initial.copyParameters());
        double diff = Floats.maxAbsDifference(federated.copyParameters(), central.copyParameters());
        assertTrue(moved > 1e-2, "the step must move the weights for the comparison to mean anything: " + moved);
        assertTrue(diff <= TOLERANCE, "federated vs centralised: max |difference| " + diff);
    }

    @Test
    void severalUnequalNonIidClientsGiveTheCentralisedStepBecauseTheAverageIsWeightedByExamples() throws IOException {
        Dataset data = Digits.standardized();
        Network initial = new Network(SPEC, 11);
        Network central = centralisedStep(initial, data);
        List<Shard> clients = Shards.nonIid(data, 4, 3, 5);
        assertNotEquals(clients.get(0).rows(), clients.get(1).rows(), "unequal shards, so the weighting matters");

        Network federated = oneRound(clients, initial);

        double diff = Floats.maxAbsDifference(federated.copyParameters(), central.copyParameters());
        assertTrue(diff <= TOLERANCE, "federated vs centralised: max |difference| " + diff);
        // What an unweighted mean of the clients' weights would have been: clearly outside the tolerance.
        float[] unweighted = new float[initial.parameterCount()];
        for (Shard s : clients) {
            Network local = centralisedStep(initial, s.toDataset());
            for (int i = 0; i < unweighted.length; i++) {
                unweighted[i] += local.copyParameters()[i] / clients.size();
            }
        }
        double unweightedDiff = Floats.maxAbsDifference(unweighted, central.copyParameters());
        assertTrue(unweightedDiff > 100 * TOLERANCE, "an unweighted average differs by " + unweightedDiff);
    }
}
