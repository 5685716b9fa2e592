package dev.edgetrain.fleet.secagg;

/**
 * One client's side of a round of secure aggregation (Bonawitz et al., 2017, "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning"), over the ring Z<sub>2<sup>64</sup></sub> in which
 * {@link dev.edgetrain.fleet.aggregate.FixedPointSum} encodes updates. For a round with participants U, client u
 * sends
 * <pre>
 *   y_u = x_u + PRG(b_u) + Σ_{v∈U, u&lt;v} PRG(s_uv) − Σ_{v∈U, v&lt;u} PRG(s_uv)      (mod 2^64)
 * </pre>
 * where x_u is its fixed-point update, b_u its self-mask seed and s_uv = s_vu the seed it shares with v. Summed over
 * all of U the pair masks cancel; the server removes the self masks with the seeds the survivors reveal, and the pair
 * masks of clients that dropped out with the pair seeds the survivors reveal ({@link #respond}). The self mask is why
 * a client that was declared dropped but whose y_u arrives late still cannot be unmasked: the server then holds its
 * pair seeds but never its b_u.
 *
 * <p>Key agreement and seeds, all from the JDK: each round a client has an X25519 key pair (RFC 7748) whose private
 * scalar is HMAC-SHA256(device secret, session, round); s_uv = HMAC-SHA256(X25519(own private, v's public key),
 * session, round, min(u,v), max(u,v)), the same for u and v and unknown to anyone holding only public keys;
 * b_u = HMAC-SHA256(device secret, session, round). Every seed is bound to the session and the round, so no mask is
 * ever reused. {@link MaskStream} (AES-256-CTR) expands seeds into masks.
 *
 * <p><b>What is simulated.</b> {@link #simulated} derives a device's secret from the session and its id, so that a
 * Spark task (and its retry) can play the device reproducibly; anyone who knows the session (the driver does) could
 * therefore recompute every mask: the simulation reproduces the protocol's arithmetic and message flow, not its
 * secrecy. {@code FedAvg} uses the run's seed as the session id, so two runs with the same seed reuse masks; a
 * deployment draws a fresh session id per run. A real deployment needs (1) a device secret drawn from
 * {@code SecureRandom} that never leaves the device, (2) authenticated channels and signed public keys (Bonawitz et
 * al.'s active-adversary variant), so the server cannot swap keys, and (3) Shamir secret sharing of b_u and of the
 * private key among the participants, so that any t survivors can answer for the dropped clients; here every survivor
 * must answer itself, and the server is given pair seeds directly rather than reconstructing the dropped client's
 * private key.
 */
public final class MaskingClient {
    private final int id;
    private final long session;
    private final int round;
    private final byte[] deviceSecret;
    private final byte[] privateScalar;

    /**
     * Client {@code id} in {@code round} of {@code session}, holding {@code deviceSecret} (32 bytes, kept private).
     *
     * @param id the client's id
     * @param session the session id every seed is bound to
     * @param round the round every seed is bound to
     * @param deviceSecret the device's secret, 32 bytes; copied
     * @throws IllegalArgumentException if the secret is not 32 bytes
     */
    public MaskingClient(int id, long session, int round, byte[] deviceSecret) {
        if (deviceSecret.length != Crypto.KEY_BYTES) {
            throw new IllegalArgumentException("client " + id + ": a device secret has " + Crypto.KEY_BYTES
                    + " bytes, got " + deviceSecret.length);
        }
        this.id = id;
        this.session = session;
        this.round = round;
        this.deviceSecret = deviceSecret.clone();
        this.privateScalar = Crypto.derive(this.deviceSecret, "edgetrain secagg key", session, round);
    }

    /**
     * A client whose device secret is derived from the session and its id (simulation only, see the class comment):
     * the same id in the same session always plays the same device.
     *
     * @param session the session id, which the simulated secret derives from
     * @param round the round
     * @param id the client's id, which the simulated secret derives from
     * @return the client
     */
    public static MaskingClient simulated(long session, int round, int id) {
        final byte[] simulation = "edgetrain simulated device".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] secret = Crypto.derive(simulation, "device secret", session, id);
        return new MaskingClient(id, session, round, secret);
    }

    /**
     * The client's id among the round's participants.
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * This round's X25519 public key, 32 bytes, for the server to pass to the other participants.
     *
     * @return the public key, 32 bytes, a new array
     */
    public byte[] publicKey() {
        return Crypto.publicKey(privateScalar);
    }

    /**
     * The masked copy y_u of {@code fixedPoint} (the client's fixed-point update, unchanged) for the participants
     * and keys in {@code keys}, which must include this client and match its session and round.
     *
     * @param fixedPoint the client's update as {@link dev.edgetrain.fleet.aggregate.FixedPointSum#encode} gives it,
     *                   {@code [update length]}
     * @param keys the round's participants and their public keys
     * @return y_u, {@code [update length]}, a new array
     * @throws SecureAggregationException if the keys are for another session or round, or do not include this client
     */
    public long[] mask(long[] fixedPoint, RoundKeys keys) {
        checkRound(keys);
        final int self = keys.indexOf(id, "masking client");
        final long[] masked = fixedPoint.clone(); // [update length]
        MaskStream.apply(selfSeed(), masked, +1);
        for (int i = 0; i < keys.size(); i++) {
            if (i != self) {
                final int other = keys.participant(i);
                MaskStream.apply(pairSeed(other, keys.publicKey(i)), masked, id < other ? +1 : -1);
            }
        }
        return masked;
    }

    /**
     * Answers the server's unmasking request, which names the clients whose masked update arrived
     * ({@code survivors}); every other participant counts as dropped. The answer holds this client's self-mask seed
     * and the pair seeds shared with the dropped clients only. A request that lists this client among the dropped is
     * refused: a client reveals either its self seed (it survived) or lets its pair seeds be revealed (it dropped),
     * never both, which is what keeps a late-arriving update masked.
     *
     * @param keys the round's participants and their public keys
     * @param survivors the ids of the clients whose masked update arrived
     * @return this client's self-mask seed and its pair seeds with the dropped clients
     * @throws SecureAggregationException if the keys are for another session or round, do not include this client, the
     *                                    survivors are not participants, or this client is named as dropped
     */
    public UnmaskingResponse respond(RoundKeys keys, int[] survivors) {
        checkRound(keys);
        keys.indexOf(id, "responding client");
        final int[] dropped = keys.droppedGiven(survivors, "unmasking request to client " + id);
        if (java.util.Arrays.binarySearch(dropped, id) >= 0) {
            throw new SecureAggregationException("round " + round + ": client " + id + " is named as dropped in the "
                    + "unmasking request sent to it; it reveals no seeds (its update may still arrive late)");
        }
        final byte[][] seeds = new byte[dropped.length][];
        for (int k = 0; k < dropped.length; k++) {
            seeds[k] = pairSeed(dropped[k], keys.publicKey(keys.indexOf(dropped[k], "dropped client")));
        }
        return new UnmaskingResponse(round, id, selfSeed(), dropped, seeds);
    }

    byte[] selfSeed() {
        return Crypto.derive(deviceSecret, "edgetrain secagg self mask", session, round);
    }

    byte[] pairSeed(int other, byte[] otherPublicKey) {
        final byte[] shared = Crypto.sharedSecret(privateScalar, otherPublicKey);
        return Crypto.derive(shared, "edgetrain secagg pair seed", session, round, Math.min(id, other),
                Math.max(id, other));
    }

    private void checkRound(RoundKeys keys) {
        if (keys.session() != session || keys.round() != round) {
            throw new SecureAggregationException("client " + id + " is set up for session " + session + ", round "
                    + round + "; the keys are for session " + keys.session() + ", round " + keys.round());
        }
    }
}
