package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What clients send up in a round, added together on the way (Spark's tree aggregation): the example-weighted
 * sum of their new weights, the weighted sum of their last-epoch training losses, how many clients and
 * examples contributed, and which clients were dropped because their local training diverged. Order-independent
 * and exact (see {@link FixedPointSum}), so the round's result does not depend on task timing or retries.
 */
final class RoundSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code Σ_k (n_k / N) · w_k} over the clients that finished. */
    final FixedPointSum weights = new FixedPointSum();
    /** {@code Σ_k (n_k / N) · loss_k}. */
    final FixedPointSum loss = new FixedPointSum();
    long examples;
    int clients;
    /** Ids of clients whose update was discarded, ascending. */
    int[] dropped = new int[0];

    void addClient(float[] clientWeights, double share, float lastLoss, int rows, int client) {
        String what = "client " + client + "'s update";
        weights.add(clientWeights, share, what);
        loss.add(1, 0, share * lastLoss, what);
        examples += rows;
        clients++;
    }

    void drop(int client) {
        dropped = Arrays.copyOf(dropped, dropped.length + 1);
        dropped[dropped.length - 1] = client;
        Arrays.sort(dropped);
    }

    RoundSum merge(RoundSum other) {
        weights.merge(other.weights);
        loss.merge(other.loss);
        examples += other.examples;
        clients += other.clients;
        if (other.dropped.length > 0) {
            int[] d = Arrays.copyOf(dropped, dropped.length + other.dropped.length);
            System.arraycopy(other.dropped, 0, d, dropped.length, other.dropped.length);
            Arrays.sort(d);
            dropped = d;
        }
        return this;
    }
}
