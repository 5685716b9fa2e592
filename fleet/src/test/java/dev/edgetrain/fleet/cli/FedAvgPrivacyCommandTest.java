package dev.edgetrain.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.cli.FleetCommandTest.Result;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.privacy.RdpAccountant;
import java.io.File;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet fedavg --dp-clip C --dp-epsilon EPS} chooses a noise multiplier that spends at most EPS over the rounds,
 * prints the ε spent after every round and at the end, writes the train command's {@code privacy.*} metadata into the
 * model, and refuses DP options that do not go together.
 */
class FedAvgPrivacyCommandTest {
    @TempDir
    File dir;

    private static final Pattern ROUND_EPSILON = Pattern.compile("round (\\d)/3: .*, eps (\\d+\\.\\d{3})");

    @Test
    void aTargetEpsilonIsMetAndEveryRoundsEpsilonIsPrintedAndWrittenIntoTheModel() throws Exception {
        LocalSpark.session();
        final File model = new File(dir, "dp.onnx");
        final Result r = FleetCommandTest.run("fleet", "fedavg", "--data", Digits.CSV.getPath(), "--clients", "10",
                "--classes-per-client", "3", "--fraction", "0.5", "--rounds", "3", "--hidden", "16", "--dp-clip", "0.5",
                "--dp-epsilon", "5", "--out", model.getPath());
        assertEquals(0, r.exit(), r.toString());
        final Map<String, String> meta = OnnxImporter.read(model).metadata();
        final double z = Double.parseDouble(meta.get("privacy.noise_multiplier"));
        final RdpAccountant accountant = new RdpAccountant();
        final double spent = accountant.epsilon(0.5, z, 3, 1e-5);
        assertTrue(spent <= 5 && spent > 5 - 0.01, "z " + z + " spends " + spent + " of 5");

        final Matcher m = ROUND_EPSILON.matcher(r.out());
        int rounds = 0;
        while (m.find()) {
            rounds++;
            final int round = Integer.parseInt(m.group(1));
            assertEquals(String.format(Locale.ROOT, "%.3f", accountant.epsilon(0.5, z, round, 1e-5)), m.group(2),
                    "round " + round);
        }
        assertEquals(3, rounds, r.out());
        assertTrue(r.out().contains(String.format(Locale.ROOT, "after 3 rounds, epsilon %.3f at delta 1.00e-05",
                spent)), r.out());

        assertEquals(spent, Double.parseDouble(meta.get("privacy.epsilon")), 1e-6);
        assertEquals("1.0E-5", meta.get("privacy.delta"));
        assertEquals("0.5", meta.get("privacy.clip_norm"));
        assertEquals("0.5", meta.get("privacy.sampling_rate"));
        assertEquals("3", meta.get("privacy.steps"));
        assertTrue(meta.get("privacy.accountant").contains("user-level"), meta.get("privacy.accountant"));
        assertEquals("server noise from java.security.SecureRandom", meta.get("privacy.randomness"));
    }

    private Result refused(String... dpOptions) {
        final String[] common = {"fleet", "fedavg", "--data", Digits.CSV.getPath(), "--clients", "10", "--out",
            new File(dir, "refused.onnx").getPath()};
        final String[] args = new String[common.length + dpOptions.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(dpOptions, 0, args, common.length, dpOptions.length);
        final Result r = FleetCommandTest.run(args);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(!new File(dir, "refused.onnx").exists(), "a refused run writes no model");
        return r;
    }

    @Test
    void optionsThatDoNotGoTogetherAreRefusedWithTheirReason() {
        assertEquals("edgetrain fleet fedavg: error: --dp-epsilon 3.0 needs --dp-clip C > 0: DP-FedAvg bounds each "
                + "device's change by C", refused("--dp-epsilon", "3").err().strip());
        assertEquals("edgetrain fleet fedavg: error: --dp-delta 1.0E-6 needs --dp-clip C > 0: without DP-FedAvg "
                + "nothing is accounted", refused("--dp-delta", "1e-6").err().strip());
        assertEquals("edgetrain fleet fedavg: error: --dp-noise and --dp-epsilon cannot both be given: --dp-epsilon "
                + "chooses the noise multiplier", refused("--dp-clip", "1", "--dp-noise", "1", "--dp-epsilon", "3")
                .err().strip());
        assertEquals("edgetrain fleet fedavg: error: --dp-delta 0.2 is not below 1 / devices = 1/10: such a delta "
                + "allows publishing one device's data outright; expected a delta well below 0.1",
                refused("--dp-clip", "1", "--dp-noise", "1", "--dp-delta", "0.2").err().strip());
        assertEquals("edgetrain fleet fedavg: error: --dp-epsilon must be a finite number > 0, got -1.0",
                refused("--dp-clip", "1", "--dp-epsilon", "-1").err().strip());
        assertEquals("edgetrain fleet fedavg: error: --dp-delta must be in (0, 1), got 0.0",
                refused("--dp-clip", "1", "--dp-epsilon", "3", "--dp-delta", "0").err().strip());
        final String tooLow = refused("--dp-clip", "1", "--dp-epsilon", "0.05").err().strip();
        assertTrue(tooLow.startsWith("edgetrain fleet fedavg: error: --dp-epsilon 0.05: the privacy budget is too low"),
                tooLow);
    }
}
