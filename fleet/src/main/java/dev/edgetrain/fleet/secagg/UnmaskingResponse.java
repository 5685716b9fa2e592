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

    /** The round the seeds belong to. */
    private final int round;
    /** The answering client's id. */
    private final int client;
    /** The answering client's self-mask seed. */
    private final byte[] selfSeed;
    /** The dropped clients the response covers, ascending. */
    private final int[] dropped;
    /** {@code pairSeeds[i]} is the seed {@code client} shares with {@code dropped[i]}. */
    private final byte[][] pairSeeds;

    /**
     * A response holding copies of the seeds.
     *
     * @param round the round the seeds belong to
     * @param client the answering client's id
     * @param selfSeed the answering client's self-mask seed
     * @param dropped the dropped clients the response covers, ascending
     * @param pairSeeds {@code pairSeeds[i]} is the seed {@code client} shares with {@code dropped[i]}
     * @throws IllegalArgumentException if {@code dropped} and {@code pairSeeds} differ in length
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

    /**
     * The round the seeds belong to.
     *
     * @return the round
     */
    public int round() {
        return round;
    }

    /**
     * The answering client's id.
     *
     * @return the client id
     */
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

    /**
     * The dropped clients this response covers, ascending.
     *
     * @return a copy of the ids
     */
    public int[] droppedClients() {
        return dropped.clone();
    }
}
