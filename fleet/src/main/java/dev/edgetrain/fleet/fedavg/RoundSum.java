package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import dev.edgetrain.fleet.secagg.MaskedSum;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What clients send up in a round, added together on the way (Spark's tree aggregation): the example-weighted
 * sum of their new weights, the weighted sum of their last-epoch training losses, how many clients and
 * examples contributed, and which clients were dropped because their local training diverged. Order-independent
 * and exact (see {@link FixedPointSum}), so the round's result does not depend on task timing or retries.
 *
 * <p>With secure aggregation the clients send masked updates instead ({@link #masked}: the fixed-point weights
 * followed by the fixed-point loss, masked); {@link #weights} and {@link #loss} stay empty until the driver unmasks
 * the sum into them.
 */
final class RoundSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code Σ_k (n_k / N) · w_k} over the clients that finished. */
    final FixedPointSum weights = new FixedPointSum();
    /** {@code Σ_k (n_k / N) · loss_k}. */
    final FixedPointSum loss = new FixedPointSum();
    /** With secure aggregation: {@code Σ_k mask_k(encode(n_k/N · w_k) ‖ encode(n_k/N · loss_k))} modulo 2^64. */
    final MaskedSum masked = new MaskedSum();
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

    /** Adds a client's masked update (see {@link #encode}). */
    void addMaskedClient(long[] maskedUpdate, int rows) {
        masked.add(maskedUpdate);
        examples += rows;
        clients++;
    }

    /**
     * A client's contribution in fixed point, as {@link #addClient} would add it: the weighted weights, then the
     * weighted loss. This is what secure aggregation masks.
     */
    static long[] encode(float[] clientWeights, double share, float lastLoss, int client) {
        String what = "client " + client + "'s update";
        long[] fixed = Arrays.copyOf(FixedPointSum.encode(clientWeights, share, what), clientWeights.length + 1);
        fixed[clientWeights.length] = FixedPointSum.encode(share * lastLoss, 0, what);
        return fixed; // [parameters + 1]
    }

    /** Puts the unmasked sum of {@link #encode}d contributions into {@link #weights} and {@link #loss}. */
    void setUnmasked(long[] sum) {
        weights.merge(FixedPointSum.ofEncoded(Arrays.copyOf(sum, sum.length - 1)));
        loss.merge(FixedPointSum.ofEncoded(new long[] {sum[sum.length - 1]}));
    }

    void drop(int client) {
        dropped = Arrays.copyOf(dropped, dropped.length + 1);
        dropped[dropped.length - 1] = client;
        Arrays.sort(dropped);
    }

    RoundSum merge(RoundSum other) {
        weights.merge(other.weights);
        loss.merge(other.loss);
        masked.merge(other.masked);
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
