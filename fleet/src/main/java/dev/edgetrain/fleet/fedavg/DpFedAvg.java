package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import java.util.Random;

/**
 * The two halves of DP-FedAvg (McMahan et al., 2018, "Learning Differentially Private Recurrent Language Models"),
 * with the fixed-denominator estimator: each client sends its model change clipped to L2 norm C, weighted 1/m for the
 * m clients sampled (whatever its example count, so no client weighs more than 1/m); the server adds the weighted
 * clipped changes (lost or diverged clients contribute zero, the denominator stays m) and adds Gaussian noise of
 * standard deviation z·C/m to every coordinate of the averaged change, z being the noise multiplier. One client's
 * presence moves the average by at most C/m in L2, so each round is the Gaussian mechanism with noise multiplier z on
 * that sensitivity. {@link DpAccounting} turns the rounds into ε for δ (given z and the sampling rate m/K), and says
 * why that is an approximation: clients are sampled as a fixed-size subset, not by the Poisson sampling the RDP
 * accountant assumes.
 */
final class DpFedAvg {
    private DpFedAvg() {
    }

    /**
     * {@code (local − global) · min(1, clip / ‖local − global‖)}: the client's model change clipped to L2 norm
     * {@code clip}, computed in double and rounded once to float.
     */
    static float[] clippedChange(float[] local, float[] global, double clip) {
        double squares = 0;
        for (int i = 0; i < local.length; i++) {
            final double d = (double) local[i] - global[i];
            squares += d * d;
        }
        final double norm = Math.sqrt(squares);
        final double scale = norm > clip ? clip / norm : 1.0;
        final float[] change = new float[local.length]; // [parameters]
        for (int i = 0; i < local.length; i++) {
            change[i] = (float) (((double) local[i] - global[i]) * scale);
        }
        return change;
    }

    /**
     * {@code params[i] += Σ_k change_k[i] / m + N(0, σ²)}: applies the summed, 1/m-weighted clipped changes to the
     * global model in place, with server-side Gaussian noise of standard deviation {@code sigma} (none when 0).
     */
    static void applyNoisyChange(float[] params, FixedPointSum weightedChanges, double sigma, Random noise) {
        for (int i = 0; i < params.length; i++) {
            final double change = weightedChanges.isEmpty() ? 0 : weightedChanges.value(i);
            params[i] = (float) (params[i] + change + (sigma > 0 ? sigma * noise.nextGaussian() : 0));
        }
    }
}
