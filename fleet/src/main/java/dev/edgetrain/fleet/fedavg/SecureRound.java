package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.secagg.MaskingClient;
import dev.edgetrain.fleet.secagg.RoundKeys;
import dev.edgetrain.fleet.secagg.UnmaskingResponse;
import dev.edgetrain.fleet.secagg.UnmaskingServer;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The server's two extra exchanges of a securely aggregated round, each one Spark job over the sampled clients'
 * partitions: collecting the clients' public keys before training ("AdvertiseKeys"), and collecting the survivors'
 * unmasking responses after the masked sum has arrived. The masking itself happens in {@link ClientStep}.
 */
final class SecureRound {
    private SecureRound() {
    }

    /** Each sampled client's public key for the round, gathered from its task. */
    static RoundKeys advertise(JavaRDD<Shard> clients, int[] sampled, long session, int round) {
        final List<Tuple2<Integer, byte[]>> adverts = clients.filter(s -> Arrays.binarySearch(sampled, s.id()) >= 0)
                .map(s -> new Tuple2<>(s.id(), MaskingClient.simulated(session, round, s.id()).publicKey())).collect();
        final byte[][] keys = new byte[sampled.length][];
        for (Tuple2<Integer, byte[]> a : adverts) {
            keys[Arrays.binarySearch(sampled, a._1())] = a._2();
        }
        for (int k = 0; k < sampled.length; k++) {
            if (keys[k] == null) {
                throw new IllegalStateException("round " + round + ": client " + sampled[k] + " advertised no key");
            }
        }
        return new RoundKeys(session, round, sampled, keys);
    }

    /**
     * Unmasks {@code sum}'s masked total into its fixed-point weights and loss, with the responses of the clients that
     * were not dropped; fewer survivors than a strict majority of the participants is a
     * {@link dev.edgetrain.fleet.secagg.SecureAggregationException}.
     */
    static void unmask(RoundSum sum, JavaRDD<Shard> clients, RoundKeys keys) {
        final int[] survivors = Arrays.stream(keys.participants())
                .filter(id -> Arrays.binarySearch(sum.dropped, id) < 0).toArray();
        final UnmaskingServer server = new UnmaskingServer(keys, UnmaskingServer.majority(keys.size()));
        server.checkSurvivors(survivors);
        final List<UnmaskingResponse> responses = clients.filter(s -> Arrays.binarySearch(survivors, s.id()) >= 0)
                .map(s -> MaskingClient.simulated(keys.session(), keys.round(), s.id()).respond(keys, survivors))
                .collect();
        sum.setUnmasked(server.unmask(sum.masked.values(), survivors, responses));
    }
}
