package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.runtime.Network;

/** Told after every federated round, on the driver. */
public interface RoundListener {
    /**
     * Called after each round with its report and the new global model (e.g. to log it or save a checkpoint).
     *
     * @param report the round's report
     * @param global the new global model; valid during the call only (copy it to keep it)
     * @throws java.io.IOException when the listener fails to write; it ends the run
     */
    void onRound(RoundReport report, Network global) throws java.io.IOException;
}
