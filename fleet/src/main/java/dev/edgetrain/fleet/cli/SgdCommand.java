package dev.edgetrain.fleet.cli;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.LearningRates;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.data.Shards;
import dev.edgetrain.fleet.model.OptimizerSettings;
import dev.edgetrain.fleet.sgd.DataParallelConfig;
import dev.edgetrain.fleet.sgd.DataParallelSgd;
import dev.edgetrain.fleet.sgd.EpochReport;
import dev.edgetrain.fleet.spark.FleetSpark;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import java.io.File;
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

/** {@code edgetrain fleet sgd}: synchronous data-parallel training, the model exported as ONNX. */
@Command(name = "sgd", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Synchronous data-parallel SGD: the training rows are cut into slices, one Spark partition "
                + "each; every step each slice computes the gradient of its part of the global batch, the driver "
                + "averages them and takes one optimizer step. Same batches and result as training on one machine.")
final class SgdCommand extends SparkCommand {
    @Mixin
    TrainingData data;

    @Option(names = "--partitions", paramLabel = "P",
            description = "Data slices (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Global mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--optimizer", paramLabel = "RULE",
            description = "sgd, momentum, nesterov, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = "momentum";

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "Weight decay on weights, not biases: L2 for sgd/adam, decoupled for adamw (default: 0, "
                    + "adamw 0.0001).")
    Float weightDecay;

    @Option(names = {"--lr", "--learning-rate"}, paramLabel = "RATE",
            description = "Learning rate (" + LearningRates.HELP + ", as edgetrain train).")
    Float learningRate;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",",
            description = "Hidden layer widths; 0 for none (default: 64).")
    int[] hidden = {64};

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of initialisation, split and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--out", paramLabel = "MODEL.onnx",
            description = "Where to write the model (default: <data>-sgd.onnx).")
    File out;

    @Override
    int run() throws Exception {
        final Console console = output.console();
        Commands.requirePositive("--epochs", epochs);
        Commands.requirePositive("--batch-size", batchSize);
        if (partitions != null) {
            Commands.requirePositive("--partitions", partitions);
        }
        CliException.requireWritableLocation(out, "--out"); // before anything else (null: by the data's name)
        data.resolve();
        final File modelFile = out != null ? out : new File(data.source.shortName() + "-sgd.onnx");
        CliException.requireWritableLocation(modelFile, "--out");
        data.load(seed);
        final NetworkSpec spec = Commands.spec(data.train, hidden);
        final OptimizerSettings opt = optimizerSettings();
        final DataParallelConfig config = new DataParallelConfig(epochs, batchSize, opt, seed);
        // Centralised statistics: in data-parallel training the driver may see the data (it cut it up).
        final Standardizer standardizer = data.noStandardize ? null : Standardizer.fit(data.train);
        final Dataset train = standardizer == null ? data.train : standardizer.apply(data.train);
        final Dataset test = standardizer == null ? data.test : standardizer.apply(data.test);

        try (FleetSpark fs = spark.start("edgetrain fleet sgd")) {
            final JavaSparkContext sc = fs.context();
            final int p = Math.min(partitions != null ? partitions : fs.defaultParallelism(), train.rows());
            final JavaRDD<Shard> slices = Shards.toRdd(sc, Shards.contiguous(train, p)).cache();
            final JavaRDD<Shard> evaluation = Shards.toRdd(sc,
                    Shards.contiguous(test, Math.min(p, test.rows()))).cache();
            console.line("data-parallel training of %s on %s over %d slices, master %s: %s", spec, data.source.name(),
                    p, fs.master(), config);
            final Network network = new Network(spec, seed);
            final List<Map<String, Object>> history = new ArrayList<>();
            final List<EpochReport> reports = new DataParallelSgd(sc, config).run(slices, network, evaluation,
                    (report, net) -> {
                        console.line(report.toString());
                        history.add(json(report));
                    });
            final EpochReport last = reports.get(reports.size() - 1);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("training.data", data.source.shortName());
            meta.put("training.algorithm", "synchronous data-parallel SGD (edgetrain fleet), " + p + " slices");
            meta.put("training.settings", config.toString());
            meta.put("training.test_accuracy", String.format(Locale.ROOT, "%.4f", last.evaluation().accuracy()));
            OnnxExporter.write(network, Commands.exportOptions(data.train, standardizer,
                    "Data-parallel SGD by edgetrain fleet on " + data.source.shortName() + ": " + spec, meta),
                    modelFile);
            console.result("wrote %s (%d bytes): test accuracy %.2f%%", modelFile, modelFile.length(),
                    100 * last.evaluation().accuracy());
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", modelFile.getPath());
            doc.put("network", spec.toString());
            doc.put("master", fs.master());
            doc.put("partitions", p);
            doc.put("settings", config.toString());
            doc.put("epochs", history);
            doc.put("test_accuracy", last.evaluation().accuracy());
            console.document(doc);
        }
        return 0;
    }

    /** The update rule with {@code --lr} or the rule's default rate, and {@code --weight-decay} or the rule's. */
    OptimizerSettings optimizerSettings() {
        final float lr = learningRate != null ? learningRate : LearningRates.defaultFor(optimizer);
        return weightDecay == null ? Commands.optimizer(optimizer, lr) : Commands.optimizer(optimizer, lr, weightDecay);
    }

    private static Map<String, Object> json(EpochReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", r.epoch());
        m.put("steps", r.steps());
        m.put("train_loss", r.trainLoss());
        m.put("loss", r.evaluation().loss());
        m.put("accuracy", r.evaluation().accuracy());
        m.put("seconds", r.seconds());
        m.put("bytes_down_per_step", r.broadcastBytesPerStep());
        m.put("bytes_up", r.uploadBytes());
        return m;
    }
}
