package dev.edgetrain.fleet.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A round that cannot be unmasked correctly is refused with a {@link SecureAggregationException} naming the round, the
 * client and what was expected: too few survivors, a missing or incomplete unmasking response, a request to a client
 * that did not take part, keys of another round, a single participant. And the key agreement is X25519 itself.
 */
class SecureAggregationRefusesTest {
    private static final long SESSION = 11L;
    private static final int ROUND = 3;
    private static final int[] IDS = {2, 5, 8, 13, 21};

    private final MaskingClient[] clients = Rounds.clients(SESSION, ROUND, IDS);
    private final RoundKeys keys = Rounds.advertise(SESSION, ROUND, clients);

    private long[] maskedSumOf(int[] survivors) {
        final MaskedSum sum = new MaskedSum();
        for (MaskingClient c : clients) {
            if (java.util.Arrays.binarySearch(survivors, c.id()) >= 0) {
                sum.add(c.mask(new long[] {c.id(), -c.id(), 1L << 40}, keys));
            }
        }
        return sum.values();
    }

    @Test
    void theUnmaskedSumIsTheSurvivorsSum() {
        final int[] survivors = {2, 8, 13};
        final long[] unmasked = new UnmaskingServer(keys, 3).unmask(maskedSumOf(survivors), survivors,
                Rounds.responses(clients, keys, survivors));
        assertArrayEquals(new long[] {23, -23, 3L << 40}, unmasked);
    }

    @Test
    void fewerSurvivorsThanTheThresholdIsRefusedBeforeAnySeedIsRequested() {
        final int[] survivors = {5, 21};
        final UnmaskingServer server = new UnmaskingServer(keys, UnmaskingServer.majority(IDS.length));
        assertEquals(3, server.threshold());
        SecureAggregationException e = assertThrows(SecureAggregationException.class,
                () -> server.checkSurvivors(survivors));
        assertEquals("round 3: only 2 of 5 clients' masked updates arrived [5, 21], below the threshold of 3; the "
                + "round cannot be unmasked", e.getMessage());
        assertThrows(SecureAggregationException.class, () -> server.unmask(maskedSumOf(survivors), survivors,
                Rounds.responses(clients, keys, survivors)));
        assertThrows(SecureAggregationException.class, () -> server.unmask(new long[3], new int[0], List.of()));
    }

    @Test
    void aMissingUnmaskingResponseIsRefusedNamingTheClient() {
        final int[] survivors = {2, 5, 13, 21};
        final List<UnmaskingResponse> responses = new ArrayList<>(Rounds.responses(clients, keys, survivors));
        responses.removeIf(r -> r.client() == 13);
        SecureAggregationException e = assertThrows(SecureAggregationException.class,
                () -> new UnmaskingServer(keys, 3).unmask(maskedSumOf(survivors), survivors, responses));
        assertEquals("round 3: surviving client 13's unmasking response is missing (expected one from each of "
                + "[2, 5, 13, 21]); without its self-mask seed the sum cannot be unmasked", e.getMessage());
    }

    @Test
    void aResponseWithoutTheSeedForADroppedClientIsRefused() {
        final int[] survivors = {2, 5, 21};
        final List<UnmaskingResponse> responses = new ArrayList<>(Rounds.responses(clients, keys, survivors));
        responses.replaceAll(r -> r.client() == 5 ? Rounds.withoutSeedFor(r, 13) : r);
        SecureAggregationException e = assertThrows(SecureAggregationException.class,
                () -> new UnmaskingServer(keys, 3).unmask(maskedSumOf(survivors), survivors, responses));
        assertEquals("round 3: client 5's unmasking response has no pair seed for dropped client 13 (expected seeds "
                + "for [8, 13])", e.getMessage());
    }

    @Test
    void duplicatedStrayOrStaleResponsesAreRefused() {
        final int[] survivors = {2, 5, 8, 21};
        final List<UnmaskingResponse> twice = new ArrayList<>(Rounds.responses(clients, keys, survivors));
        twice.add(twice.get(0));
        assertEquals("round 3: client 2 responded twice", assertThrows(SecureAggregationException.class,
                () -> new UnmaskingServer(keys, 3).unmask(maskedSumOf(survivors), survivors, twice)).getMessage());
        final List<UnmaskingResponse> stray = new ArrayList<>(Rounds.responses(clients, keys, survivors));
        stray.add(clients[3].respond(keys, new int[] {2, 5, 13, 21}));
        assertEquals("round 3: client 13 responded but is not a survivor [2, 5, 8, 21]",
                assertThrows(SecureAggregationException.class,
                        () -> new UnmaskingServer(keys, 3).unmask(maskedSumOf(survivors), survivors, stray))
                        .getMessage());
    }

    @Test
    void requestsNamingStrangersKeysOfAnotherRoundAndLoneClientsAreRefused() {
        assertEquals("round 3: unmasking request to client 2: surviving client 6 is not among the round's "
                + "participants [2, 5, 8, 13, 21]", assertThrows(SecureAggregationException.class,
                () -> clients[0].respond(keys, new int[] {2, 6})).getMessage());
        final MaskingClient nextRound = MaskingClient.simulated(SESSION, ROUND + 1, 2);
        assertEquals("client 2 is set up for session 11, round 4; the keys are for session 11, round 3",
                assertThrows(SecureAggregationException.class, () -> nextRound.mask(new long[1], keys)).getMessage());
        assertEquals("round 3: secure aggregation needs at least 2 clients, got 1 (one client's sum is its own update)",
                assertThrows(SecureAggregationException.class, () -> new RoundKeys(SESSION, ROUND, new int[] {2},
                        new byte[][] {clients[0].publicKey()})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new UnmaskingServer(keys, 1));
        assertThrows(IllegalArgumentException.class, () -> new UnmaskingServer(keys, 6));
    }

    @Test
    void theKeyAgreementIsX25519AsInRfc7748() {
        // RFC 7748, section 6.1
        final HexFormat hex = HexFormat.of();
        final byte[] alice = hex.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        final byte[] bob = hex.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                hex.formatHex(Crypto.publicKey(alice)));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                hex.formatHex(Crypto.publicKey(bob)));
        final String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, hex.formatHex(Crypto.sharedSecret(alice, Crypto.publicKey(bob))));
        assertEquals(shared, hex.formatHex(Crypto.sharedSecret(bob, Crypto.publicKey(alice))));
    }
}
