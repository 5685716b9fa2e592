package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.model.SpecData;
import dev.edgetrain.fleet.score.Metrics;
import dev.edgetrain.fleet.score.ShardEvaluation;
import dev.edgetrain.fleet.secagg.RoundKeys;
import dev.edgetrain.fleet.spark.ShippedBytes;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Federated averaging (McMahan et al., 2017) on Spark, one partition per simulated device:
 * <pre>
 *   for round r = 1..R:
 *     S  = sample max(1, round(C·K)) of the K clients            (seeded by seed and r)
 *     broadcast w                                                 (4 bytes a parameter)
 *     each client k in S: w_k = w, then E local epochs of mini-batch training on its shard
 *     w  = Σ_{k∈S} (n_k / N) · w_k,  N = Σ_{k∈S} n_k              (Spark treeAggregate, exact sum)
 *     evaluate w, tell the listener (log line, ONNX export)
 * </pre>
 * With one local epoch of full-batch gradient descent, a round is one step of centralised full-batch gradient
 * descent on the union of the sampled shards, whatever the number of clients (each client's gradient is the mean
 * over its rows; weighting by {@code n_k / N} makes their average the mean over all rows).
 *
 * <p>A client whose local training diverges is dropped from the round (the average is taken over the others);
 * if every sampled client diverges the global model stays as it was. So is a client whose upload is lost
 * ({@link FedAvgConfig#withDropout simulated dropout}).
 *
 * <p>With {@link FedAvgConfig#withSecureAggregation secure aggregation} a round takes two more Spark jobs: the
 * sampled clients advertise their public keys before training, and after the masked updates have been added up
 * the surviving clients answer the unmasking request; the driver then unmasks the sum. The model is bit-identical
 * to the one trained without it.
 *
 * <p>With {@link FedAvgConfig#withDifferentialPrivacy DP-FedAvg} the clients send clipped model changes weighted 1/m
 * instead, and the driver adds them and Gaussian noise to the global model (see {@link DpFedAvg}); each round's
 * report carries the ε spent so far ({@link DpAccounting}).
 */
public final class FedAvg {
    private final JavaSparkContext sc;
    private final FedAvgConfig config;
    /** DP-FedAvg's server-side noise. */
    private Random noise = new SecureRandom();

    /**
     * Federated averaging on {@code sc} with {@code config}; DP-FedAvg's noise, when configured, comes from
     * {@link SecureRandom}.
     *
     * @param sc the Spark context the rounds' jobs run in
     * @param config the run's settings
     * @throws IllegalArgumentException if either is null
     */
    public FedAvg(JavaSparkContext sc, FedAvgConfig config) {
        if (sc == null || config == null) {
            throw new IllegalArgumentException("spark context and config must not be null");
        }
        this.sc = sc;
        this.config = config;
    }

    /**
     * Draws DP-FedAvg's noise from {@code source} instead of {@link SecureRandom}: for tests that need a reproducible
     * run. A generator whose seed is known gives no privacy.
     */
    FedAvg withNoiseSource(Random source) {
        this.noise = source;
        return this;
    }

    /** The outcome of a run: the final global model and one report per round. */
    public static final class Result {
        private final Network global;
        private final List<RoundReport> rounds;

        Result(Network global, List<RoundReport> rounds) {
            this.global = global;
            this.rounds = Collections.unmodifiableList(rounds);
        }

        /**
         * The global model after the last round.
         *
         * @return the trained network
         */
        public Network global() {
            return global;
        }

        /**
         * One report per round, in order.
         *
         * @return the reports, unmodifiable
         */
        public List<RoundReport> rounds() {
            return rounds;
        }
    }

    /**
     * Runs the configured rounds.
     *
     * @param clients    one {@link Shard} per partition (see {@code Shards.toRdd}), ids unique; cache it, it is
     *                   read every round
     * @param initial    the starting global model; not changed
     * @param evaluation rows to evaluate each round's global model on (cache it), or null for the clients' own rows
     * @param listener   told after each round, or null
     * @return the final global model and the rounds' reports
     * @throws IOException when the listener throws it
     * @throws IllegalArgumentException when the shards do not fit the initial model or a client id appears twice
     */
    public Result run(JavaRDD<Shard> clients, Network initial, JavaRDD<Shard> evaluation, RoundListener listener)
            throws IOException {
        final NetworkSpec spec = initial.spec();
        final SpecData specData = new SpecData(spec);
        final List<int[]> meta = clients.map(s ->
                new int[] {s.id(), s.rows(), s.featureCount(), s.classes()}).collect();
        final int[] ids = new int[meta.size()];
        final int[] rowsOf = new int[meta.size()];
        checkShards(meta, spec, "client", ids, rowsOf);
        final JavaRDD<Shard> evalRdd = evaluation == null ? clients : evaluation;
        final long evalRows = evaluation == null ? sum(rowsOf) : checkEvaluation(evaluation, spec);
        final DpAccounting privacy = config.dpClip() > 0 ? DpAccounting.of(config, ids.length) : null;

        float[] params = initial.copyParameters();
        Broadcast<float[]> current = sc.broadcast(params.clone());
        List<RoundReport> reports = new ArrayList<>();
        try (ShippedBytes meter = new ShippedBytes(sc)) {
            for (int r = 1; r <= config.rounds(); r++) {
                final long start = System.nanoTime();
                final int[] sampled = ClientSampler.select(ids, config.clientFraction(), config.seed(), r);
                final int[] sampledRows = new int[sampled.length];
                long n = 0;
                for (int k = 0; k < sampled.length; k++) {
                    sampledRows[k] = rowsOf[indexOf(ids, sampled[k])];
                    n += sampledRows[k];
                }
                final double[] share = new double[sampled.length];
                for (int k = 0; k < sampled.length; k++) {
                    // DP-FedAvg weighs every client 1/m, so none moves the average by more than clip/m
                    share[k] = config.dpClip() > 0 ? 1.0 / sampled.length : (double) sampledRows[k] / n;
                }
                final int round = r;
                final Broadcast<float[]> weights = current;
                final int[] lost = ClientSampler.lost(sampled, config.dropout(), config.seed(), r);
                final RoundKeys keys = config.secureAggregation()
                        ? SecureRound.advertise(clients, sampled, config.seed(), r) : null;
                final ShippedBytes.Measured<RoundSum> measured = meter.measure("edgetrain fleet: federated round " + r,
                        1, () -> clients.treeAggregate(new RoundSum(),
                                new ClientStep(weights, specData, config, round, sampled, share, lost, keys),
                                RoundSum::merge, config.aggregationDepth()));
                final RoundSum sum = measured.value();
                final long upload = measured.bytes();

                double kept = 0; // Σ n_k/N over the clients that were averaged, in id order: the same every run
                long expected = 0;
                for (int k = 0; k < sampled.length; k++) {
                    if (java.util.Arrays.binarySearch(sum.dropped, sampled[k]) < 0) {
                        kept += share[k];
                        expected += sampledRows[k];
                    }
                }
                if (sum.examples != expected || sum.clients + sum.dropped.length != sampled.length) {
                    throw new IllegalStateException("round " + r + ": " + sum.clients + " updates (" + sum.examples
                            + " examples) and " + sum.dropped.length + " dropped, expected " + sampled.length
                            + " clients with " + expected + " examples: a client's partition was lost or duplicated");
                }
                if (keys != null) {
                    SecureRound.unmask(sum, clients, keys);
                }
                double trainLoss = Double.NaN;
                if (config.dpClip() > 0) {
                    // fixed denominator m: the sum already holds Σ_k change_k / m. The noise goes in even when no
                    // update arrived (all diverged or lost): skipping it would reveal that, unaccounted
                    DpFedAvg.applyNoisyChange(params, sum.weights,
                            config.dpNoise() * config.dpClip() / sampled.length, noise);
                } else if (sum.clients > 0) {
                    sum.weights.copyTo(params, 1.0 / kept);
                }
                if (sum.clients > 0) {
                    trainLoss = sum.loss.value(0) / kept;
                }
                Broadcast<float[]> previous = current;
                current = sc.broadcast(params.clone());
                previous.destroy();
                Metrics metrics = ShardEvaluation.evaluate(evalRdd, specData, current, evalRows);
                RoundReport report = new RoundReport(r, config.rounds(), sampled, sum.dropped, sum.examples, trainLoss,
                        metrics, (System.nanoTime() - start) / 1e9, 4L * params.length, upload,
                        privacy == null ? Double.NaN : privacy.epsilonAfter(r));
                reports.add(report);
                if (listener != null) {
                    listener.onRound(report, Network.fromParameters(spec, params));
                }
            }
        } finally {
            current.destroy();
        }
        return new Result(Network.fromParameters(spec, params), reports);
    }

    /** Checks every shard against the network and for unique ids; fills ids and rows in collection order. */
    static void checkShards(List<int[]> meta, NetworkSpec spec, String role, int[] ids, int[] rows) {
        if (meta.isEmpty()) {
            throw new IllegalArgumentException("no " + role + " shards");
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < meta.size(); i++) {
            int[] m = meta.get(i);
            if (m[2] != spec.inputs() || m[3] != spec.classes()) {
                throw new IllegalArgumentException(role + " " + m[0] + " has " + m[2] + " features and " + m[3]
                        + " classes, network " + spec + " expects " + spec.inputs() + " and " + spec.classes());
            }
            if (!seen.add(m[0])) {
                throw new IllegalArgumentException(role + " id " + m[0] + " appears in more than one partition");
            }
            ids[i] = m[0];
            rows[i] = m[1];
        }
    }

    private static long checkEvaluation(JavaRDD<Shard> evaluation, NetworkSpec spec) {
        List<int[]> meta = evaluation.map(s -> new int[] {s.id(), s.rows(), s.featureCount(), s.classes()}).collect();
        int[] ids = new int[meta.size()];
        int[] rows = new int[meta.size()];
        checkShards(meta, spec, "evaluation shard", ids, rows);
        return sum(rows);
    }

    private static long sum(int[] a) {
        long s = 0;
        for (int v : a) {
            s += v;
        }
        return s;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        throw new IllegalStateException("client " + v + " not found");
    }
}
