package dev.edgetrain.fleet.secagg;

import java.io.Serializable;

/**
 * A surviving client's answer to the server's unmasking request: the seed of its own self mask, and the pair seed it
 * shares with each client that dropped out, so the server can remove exactly the masks that no longer cancel. It
 * never holds a seed shared with another survivor (those masks cancel in the sum and must stay secret), and a client
 * the request names as dropped sends none (see {@link MaskingClient#respond}).
 */
public final class UnmaskingResponse implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int round;
    private final int client;
    private final byte[] selfSeed;
    private final int[] dropped;
    private final byte[][] pairSeeds;

    /**
     * @param dropped   the dropped clients the response covers, ascending
     * @param pairSeeds {@code pairSeeds[i]} is the seed {@code client} shares with {@code dropped[i]}
     */
    public UnmaskingResponse(int round, int client, byte[] selfSeed, int[] dropped, byte[][] pairSeeds) {
        if (dropped.length != pairSeeds.length) {
            throw new IllegalArgumentException("client " + client + "'s response: " + dropped.length
                    + " dropped clients but " + pairSeeds.length + " seeds");
        }
        this.round = round;
        this.client = client;
        this.selfSeed = selfSeed.clone();
        this.dropped = dropped.clone();
        this.pairSeeds = new byte[pairSeeds.length][];
        for (int i = 0; i < pairSeeds.length; i++) {
            this.pairSeeds[i] = pairSeeds[i].clone();
        }
    }

    public int round() {
        return round;
    }

    public int client() {
        return client;
    }

    byte[] selfSeed() {
        return selfSeed;
    }

    /** The seed shared with dropped client {@code other}, or null when the response has none for it. */
    byte[] pairSeedWith(int other) {
        for (int i = 0; i < dropped.length; i++) {
            if (dropped[i] == other) {
                return pairSeeds[i];
            }
        }
        return null;
    }

    /** The dropped clients this response covers, ascending. */
    public int[] droppedClients() {
        return dropped.clone();
    }
}
