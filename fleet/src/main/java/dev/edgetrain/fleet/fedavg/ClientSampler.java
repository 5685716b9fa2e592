package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.runtime.Rng;
import java.util.Arrays;

/**
 * Which clients train in a round: {@code max(1, round(fraction · clients))} of them, drawn without replacement
 * by a generator seeded from the run's seed and the round number alone, so a rerun, or a retried task, sees
 * the same clients.
 */
public final class ClientSampler {
    private ClientSampler() {
    }

    /**
     * How many of {@code clients} clients a round samples: {@code max(1, round(fraction · clients))}.
     *
     * @param clients number of clients
     * @param fraction the client fraction, in (0, 1]
     * @return the number sampled, at least 1
     */
    public static int count(int clients, double fraction) {
        return Math.max(1, (int) Math.round(fraction * clients));
    }

    /**
     * The sampled client ids of {@code round} (1-based), ascending.
     *
     * @param clientIds the ids of all clients, in any order, not empty
     * @param fraction the client fraction, in (0, 1]
     * @param seed the run's seed
     * @param round the round number (1-based)
     * @return {@link #count} of the ids, a new array, ascending (all of them, sorted, when the count is all)
     * @throws IllegalArgumentException if there are no clients or the fraction is outside (0, 1]
     */
    public static int[] select(int[] clientIds, double fraction, long seed, int round) {
        if (clientIds.length == 0) {
            throw new IllegalArgumentException("no clients to sample from");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("client fraction must be in (0, 1], got " + fraction);
        }
        int k = count(clientIds.length, fraction);
        int[] ids = clientIds.clone();
        Arrays.sort(ids); // the draw must not depend on the order the ids were collected in
        if (k < ids.length) {
            Rng rng = new Rng(mix(seed, round, 0x5A3B1E));
            for (int i = 0; i < k; i++) { // partial Fisher–Yates: the first k places
                int j = i + rng.nextInt(ids.length - i);
                int t = ids[i];
                ids[i] = ids[j];
                ids[j] = t;
            }
            ids = Arrays.copyOf(ids, k);
            Arrays.sort(ids);
        }
        return ids;
    }

    /**
     * Simulated dropout: {@code floor(rate · sampled.length)} of the sampled ids (ascending), drawn by a generator
     * seeded from the run's seed and the round alone, independently of the client sample's own draw.
     *
     * @param sampled the round's sampled ids
     * @param rate the dropout rate, in [0, 0.5)
     * @param seed the run's seed
     * @param round the round number (1-based)
     * @return the lost ids, a new array, ascending; empty when {@code floor(rate · sampled.length)} is 0
     */
    public static int[] lost(int[] sampled, double rate, long seed, int round) {
        final int count = (int) Math.floor(rate * sampled.length);
        final int[] ids = sampled.clone();
        final Rng rng = new Rng(mix(seed, round, 0xD50B));
        for (int i = 0; i < count; i++) { // partial Fisher–Yates: the first count places
            final int j = i + rng.nextInt(ids.length - i);
            final int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        final int[] lost = Arrays.copyOf(ids, count);
        Arrays.sort(lost);
        return lost;
    }

    /**
     * A 64-bit seed for one (run seed, round, stream) triple: SplitMix64 steps, so nearby inputs give unrelated seeds.
     *
     * @param seed the run's seed
     * @param a the first value mixed in, e.g. the round
     * @param b the second value mixed in, a constant naming the stream
     * @return the derived seed
     */
    public static long mix(long seed, long a, long b) {
        Rng rng = new Rng(seed);
        long x = rng.nextLong() ^ (a * 0x9E3779B97F4A7C15L);
        rng.setState(x);
        x = rng.nextLong() ^ (b * 0xC2B2AE3D27D4EB4FL);
        rng.setState(x);
        return rng.nextLong();
    }
}
