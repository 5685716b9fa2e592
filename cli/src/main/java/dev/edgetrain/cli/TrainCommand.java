package dev.edgetrain.cli;

import dev.edgetrain.cli.data.MemoryPlan;
import dev.edgetrain.cli.data.Reading;
import dev.edgetrain.cli.data.TrainingInput;
import dev.edgetrain.cli.report.CurvePlot;
import dev.edgetrain.cli.report.TaskReport;
import dev.edgetrain.cli.report.TrainingHistory;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.CommandLines;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.cli.support.Numbers;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.EarlyStopping;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.TargetScaling;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
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
            description = "Training data: a CSV file, or a shipped set: digits, iris, wine, breast_cancer (default: "
                    + "digits).")
    String data;

    @Option(names = "--out", paramLabel = "MODEL.onnx",
            description = "Where to write the model (default: <data>.onnx).")
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

    @Mixin
    PrivacyOptions privacy;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of initialisation, split and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--validation-fraction", paramLabel = "F",
            description = "Fraction of the training rows held out for validation, reported per epoch (default: 0).")
    double validationFraction;

    @Option(names = "--patience", paramLabel = "N",
            description = "Stop after N epochs without a better validation loss and keep the best epoch's weights "
                    + "(needs --validation-fraction; default: 0, train every epoch).")
    int patience;

    @Option(names = "--delimiter", paramLabel = "C",
            description = "The CSV's delimiter: , ; | or tab (default: tab for .tsv files, else comma).")
    String delimiter;

    @Option(names = "--stream",
            description = "Stream the rows from a binary cache on disk instead of holding them in memory (chosen "
                    + "by itself when the data would not fit the heap).")
    boolean stream;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where a streamed run's row cache goes (default: the system's temporary directory).")
    File cacheDir;

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
        boolean scaleTargets = task == Task.REGRESS && !noStandardize
                && TargetScaling.applies(architecture.spec(1, 1));
        Reading reading = new Reading(source, delimiter, console);
        ReadOptions options = ReadOptions.forTraining(task, architecture.taskGiven(), label);
        TrainingInput.Plan plan = new TrainingInput.Plan(testFraction, validationFraction, seed, !noStandardize,
                scaleTargets);
        boolean streamed = stream || MemoryPlan.tooBigForHeap(source, console);
        try (TrainingInput input = streamed ? TrainingInput.streamed(reading, options, plan, cacheDir(), console)
                : TrainingInput.inMemory(reading, options, plan, MemoryPlan.exactArrays(source))) {
            return train(console, source, modelFile, input);
        }
    }

    private Integer train(Console console, DataSource source, File modelFile, TrainingInput input) throws Exception {
        Task task = input.task();
        String[] outputNames = input.outputNames();
        Standardizer standardizer = input.standardizer();
        TargetScaling targetScaling = input.targetScaling();
        NetworkSpec spec = architecture.spec(input.featureCount(), input.outputs());
        OutputKind kind = parseOutput(output, task);
        CommandLines.working("building the network " + spec);
        Network network = new Network(spec, seed);
        int batches = (input.trainRows() + batchSize - 1) / batchSize;
        OptimizerConfig config = optimizer.config(epochs, batches);
        Loss loss = lossOptions.loss(task, input.train());
        TrainingSession session;
        try {
            session = new TrainingSession(network, privacy.maxBatch(batchSize, input.trainRows()), config, loss,
                    null);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        session.setDropoutSeed(seed + 2);
        Trainer trainer = new Trainer(session, input.train(), batchSize, seed + 1);
        optimizer.applyDivergencePolicy(trainer);
        PrivacyOptions.Plan dp = privacy.apply(trainer, input.train(), batchSize, epochs,
                PrivacyOptions.notCovered(standardizer != null, targetScaling != null, lossOptions), console);

        Map<String, String> runIdentity = new TreeMap<>();
        runIdentity.put("data.fingerprint", input.fingerprint());
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
        TrainingLoop loop = new TrainingLoop(console, trainer, input.validation(), input.test(), epochs, patience,
                checkpoint, runIdentity, arrays);
        if (input.streamed()) {
            loop.streamingFrom(input.cache());
        }
        if (dp != null) {
            loop.epochNote(epoch -> dp.epochNote());
        }
        if (resume) {
            loop.resume();
        }

        console.line("training %s on %s: %d rows (%d train%s, %d test), %d features, %s, %s, %s",
                spec, source.name(), input.rows(), input.trainRows(),
                input.validation() == null ? "" : ", " + input.validationRows() + " validation", input.testRows(),
                input.featureCount(), describeOutputs(task, input.outputs(), outputNames), loss, config);
        long start = System.nanoTime();
        CommandLines.working(String.format(Locale.ROOT, "training %s (%,d parameters, batch %d) on %,d rows x %d "
                + "features (%.0f MB as floats%s)", spec, network.parameterCount(), batchSize, input.rows(),
                input.featureCount(), input.rows() * (double) input.featureCount() * 4 / 1e6,
                input.streamed() ? ", streamed from disk" : ", in memory"));
        TrainingHistory history = loop.run();
        CommandLines.working(null);
        double seconds = (System.nanoTime() - start) / 1e9;
        EarlyStopping stopping = loop.stopping();
        if (stopping != null && stopping.hasBest() && stopping.bestEpoch() != trainer.epochsDone()) {
            stopping.restoreBest();
            console.line("restored the weights of epoch %d, the best on the validation rows (loss %s)",
                    stopping.bestEpoch(), Numbers.compact(stopping.bestLoss()));
        }
        requireFinite(Trainer.evaluate(session, input.train()), "training");
        Network model = targetScaling == null ? network : targetScaling.fold(network);
        TaskReport trainReport = ModelOutputs.report(task, outputNames, model, input.reportRows(0));
        TaskReport validationReport = input.validation() == null ? null
                : ModelOutputs.report(task, outputNames, model, input.reportRows(1));
        TaskReport testReport = input.test() == null ? null
                : ModelOutputs.report(task, outputNames, model, input.reportRows(2));
        if (input.test() != null) {
            requireFinite(Trainer.evaluate(session, input.test()), "test");
        }

        ExportOptions.Builder export = ExportOptions.builder().output(kind).classLabels(outputNames)
                .featureNames(input.featureNames()).targetOpset(opset)
                .docString("Trained by edgetrain on " + source.shortName() + ": " + spec)
                .metadata(summary(source, input, task, config, loss, trainReport, testReport))
                .metadata(validationSummary(input, stopping, validationReport, history));
        if (standardizer != null) {
            export.standardizer(standardizer.mean(), standardizer.std());
        }
        if (dp != null) {
            export.metadata(dp.metadata());
        }
        try {
            OnnxExporter.write(model, export.build(), modelFile);
        } catch (IllegalArgumentException e) {
            throw new CliException("cannot export " + spec + ": " + e.getMessage());
        }
        console.result("wrote %s (%d bytes)%s", modelFile, modelFile.length(),
                testReport == null ? "" : ": test " + testReport.headline());

        double maxDiff = Double.NaN;
        int verifiedRows = 0;
        if (!noVerify) {
            maxDiff = ExportCheck.againstOnnxRuntime(console, model, kind, modelFile, null, input.checkRaw(),
                    input.checkInput(), input.checkWhich());
            verifiedRows = input.checkRaw().rows();
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
        doc.put("streamed", input.streamed());
        if (dp != null) {
            doc.put("privacy", dp.toJson());
        }
        doc.put("train_metrics", trainReport.toJson());
        doc.put("validation_metrics", validationReport == null ? null : validationReport.toJson());
        doc.put("best_epoch", stopping == null || !stopping.hasBest() ? null : stopping.bestEpoch());
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
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new CliException("--validation-fraction must be in [0, 1), got " + validationFraction);
        }
        if (patience < 0) {
            throw new CliException("--patience must be >= 0 epochs, got " + patience);
        }
        if (patience > 0 && validationFraction == 0) {
            throw new CliException("--patience stops on the validation loss: give --validation-fraction F too");
        }
        architecture.widths();
        privacy.check(resume, stream, optimizer.onDivergence);
    }

    /** Where a streamed run's row cache goes: {@code --cache-dir}, else the system's temporary directory. */
    private File cacheDir() {
        File dir = cacheDir != null ? cacheDir : new File(System.getProperty("java.io.tmpdir"));
        if (!dir.isDirectory()) {
            throw new CliException("--cache-dir " + dir + ": not a directory");
        }
        CliException.requireWritableLocation(new File(dir, "edgetrain-rows.cache"), "--cache-dir");
        return dir;
    }

    /** {@code 10 classes}, {@code binary (no/yes)}, {@code 3 labels}, {@code 2 targets}. */
    static String describeOutputs(Task task, int outputs, String[] names) {
        switch (task) {
            case CLASSIFY:
                return outputs + " classes";
            case BINARY:
                return "binary (" + String.join("/", names) + ")";
            case MULTILABEL:
                return outputs + " labels";
            default:
                return outputs + (outputs == 1 ? " target" : " targets");
        }
    }

    /** A network whose loss is not finite on some data has diverged, even if every training step looked finite. */
    static void requireFinite(Evaluation eval, String which) {
        if (eval != null && !Double.isFinite(eval.loss())) {
            throw CliException.diverged("training diverged: the trained network's loss on the " + which + " rows is "
                    + eval.loss() + "; no model written (" + TrainingLoop.DIVERGENCE_ADVICE + ")", null);
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
        throw new CliException("--output for a " + task + " network must be one of " + allowed + ", got '" + name
                + "'");
    }

    /** What must not change between an interrupted run and its resumption (the optimizer is checked separately). */
    private String settings() {
        return "label=" + label + " " + architecture.settings() + " " + lossOptions.settings() + " batch="
                + batchSize + " seed=" + seed + " test=" + testFraction + " validation=" + validationFraction
                + " patience=" + patience + " standardize=" + !noStandardize;
    }

    /** The training summary stored in the model's metadata: deterministic, so a rerun gives the same bytes. */
    private Map<String, String> summary(DataSource source, TrainingInput input, Task task, OptimizerConfig config,
                                        Loss loss, TaskReport trainReport, TaskReport testReport) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("training.data", source.shortName());
        m.put("training.data_fingerprint", input.fingerprint());
        m.put("training.rows", input.trainRows() + " train, "
                + (input.validation() == null ? "" : input.validationRows() + " validation, ") + input.testRows()
                + " test");
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

    /** The validation split and early stopping, in the model's metadata (nothing without a validation split). */
    private Map<String, String> validationSummary(TrainingInput input, EarlyStopping stopping, TaskReport report,
                                                  TrainingHistory history) {
        Map<String, String> m = new LinkedHashMap<>();
        if (input.validation() == null) {
            return m;
        }
        m.put("training.validation_fraction", String.valueOf(validationFraction));
        m.put("training.validation_metrics", report.headline());
        List<TrainingHistory.Epoch> epochs = history.epochs();
        if (!epochs.isEmpty()) {
            m.put("training.validation_loss", String.format(Locale.ROOT, "%.6f",
                    epochs.get(epochs.size() - 1).validationLoss));
        }
        if (stopping != null) {
            m.put("training.patience", String.valueOf(patience));
            m.put("training.epochs_run", String.valueOf(epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch));
            if (stopping.hasBest()) {
                m.put("training.best_epoch", String.valueOf(stopping.bestEpoch()));
                m.put("training.best_validation_loss", String.format(Locale.ROOT, "%.6f", stopping.bestLoss()));
            }
        }
        return m;
    }
}
