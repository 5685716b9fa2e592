package dev.edgetrain.cli.wakeword;

import dev.edgetrain.cli.ModelInput;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.transfer.FeatureCache;
import dev.edgetrain.transfer.wakeword.ClipEmbeddings;
import dev.edgetrain.transfer.wakeword.DetectionReport;
import dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures;
import dev.edgetrain.transfer.wakeword.WakeWordHead;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgetrain wakeword evaluate}: false rejects and false accepts per hour of any binary head (ours or
 * openWakeWord's) on held-out audio, through the same streaming pipeline and detection rule as {@code train}'s report.
 */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"False rejects on clips of the phrase and false accepts per hour of recordings without it, for "
                + "a wake-word head (ours or openWakeWord's)."})
public final class WakewordEvaluateCommand implements Callable<Integer> {
    /** The {@code wakeword evaluate} command, its options set by picocli. */
    public WakewordEvaluateCommand() {
    }

    @Mixin
    ModelInput headFile;

    @Mixin
    Backbone backbone;

    @Option(names = "--positives", paramLabel = "DIR", description = "Clips of the phrase.")
    File positives;

    @Option(names = "--negatives", paramLabel = "DIR", description = "Recordings without it (any length).")
    File negatives;

    @Mixin
    DetectionRule rule;

    @Option(names = "--cache", paramLabel = "FILE",
            description = "Chunk embeddings, reused across runs and heads (default: "
                    + "~/.cache/edgetrain/wakeword-features.bin.chunks).")
    File cache;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the stream's initial noise (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        if (positives == null && negatives == null) {
            throw new CliException("nothing to evaluate on: give --positives DIR, --negatives DIR or both");
        }
        rule.check();
        if (!headFile.model.isFile()) {
            throw new CliException("--model " + headFile.model + ": no such file");
        }
        List<File> pos = AudioFolder.wavFiles(positives, "--positives");
        List<File> neg = AudioFolder.wavFiles(negatives, "--negatives");
        File cacheFile = cache != null ? cache : new File(Backbone.DEFAULT_CACHE.getPath() + ".chunks");
        CliException.requireWritableLocation(cacheFile, "--cache");
        WakeWordHead head = WakeWordHead.read(headFile.model, headFile.outputTensor);
        DetectionReport report;
        try (OpenWakeWordFeatures features = backbone.open();
             FeatureCache chunks = backbone.chunkCache(cacheFile)) {
            report = DetectionReport.measure(new ClipEmbeddings(features, chunks, seed), head, pos, neg,
                    rule.threshold, rule.consecutive);
        }
        console.result("%s: %s", headFile.model.getName(), report);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", headFile.model.getPath());
        json.put("threshold", rule.threshold);
        json.put("consecutive", rule.consecutive);
        json.put("positives", report.positives);
        json.put("falseRejects", report.falseRejects);
        json.put("falseRejectRate", report.falseRejectRate());
        json.put("negativeMinutes", report.negativeSeconds / 60);
        json.put("falseAccepts", report.falseAccepts);
        json.put("falseAcceptsPerHour", report.falseAcceptsPerHour());
        List<Float> maxima = new ArrayList<>();
        for (float m : report.positiveMaxScores()) {
            maxima.add(m);
        }
        json.put("positiveMaxScores", maxima);
        console.document(json);
        return 0;
    }
}
