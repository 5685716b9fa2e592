package dev.edgetrain.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.cli.FleetCommandTest.Result;
import dev.edgetrain.onnx.OnnxImporter;
import java.io.File;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet fedavg --secure-aggregation} writes a model with exactly the weights of the run without it (same seed,
 * same simulated dropout), says so in its log, and refuses a round size it cannot protect; DP-FedAvg's noise needs
 * a clipping norm.
 */
class FedAvgSecureAggregationCommandTest {
    @TempDir
    File dir;

    private Result fedavg(File out, String... extra) {
        String[] common = {"fleet", "fedavg", "--data", Digits.CSV.getPath(), "--clients", "4", "--classes-per-client",
            "3", "--fraction", "1", "--rounds", "2", "--hidden", "16", "--dropout", "0.3", "--out", out.getPath()};
        String[] args = new String[common.length + extra.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(extra, 0, args, common.length, extra.length);
        return FleetCommandTest.run(args);
    }

    @Test
    void theSecurelyAggregatedModelHasTheSameWeightsBitForBit() throws Exception {
        LocalSpark.session();
        File plainModel = new File(dir, "plain.onnx");
        File secureModel = new File(dir, "secure.onnx");
        Result plain = fedavg(plainModel);
        Result secure = fedavg(secureModel, "--secure-aggregation");
        assertEquals(0, plain.exit(), plain.toString());
        assertEquals(0, secure.exit(), secure.toString());
        assertTrue(secure.out().contains("simulated dropout 0.3, secure aggregation"), secure.out());
        assertTrue(secure.out().contains("round 2/2: 3 clients") && secure.out().contains("dropped (diverged or lost)"),
                secure.out());
        float[] plainWeights = OnnxImporter.read(plainModel).network().copyParameters();
        float[] secureWeights = OnnxImporter.read(secureModel).network().copyParameters();
        assertEquals(plainWeights.length, secureWeights.length);
        for (int i = 0; i < plainWeights.length; i++) {
            assertEquals(Float.floatToRawIntBits(plainWeights[i]), Float.floatToRawIntBits(secureWeights[i]),
                    "parameter " + i);
        }
        assertArrayEquals(plainWeights, secureWeights);
    }

    @Test
    void aRoundOfOneDeviceCannotBeSecurelyAggregatedNorNoiseGoWithoutAClippingNorm() {
        Result one = FleetCommandTest.run("fleet", "fedavg", "--clients", "4", "--fraction", "0.1",
                "--secure-aggregation", "--out", new File(dir, "m.onnx").getPath());
        assertEquals(2, one.exit(), one.toString());
        assertEquals("edgetrain fleet fedavg: error: --secure-aggregation needs at least 2 devices a round; "
                + "--clients 4 with --fraction 0.1 samples 1", one.err().strip());
        Result dropout = FleetCommandTest.run("fleet", "fedavg", "--dropout", "0.5");
        assertEquals(2, dropout.exit(), dropout.toString());
        assertEquals("edgetrain fleet fedavg: error: --dropout must be in [0, 0.5), got 0.5", dropout.err().strip());
        Result noise = FleetCommandTest.run("fleet", "fedavg", "--dp-noise", "1.1");
        assertEquals(2, noise.exit(), noise.toString());
        assertEquals("edgetrain fleet fedavg: error: --dp-noise 1.1 needs --dp-clip C > 0: the noise is scaled to C",
                noise.err().strip());
    }
}
