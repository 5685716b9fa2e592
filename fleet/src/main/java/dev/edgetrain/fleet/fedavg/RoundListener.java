package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.runtime.Network;

/** Told after every federated round, on the driver. */
public interface RoundListener {
    /**
     * @param global the new global model; valid during the call only (copy it to keep it)
     */
    void onRound(RoundReport report, Network global) throws java.io.IOException;
}
