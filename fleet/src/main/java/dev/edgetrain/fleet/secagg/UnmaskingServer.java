package dev.edgetrain.fleet.secagg;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's side of a round of secure aggregation (see {@link MaskingClient} for the protocol): it adds the masked
 * updates that arrive ({@link MaskedSum}; modulo 2<sup>64</sup>, in any order), then {@link #unmask}s the sum with
 * the survivors' {@link UnmaskingResponse}s. What it learns is the sum of the survivors' updates and who survived;
 * each single masked update it sees is uniformly distributed over the ring whatever the update.
 *
 * <p>The threshold t: fewer than t survivors and the round is aborted with a {@link SecureAggregationException}, as
 * the protocol aborts when fewer than t shares can be collected; the sum of too few clients would say too much about
 * each of them (with one survivor it is that client's update).
 */
public final class UnmaskingServer {
    private final RoundKeys keys;
    private final int threshold;

    /**
     * The server of the round {@code keys} describe.
     *
     * @param keys the round's participants and public keys
     * @param threshold the fewest survivors the round may be unmasked with: 2 to the number of participants
     * @throws IllegalArgumentException if {@code threshold} is outside [2, participants]
     */
    public UnmaskingServer(RoundKeys keys, int threshold) {
        if (threshold < 2 || threshold > keys.size()) {
            throw new IllegalArgumentException("round " + keys.round() + ": threshold must be in [2, " + keys.size()
                    + "] (the participants), got " + threshold);
        }
        this.keys = keys;
        this.threshold = threshold;
    }

    /**
     * The default threshold for {@code participants} clients: a strict majority, at least 2.
     *
     * @param participants the number of participants, at least 1
     * @return {@code max(2, participants / 2 + 1)}
     */
    public static int majority(int participants) {
        return Math.max(2, participants / 2 + 1);
    }

    /**
     * The fewest survivors the round may be unmasked with.
     *
     * @return t, in [2, participants]
     */
    public int threshold() {
        return threshold;
    }

    /**
     * Refuses, before anyone is asked for seeds, a round with fewer than {@link #threshold()} survivors.
     *
     * @param survivors the ids of the clients whose masked update arrived
     * @throws SecureAggregationException with fewer than {@link #threshold()} survivors
     */
    public void checkSurvivors(int[] survivors) {
        if (survivors.length < threshold) {
            throw new SecureAggregationException("round " + keys.round() + ": only " + survivors.length + " of "
                    + keys.size() + " clients' masked updates arrived " + Arrays.toString(survivors) + ", below the "
                    + "threshold of " + threshold + "; the round cannot be unmasked");
        }
    }

    /**
     * The plain sum, modulo 2<sup>64</sup>, of the survivors' fixed-point updates.
     *
     * @param maskedSum the sum of the masked updates that arrived (not changed)
     * @param survivors ids of the clients whose masked update is in {@code maskedSum}, ascending
     * @param responses one response per survivor, in any order
     * @return the unmasked sum, {@code [update length]}, a new array
     * @throws SecureAggregationException below the threshold, or when a survivor's response is missing, duplicated,
     *                                    for another round, or lacks the seed for a dropped client
     * @throws IllegalArgumentException when the survivor ids are not ascending and unique
     */
    public long[] unmask(long[] maskedSum, int[] survivors, Collection<UnmaskingResponse> responses) {
        final int round = keys.round();
        for (int i = 1; i < survivors.length; i++) {
            if (survivors[i] <= survivors[i - 1]) {
                throw new IllegalArgumentException("round " + round + ": survivor ids must be ascending and unique, "
                        + survivors[i] + " follows " + survivors[i - 1]);
            }
        }
        final int[] dropped = keys.droppedGiven(survivors, "unmasking");
        checkSurvivors(survivors);
        final Map<Integer, UnmaskingResponse> byClient = new HashMap<>();
        for (UnmaskingResponse r : responses) {
            if (r.round() != round) {
                throw new SecureAggregationException("round " + round + ": client " + r.client()
                        + "'s unmasking response is for round " + r.round());
            }
            if (Arrays.binarySearch(survivors, r.client()) < 0) {
                throw new SecureAggregationException("round " + round + ": client " + r.client()
                        + " responded but is not a survivor " + Arrays.toString(survivors));
            }
            if (byClient.put(r.client(), r) != null) {
                throw new SecureAggregationException("round " + round + ": client " + r.client() + " responded twice");
            }
        }
        // Everything is checked before the first mask is removed: a refused round leaves nothing half-unmasked.
        for (int u : survivors) {
            final UnmaskingResponse r = byClient.get(u);
            if (r == null) {
                throw new SecureAggregationException("round " + round + ": surviving client " + u
                        + "'s unmasking response is missing (expected one from each of " + Arrays.toString(survivors)
                        + "); without its self-mask seed the sum cannot be unmasked");
            }
            for (int v : dropped) {
                if (r.pairSeedWith(v) == null) {
                    throw new SecureAggregationException("round " + round + ": client " + u + "'s unmasking response "
                            + "has no pair seed for dropped client " + v + " (expected seeds for "
                            + Arrays.toString(dropped) + ")");
                }
            }
        }
        final long[] sum = maskedSum.clone(); // [update length]
        for (int u : survivors) {
            final UnmaskingResponse r = byClient.get(u);
            MaskStream.apply(r.selfSeed(), sum, -1);
            for (int v : dropped) {
                // u added +PRG(s_uv) when u < v and -PRG(s_uv) when u > v; v's opposite term never arrived
                MaskStream.apply(r.pairSeedWith(v), sum, u < v ? -1 : +1);
            }
        }
        return sum;
    }
}
