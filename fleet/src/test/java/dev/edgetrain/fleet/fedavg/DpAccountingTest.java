package dev.edgetrain.fleet.fedavg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.privacy.RdpAccountant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DP-FedAvg's accounting is the runtime's RDP accountant at q = m/K, one step a round, with a δ below 1/K; its
 * noise search meets the target ε from below; its metadata has the keys {@code edgetrain train --dp-clip} writes.
 */
class DpAccountingTest {
    private static FedAvgConfig dp(double clip, double z) {
        return FedAvgConfig.defaults(0.1f).withRounds(20).withClientFraction(0.3).withDifferentialPrivacy(clip, z);
    }

    @Test
    void theSamplingRateIsTheDevicesSampledARoundOverAllDevices() {
        assertEquals(2.0 / 7, DpAccounting.samplingRate(7, 0.3)); // round(2.1) = 2 of 7
        assertEquals(0.5, DpAccounting.samplingRate(10, 0.5));
        assertEquals(1.0 / 40, DpAccounting.samplingRate(40, 0.001)); // at least one device
        assertEquals(2.0 / 7, DpAccounting.of(dp(1, 1.1), 7).samplingRate());
    }

    @Test
    void epsilonAfterRRoundsIsTheAccountantsValueAndGrowsWithTheRounds() {
        final DpAccounting a = DpAccounting.of(dp(0.5, 1.1), 10);
        final RdpAccountant reference = new RdpAccountant();
        double previous = 0;
        for (int r = 1; r <= 20; r++) {
            final double eps = a.epsilonAfter(r);
            assertEquals(reference.epsilon(0.3, 1.1, r, 1e-5), eps, 0.0, "round " + r);
            assertTrue(eps > previous, "round " + r + ": " + eps + " after " + previous);
            previous = eps;
        }
        assertEquals(Double.POSITIVE_INFINITY, DpAccounting.of(dp(0.5, 0), 10).epsilonAfter(1),
                "clipping without noise protects nothing");
        final DpAccounting looser = DpAccounting.of(dp(0.5, 1.1).withPrivacyDelta(1e-3), 10);
        assertEquals(1e-3, looser.delta());
        assertEquals(reference.epsilon(0.3, 1.1, 20, 1e-3), looser.epsilonAfter(20), 0.0);
    }

    @Test
    void theDefaultDeltaIsTenTimesBelowOneOverTheDevicesAndAtMostOneInAHundredThousand() {
        assertEquals(1e-5, DpAccounting.defaultDelta(10));
        assertEquals(1e-7, DpAccounting.defaultDelta(1_000_000), 1e-22);
        assertEquals(1e-5, DpAccounting.of(dp(1, 1), 100).delta());
        assertThrows(IllegalArgumentException.class, () -> DpAccounting.defaultDelta(0));
    }

    @Test
    void theNoiseForATargetEpsilonSpendsAtMostTheTargetAndLittleLess() {
        for (double target : new double[] {1, 3, 8}) {
            final double z = DpAccounting.noiseMultiplierFor(target, 1e-5, 0.3, 20);
            final double eps = new RdpAccountant().epsilon(0.3, z, 20, 1e-5);
            assertTrue(eps <= target && eps > target - 0.01, "target " + target + ": z " + z + " spends " + eps);
        }
        final IllegalArgumentException tooLow = assertThrows(IllegalArgumentException.class,
                () -> DpAccounting.noiseMultiplierFor(0.05, 1e-5, 0.3, 20));
        assertTrue(tooLow.getMessage().contains("the privacy budget is too low"), tooLow.getMessage());
    }

    @Test
    void theMetadataHasTheTrainCommandsPrivacyKeysWithTheRoundsAsSteps() {
        final DpAccounting a = DpAccounting.of(dp(0.5, 1.1), 10);
        final Map<String, String> m = a.metadata(12, false);
        assertEquals(List.of("privacy.epsilon", "privacy.delta", "privacy.noise_multiplier", "privacy.clip_norm",
                "privacy.sampling_rate", "privacy.steps", "privacy.accountant", "privacy.randomness"),
                List.copyOf(m.keySet()));
        assertEquals(a.epsilonAfter(12), Double.parseDouble(m.get("privacy.epsilon")), 1e-6);
        assertEquals("1.0E-5", m.get("privacy.delta"));
        assertEquals("1.1", m.get("privacy.noise_multiplier"));
        assertEquals("0.5", m.get("privacy.clip_norm"));
        assertEquals("0.3", m.get("privacy.sampling_rate"));
        assertEquals("12", m.get("privacy.steps"));
        assertTrue(m.get("privacy.accountant").contains("user-level") && m.get("privacy.accountant")
                .contains("fixed-size subset"), m.get("privacy.accountant"));
        assertTrue(a.metadata(12, true).get("privacy.randomness").contains("no privacy"));
    }

    @Test
    void aConfigWithoutDpFedAvgOrABadDeltaIsRefused() {
        final IllegalArgumentException off = assertThrows(IllegalArgumentException.class,
                () -> DpAccounting.of(FedAvgConfig.defaults(0.1f), 10));
        assertTrue(off.getMessage().contains("expected a clipping norm > 0"), off.getMessage());
        final IllegalArgumentException delta = assertThrows(IllegalArgumentException.class,
                () -> dp(1, 1).withPrivacyDelta(1));
        assertEquals("δ must be in (0, 1), or 0 for the default, got 1.0", delta.getMessage());
    }
}
