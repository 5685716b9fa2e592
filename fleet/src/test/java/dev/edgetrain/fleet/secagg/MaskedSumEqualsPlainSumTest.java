package dev.edgetrain.fleet.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import dev.edgetrain.runtime.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The Done-when criterion of issue 16 for the fleet: over 20 rounds, with 0, 10, 20 and 30 % of the participants
 * dropping out after masking (a different random set each round), the unmasked sum of the survivors' masked updates
 * equals the plain fixed-point sum of their updates bit for bit, whatever order the masked updates are added in.
 */
class MaskedSumEqualsPlainSumTest {
    private static final long SESSION = 20_17L;
    private static final int CLIENTS = 20;
    private static final int LENGTH = 1_000;
    private static final int ROUNDS = 20;
    private static final double[] DROPOUT = {0.0, 0.1, 0.2, 0.3};

    @Test
    void maskedAndPlainSumsAreBitIdenticalOverTwentyRoundsWithUpToThirtyPercentDropout() {
        final int[] ids = new int[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            ids[i] = 3 * i + 1; // ids need not be contiguous
        }
        final Rng rng = new Rng(42);
        final int[] droppedPerRound = new int[ROUNDS];
        long maskingNanos = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            final float[][] updates = new float[CLIENTS][LENGTH]; // [clients][LENGTH]
            final double[] shares = randomShares(rng);
            for (float[] u : updates) {
                for (int i = 0; i < LENGTH; i++) {
                    u[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(5) - 3));
                }
            }
            final double rate = DROPOUT[(round - 1) % DROPOUT.length];
            final int[] dropped = randomSubset(ids, (int) Math.round(rate * CLIENTS), rng);
            droppedPerRound[round - 1] = dropped.length;
            final int[] survivors = Arrays.stream(ids).filter(id -> Arrays.binarySearch(dropped, id) < 0).toArray();

            final MaskingClient[] clients = Rounds.clients(SESSION, round, ids);
            final RoundKeys keys = Rounds.advertise(SESSION, round, clients);
            final long[][] masked = new long[CLIENTS][];
            final long start = System.nanoTime();
            for (int k = 0; k < CLIENTS; k++) { // every participant masks; the dropped ones' uploads never arrive
                masked[k] = clients[k].mask(FixedPointSum.encode(updates[k], shares[k], "client " + ids[k]), keys);
            }
            maskingNanos += System.nanoTime() - start;

            final FixedPointSum plain = new FixedPointSum();
            final MaskedSum server = new MaskedSum();
            final int[] arrival = new int[CLIENTS];
            for (int k = 0; k < CLIENTS; k++) {
                arrival[k] = k;
            }
            rng.shuffle(arrival, CLIENTS);
            for (int k : arrival) {
                if (Arrays.binarySearch(survivors, ids[k]) >= 0) {
                    plain.add(updates[k], shares[k], "client " + ids[k]);
                    server.add(masked[k]);
                }
            }
            final List<UnmaskingResponse> responses = Rounds.responses(clients, keys, survivors);
            final long[] unmasked = new UnmaskingServer(keys, UnmaskingServer.majority(CLIENTS))
                    .unmask(server.values(), survivors, responses);

            assertArrayEquals(plainFixedPoint(updates, shares, ids, survivors, LENGTH), unmasked, "round " + round);
            final FixedPointSum secure = FixedPointSum.ofEncoded(unmasked);
            final float[] plainFloats = new float[LENGTH];
            final float[] secureFloats = new float[LENGTH];
            plain.copyTo(plainFloats, 1.0);
            secure.copyTo(secureFloats, 1.0);
            assertArrayEquals(plainFloats, secureFloats, "round " + round);
            for (int i = 0; i < LENGTH; i++) {
                assertEquals(Double.doubleToRawLongBits(plain.value(i)), Double.doubleToRawLongBits(secure.value(i)),
                        "round " + round + ", element " + i);
            }
            assertFalse(Arrays.equals(server.values(), unmasked), "the masks must be there before unmasking");
        }
        assertEquals(Arrays.toString(new int[] {0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6}),
                Arrays.toString(droppedPerRound));
        System.out.println(String.format(Locale.ROOT, "secure aggregation, %d clients x %d rounds, %d elements: "
                        + "%.2f ms to mask one client's update (%d pair masks + a self mask)", CLIENTS, ROUNDS, LENGTH,
                maskingNanos / 1e6 / (CLIENTS * ROUNDS), CLIENTS - 1));
    }

    @Test
    void updatesNearTheFixedPointLimitUnmaskExactlyThoughTheMaskedSumWrapsAround() {
        // Two clients at half weight with values near 2^22: contributions near ±2^61, a plain sum near ±2^62, the
        // largest FixedPointSum accepts; the masked values are uniform over the ring, so their sums wrap around 2^64.
        final float[][] updates = {{4.19e6f, -4.19e6f, 4.19e6f, 1f}, {4.19e6f, -4.19e6f, -4.19e6f, -1f}};
        final int[] ids = {1, 2};
        final MaskingClient[] clients = Rounds.clients(SESSION, 1, ids);
        final RoundKeys keys = Rounds.advertise(SESSION, 1, clients);
        final MaskedSum server = new MaskedSum();
        final FixedPointSum plain = new FixedPointSum();
        for (int k = 0; k < 2; k++) {
            server.add(clients[k].mask(FixedPointSum.encode(updates[k], 0.5, "client " + ids[k]), keys));
            plain.add(updates[k], 0.5, "client " + ids[k]);
        }
        final long[] unmasked = new UnmaskingServer(keys, 2).unmask(server.values(), ids,
                Rounds.responses(clients, keys, ids));
        assertArrayEquals(plainFixedPoint(updates, new double[] {0.5, 0.5}, ids, ids, 4), unmasked);
        assertEquals(4.19e6, FixedPointSum.ofEncoded(unmasked).value(0), 0.5);
        for (int i = 0; i < 4; i++) {
            assertEquals(plain.value(i), FixedPointSum.ofEncoded(unmasked).value(i), "element " + i);
        }
    }

    /** The survivors' fixed-point integers added with overflow checks: the plain sum the masked one must equal. */
    private static long[] plainFixedPoint(float[][] updates, double[] shares, int[] ids, int[] survivors, int length) {
        final long[] sum = new long[length];
        for (int k = 0; k < ids.length; k++) {
            if (Arrays.binarySearch(survivors, ids[k]) >= 0) {
                final long[] fixed = FixedPointSum.encode(updates[k], shares[k], "client " + ids[k]);
                for (int i = 0; i < length; i++) {
                    sum[i] = Math.addExact(sum[i], fixed[i]);
                }
            }
        }
        return sum;
    }

    /** Example shares n_k / N of {@link #CLIENTS} clients of random sizes. */
    private static double[] randomShares(Rng rng) {
        final int[] rows = new int[CLIENTS];
        long total = 0;
        for (int k = 0; k < CLIENTS; k++) {
            rows[k] = 10 + rng.nextInt(200);
            total += rows[k];
        }
        final double[] shares = new double[CLIENTS];
        for (int k = 0; k < CLIENTS; k++) {
            shares[k] = (double) rows[k] / total;
        }
        return shares;
    }

    /** {@code count} distinct ids of {@code ids}, ascending. */
    private static int[] randomSubset(int[] ids, int count, Rng rng) {
        final int[] order = ids.clone();
        rng.shuffle(order, order.length);
        final int[] subset = Arrays.copyOf(order, count);
        Arrays.sort(subset);
        assertTrue(subset.length == count);
        return subset;
    }
}
