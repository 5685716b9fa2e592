package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.LearningRates;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.data.Shards;
import dev.edgetrain.fleet.fedavg.ClientSampler;
import dev.edgetrain.fleet.fedavg.DpAccounting;
import dev.edgetrain.fleet.fedavg.FedAvg;
import dev.edgetrain.fleet.fedavg.FedAvgConfig;
import dev.edgetrain.fleet.fedavg.RoundListener;
import dev.edgetrain.fleet.fedavg.RoundReport;
import dev.edgetrain.fleet.model.OptimizerSettings;
import dev.edgetrain.fleet.secagg.SecureAggregationException;
import dev.edgetrain.fleet.spark.FleetSpark;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrain fleet fedavg}: federated averaging over simulated devices, the global model exported as ONNX. */
@Command(name = "fedavg", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Federated averaging: the training rows are dealt to simulated devices (one Spark partition "
                + "each, by default 2 classes per device); every round a sample of devices fine-tunes the global model "
                + "locally and the server averages their weights, weighted by example count. The global model is "
                + "evaluated on the held-out rows and written as ONNX after every round.")
final class FedAvgCommand extends SparkCommand {
    @Mixin
    TrainingData data;

    @Option(names = "--clients", paramLabel = "N", description = "Simulated devices (default: ${DEFAULT-VALUE}).")
    int clients = 10;

    @Option(names = "--classes-per-client", paramLabel = "K",
            description = "Classes each device sees (non-IID); 0 deals rows at random (IID) (default: "
                    + "${DEFAULT-VALUE}).")
    int classesPerClient = 2;

    @Option(names = "--rounds", paramLabel = "R", description = "Rounds (default: ${DEFAULT-VALUE}).")
    int rounds = 20;

    @Option(names = "--fraction", paramLabel = "C",
            description = "Fraction of devices sampled per round (default: ${DEFAULT-VALUE}).")
    double fraction = 0.5;

    @Option(names = "--local-epochs", paramLabel = "E",
            description = "Epochs each device trains per round (default: ${DEFAULT-VALUE}).")
    int localEpochs = 2;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Local mini-batch size; 0 = a device's whole shard (default: ${DEFAULT-VALUE}).")
    int batchSize = 16;

    @Option(names = "--optimizer", paramLabel = "RULE",
            description = "Devices' update rule: sgd, momentum, nesterov, adam, adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = "sgd";

    /** The devices' rate for the SGD rules without {@code --lr}: a few local epochs a round take larger steps. */
    static final float LOCAL_SGD_RATE = 0.1f;

    @Option(names = {"--lr", "--learning-rate"}, paramLabel = "RATE",
            description = "Devices' learning rate (default: 0.1 for sgd, momentum and nesterov; "
                    + LearningRates.ADAPTIVE + " for adam/adamw, as edgetrain train).")
    Float learningRate;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",",
            description = "Hidden layer widths; 0 for none (default: 64).")
    int[] hidden = {64};

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of initialisation, split, sampling and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--out", paramLabel = "MODEL.onnx",
            description = "Where to write the global model (default: <data>-fedavg.onnx).")
    File out;

    @Option(names = "--secure-aggregation",
            description = "Secure aggregation: devices mask their updates with pairwise masks that cancel in the sum, "
                    + "so the server only sees the sum (the model is identical; device secrets are simulated).")
    boolean secureAggregation;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Simulated dropout: the fraction of each round's devices whose upload is lost, in [0, 0.5) "
                    + "(default: ${DEFAULT-VALUE}).")
    double dropout = 0;

    @Option(names = "--dp-clip", paramLabel = "C",
            description = "DP-FedAvg: clip each device's model change to L2 norm C and weigh devices equally; 0 = off "
                    + "(default: ${DEFAULT-VALUE}).")
    double dpClip = 0;

    @Option(names = "--dp-noise", paramLabel = "Z",
            description = "DP-FedAvg: Gaussian noise of standard deviation Z·C/m on the averaged change, m devices a "
                    + "round (needs --dp-clip; default: 0, no noise and no privacy).")
    Double dpNoise;

    @Option(names = "--dp-epsilon", paramLabel = "EPS",
            description = "DP-FedAvg privacy budget: the noise multiplier is chosen so that all rounds spend at most "
                    + "EPS (device-level; needs --dp-clip, not with --dp-noise).")
    Double dpEpsilon;

    @Option(names = "--dp-delta", paramLabel = "DELTA",
            description = "DP-FedAvg delta, below 1 / devices (default: 1e-5, or 0.1 / devices when smaller).")
    Double dpDelta;

    @Option(names = "--baseline", description = "Also train the same network centrally on the driver, for comparison.")
    boolean baseline;

    @Override
    int run() throws Exception {
        final Console console = output.console();
        Commands.requirePositive("--clients", clients);
        Commands.requirePositive("--rounds", rounds);
        Commands.requirePositive("--local-epochs", localEpochs);
        if (classesPerClient < 0) {
            throw new CliException("--classes-per-client must be >= 0, got " + classesPerClient);
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new CliException("--fraction must be in (0, 1], got " + fraction);
        }
        if (!(dropout >= 0 && dropout < 0.5)) {
            throw new CliException("--dropout must be in [0, 0.5), got " + dropout);
        }
        if (secureAggregation && Math.max(1, (int) Math.round(fraction * clients)) < 2) {
            throw new CliException("--secure-aggregation needs at least 2 devices a round; --clients " + clients
                    + " with --fraction " + fraction + " samples 1");
        }
        if (!(dpClip >= 0 && dpClip < Double.POSITIVE_INFINITY)) {
            throw new CliException("--dp-clip must be a finite number >= 0, got " + dpClip);
        }
        checkPrivacyOptions();
        if (batchSize < 0) {
            throw new CliException("--batch-size must be >= 1, or 0 for a device's whole shard, got " + batchSize);
        }
        CliException.requireWritableLocation(out, "--out"); // before anything else (null: by the data's name)
        data.resolve();
        final File modelFile = out != null ? out : new File(data.source.shortName() + "-fedavg.onnx");
        CliException.requireWritableLocation(modelFile, "--out");
        data.load(seed);
        final NetworkSpec spec = Commands.spec(data.train, hidden);
        final float rate = learningRate();
        final OptimizerSettings opt = Commands.optimizer(optimizer, rate);
        final List<Shard> shards;
        try {
            shards = classesPerClient == 0 ? Shards.iid(data.train, clients, seed)
                    : Shards.nonIid(data.train, clients, classesPerClient, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException("--clients/--classes-per-client: " + e.getMessage());
        }
        final FedAvgConfig config = FedAvgConfig.defaults(rate).withRounds(rounds).withClientFraction(fraction)
                .withLocalEpochs(localEpochs).withBatchSize(batchSize).withOptimizer(opt).withSeed(seed)
                .withDropout(dropout).withSecureAggregation(secureAggregation)
                .withDifferentialPrivacy(dpClip, noiseMultiplier(shards.size()))
                .withPrivacyDelta(dpDelta == null ? 0 : dpDelta);
        final DpAccounting privacy = dpClip > 0 ? DpAccounting.of(config, shards.size()) : null;

        try (FleetSpark fs = spark.start("edgetrain fleet fedavg")) {
            final JavaSparkContext sc = fs.context();
            final JavaRDD<Shard> raw = Shards.toRdd(sc, shards);
            final Standardizer standardizer = data.noStandardize ? null : Shards.federatedStandardizer(raw);
            final JavaRDD<Shard> devices;
            final Dataset testInput;
            if (standardizer == null) {
                devices = raw.cache();
                testInput = data.test;
            } else {
                final float[] mean = standardizer.mean();
                final float[] std = standardizer.std();
                devices = raw.map(s -> s.standardized(new Standardizer(mean, std))).cache();
                testInput = standardizer.apply(data.test);
            }
            final int evalParts = Math.max(1, Math.min(fs.defaultParallelism(), testInput.rows()));
            final JavaRDD<Shard> evaluation = Shards.toRdd(sc, Shards.contiguous(testInput, evalParts)).cache();

            console.line("federated averaging of %s on %s over %d simulated devices (%s), master %s: %s", spec,
                    data.source.name(), shards.size(), classesPerClient == 0 ? "IID"
                            : classesPerClient + " classes each", fs.master(), config);
            final Map<String, String> meta = new LinkedHashMap<>();
            meta.put("training.data", data.source.shortName());
            meta.put("training.algorithm", "federated averaging (edgetrain fleet)");
            meta.put("training.clients", shards.size()
                    + (classesPerClient == 0 ? " IID" : " non-IID, " + classesPerClient + " classes each"));
            meta.put("training.settings", config.toString());
            if (privacy != null) {
                console.line("DP-FedAvg: clip C = %s, noise multiplier z = %.4f%s, sampling rate q = %.4f (%d of %d "
                                + "devices), %d rounds: epsilon %.3f at delta %.3g, device-level (devices are sampled "
                                + "as a fixed-size subset, so the accountant's Poisson sampling holds approximately)",
                        dpClip, privacy.noiseMultiplier(), dpEpsilon != null ? " (for epsilon <= " + dpEpsilon + ")"
                                : "", privacy.samplingRate(), ClientSampler.count(shards.size(), fraction),
                        shards.size(), rounds, privacy.epsilonAfter(rounds), privacy.delta());
            }
            final List<Map<String, Object>> history = new ArrayList<>();
            final FedAvg.Result result = federate(sc, config, devices, new Network(spec, seed), evaluation,
                    (report, global) -> {
                        console.line(report.toString());
                        history.add(json(report));
                        Map<String, String> m = new LinkedHashMap<>(meta);
                        m.put("training.rounds", report.round() + " of " + report.rounds());
                        m.put("training.test_accuracy", String.format(Locale.ROOT, "%.4f", report.global().accuracy()));
                        if (privacy != null) {
                            m.putAll(privacy.metadata(report.round(), false));
                        }
                        ExportOptions export = Commands.exportOptions(data.train, standardizer,
                                "Federated averaging by edgetrain fleet on " + data.source.shortName() + ": "
                                        + spec, m);
                        // atomic: an interrupted run keeps the last round
                        OnnxExporter.write(global, export, modelFile);
                    });
            final RoundReport last = result.rounds().get(result.rounds().size() - 1);
            console.result("wrote %s (%d bytes): test accuracy %.2f%% after %d rounds%s", modelFile,
                    modelFile.length(), 100 * last.global().accuracy(), rounds, privacy == null ? ""
                            : String.format(Locale.ROOT, ", epsilon %.3f at delta %.3g", last.epsilon(),
                            privacy.delta()));

            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", modelFile.getPath());
            doc.put("network", spec.toString());
            doc.put("master", fs.master());
            doc.put("clients", shards.size());
            doc.put("settings", config.toString());
            doc.put("rounds", history);
            doc.put("test_accuracy", last.global().accuracy());
            if (privacy != null) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("epsilon", last.epsilon());
                p.put("delta", privacy.delta());
                p.put("noise_multiplier", privacy.noiseMultiplier());
                p.put("clip_norm", privacy.clipNorm());
                p.put("sampling_rate", privacy.samplingRate());
                p.put("rounds", rounds);
                doc.put("privacy", p);
            }
            if (baseline) {
                Evaluation central = centralBaseline(spec, standardizer, opt);
                int epochs = baselineEpochs();
                console.result("centralised baseline (same network, %d epochs on the driver): test accuracy %.2f%%",
                        epochs, 100 * central.accuracy());
                doc.put("baseline_epochs", epochs);
                doc.put("baseline_test_accuracy", central.accuracy());
            }
            console.document(doc);
        }
        return 0;
    }

    /** Refuses DP-FedAvg options that do not go together, before any work. */
    private void checkPrivacyOptions() {
        if (dpNoise != null && !(dpNoise >= 0 && dpNoise < Double.POSITIVE_INFINITY)) {
            throw new CliException("--dp-noise must be a finite number >= 0, got " + dpNoise);
        }
        if (dpEpsilon != null && !(dpEpsilon > 0 && dpEpsilon < Double.POSITIVE_INFINITY)) {
            throw new CliException("--dp-epsilon must be a finite number > 0, got " + dpEpsilon);
        }
        if (dpDelta != null && !(dpDelta > 0 && dpDelta < 1)) {
            throw new CliException("--dp-delta must be in (0, 1), got " + dpDelta);
        }
        if (dpNoise != null && dpEpsilon != null) {
            throw new CliException("--dp-noise and --dp-epsilon cannot both be given: --dp-epsilon chooses the noise "
                    + "multiplier");
        }
        if (dpClip == 0) {
            if (dpNoise != null && dpNoise > 0) {
                throw new CliException("--dp-noise " + dpNoise + " needs --dp-clip C > 0: the noise is scaled to C");
            }
            if (dpEpsilon != null) {
                throw new CliException("--dp-epsilon " + dpEpsilon + " needs --dp-clip C > 0: DP-FedAvg bounds each "
                        + "device's change by C");
            }
            if (dpDelta != null) {
                throw new CliException("--dp-delta " + dpDelta + " needs --dp-clip C > 0: without DP-FedAvg nothing "
                        + "is accounted");
            }
        }
        if (dpDelta != null && dpDelta >= 1.0 / clients) {
            throw new CliException("--dp-delta " + dpDelta + " is not below 1 / devices = 1/" + clients
                    + ": such a delta allows publishing one device's data outright; expected a delta well below "
                    + 1.0 / clients);
        }
    }

    /** The noise multiplier of the run: --dp-noise, or the one --dp-epsilon needs over {@code devices}; 0 if none. */
    private double noiseMultiplier(int devices) {
        if (dpEpsilon == null) {
            return dpNoise == null ? 0 : dpNoise;
        }
        final double delta = dpDelta != null ? dpDelta : DpAccounting.defaultDelta(devices);
        try {
            return DpAccounting.noiseMultiplierFor(dpEpsilon, delta, DpAccounting.samplingRate(devices, fraction),
                    rounds);
        } catch (IllegalArgumentException e) {
            throw new CliException("--dp-epsilon " + dpEpsilon + ": " + e.getMessage());
        }
    }

    /** Runs FedAvg; a round secure aggregation cannot complete (too few devices left) is the user's one-line error. */
    private static FedAvg.Result federate(JavaSparkContext sc, FedAvgConfig config, JavaRDD<Shard> devices,
                                          Network initial, JavaRDD<Shard> evaluation, RoundListener listener)
            throws IOException {
        try {
            return new FedAvg(sc, config).run(devices, initial, evaluation, listener);
        } catch (SecureAggregationException e) {
            throw new CliException("--secure-aggregation: " + e.getMessage(), e);
        }
    }

    /** As many passes over the data as the federation made: rounds × local epochs × fraction. */
    private int baselineEpochs() {
        return Math.max(1, (int) Math.round(rounds * localEpochs * fraction));
    }

    private Evaluation centralBaseline(NetworkSpec spec, Standardizer standardizer, OptimizerSettings opt) {
        Dataset train = standardizer == null ? data.train : standardizer.apply(data.train);
        Dataset test = standardizer == null ? data.test : standardizer.apply(data.test);
        int batch = batchSize == 0 ? train.rows() : batchSize;
        TrainingSession session = new TrainingSession(new Network(spec, seed), batch, opt.config());
        new Trainer(session, train, batch, seed).fit(baselineEpochs(), null);
        return Trainer.evaluate(session, test);
    }

    private static Map<String, Object> json(RoundReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", r.round());
        m.put("clients", r.clientsAveraged());
        m.put("dropped", r.droppedClients());
        m.put("examples", r.examples());
        m.put("local_loss", r.trainLoss());
        m.put("loss", r.global().loss());
        m.put("accuracy", r.global().accuracy());
        m.put("seconds", r.seconds());
        m.put("bytes_down", r.broadcastBytes());
        m.put("bytes_up", r.uploadBytes());
        return m;
    }

    /** {@code --lr}, or the rule's default: {@link #LOCAL_SGD_RATE} for the SGD rules, Adam's as in {@code train}. */
    float learningRate() {
        if (learningRate != null) {
            return learningRate;
        }
        return LearningRates.adaptive(optimizer) ? LearningRates.ADAPTIVE : LOCAL_SGD_RATE;
    }
}
