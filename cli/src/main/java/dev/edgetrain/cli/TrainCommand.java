package dev.edgetrain.cli;

import dev.edgetrain.cli.data.CsvTable;
import dev.edgetrain.cli.data.LabeledData;
import dev.edgetrain.cli.report.CurvePlot;
import dev.edgetrain.cli.report.TaskReport;
import dev.edgetrain.cli.report.TrainingHistory;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
        description = {"Train a network on a CSV file, export it as ONNX and check it against onnxruntime.",
                "The CSV has a header row, numeric features and label column(s); the network is a classifier",
                "(default), a binary or multi-label classifier, or a regressor (--task). With no --data it trains",
                "on the shipped digits set."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE.csv",
            description = "Training data: a CSV file, or a shipped set: digits, iris, wine, breast_cancer (default: digits).")
    String data;

    @Option(names = "--out", paramLabel = "MODEL.onnx", description = "Where to write the model (default: <data>.onnx).")
    File out;

    @Option(names = "--label", paramLabel = "COLUMN[,COLUMN...]",
            description = "Label column: name or 1-based index (default: last); several, comma-separated, for "
                    + "--task multilabel or a regressor of several targets.")
    String label;

    @Mixin
    ArchitectureOptions architecture;

    @Mixin
    LossOptions lossOptions;

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

    @Option(names = "--no-standardize",
            description = "Train on raw features (and, for regression, raw targets) instead of (x - mean) / std.")
    boolean noStandardize;

    @Option(names = "--output", paramLabel = "KIND",
            description = "Model output: probabilities (softmax, or sigmoid for binary/multilabel), logits, "
                    + "log_probabilities (classify) or predictions (regress); default: the task's.")
    String output;

    @Option(names = "--opset", paramLabel = "N",
            description = "ONNX opset to write (default: the lowest that has every layer as one op: 13, 17 with "
                    + "--layer-norm, 20 with gelu); a lower one writes layer norm and GELU in decomposed form.")
    int opset;

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
        Task task = architecture.task();
        LabeledData labeled = LabeledData.forTraining(CsvTable.read(source), label, task, architecture.taskGiven());
        String[] outputNames = labeled.outputNames();
        Dataset all = labeled.toDataset();
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

        NetworkSpec spec = architecture.spec(labeled.featureCount(), labeled.outputs());
        OutputKind kind = parseOutput(output, task);
        TargetScaling targetScaling = task == Task.REGRESS && !noStandardize && TargetScaling.applies(spec)
                ? TargetScaling.fit(train) : null;
        Dataset trainFit = targetScaling == null ? trainInput : targetScaling.apply(trainInput);
        Dataset testFit = testInput == null || targetScaling == null ? testInput : targetScaling.apply(testInput);
        Network network = new Network(spec, seed);
        int batches = (trainFit.rows() + batchSize - 1) / batchSize;
        OptimizerConfig config = optimizer.config(epochs, batches);
        Loss loss = lossOptions.loss(task, trainFit);
        TrainingSession session;
        try {
            session = new TrainingSession(network, batchSize, config, loss, null);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        session.setDropoutSeed(seed + 2);
        Trainer trainer = new Trainer(session, trainFit, batchSize, seed + 1);
        optimizer.applyDivergencePolicy(trainer);

        Map<String, String> runIdentity = new TreeMap<>();
        runIdentity.put("data.fingerprint", fingerprint(all));
        runIdentity.put("run.settings", settings());
        Map<String, float[]> arrays = new TreeMap<>();
        if (standardizer != null) {
            arrays.put("standardizer.mean", standardizer.mean());
            arrays.put("standardizer.std", standardizer.std());
        }
        if (targetScaling != null) {
            arrays.put("targets.mean", targetScaling.mean());
            arrays.put("targets.std", targetScaling.std());
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

        console.line("training %s on %s: %d rows (%d train, %d test), %d features, %s, %s, %s",
                spec, source.name(), all.rows(), train.rows(), test == null ? 0 : test.rows(), labeled.featureCount(),
                describeOutputs(task, labeled), loss, config);
        long start = System.nanoTime();
        TrainingHistory history = new TrainingLoop(console, trainer, testFit, epochs, checkpoint, runIdentity,
                arrays).run();
        double seconds = (System.nanoTime() - start) / 1e9;
        requireFinite(Trainer.evaluate(session, trainFit), "training");
        Network model = targetScaling == null ? network : targetScaling.fold(network);
        TaskReport trainReport = TaskReport.of(task, outputNames,
                ModelOutputs.compute(model, trainInput.features(), trainInput.rows(), OutputKind.defaultFor(task)), train);
        TaskReport testReport = testInput == null ? null : TaskReport.of(task, outputNames,
                ModelOutputs.compute(model, testInput.features(), testInput.rows(), OutputKind.defaultFor(task)), test);
        if (testFit != null) {
            requireFinite(Trainer.evaluate(session, testFit), "test");
        }

        ExportOptions.Builder export = ExportOptions.builder().output(kind).classLabels(outputNames)
                .featureNames(labeled.featureNames()).targetOpset(opset)
                .docString("Trained by edgetrain on " + source.shortName() + ": " + spec)
                .metadata(summary(source, all, train, test, task, config, loss, trainReport, testReport));
        if (standardizer != null) {
            export.standardizer(standardizer.mean(), standardizer.std());
        }
        try {
            OnnxExporter.write(model, export.build(), modelFile);
        } catch (IllegalArgumentException e) {
            throw new CliException("cannot export " + spec + ": " + e.getMessage());
        }
        console.line("wrote %s (%d bytes)%s", modelFile, modelFile.length(),
                testReport == null ? "" : ": test " + testReport.headline());

        double maxDiff = Double.NaN;
        int verifiedRows = 0;
        if (!noVerify) {
            maxDiff = test != null ? ExportCheck.againstOnnxRuntime(console, model, kind, modelFile, null, test, testInput, "test")
                    : ExportCheck.againstOnnxRuntime(console, model, kind, modelFile, null, train, trainInput, "training");
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
        doc.put("task", task.id());
        doc.put("loss", loss.toString());
        if (task == Task.CLASSIFY) {
            doc.put("train_accuracy", trainReport.score());
            doc.put("test_accuracy", testReport == null ? null : testReport.score());
        }
        doc.put("train_metrics", trainReport.toJson());
        doc.put("test_metrics", testReport == null ? null : testReport.toJson());
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
        architecture.widths();
    }

    /** {@code 10 classes}, {@code binary (no/yes)}, {@code 3 labels}, {@code 2 targets}. */
    static String describeOutputs(Task task, LabeledData data) {
        switch (task) {
            case CLASSIFY:
                return data.outputs() + " classes";
            case BINARY:
                return "binary (" + String.join("/", data.outputNames()) + ")";
            case MULTILABEL:
                return data.outputs() + " labels";
            default:
                return data.outputs() + (data.outputs() == 1 ? " target" : " targets");
        }
    }

    /** A network whose loss is not finite on some data has diverged, even if every training step looked finite. */
    static void requireFinite(Evaluation eval, String which) {
        if (eval != null && !Double.isFinite(eval.loss())) {
            throw new CliException("the trained network's loss on the " + which + " rows is " + eval.loss()
                    + ": training diverged (lower --lr, set --clip-norm, or use --on-divergence lower-lr); no model written");
        }
    }

    /** The output kind named {@code name} (null: the task's default), which must suit the task. */
    static OutputKind parseOutput(String name, Task task) {
        if (name == null) {
            return OutputKind.defaultFor(task);
        }
        List<String> allowed = new ArrayList<>();
        for (OutputKind k : OutputKind.values()) {
            if (k.suits(task)) {
                allowed.add(k.outputName());
                if (k.outputName().equalsIgnoreCase(name) || k.name().equalsIgnoreCase(name)) {
                    return k;
                }
            }
        }
        throw new CliException("--output for a " + task + " network must be one of " + allowed + ", got '" + name + "'");
    }

    /** What must not change between an interrupted run and its resumption (the optimizer is checked separately). */
    private String settings() {
        return "label=" + label + " " + architecture.settings() + " " + lossOptions.settings() + " batch="
                + batchSize + " seed=" + seed + " test=" + testFraction + " standardize=" + !noStandardize;
    }

    /** A checksum of the data (features, labels or targets, names), so a checkpoint is not resumed on other data. */
    static String fingerprint(Dataset data) {
        CRC32 crc = new CRC32();
        int outputs = data.hasLabels() ? data.labels().length : data.targets().length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (data.features().length + outputs));
        for (float v : data.features()) {
            b.putFloat(v);
        }
        if (data.hasLabels()) {
            for (int y : data.labels()) {
                b.putInt(y);
            }
        } else {
            for (float t : data.targets()) {
                b.putFloat(t);
            }
        }
        crc.update(b.array());
        String[] names = data.hasLabels() ? data.classNames() : data.targetNames();
        crc.update(String.join("\u0000", names == null ? new String[0] : names)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return data.rows() + "x" + data.featureCount() + ":" + Long.toHexString(crc.getValue());
    }

    /** The training summary stored in the model's metadata: deterministic, so a rerun gives the same bytes. */
    private Map<String, String> summary(DataSource source, Dataset all, Dataset train, Dataset test,
                                        Task task, OptimizerConfig config, Loss loss, TaskReport trainReport,
                                        TaskReport testReport) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("training.data", source.shortName());
        m.put("training.data_fingerprint", fingerprint(all));
        m.put("training.rows", train.rows() + " train, " + (test == null ? 0 : test.rows()) + " test");
        m.put("training.epochs", String.valueOf(epochs));
        m.put("training.batch_size", String.valueOf(batchSize));
        m.put("training.optimizer", config.toString());
        m.put("training.loss", loss.toString());
        m.put("training.seed", String.valueOf(seed));
        m.put("training.standardized", String.valueOf(!noStandardize));
        m.put("training.task", task.id());
        if (task == Task.CLASSIFY) {
            m.put("training.train_accuracy", String.format(Locale.ROOT, "%.4f", trainReport.score()));
            if (testReport != null) {
                m.put("training.test_accuracy", String.format(Locale.ROOT, "%.4f", testReport.score()));
            }
        } else {
            m.put("training.train_metrics", trainReport.headline());
            if (testReport != null) {
                m.put("training.test_metrics", testReport.headline());
            }
        }
        return m;
    }
}
