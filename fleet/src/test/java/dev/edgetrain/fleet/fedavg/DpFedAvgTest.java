package dev.edgetrain.fleet.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.Floats;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.data.Shards;
import dev.edgetrain.fleet.model.OptimizerSettings;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.privacy.RdpAccountant;
import dev.edgetrain.runtime.train.Dataset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/**
 * DP-FedAvg's client half clips each device's model change to norm C and weighs devices equally (1/m); its server half
 * adds Gaussian noise of standard deviation z·C/m; and it composes with secure aggregation without changing a bit.
 */
class DpFedAvgTest {
    private static final NetworkSpec SPEC = NetworkSpec.of(64, 16, 10);
    private static final float LR = 0.5f;
    /** Per-client float sums in a shuffled order against file order, as in OneRoundOfFullBatchEqualsCentralisedTest. */
    private static final double TOLERANCE = 1e-6;

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void clippingScalesTheChangeToNormCAndLeavesASmallerChangeAlone() {
        float[] global = {1f, 2f, 3f, 4f};
        float[] local = {4f, 6f, 3f, 4f}; // change (3, 4, 0, 0), norm 5
        assertArrayEquals(new float[] {0.6f, 0.8f, 0f, 0f}, DpFedAvg.clippedChange(local, global, 1.0), 1e-7f);
        assertArrayEquals(new float[] {3f, 4f, 0f, 0f}, DpFedAvg.clippedChange(local, global, 5.0));
        assertArrayEquals(new float[] {3f, 4f, 0f, 0f}, DpFedAvg.clippedChange(local, global, 50.0));
    }

    /** The change one full-batch gradient step on the shard makes: what a client's single local epoch makes. */
    private static float[] localChange(Network initial, Dataset shard) {
        Network local = initial.copy();
        TrainingSession session = new TrainingSession(local, shard.rows(), OptimizerSettings.sgd(LR).config());
        session.trainStep(shard.features(), shard.labels(), shard.rows());
        session.optimizerStep();
        float[] change = local.copyParameters();
        float[] start = initial.copyParameters();
        for (int i = 0; i < change.length; i++) {
            change[i] -= start[i];
        }
        return change;
    }

    @Test
    void aRoundAddsTheEquallyWeightedClippedChangesAndNoiseOfZTimesCOverM() throws IOException {
        final Dataset data = Digits.standardized();
        final List<Shard> shards = Shards.nonIid(data, 4, 3, 5);
        final JavaRDD<Shard> clients = Shards.toRdd(LocalSpark.context(), shards).cache();
        final Network initial = new Network(SPEC, 11);
        final double clip = 0.05;
        final FedAvgConfig config = FedAvgConfig.defaults(LR).withRounds(1).withLocalEpochs(1).withBatchSize(0)
                .withSeed(5);

        // What the round must produce: w + (1/4) Σ_k clip(Δ_k), every Δ_k larger than the clip so clipping matters
        final float[] expected = initial.copyParameters();
        final float[] weighted = initial.copyParameters(); // what example-weighted unclipped averaging would give
        final int rows = data.rows();
        for (Shard s : shards) {
            final float[] change = localChange(initial, s.toDataset());
            final double n = norm(change);
            assertTrue(n > 2 * clip, "client " + s.id() + "'s change has norm " + n + ", clipping must bite");
            for (int i = 0; i < expected.length; i++) {
                expected[i] += (float) (change[i] * (clip / n) / shards.size());
                weighted[i] += change[i] * s.rows() / (float) rows;
            }
        }

        final Network clipped = new FedAvg(LocalSpark.context(), config.withDifferentialPrivacy(clip, 0))
                .run(clients, initial, null, null).global();
        final double diff = Floats.maxAbsDifference(expected, clipped.copyParameters());
        assertTrue(diff <= TOLERANCE, "DP-FedAvg round vs clipped equal-weight average: max |difference| " + diff);
        assertTrue(Floats.maxAbsDifference(weighted, clipped.copyParameters()) > 100 * TOLERANCE,
                "without clipping the round would have been another");

        final double z = 1.0;
        final FedAvgConfig noisy = config.withDifferentialPrivacy(clip, z);
        final Network withNoise = new FedAvg(LocalSpark.context(), noisy).withNoiseSource(new Random(42))
                .run(clients, initial, null, null).global();
        final float[] noise = withNoise.copyParameters();
        final float[] noiseless = clipped.copyParameters();
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < noise.length; i++) {
            final double e = noise[i] - noiseless[i];
            sum += e;
            squares += e * e;
        }
        final double sigma = z * clip / shards.size();
        final double mean = sum / noise.length;
        final double sd = Math.sqrt(squares / noise.length - mean * mean);
        System.out.println(String.format(Locale.ROOT, "DP-FedAvg noise over %d coordinates: mean %.5f, sd %.5f, "
                + "expected sd z*C/m = %.5f", noise.length, mean, sd, sigma));
        // sample sd of n = 1,210 normals is within 10 % (5 standard errors) and the mean within 5 standard errors
        assertEquals(sigma, sd, 0.1 * sigma);
        assertEquals(0, mean, 5 * sigma / Math.sqrt(noise.length));

        final Network secure = new FedAvg(LocalSpark.context(), noisy.withSecureAggregation(true))
                .withNoiseSource(new Random(42)).run(clients, initial, null, null).global();
        final float[] secureParameters = secure.copyParameters();
        for (int i = 0; i < noise.length; i++) {
            assertEquals(Float.floatToRawIntBits(noise[i]), Float.floatToRawIntBits(secureParameters[i]),
                    "parameter " + i + " with and without secure aggregation");
        }
    }

    @Test
    void everyRoundReportsTheAccountantsEpsilonForTheRoundsSoFarAndAPlainRunNone() throws IOException {
        final List<Shard> shards = Shards.nonIid(Digits.standardized(), 4, 3, 5);
        final JavaRDD<Shard> clients = Shards.toRdd(LocalSpark.context(), shards).cache();
        final FedAvgConfig config = FedAvgConfig.defaults(LR).withRounds(3).withClientFraction(0.5).withLocalEpochs(1)
                .withBatchSize(0).withSeed(5);
        final List<String> lines = new ArrayList<>();
        final List<RoundReport> reports = new FedAvg(LocalSpark.context(), config.withDifferentialPrivacy(0.05, 1.3))
                .withNoiseSource(new Random(7)).run(clients, new Network(SPEC, 11), null,
                        (report, global) -> lines.add(report.toString())).rounds();
        final RdpAccountant accountant = new RdpAccountant();
        for (int r = 1; r <= 3; r++) {
            final double expected = accountant.epsilon(2.0 / 4, 1.3, r, 1e-5); // 2 of 4 devices, default δ
            assertEquals(expected, reports.get(r - 1).epsilon(), 0.0, "round " + r);
            assertTrue(lines.get(r - 1).endsWith(String.format(Locale.ROOT, ", eps %.3f", expected)), lines.get(r - 1));
        }
        final RoundReport plain = new FedAvg(LocalSpark.context(), config.withRounds(1))
                .run(clients, new Network(SPEC, 11), null, null).rounds().get(0);
        assertTrue(Double.isNaN(plain.epsilon()), "no DP-FedAvg, no ε: " + plain.epsilon());
        assertTrue(!plain.toString().contains("eps"), plain.toString());
    }

    @Test
    void aRoundWhoseUpdatesAllDroppedStillAddsTheNoise() throws IOException {
        final List<Shard> shards = Shards.nonIid(Digits.standardized(), 4, 3, 5);
        final JavaRDD<Shard> clients = Shards.toRdd(LocalSpark.context(), shards).cache();
        final Network initial = new Network(SPEC, 11);
        final double clip = 0.05;
        final double z = 1.0;
        // a learning rate of 1e30 makes every device's local training diverge, so every update is dropped
        final FedAvgConfig config = FedAvgConfig.defaults(1e30f).withRounds(1).withLocalEpochs(3).withBatchSize(0)
                .withSeed(5).withDifferentialPrivacy(clip, z);
        final FedAvg.Result result = new FedAvg(LocalSpark.context(), config).withNoiseSource(new Random(3))
                .run(clients, initial, null, null);
        assertEquals(0, result.rounds().get(0).clientsAveraged(), result.rounds().get(0).toString());
        final float[] before = initial.copyParameters();
        final float[] after = result.global().copyParameters();
        double squares = 0;
        for (int i = 0; i < before.length; i++) {
            squares += (after[i] - before[i]) * (double) (after[i] - before[i]);
        }
        final double sigma = z * clip / shards.size();
        final double sd = Math.sqrt(squares / before.length);
        // without the noise the model would be unchanged (sd 0), revealing that no update arrived
        assertEquals(sigma, sd, 0.1 * sigma, "noise on a round without updates");
    }
}
