package dev.edgetrain.fleet.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.Floats;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.data.Shards;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.train.Dataset;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;

/**
 * FedAvg with secure aggregation (clients mask in their Spark tasks, the driver unmasks the sum) trains the very model
 * FedAvg trains without it, bit for bit, here with 3 of 10 clients dropping out every round; and what a client's task
 * sends up under secure aggregation is masked, not its update.
 */
class SecureAggregationLeavesTheModelUnchangedTest {
    private static final NetworkSpec SPEC = NetworkSpec.of(64, 16, 10);

    private static int[] bits(float[] values) {
        final int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void theModelIsBitIdenticalWithAndWithoutSecureAggregationWithThirtyPercentDropout() throws IOException {
        final Dataset data = Digits.standardized();
        final JavaRDD<Shard> clients = Shards.toRdd(LocalSpark.context(), Shards.nonIid(data, 10, 2, 3)).cache();
        final Network initial = new Network(SPEC, 5);
        final FedAvgConfig config = FedAvgConfig.defaults(0.05f).withRounds(3).withLocalEpochs(1).withBatchSize(32)
                .withSeed(5).withDropout(0.3);

        final FedAvg.Result plain = new FedAvg(LocalSpark.context(), config).run(clients, initial, null, null);
        final FedAvg.Result secure = new FedAvg(LocalSpark.context(), config.withSecureAggregation(true))
                .run(clients, initial, null, null);

        assertArrayEquals(bits(plain.global().copyParameters()), bits(secure.global().copyParameters()));
        assertTrue(Floats.maxAbsDifference(initial.copyParameters(), secure.global().copyParameters()) > 1e-2,
                "the rounds must move the model for the comparison to mean anything");
        for (int r = 0; r < 3; r++) {
            final RoundReport p = plain.rounds().get(r);
            final RoundReport s = secure.rounds().get(r);
            assertEquals(3, s.droppedClients().length, "3 of 10 uploads lost in round " + (r + 1));
            assertArrayEquals(p.droppedClients(), s.droppedClients());
            assertEquals(7, s.clientsAveraged());
            assertEquals(p.examples(), s.examples());
            assertEquals(Double.doubleToRawLongBits(p.trainLoss()), Double.doubleToRawLongBits(s.trainLoss()));
            assertEquals(Double.doubleToRawLongBits(p.global().loss()), Double.doubleToRawLongBits(s.global().loss()));
            System.out.println(String.format(Locale.ROOT, "round %d: %.3f s plain, %.3f s with secure aggregation; "
                    + "uploads %d B and %d B", r + 1, p.seconds(), s.seconds(), p.uploadBytes(), s.uploadBytes()));
        }
        assertFalse(plain.rounds().get(0).droppedClients().length == plain.rounds().get(1).droppedClients().length
                && java.util.Arrays.equals(plain.rounds().get(0).droppedClients(),
                plain.rounds().get(1).droppedClients()), "a different dropout set each round");
    }

    @Test
    void aClientTaskUnderSecureAggregationSendsAMaskedUpdateNotItsWeights() {
        final Dataset data = Digits.standardized();
        final List<Shard> shards = Shards.nonIid(data, 4, 3, 7);
        final Network initial = new Network(SPEC, 7);
        final FedAvgConfig config = FedAvgConfig.defaults(0.05f).withSeed(7).withSecureAggregation(true);
        final int[] sampled = {0, 1, 2, 3};
        final double[] share = {0.25, 0.25, 0.25, 0.25};
        final JavaRDD<Shard> clients = Shards.toRdd(LocalSpark.context(), shards);
        final Broadcast<float[]> global = LocalSpark.context().broadcast(initial.copyParameters());
        final ClientStep plainStep = new ClientStep(global, new dev.edgetrain.fleet.model.SpecData(SPEC),
                config.withSecureAggregation(false), 1, sampled, share, new int[0], null);
        final ClientStep maskedStep = new ClientStep(global, new dev.edgetrain.fleet.model.SpecData(SPEC), config, 1,
                sampled, share, new int[0], SecureRound.advertise(clients, sampled, config.seed(), 1));

        final RoundSum plain = plainStep.call(new RoundSum(), shards.get(2));
        final RoundSum masked = maskedStep.call(new RoundSum(), shards.get(2));

        assertTrue(masked.weights.isEmpty() && masked.loss.isEmpty(), "no plain weights leave a secure task");
        final long[] sent = masked.masked.values();
        assertEquals(initial.parameterCount() + 1, sent.length);
        // Plain fixed-point weights (|w| < 2^22 of 2^63) have a top byte of 0x00 or 0xFF; masked values almost never.
        int extreme = 0;
        for (long v : sent) {
            final int top = (int) (v >>> 56);
            extreme += top == 0 || top == 0xFF ? 1 : 0;
        }
        assertTrue(extreme < sent.length / 20, extreme + " of " + sent.length + " sent values look unmasked");
        final float[] plainWeights = new float[initial.parameterCount()];
        plain.weights.copyTo(plainWeights, 1.0);
        assertTrue(Floats.maxAbsDifference(plainWeights, new float[plainWeights.length]) > 0, "the plain step trained");
        global.destroy();
    }
}
