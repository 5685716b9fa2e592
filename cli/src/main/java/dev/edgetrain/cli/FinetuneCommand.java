package dev.edgetrain.cli;

import dev.edgetrain.cli.data.Reading;
import dev.edgetrain.cli.report.CurvePlot;
import dev.edgetrain.cli.report.TaskReport;
import dev.edgetrain.cli.report.TrainingHistory;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.data.Table;
import dev.edgetrain.data.UnknownLabelException;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgetrain finetune}: the on-device personalisation flow on any importable model: import, train on the
 * user's rows (all layers or only the output layer; optionally a new output layer for the data's own classes or
 * targets), export, check against onnxruntime.
 */
@Command(name = "finetune", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Fine-tune an ONNX model on labelled CSV data and export it, checked against onnxruntime.",
                "The model may come from edgetrain, PyTorch, Keras or TensorFlow. --new-head replaces the output",
                "layer with one for the data's own classes (or targets), keeping the hidden layers."})
final class FinetuneCommand implements Callable<Integer> {
    @Mixin
    ModelInput modelInput;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv",
            description = "Labelled data: a CSV file or a shipped set.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "OUT.onnx",
            description = "Where to write the fine-tuned model.")
    File out;

    @Option(names = "--label", paramLabel = "COLUMN[,COLUMN...]",
            description = "Label column(s): name or 1-based index (default: by the model's names, or the last).")
    String label;

    @Option(names = "--train-only-last-layer", description = "Freeze every layer but the output layer.")
    boolean onlyLastLayer;

    @Option(names = "--new-head",
            description = "Replace the output layer with a fresh one for the data's classes (or target columns).")
    boolean newHead;

    @Option(names = "--task", paramLabel = "TASK",
            description = "With --new-head: the new head's task, classify, binary, multilabel or regress "
                    + "(default: the model's).")
    String task;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 32;

    @Mixin
    OptimizerOptions optimizer;

    @Mixin
    LossOptions lossOptions;

    @Mixin
    PrivacyOptions privacy;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of split, shuffling, dropout and a new head's weights (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "Fraction held out to measure before and after; 0 = none (default: ${DEFAULT-VALUE}).")
    double testFraction = 0.2;

    @Option(names = "--no-standardize",
            description = "Train on raw features. By default the model is re-expressed on standardised inputs for "
                    + "training (the same function) and folded back on export.")
    boolean noStandardize;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Save a checkpoint after every epoch.")
    File checkpoint;

    @Option(names = "--resume", description = "Continue from --checkpoint; ends as if never interrupted.")
    boolean resume;

    @Option(names = "--plot", paramLabel = "CURVE.png", description = "Write the training curve as a PNG.")
    File plot;

    @Option(names = "--no-verify", description = "Skip the onnxruntime check of the exported model.")
    boolean noVerify;

    @Option(names = "--delimiter", paramLabel = "C",
            description = "The CSV's delimiter: , ; | or tab (default: tab for .tsv files, else comma).")
    String delimiter;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        if (epochs < 1 || batchSize < 1 || !(testFraction >= 0 && testFraction < 1)) {
            throw new CliException("need --epochs >= 1, --batch-size >= 1 and --test-fraction in [0, 1)");
        }
        if (resume && checkpoint == null) {
            throw new CliException("--resume needs --checkpoint FILE");
        }
        privacy.check(resume, false, optimizer.onDivergence);
        if (task != null && !newHead) {
            throw new CliException("--task chooses the task of a --new-head; a model keeps its own task ("
                    + "use --new-head --task TASK to change it)");
        }
        CliException.requireWritableLocation(out, "--out");
        CliException.requireWritableLocation(plot, "--plot");
        CliException.requireWritableLocation(checkpoint, "--checkpoint");
        ModelFile m = modelInput.read();
        File model = modelInput.model;
        Network imported = m.model.network();
        DataSource source = DataSource.resolve(data);
        Reading reading = new Reading(source, delimiter, console);

        Task headTask = m.task();
        Table labeled;
        String[] outputNames;
        Network start;
        if (newHead) {
            headTask = task == null ? m.task() : parseTask(task);
            labeled = reading.table(ReadOptions.forTraining(headTask, true, label));
            if (labeled.featureCount() != m.model.featureCount()) {
                throw new CliException(source.name() + ": " + labeled.featureCount() + " feature columns, the model "
                        + "expects " + m.model.featureCount());
            }
            outputNames = labeled.outputNames();
            try {
                start = imported.withNewHead(labeled.outputs(), headTask, seed);
            } catch (IllegalArgumentException e) {
                throw new CliException("--new-head: " + e.getMessage());
            }
        } else {
            try {
                labeled = m.rows(reading, label, true);
            } catch (UnknownLabelException e) {
                throw new CliException(e.getMessage() + "; to train the model on classes of its own, use --new-head",
                        e);
            }
            outputNames = m.outputNames();
            start = imported;
        }
        NetworkSpec spec = start.spec();
        Dataset all = labeled.toDataset(headTask == Task.BINARY ? 2 : spec.outputs());
        Dataset train = all;
        Dataset test = null;
        if (testFraction > 0) {
            Dataset[] split = all.split(testFraction, seed);
            train = split[0];
            test = split[1];
        }
        Standardizer standardizer = noStandardize ? null : Standardizer.fit(train);
        Network network = standardizer == null ? start.copy() : onStandardizedInputs(start, standardizer);
        Dataset trainInput = standardizer == null ? train : standardizer.apply(train);
        Dataset testInput = test == null ? null : standardizer == null ? test : standardizer.apply(test);

        int batches = (trainInput.rows() + batchSize - 1) / batchSize;
        OptimizerConfig config = optimizer.config(epochs, batches);
        Loss loss = lossOptions.loss(headTask, trainInput);
        TrainingSession session;
        try {
            session = new TrainingSession(network, privacy.maxBatch(batchSize, trainInput.rows()), config, loss,
                    null);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        session.setDropoutSeed(seed + 2);
        if (onlyLastLayer) {
            session.trainOnlyLastLayer();
        }
        TaskReport before = test == null || newHead ? null : report(headTask, outputNames, network, testInput, test);
        console.line("fine-tuning %s (%s, from %s) on %s: %d train rows, %s%s, %s, %s", model, spec,
                m.model.producerName(), source.name(), train.rows(), onlyLastLayer ? "output layer only" : "all layers",
                newHead ? ", new head (" + TrainCommand.describeOutputs(headTask, labeled.outputs(),
                        labeled.outputNames()) + ")" : "",
                loss, config);
        if (before != null) {
            console.line("before: test %s", before.headline());
        }
        Trainer trainer = new Trainer(session, trainInput, batchSize, seed + 1);
        optimizer.applyDivergencePolicy(trainer);
        PrivacyOptions.Plan dp = privacy.apply(trainer, trainInput, batchSize, epochs,
                PrivacyOptions.notCovered(standardizer != null, false, lossOptions), console);
        Map<String, String> runIdentity = new TreeMap<>();
        runIdentity.put("data.fingerprint", labeled.rows() + "x" + labeled.featureCount() + ":" + reading.checksum());
        runIdentity.put("model.sha256", sha256(m.bytes));
        runIdentity.put("run.settings", settings());
        TrainingLoop loop = new TrainingLoop(console, trainer, null, testInput, epochs, 0, checkpoint, runIdentity,
                null);
        if (dp != null) {
            loop.epochNote(epoch -> dp.epochNote());
        }
        if (resume) {
            loop.resume();
        }
        TrainingHistory history = loop.run();
        TrainCommand.requireFinite(Trainer.evaluate(session, trainInput), "training");
        if (testInput != null) {
            TrainCommand.requireFinite(Trainer.evaluate(session, testInput), "test");
        }
        TaskReport after = test == null ? null : report(headTask, outputNames, network, testInput, test);

        OutputKind kind = m.model.outputKind().suits(headTask) ? m.model.outputKind() : OutputKind.defaultFor(headTask);
        ExportOptions.Builder export = m.model.exportOptions().output(kind).classLabels(outputNames)
                .featureNames(labeled.featureNames())
                .docString("Fine-tuned by edgetrain from " + model.getName() + " on " + source.shortName());
        export.metadata("finetune.base_model", model.getName());
        export.metadata("finetune.base_producer", m.model.producerName());
        export.metadata("finetune.data", source.shortName());
        export.metadata("finetune.epochs", String.valueOf(epochs));
        export.metadata("finetune.layers", onlyLastLayer ? "output" : "all");
        export.metadata("finetune.new_head", String.valueOf(newHead));
        export.metadata("finetune.loss", loss.toString());
        export.metadata("finetune.optimizer", config.toString());
        if (before != null) {
            export.metadata("finetune.test_before", before.headline());
        }
        if (after != null) {
            export.metadata("finetune.test_after", after.headline());
        }
        if (standardizer != null) {
            export.standardizer(standardizer.mean(), standardizer.std());
        }
        if (dp != null) {
            export.metadata(dp.metadata());
        }
        ExportOptions options = export.build();
        try {
            OnnxExporter.write(network, options, out);
        } catch (IllegalArgumentException e) {
            throw new CliException("cannot export " + spec + ": " + e.getMessage());
        }
        console.result("wrote %s (%d bytes)%s", out, out.length(), after == null ? ""
                : before == null ? ": test " + after.headline()
                : ": test " + before.headline() + " -> " + after.headline());

        double maxDiff = Double.NaN;
        if (!noVerify) {
            long[] shape = options.inputShape();
            maxDiff = test != null
                    ? ExportCheck.againstOnnxRuntime(console, network, kind, out, shape, test, testInput, "test")
                    : ExportCheck.againstOnnxRuntime(console, network, kind, out, shape, train, trainInput, "training");
        }
        if (plot != null) {
            CurvePlot.write(plot, history, "edgetrain fine-tuning " + spec + " on " + source.shortName());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", out.getPath());
        doc.put("base_model", model.getPath());
        doc.put("network", spec.toString());
        doc.put("task", headTask.id());
        doc.put("new_head", newHead);
        doc.put("epochs", history.toJson());
        if (headTask == Task.CLASSIFY) {
            doc.put("test_accuracy_before", before == null ? null : before.score());
            doc.put("test_accuracy_after", after == null ? null : after.score());
        }
        doc.put("test_metrics_before", before == null ? null : before.toJson());
        doc.put("test_metrics_after", after == null ? null : after.toJson());
        if (dp != null) {
            doc.put("privacy", dp.toJson());
        }
        doc.put("onnxruntime_max_abs_difference", Double.isNaN(maxDiff) ? null : maxDiff);
        console.document(doc);
        return !noVerify && !(maxDiff <= VerifyCommand.TOLERANCE) ? Edgetrain.EXIT_CHECK_FAILED : Edgetrain.EXIT_OK;
    }

    /** What must not change between an interrupted run and its resumption (the optimizer is checked separately). */
    private String settings() {
        return "label=" + label + " last-layer-only=" + onlyLastLayer + " new-head=" + newHead + " task=" + task + " "
                + lossOptions.settings() + " batch=" + batchSize + " seed=" + seed + " test=" + testFraction
                + " standardize=" + !noStandardize + " output-tensor=" + modelInput.outputTensor;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static Task parseTask(String name) {
        try {
            return Task.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException("--task: " + e.getMessage());
        }
    }

    /**
     * The task's metrics of {@code network} on {@code input} (the rows as it takes them), scored against {@code data}.
     */
    private static TaskReport report(Task task, String[] names, Network network, Dataset input, Dataset data) {
        return TaskReport.of(task, names, ModelOutputs.compute(network, input.features(), input.rows(),
                OutputKind.defaultFor(task)), data);
    }

    /** {@code network} re-expressed on standardised inputs: {@link Standardizer#onStandardizedInputs}. */
    static Network onStandardizedInputs(Network network, Standardizer s) {
        return s.onStandardizedInputs(network);
    }
}
