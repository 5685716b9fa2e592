package dev.edgetrain.fleet.secagg;

import java.util.ArrayList;
import java.util.List;

/** A round played in-process: every participant advertises its key, masks, and (if it survives) responds. */
final class Rounds {
    private Rounds() {
    }

    static MaskingClient[] clients(long session, int round, int[] ids) {
        final MaskingClient[] clients = new MaskingClient[ids.length];
        for (int i = 0; i < ids.length; i++) {
            clients[i] = MaskingClient.simulated(session, round, ids[i]);
        }
        return clients;
    }

    /** The server's directory of the clients' public keys ({@code ids} ascending). */
    static RoundKeys advertise(long session, int round, MaskingClient[] clients) {
        final int[] ids = new int[clients.length];
        final byte[][] keys = new byte[clients.length][];
        for (int i = 0; i < clients.length; i++) {
            ids[i] = clients[i].id();
            keys[i] = clients[i].publicKey();
        }
        return new RoundKeys(session, round, ids, keys);
    }

    /** The responses of the clients in {@code survivors} (ids ascending). */
    static List<UnmaskingResponse> responses(MaskingClient[] clients, RoundKeys keys, int[] survivors) {
        final List<UnmaskingResponse> responses = new ArrayList<>();
        for (MaskingClient c : clients) {
            if (java.util.Arrays.binarySearch(survivors, c.id()) >= 0) {
                responses.add(c.respond(keys, survivors));
            }
        }
        return responses;
    }

    /** A response like {@code r} without the pair seed for {@code dropped}: a truncated or faulty answer. */
    static UnmaskingResponse withoutSeedFor(UnmaskingResponse r, int dropped) {
        final int[] kept = java.util.Arrays.stream(r.droppedClients()).filter(v -> v != dropped).toArray();
        final byte[][] seeds = new byte[kept.length][];
        for (int i = 0; i < kept.length; i++) {
            seeds[i] = r.pairSeedWith(kept[i]);
        }
        return new UnmaskingResponse(r.round(), r.client(), r.selfSeed(), kept, seeds);
    }
}
