package dev.edgetrain.cli;

import dev.edgetrain.cli.data.CsvTable;
import dev.edgetrain.cli.data.DataSource;
import dev.edgetrain.cli.data.LabeledData;
import dev.edgetrain.cli.report.Console;
import dev.edgetrain.cli.report.CurvePlot;
import dev.edgetrain.cli.report.TrainingHistory;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.zip.CRC32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrain train}: CSV in, trained network out as ONNX, checked against onnxruntime. */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Train a classifier on a CSV file (header row; numeric features; a label column),",
                "export it as ONNX and check the export against onnxruntime.",
                "With no --data it trains on the shipped digits data set."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE.csv",
            description = "Training data: a CSV file, or a shipped set: digits, iris, wine, breast_cancer (default: digits).")
    String data;

    @Option(names = "--out", paramLabel = "MODEL.onnx", description = "Where to write the model (default: <data>.onnx).")
    File out;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column: name or 1-based index (default: last).")
    String label;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",",
            description = "Hidden layer widths, e.g. 64 or 128,64; 0 for none (default: 64).")
    int[] hidden = {64};

    @Option(names = "--no-bias", description = "Dense layers without biases (the founding network's form).")
    boolean noBias;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 30;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 32;

    @Mixin
    OptimizerOptions optimizer;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation, split and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "Fraction of each class held out for testing; 0 = none (default: ${DEFAULT-VALUE}).")
    double testFraction = 0.2;

    @Option(names = "--no-standardize", description = "Train on raw features instead of (x - mean) / std.")
    boolean noStandardize;

    @Option(names = "--output", paramLabel = "KIND",
            description = "Model output: probabilities, logits or log_probabilities (default: probabilities).")
    String output = "probabilities";

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Save a checkpoint after every epoch.")
    File checkpoint;

    @Option(names = "--resume", description = "Continue from --checkpoint; ends as if never interrupted.")
    boolean resume;

    @Option(names = "--plot", paramLabel = "CURVE.png", description = "Write the training curve as a PNG.")
    File plot;

    @Option(names = "--no-verify", description = "Skip the onnxruntime check of the exported model.")
    boolean noVerify;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        checkOptions();
        DataSource source = DataSource.resolve(data == null ? DataSource.DEFAULT : data);
        File modelFile = out != null ? out : new File(source.shortName() + ".onnx");
        CliException.requireWritableLocation(modelFile, "--out");
        CliException.requireWritableLocation(checkpoint, "--checkpoint");
        CliException.requireWritableLocation(plot, "--plot");
        LabeledData labeled = LabeledData.forTraining(CsvTable.read(source), label);
        String[] classes = labeled.classNames();
        Dataset all = labeled.toDataset(classes.length);
        Dataset train = all;
        Dataset test = null;
        if (testFraction > 0) {
            Dataset[] split = all.split(testFraction, seed);
            train = split[0];
            test = split[1];
        }
        Standardizer standardizer = noStandardize ? null : Standardizer.fit(train);
        Dataset trainInput = standardizer == null ? train : standardizer.apply(train);
        Dataset testInput = test == null ? null : standardizer == null ? test : standardizer.apply(test);

        int[] widths = hidden.length == 1 && hidden[0] == 0 ? new int[0] : hidden;
        NetworkSpec spec = NetworkSpec.of(labeled.featureCount(), widths, classes.length).withBias(!noBias);
        Network network = new Network(spec, seed);
        int batches = (trainInput.rows() + batchSize - 1) / batchSize;
        OptimizerConfig config = optimizer.config(epochs, batches);
        TrainingSession session = new TrainingSession(network, batchSize, config);
        Trainer trainer = new Trainer(session, trainInput, batchSize, seed + 1);
        optimizer.applyDivergencePolicy(trainer);

        Map<String, String> runIdentity = new TreeMap<>();
        runIdentity.put("data.fingerprint", fingerprint(all));
        runIdentity.put("run.settings", settings());
        Map<String, float[]> arrays = new TreeMap<>();
        if (standardizer != null) {
            arrays.put("standardizer.mean", standardizer.mean());
            arrays.put("standardizer.std", standardizer.std());
        }
        if (resume) {
            Checkpoint saved = Checkpoint.read(checkpoint);
            for (Map.Entry<String, String> e : runIdentity.entrySet()) {
                if (!e.getValue().equals(saved.metadata().get(e.getKey()))) {
                    throw new CliException("cannot resume from " + checkpoint + ": it was made with other "
                            + (e.getKey().startsWith("data") ? "data" : "settings (" + saved.metadata().get(e.getKey())
                            + "; now " + e.getValue() + ")"));
                }
            }
            saved.restoreInto(trainer);
            console.line("resuming from %s after epoch %d", checkpoint, saved.epochsDone());
        }

        console.line("training %s on %s: %d rows (%d train, %d test), %d features, %d classes, %s",
                spec, source.name(), all.rows(), train.rows(), test == null ? 0 : test.rows(), labeled.featureCount(),
                classes.length, config);
        long start = System.nanoTime();
        TrainingHistory history = new TrainingLoop(console, trainer, testInput, epochs, checkpoint, runIdentity,
                arrays).run();
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation trainEval = Trainer.evaluate(session, trainInput);
        Evaluation testEval = testInput == null ? null : Trainer.evaluate(session, testInput);
        requireFinite(trainEval, "training");
        requireFinite(testEval, "test");

        OutputKind kind = parseOutput(output);
        ExportOptions.Builder export = ExportOptions.builder().output(kind).classLabels(classes)
                .featureNames(labeled.featureNames())
                .docString("Trained by edgetrain on " + source.shortName() + ": " + spec)
                .metadata(summary(source, all, train, test, config, trainEval, testEval));
        if (standardizer != null) {
            export.standardizer(standardizer.mean(), standardizer.std());
        }
        OnnxExporter.write(network, export.build(), modelFile);
        console.line("wrote %s (%d bytes)%s", modelFile, modelFile.length(),
                testEval == null ? "" : String.format(Locale.ROOT, ": test accuracy %.2f%%", 100 * testEval.accuracy()));

        double maxDiff = Double.NaN;
        int verifiedRows = 0;
        if (!noVerify) {
            maxDiff = test != null ? ExportCheck.againstOnnxRuntime(console, network, kind, modelFile, test, testInput, "test")
                    : ExportCheck.againstOnnxRuntime(console, network, kind, modelFile, train, trainInput, "training");
            verifiedRows = test != null ? test.rows() : train.rows();
        }
        if (plot != null) {
            CurvePlot.write(plot, history, "edgetrain " + spec + " on " + source.shortName());
            console.line("wrote %s", plot);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", modelFile.getPath());
        doc.put("network", spec.toString());
        doc.put("optimizer", config.toString());
        doc.put("epochs", history.toJson());
        doc.put("seconds", seconds);
        doc.put("train_accuracy", trainEval.accuracy());
        doc.put("test_accuracy", testEval == null ? null : testEval.accuracy());
        doc.put("onnxruntime_max_abs_difference", Double.isNaN(maxDiff) ? null : maxDiff);
        doc.put("verified_rows", verifiedRows);
        console.document(doc);
        return !noVerify && !(maxDiff <= VerifyCommand.TOLERANCE) ? Edgetrain.EXIT_CHECK_FAILED : Edgetrain.EXIT_OK;
    }

    private void checkOptions() {
        if (epochs < 1) {
            throw new CliException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new CliException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new CliException("--test-fraction must be in [0, 1), got " + testFraction);
        }
        if (resume && checkpoint == null) {
            throw new CliException("--resume needs --checkpoint FILE");
        }
        for (int h : hidden) {
            if (h < 0 || (h == 0 && hidden.length > 1)) {
                throw new CliException("--hidden takes positive widths like 64 or 128,64 (or 0 for none), got "
                        + java.util.Arrays.toString(hidden));
            }
        }
    }

    /** A network whose loss is not finite on some data has diverged, even if every training step looked finite. */
    static void requireFinite(Evaluation eval, String which) {
        if (eval != null && !Double.isFinite(eval.loss())) {
            throw new CliException("the trained network's loss on the " + which + " rows is " + eval.loss()
                    + ": training diverged (lower --lr, set --clip-norm, or use --on-divergence lower-lr); no model written");
        }
    }

    static OutputKind parseOutput(String name) {
        for (OutputKind k : OutputKind.values()) {
            if (k.outputName().equalsIgnoreCase(name) || k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new CliException("--output must be probabilities, logits or log_probabilities, got '" + name + "'");
    }

    /** What must not change between an interrupted run and its resumption (the optimizer is checked separately). */
    private String settings() {
        return "label=" + label + " hidden=" + java.util.Arrays.toString(hidden) + " bias=" + !noBias + " batch="
                + batchSize + " seed=" + seed + " test=" + testFraction + " standardize=" + !noStandardize;
    }

    /** A checksum of the data (features, labels, names), so a checkpoint is not resumed on other data. */
    static String fingerprint(Dataset data) {
        CRC32 crc = new CRC32();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (data.features().length + data.labels().length));
        for (float v : data.features()) {
            b.putFloat(v);
        }
        for (int y : data.labels()) {
            b.putInt(y);
        }
        crc.update(b.array());
        crc.update(String.join("\u0000", data.classNames() == null ? new String[0] : data.classNames())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return data.rows() + "x" + data.featureCount() + ":" + Long.toHexString(crc.getValue());
    }

    /** The training summary stored in the model's metadata: deterministic, so a rerun gives the same bytes. */
    private Map<String, String> summary(DataSource source, Dataset all, Dataset train, Dataset test,
                                        OptimizerConfig config, Evaluation trainEval, Evaluation testEval) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("training.data", source.shortName());
        m.put("training.data_fingerprint", fingerprint(all));
        m.put("training.rows", train.rows() + " train, " + (test == null ? 0 : test.rows()) + " test");
        m.put("training.epochs", String.valueOf(epochs));
        m.put("training.batch_size", String.valueOf(batchSize));
        m.put("training.optimizer", config.toString());
        m.put("training.seed", String.valueOf(seed));
        m.put("training.standardized", String.valueOf(!noStandardize));
        m.put("training.train_accuracy", String.format(Locale.ROOT, "%.4f", trainEval.accuracy()));
        if (testEval != null) {
            m.put("training.test_accuracy", String.format(Locale.ROOT, "%.4f", testEval.accuracy()));
        }
        return m;
    }
}
