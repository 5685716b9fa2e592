package dev.edgetrain.fleet.secagg;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the server hands every participant of a round before masking: the session and round the masks are bound to,
 * the participating client ids (ascending) and each one's X25519 public key for this round, as the clients
 * advertised them ({@link MaskingClient#publicKey()}). In Bonawitz et al. this is the "AdvertiseKeys" round; a real
 * deployment signs each key and delivers the list over authenticated channels, so the server cannot substitute keys.
 */
public final class RoundKeys implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The session the masks are bound to. */
    private final long session;
    /** The round the masks are bound to. */
    private final int round;
    /** Participating client ids, ascending. */
    private final int[] participants;
    /** {@code publicKeys[i]} is participant {@code participants[i]}'s 32-byte X25519 key. */
    private final byte[][] publicKeys;

    /**
     * The round's participants and keys, copied.
     *
     * @param session the session the masks are bound to
     * @param round the round the masks are bound to
     * @param participants client ids, ascending, at least 2 (one client alone cannot hide its update)
     * @param publicKeys {@code publicKeys[i]} is participant {@code participants[i]}'s 32-byte key
     * @throws SecureAggregationException with fewer than 2 participants
     * @throws IllegalArgumentException if the ids are not ascending and unique, or the keys do not match them one for
     *                                  one with 32 bytes each
     */
    public RoundKeys(long session, int round, int[] participants, byte[][] publicKeys) {
        if (participants.length < 2) {
            throw new SecureAggregationException("round " + round + ": secure aggregation needs at least 2 clients, "
                    + "got " + participants.length + " (one client's sum is its own update)");
        }
        if (publicKeys.length != participants.length) {
            throw new IllegalArgumentException("round " + round + ": " + participants.length + " participants but "
                    + publicKeys.length + " public keys");
        }
        for (int i = 0; i < participants.length; i++) {
            if (i > 0 && participants[i] <= participants[i - 1]) {
                throw new IllegalArgumentException("round " + round + ": participant ids must be ascending and unique, "
                        + participants[i] + " follows " + participants[i - 1]);
            }
            if (publicKeys[i] == null || publicKeys[i].length != Crypto.KEY_BYTES) {
                throw new IllegalArgumentException("round " + round + ": client " + participants[i] + "'s public key "
                        + "must have " + Crypto.KEY_BYTES + " bytes");
            }
        }
        this.session = session;
        this.round = round;
        this.participants = participants.clone();
        this.publicKeys = new byte[publicKeys.length][];
        for (int i = 0; i < publicKeys.length; i++) {
            this.publicKeys[i] = publicKeys[i].clone();
        }
    }

    /**
     * The session the masks are bound to.
     *
     * @return the session id
     */
    public long session() {
        return session;
    }

    /**
     * The round the masks are bound to.
     *
     * @return the round
     */
    public int round() {
        return round;
    }

    /**
     * Participating client ids, ascending.
     *
     * @return a copy of the ids
     */
    public int[] participants() {
        return participants.clone();
    }

    /**
     * Number of participants.
     *
     * @return at least 2
     */
    public int size() {
        return participants.length;
    }

    int participant(int index) {
        return participants[index];
    }

    byte[] publicKey(int index) {
        return publicKeys[index];
    }

    /** The index of {@code client} among the participants; refuses a client that does not take part. */
    int indexOf(int client, String role) {
        final int i = Arrays.binarySearch(participants, client);
        if (i < 0) {
            throw new SecureAggregationException("round " + round + ": " + role + " " + client
                    + " is not among the round's participants " + Arrays.toString(participants));
        }
        return i;
    }

    /** The participants not in {@code survivors} (which must be participants), ascending. */
    int[] droppedGiven(int[] survivors, String who) {
        final boolean[] survived = new boolean[participants.length]; // [participants]
        for (int s : survivors) {
            survived[indexOf(s, who + ": surviving client")] = true;
        }
        int count = 0;
        for (boolean b : survived) {
            count += b ? 0 : 1;
        }
        final int[] dropped = new int[count]; // [participants - survivors]
        for (int i = 0, k = 0; i < participants.length; i++) {
            if (!survived[i]) {
                dropped[k++] = participants[i];
            }
        }
        return dropped;
    }
}
