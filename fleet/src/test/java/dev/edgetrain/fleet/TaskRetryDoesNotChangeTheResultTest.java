package dev.edgetrain.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.data.Shards;
import dev.edgetrain.fleet.fedavg.ClientSampler;
import dev.edgetrain.fleet.fedavg.FedAvg;
import dev.edgetrain.fleet.fedavg.FedAvgConfig;
import dev.edgetrain.fleet.model.OptimizerSettings;
import dev.edgetrain.fleet.sgd.DataParallelConfig;
import dev.edgetrain.fleet.sgd.DataParallelSgd;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.train.Dataset;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task that dies after its device has trained (first attempt only; {@code local[2,2]} lets Spark retry it) leaves
 * the result bit for bit what it is without the failure: the retry recomputes the same update from the same seed,
 * nothing the failed attempt touched is shared, and the exact aggregation does not care in which order the
 * partial sums arrive.
 */
class TaskRetryDoesNotChangeTheResultTest {
    private static final AtomicInteger FAILURES = new AtomicInteger();
    private static final NetworkSpec SPEC = NetworkSpec.of(64, 16, 10);

    @BeforeEach
    void reset() {
        FAILURES.set(0);
    }

    /**
     * The shards of {@code rdd}, except that partition {@code victim}'s first attempt throws once its shard has been
     * consumed, i.e. after the task has trained on it and added the update to its partial sum.
     */
    static JavaRDD<Shard> failingOnceAfterTraining(JavaRDD<Shard> rdd, int victim) {
        return rdd.mapPartitionsWithIndex((index, shards) -> {
            final boolean fail = index == victim && TaskContext.get().attemptNumber() == 0;
            return new Iterator<Shard>() {
                private boolean served;

                @Override
                public boolean hasNext() {
                    if (fail && served) {
                        FAILURES.incrementAndGet();
                        throw new IllegalStateException("simulated loss of the executor after local training");
                    }
                    return shards.hasNext();
                }

                @Override
                public Shard next() {
                    served = true;
                    return shards.next();
                }
            };
        }, true);
    }

    @Test
    void aFederatedRoundWithARetriedTaskEqualsTheRoundWithout() throws IOException {
        roundsWithARetriedTaskEqualTheRoundsWithout(false, 2);
    }

    /**
     * With secure aggregation a retried task masks the same update with the same masks (the device's keys derive from
     * the seed and the round), and the two extra jobs a round (keys, unmasking responses) are retried as well.
     */
    @Test
    void aSecurelyAggregatedRoundWithARetriedTaskEqualsTheRoundWithout() throws IOException {
        roundsWithARetriedTaskEqualTheRoundsWithout(true, 4);
    }

    private void roundsWithARetriedTaskEqualTheRoundsWithout(boolean secure, int jobsPerRound) throws IOException {
        Dataset data = Digits.standardized();
        FedAvgConfig config = FedAvgConfig.defaults(0.05f).withRounds(3).withLocalEpochs(2).withBatchSize(16)
                .withClientFraction(0.75).withSeed(9).withSecureAggregation(secure);
        JavaRDD<Shard> clients = Shards.toRdd(LocalSpark.context(), Shards.nonIid(data, 4, 3, 9));
        Network initial = new Network(SPEC, 9);
        // shard i sits in partition i; the victim must be sampled in every round for the failure to hit each round
        int victim = sampledInEveryRound(new int[] {0, 1, 2, 3}, 0.75, 9, 3);

        FedAvg.Result clean = new FedAvg(LocalSpark.context(), config).run(clients, initial, null, null);
        FedAvg.Result retried = new FedAvg(LocalSpark.context(), config)
                .run(failingOnceAfterTraining(clients, victim), initial, null, null);

        assertEquals(1 + jobsPerRound * 3, FAILURES.get(), "one failed attempt in the job that reads the shards' "
                + "sizes, and in each of a round's jobs that read the shards (training, evaluation; with secure "
                + "aggregation also the keys and the unmasking responses)");
        assertArrayEquals(clean.global().copyParameters(), retried.global().copyParameters());
        for (int r = 0; r < 3; r++) {
            assertEquals(clean.rounds().get(r).global().accuracy(), retried.rounds().get(r).global().accuracy());
            assertEquals(clean.rounds().get(r).trainLoss(), retried.rounds().get(r).trainLoss());
        }
    }

    private static int sampledInEveryRound(int[] ids, double fraction, long seed, int rounds) {
        for (int id : ids) {
            boolean always = true;
            for (int r = 1; r <= rounds; r++) {
                always &= java.util.Arrays.binarySearch(ClientSampler.select(ids, fraction, seed, r), id) >= 0;
            }
            if (always) {
                return id;
            }
        }
        throw new AssertionError("no client is sampled in all " + rounds + " rounds; pick another seed");
    }

    @Test
    void aDataParallelStepWithARetriedTaskEqualsTheStepWithout() throws IOException {
        Dataset data = Digits.standardized();
        DataParallelConfig config = new DataParallelConfig(1, 128, OptimizerSettings.momentum(0.05f, 0.9f, true), 4);
        JavaRDD<Shard> slices = Shards.toRdd(LocalSpark.context(), Shards.contiguous(data, 3));
        Network clean = new Network(SPEC, 4);
        Network retried = clean.copy();

        new DataParallelSgd(LocalSpark.context(), config).run(slices, clean, null, null);
        new DataParallelSgd(LocalSpark.context(), config).run(failingOnceAfterTraining(slices, 1), retried, null, null);

        int steps = (data.rows() + 127) / 128;
        assertEquals(1 + steps, FAILURES.get(), "one failed attempt in the job that checks the slices, and per step");
        assertArrayEquals(clean.copyParameters(), retried.copyParameters());
    }
}
