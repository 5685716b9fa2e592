package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.edgetrain.runtime.privacy.RdpAccountant;
import java.io.File;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgetrain train --dp-clip …}: DP-SGD on digits, ε per epoch, the privacy figures in the model. */
class PrivateTrainingCommandTest {
    @TempDir
    File dir;

    @Test
    void targetEpsilonIsMetReportedPerEpochAndWrittenIntoTheModel() {
        File model = new File(dir, "private.onnx");
        Cli.Result r = Cli.run("train", "--out", model.getPath(), "--epochs", "6", "--batch-size", "64",
                "--optimizer", "sgd", "--lr", "1", "--dp-clip", "1", "--dp-epsilon", "3", "--dp-seed", "5");
        assertEquals(0, r.exit, r.toString());
        Matcher eps = Pattern.compile("epoch +(\\d)/6 .* eps ([0-9.]+)").matcher(r.out);
        double previous = 0;
        int epochs = 0;
        while (eps.find()) {
            double e = Double.parseDouble(eps.group(2));
            assertTrue(e > previous, "ε grows each epoch: " + r.out);
            previous = e;
            epochs++;
        }
        assertEquals(6, epochs, r.out);
        assertTrue(previous <= 3.0, "the target ε holds after the last epoch: " + previous);

        Cli.Result inspected = Cli.run("inspect", "--model", model.getPath(), "--json");
        assertEquals(0, inspected.exit, inspected.toString());
        JsonObject meta = JsonParser.parseString(inspected.out).getAsJsonObject().getAsJsonObject("metadata");
        double q = Double.parseDouble(meta.get(PrivacyOptions.SAMPLING_RATE).getAsString());
        double sigma = Double.parseDouble(meta.get(PrivacyOptions.NOISE_MULTIPLIER).getAsString());
        long steps = Long.parseLong(meta.get(PrivacyOptions.STEPS).getAsString());
        double delta = Double.parseDouble(meta.get(PrivacyOptions.DELTA).getAsString());
        assertEquals(1.0, Double.parseDouble(meta.get(PrivacyOptions.CLIP_NORM).getAsString()));
        assertEquals(1e-5, delta);
        int trainRows = (int) Math.round(64 / q);
        assertEquals(6L * (int) Math.ceil((double) trainRows / 64), steps);
        double recorded = Double.parseDouble(meta.get(PrivacyOptions.EPSILON).getAsString());
        assertEquals(new RdpAccountant().epsilon(q, sigma, steps, delta), recorded, 1e-6);
        assertEquals(previous, recorded, 1e-3, "the last epoch's line and the metadata agree");
        assertTrue(meta.get(PrivacyOptions.RANDOMNESS).getAsString().contains("--dp-seed"));
        assertTrue(meta.get(PrivacyOptions.NOT_COVERED).getAsString().contains("mean and std"),
                "standardization statistics are named as not covered");
        assertTrue(r.out.contains("OK"), "the private model passes the onnxruntime check too: " + r.out);
    }

    @Test
    void aFixedNoiseMultiplierIsUsedAsGivenAndAccounted() {
        File model = new File(dir, "noise.onnx");
        Cli.Result r = Cli.run("train", "--out", model.getPath(), "--epochs", "2", "--dp-clip", "0.5",
                "--dp-noise", "2.0", "--dp-delta", "1e-6", "--no-standardize", "--no-verify", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonObject privacy = JsonParser.parseString(r.out).getAsJsonObject().getAsJsonObject("privacy");
        assertEquals(2.0, privacy.get("noise_multiplier").getAsDouble());
        assertEquals(0.5, privacy.get("clip_norm").getAsDouble());
        assertEquals(1e-6, privacy.get("delta").getAsDouble());
        assertEquals(new RdpAccountant().epsilon(privacy.get("sampling_rate").getAsDouble(), 2.0,
                privacy.get("steps").getAsLong(), 1e-6), privacy.get("epsilon").getAsDouble(), 1e-12);
        assertNull(privacy.get("not_covered"), "nothing uncovered without standardization");
    }

    /** On-device personalisation, privately: fine-tune the shipped digits model's output layer with DP-SGD. */
    @Test
    void finetuneTrainsPrivatelyAndRecordsBothSummaries() {
        File model = new File(dir, "tuned.onnx");
        Cli.Result r = Cli.run("finetune", "--model", new File(Cli.REPO, "models/digits.onnx").getPath(), "--data",
                "digits", "--train-only-last-layer", "--out", model.getPath(), "--epochs", "3", "--batch-size", "128",
                "--optimizer", "sgd", "--lr", "0.5", "--dp-clip", "1", "--dp-epsilon", "2", "--dp-seed", "9");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("epoch   3/3") && r.out.contains("eps "), r.out);
        Cli.Result inspected = Cli.run("inspect", "--model", model.getPath(), "--json");
        JsonObject meta = JsonParser.parseString(inspected.out).getAsJsonObject().getAsJsonObject("metadata");
        assertEquals("output", meta.get("finetune.layers").getAsString());
        assertTrue(Double.parseDouble(meta.get(PrivacyOptions.EPSILON).getAsString()) <= 2.0, meta.toString());
        assertEquals(1.0, Double.parseDouble(meta.get(PrivacyOptions.CLIP_NORM).getAsString()));
    }

    @Test
    void inconsistentPrivacyOptionsAreRefusedWithTheReason() {
        assertRefused("needs --dp-clip", "train", "--dp-noise", "1");
        assertRefused("exactly one of --dp-noise", "train", "--dp-clip", "1");
        assertRefused("exactly one of --dp-noise", "train", "--dp-clip", "1", "--dp-noise", "1", "--dp-epsilon", "2");
        assertRefused("--dp-clip must be", "train", "--dp-clip", "0", "--dp-noise", "1");
        assertRefused("--dp-delta must be", "train", "--dp-clip", "1", "--dp-noise", "1", "--dp-delta", "1");
        assertRefused("--resume cannot continue a DP-SGD run", "train", "--dp-clip", "1", "--dp-noise", "1",
                "--checkpoint", new File(dir, "c.ckpt").getPath(), "--resume");
        assertRefused("privacy budget is too low", "train", "--dp-clip", "1", "--dp-epsilon", "1e-6", "--no-verify",
                "--out", new File(dir, "x.onnx").getPath());
        assertRefused("more than the", "train", "--dp-clip", "1", "--dp-noise", "1", "--batch-size", "5000",
                "--no-verify", "--out", new File(dir, "y.onnx").getPath());
        assertRefused("--on-divergence lower-lr cannot be used", "train", "--dp-clip", "1", "--dp-noise", "1",
                "--on-divergence", "lower-lr");
    }

    private static void assertRefused(String reason, String... args) {
        Cli.Result r = Cli.run(args);
        assertNotEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains(reason), "expected '" + reason + "' in: " + r);
    }
}
