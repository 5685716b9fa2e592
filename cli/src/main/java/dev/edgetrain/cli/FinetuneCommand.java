package dev.edgetrain.cli;

import dev.edgetrain.cli.data.CsvTable;
import dev.edgetrain.cli.data.DataSource;
import dev.edgetrain.cli.data.LabeledData;
import dev.edgetrain.cli.report.Console;
import dev.edgetrain.cli.report.CurvePlot;
import dev.edgetrain.cli.report.TrainingHistory;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.ModelMetadata;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgetrain finetune}: the on-device personalisation flow on any importable model: import, train
 * on the user's rows (all layers or only the output layer), export, check against onnxruntime.
 */
@Command(name = "finetune", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Fine-tune an ONNX model (made by edgetrain, PyTorch, Keras or TensorFlow) on labelled",
                "CSV data and export the result as ONNX, checked against onnxruntime."})
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "IN.onnx", description = "The model to start from.")
    File model;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "Labelled data: a CSV file or a shipped set.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "OUT.onnx", description = "Where to write the fine-tuned model.")
    File out;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column: name or 1-based index.")
    String label;

    @Option(names = "--train-only-last-layer", description = "Freeze every layer but the output layer.")
    boolean onlyLastLayer;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 32;

    @Mixin
    OptimizerOptions optimizer;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of split and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "Fraction held out to measure before and after; 0 = none (default: ${DEFAULT-VALUE}).")
    double testFraction = 0.2;

    @Option(names = "--no-standardize",
            description = "Train on raw features. By default the model is re-expressed on standardised inputs for "
                    + "training (the same function) and folded back on export.")
    boolean noStandardize;

    @Option(names = "--plot", paramLabel = "CURVE.png", description = "Write the training curve as a PNG.")
    File plot;

    @Option(names = "--no-verify", description = "Skip the onnxruntime check of the exported model.")
    boolean noVerify;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        if (epochs < 1 || batchSize < 1 || !(testFraction >= 0 && testFraction < 1)) {
            throw new CliException("need --epochs >= 1, --batch-size >= 1 and --test-fraction in [0, 1)");
        }
        CliException.requireWritableLocation(out, "--out");
        CliException.requireWritableLocation(plot, "--plot");
        ModelFile m = ModelFile.read(model);
        Network imported = m.model.network();
        NetworkSpec spec = imported.spec();
        DataSource source = DataSource.resolve(data);
        LabeledData labeled = LabeledData.forModel(CsvTable.read(source), m.model.featureCount(),
                m.model.featureNames(), m.model.classLabels(), spec.classes(), label, true);
        String[] classes = m.classNames();
        Dataset all = new Dataset(labeled.features(), labeled.labels(), labeled.featureCount(), spec.classes(),
                classes, labeled.featureNames());
        Dataset train = all;
        Dataset test = null;
        if (testFraction > 0) {
            Dataset[] split = all.split(testFraction, seed);
            train = split[0];
            test = split[1];
        }
        Standardizer standardizer = noStandardize ? null : Standardizer.fit(train);
        Network network = standardizer == null ? imported.copy() : onStandardizedInputs(imported, standardizer);
        Dataset trainInput = standardizer == null ? train : standardizer.apply(train);
        Dataset testInput = test == null ? null : standardizer == null ? test : standardizer.apply(test);

        int batches = (trainInput.rows() + batchSize - 1) / batchSize;
        OptimizerConfig config = optimizer.config(epochs, batches);
        TrainingSession session = new TrainingSession(network, batchSize, config);
        if (onlyLastLayer) {
            session.trainOnlyLastLayer();
        }
        Evaluation before = testInput == null ? null : Trainer.evaluate(session, testInput);
        console.line("fine-tuning %s (%s, from %s) on %s: %d train rows, %s, %s", model, spec,
                m.model.producerName(), source.name(), train.rows(), onlyLastLayer ? "output layer only" : "all layers",
                config);
        if (before != null) {
            console.line("before: test accuracy %.2f%%", 100 * before.accuracy());
        }
        Trainer trainer = new Trainer(session, trainInput, batchSize, seed + 1);
        optimizer.applyDivergencePolicy(trainer);
        TrainingHistory history = new TrainingLoop(console, trainer, testInput, epochs, null, null, null).run();
        Evaluation after = testInput == null ? null : Trainer.evaluate(session, testInput);
        TrainCommand.requireFinite(Trainer.evaluate(session, trainInput), "training");
        TrainCommand.requireFinite(after, "test");

        OutputKind kind = m.model.outputKind();
        ExportOptions.Builder export = ExportOptions.builder().output(kind).classLabels(m.model.classLabels())
                .featureNames(labeled.featureNames())
                .docString("Fine-tuned by edgetrain from " + model.getName() + " on " + source.shortName());
        for (Map.Entry<String, String> e : m.model.metadata().entrySet()) {
            if (!ModelMetadata.isReserved(e.getKey())) {
                export.metadata(e.getKey(), e.getValue());
            }
        }
        export.metadata("finetune.base_model", model.getName());
        export.metadata("finetune.base_producer", m.model.producerName());
        export.metadata("finetune.data", source.shortName());
        export.metadata("finetune.epochs", String.valueOf(epochs));
        export.metadata("finetune.layers", onlyLastLayer ? "output" : "all");
        export.metadata("finetune.optimizer", config.toString());
        if (after != null) {
            export.metadata("finetune.test_accuracy_before", String.format(Locale.ROOT, "%.4f", before.accuracy()));
            export.metadata("finetune.test_accuracy_after", String.format(Locale.ROOT, "%.4f", after.accuracy()));
        }
        if (standardizer != null) {
            export.standardizer(standardizer.mean(), standardizer.std());
        }
        OnnxExporter.write(network, export.build(), out);
        console.line("wrote %s (%d bytes)%s", out, out.length(), after == null ? ""
                : String.format(Locale.ROOT, ": test accuracy %.2f%% -> %.2f%%", 100 * before.accuracy(),
                100 * after.accuracy()));

        double maxDiff = Double.NaN;
        if (!noVerify) {
            maxDiff = test != null ? ExportCheck.againstOnnxRuntime(console, network, kind, out, test, testInput, "test")
                    : ExportCheck.againstOnnxRuntime(console, network, kind, out, train, trainInput, "training");
        }
        if (plot != null) {
            CurvePlot.write(plot, history, "edgetrain fine-tuning " + spec + " on " + source.shortName());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", out.getPath());
        doc.put("base_model", model.getPath());
        doc.put("network", spec.toString());
        doc.put("epochs", history.toJson());
        doc.put("test_accuracy_before", before == null ? null : before.accuracy());
        doc.put("test_accuracy_after", after == null ? null : after.accuracy());
        doc.put("onnxruntime_max_abs_difference", Double.isNaN(maxDiff) ? null : maxDiff);
        console.document(doc);
        return !noVerify && !(maxDiff <= VerifyCommand.TOLERANCE) ? Edgetrain.EXIT_CHECK_FAILED : Edgetrain.EXIT_OK;
    }

    /**
     * The same function re-expressed on standardised inputs {@code z = (x − μ) / σ}: with {@code x = σz + μ},
     * {@code W·x + b = (W·diag σ)·z + (W·μ + b)}. Training then sees well-scaled inputs; the exporter folds
     * {@code (μ, σ)} back in. The first layer gets a bias if it had none (to hold {@code W·μ}).
     */
    static Network onStandardizedInputs(Network network, Standardizer s) {
        NetworkSpec spec = network.spec();
        boolean[] bias = new boolean[spec.layerCount()];
        for (int l = 0; l < bias.length; l++) {
            bias[l] = spec.hasBias(l);
        }
        bias[0] = true;
        NetworkSpec unfolded = spec.withLayerBias(bias);
        ParameterLayout from = network.layout();
        Network result = new Network(unfolded, 0);
        ParameterLayout to = result.layout();
        float[] src = network.copyParameters();
        float[] dst = result.copyParameters();
        float[] mean = s.mean();
        float[] std = s.std();
        int in = spec.layerInputs(0);
        int outDim = spec.layerOutputs(0);
        for (int o = 0; o < outDim; o++) {
            double shift = from.biasOffset(0) >= 0 ? src[from.biasOffset(0) + o] : 0;
            for (int i = 0; i < in; i++) {
                float w = src[from.weightOffset(0) + o * in + i];
                dst[to.weightOffset(0) + o * in + i] = w * std[i];
                shift += (double) w * mean[i];
            }
            dst[to.biasOffset(0) + o] = (float) shift;
        }
        for (int l = 1; l < spec.layerCount(); l++) {
            System.arraycopy(src, from.layerStart(l), dst, to.layerStart(l), from.layerEnd(l) - from.layerStart(l));
        }
        result.setParameters(dst);
        return result;
    }
}
