package dev.edgetrain.fleet.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import dev.edgetrain.runtime.Rng;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the server sees of one client is independent of that client's update: the masked update is uniform over
 * Z<sub>2<sup>64</sup></sub> (χ² of the top byte and the 64 per-bit frequencies over 65,536 coordinates, see
 * {@link RingUniformity}) for a real-looking update and for an all-zero one alike, so it cannot tell them apart. The
 * same tests flag an unmasked update, one masked in its low 56 bits only, and one masked in all bits but the top;
 * the masks change every round, and a client declared dropped whose update arrives late stays masked.
 */
class MaskedUpdateRevealsNothingTest {
    private static final long SESSION = 7L;
    private static final int LENGTH = 1 << 16;
    private static final int[] IDS = {0, 1, 2, 3, 4};
    private static final int OBSERVED = 2;

    /** A model-like update (weights of about 0.1, each client's share 1/5) in fixed point. */
    private static long[] realisticUpdate(long seed) {
        final Rng rng = new Rng(seed);
        final float[] weights = new float[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            weights[i] = (float) (0.1 * rng.nextGaussian());
        }
        return FixedPointSum.encode(weights, 0.2, "client " + OBSERVED);
    }

    private static long[] maskedInRound(long[] update, int round) {
        final MaskingClient[] clients = Rounds.clients(SESSION, round, IDS);
        return clients[OBSERVED].mask(update, Rounds.advertise(SESSION, round, clients));
    }

    @Test
    void aMaskedUpdateIsUniformOverTheRingWhateverTheUpdate() {
        final long[] update = realisticUpdate(3);
        final long[] zero = new long[LENGTH];
        final long[] maskedUpdate = maskedInRound(update, 1);
        final long[] maskedZero = maskedInRound(zero, 1);
        System.out.println("masked model update: " + RingUniformity.describe(maskedUpdate));
        System.out.println("masked zero update: " + RingUniformity.describe(maskedZero));
        assertTrue(RingUniformity.looksUniform(maskedUpdate), RingUniformity.describe(maskedUpdate));
        assertTrue(RingUniformity.looksUniform(maskedZero), RingUniformity.describe(maskedZero));
    }

    @Test
    void theTestCatchesAnUnmaskedOrWeaklyMaskedUpdate() {
        final long[] update = realisticUpdate(3);
        final long[] mask = maskedInRound(new long[LENGTH], 1); // a proper mask: the masked zero update
        final long[] lowBitsOnly = new long[LENGTH];
        final long[] allButTopBit = new long[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            lowBitsOnly[i] = update[i] + (mask[i] & 0x00FF_FFFF_FFFF_FFFFL);
            allButTopBit[i] = update[i] + (mask[i] & 0x7FFF_FFFF_FFFF_FFFFL);
        }
        System.out.println("unmasked: " + RingUniformity.describe(update));
        System.out.println("masked in the low 56 bits: " + RingUniformity.describe(lowBitsOnly));
        System.out.println("masked in the low 63 bits: " + RingUniformity.describe(allButTopBit));
        assertFalse(RingUniformity.looksUniform(update), RingUniformity.describe(update));
        assertTrue(RingUniformity.chiSquareOfTopByte(lowBitsOnly) > RingUniformity.CHI_SQUARE_255_LIMIT,
                RingUniformity.describe(lowBitsOnly));
        // x + m with m below 2^63 and x small: the top bit of the sum is almost always 0
        assertTrue(RingUniformity.largestBitZ(allButTopBit) > RingUniformity.BIT_Z_LIMIT,
                RingUniformity.describe(allButTopBit));
    }

    @Test
    void masksAreFreshEveryRoundSoTwoRoundsOfTheSameUpdateRevealNothingEither() {
        final long[] update = realisticUpdate(5);
        final long[] first = maskedInRound(update, 1);
        final long[] second = maskedInRound(update, 2);
        final long[] difference = new long[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            difference[i] = first[i] - second[i]; // with a reused mask this would be 0 everywhere
        }
        assertTrue(RingUniformity.looksUniform(difference), RingUniformity.describe(difference));
        // the same round twice gives the same masks (so the test above could see a reuse)
        assertArrayEquals(first, maskedInRound(update, 1));

        final MaskingClient[] round1 = Rounds.clients(SESSION, 1, IDS);
        final MaskingClient[] round2 = Rounds.clients(SESSION, 2, IDS);
        final MaskingClient[] otherSession = Rounds.clients(SESSION + 1, 1, IDS);
        assertFalse(Arrays.equals(round1[0].selfSeed(), round2[0].selfSeed()));
        assertFalse(Arrays.equals(round1[0].selfSeed(), otherSession[0].selfSeed()));
        final byte[] pair1 = round1[0].pairSeed(1, round1[1].publicKey());
        assertArrayEquals(pair1, round1[1].pairSeed(0, round1[0].publicKey()), "both ends derive the same pair seed");
        assertFalse(Arrays.equals(pair1, round2[0].pairSeed(1, round2[1].publicKey())));
        assertFalse(Arrays.equals(pair1, otherSession[0].pairSeed(1, otherSession[1].publicKey())));
        assertFalse(Arrays.equals(round1[0].publicKey(), round2[0].publicKey()), "a fresh key pair every round");
    }

    @Test
    void aClientDeclaredDroppedStaysMaskedWhenItsUpdateArrivesLate() {
        final int round = 4;
        final int late = OBSERVED;
        final MaskingClient[] clients = Rounds.clients(SESSION, round, IDS);
        final RoundKeys keys = Rounds.advertise(SESSION, round, clients);
        final long[] update = realisticUpdate(9);
        final long[] lateMasked = clients[late].mask(update, keys);
        final int[] survivors = {0, 1, 3, 4};
        final List<UnmaskingResponse> responses = Rounds.responses(clients, keys, survivors);

        // The server now holds every pair seed of the late client; it strips those masks from the late upload ...
        final long[] stripped = lateMasked.clone();
        for (UnmaskingResponse r : responses) {
            MaskStream.apply(r.pairSeedWith(late), stripped, r.client() < late ? +1 : -1);
        }
        // ... and is left with x + PRG(b_u): still uniform, nothing like the update
        assertTrue(RingUniformity.looksUniform(stripped), RingUniformity.describe(stripped));
        // (control: with the self seed too it would have the update, so the pair seeds were the right ones)
        MaskStream.apply(clients[late].selfSeed(), stripped, -1);
        assertArrayEquals(update, stripped);
        // and the late client itself refuses to hand out its self seed once it has been declared dropped
        SecureAggregationException refused = assertThrows(SecureAggregationException.class,
                () -> clients[late].respond(keys, survivors));
        assertEquals("round 4: client 2 is named as dropped in the unmasking request sent to it; it reveals no seeds "
                + "(its update may still arrive late)", refused.getMessage());
    }
}
