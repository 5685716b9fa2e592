package dev.edgetrain.cli.wakeword;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.Numbers;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.train.TrainingListener;
import dev.edgetrain.transfer.FeatureCache;
import dev.edgetrain.transfer.wakeword.ClipEmbeddings;
import dev.edgetrain.transfer.wakeword.DetectionReport;
import dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures;
import dev.edgetrain.transfer.wakeword.WakeWordExports;
import dev.edgetrain.transfer.wakeword.WakeWordHead;
import dev.edgetrain.transfer.wakeword.WakeWordTrainer;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgetrain wakeword train}: featurise the clips through openWakeWord's frozen backbone (cached), train a head,
 * export it (alone, as a drop-in for openWakeWord's heads, and optionally merged with the backbone), check both
 * exports with onnxruntime, and measure false rejects and false accepts per hour on held-out audio.
 */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Train a wake-word head on openWakeWord's frozen backbone from 16 kHz mono WAV clips, export it "
                + "as ONNX and check it with onnxruntime."})
public final class WakewordTrainCommand implements Callable<Integer> {
    /** The {@code wakeword train} command, its options set by picocli. */
    public WakewordTrainCommand() {
    }

    @Option(names = "--positives", required = true, paramLabel = "DIR", description = "Clips of the wake phrase.")
    File positives;

    @Option(names = "--negatives", required = true, paramLabel = "DIR",
            description = "Clips without it: other words, near misses, speech, noise.")
    File negatives;

    @Option(names = "--negative-recordings", paramLabel = "DIR",
            description = "Long recordings without the phrase (running speech, any length): a window every 0.24 s.")
    File negativeRecordings;

    @Option(names = "--noise", paramLabel = "DIR", description = "Background noise mixed into the training clips.")
    File noise;

    @Mixin
    Backbone backbone;

    @Option(names = "--out", required = true, paramLabel = "HEAD.onnx",
            description = "The head: a drop-in replacement for openWakeWord's heads ([1,16,96] -> [1,1]).")
    File out;

    @Option(names = "--merged-out", paramLabel = "MODEL.onnx",
            description = "Also write one file from 16 mel windows [16,76,32,1] to the score: the backbone, then the "
                    + "head.")
    File mergedOut;

    @Option(names = "--heldout-positives", paramLabel = "DIR",
            description = "Held-out clips of the phrase, for the false-reject rate.")
    File heldoutPositives;

    @Option(names = "--heldout-negatives", paramLabel = "DIR",
            description = "Held-out recordings without it (any length), for false accepts per hour.")
    File heldoutNegatives;

    @Option(names = "--finetune", paramLabel = "HEAD.onnx",
            description = "Start from this head (e.g. one of openWakeWord's) instead of a fresh one: personalise it.")
    File finetune;

    @Option(names = "--output-tensor", paramLabel = "NAME",
            description = "With --finetune: read the head only up to this tensor (hey_jarvis: p1.1).")
    String outputTensor;

    @Mixin
    DetectionRule rule;

    @Option(names = "--cache", paramLabel = "FILE",
            description = "The feature cache, reused across runs (default: ~/.cache/edgetrain/wakeword-features.bin).")
    File cache;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = new WakeWordTrainer.Options().epochs;

    @Option(names = "--augmentations", paramLabel = "N",
            description = "Windows per positive clip: the clip and N-1 augmented copies (default: ${DEFAULT-VALUE}).")
    int augmentations = new WakeWordTrainer.Options().positiveVariants;

    @Option(names = "--hidden", split = ",", paramLabel = "W[,W...]",
            description = "Hidden layer widths (default: 128,128, as openWakeWord's heads).")
    int[] hidden = new WakeWordTrainer.Options().hidden;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout after each hidden layer (default: none).")
    float dropout;

    @Option(names = "--negative-weight", paramLabel = "W",
            description = "Weight of a negative window against a positive one (default: balanced classes).")
    float negativeWeight;

    @Option(names = "--members", paramLabel = "K",
            description = "Networks trained from different random starts and averaged in the head: fewer false "
                    + "accepts on unseen voices, K times the training and scoring (default: ${DEFAULT-VALUE}; 1: one).")
    int members = new WakeWordTrainer.Options().members;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of augmentation, weights and shuffling; member m uses seed + m "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        rule.check();
        if (epochs < 1 || augmentations < 1 || members < 1) {
            throw new CliException("need --epochs >= 1, --augmentations >= 1 and --members >= 1");
        }
        CliException.requireWritableLocation(out, "--out");
        CliException.requireWritableLocation(mergedOut, "--merged-out");
        WakeWordHead initial = null;
        if (finetune != null) {
            initial = WakeWordHead.read(finetune, outputTensor);
        } else if (outputTensor != null) {
            throw new CliException("--output-tensor reads the head given with --finetune; there is none");
        }
        List<File> pos = AudioFolder.wavFiles(positives, "--positives");
        List<File> neg = AudioFolder.wavFiles(negatives, "--negatives");
        List<File> noises = AudioFolder.wavFiles(noise, "--noise");
        List<File> recordings = AudioFolder.wavFiles(negativeRecordings, "--negative-recordings");
        List<File> heldPos = AudioFolder.wavFiles(heldoutPositives, "--heldout-positives");
        List<File> heldNeg = AudioFolder.wavFiles(heldoutNegatives, "--heldout-negatives");
        File cacheFile = cache != null ? cache : Backbone.DEFAULT_CACHE;
        CliException.requireWritableLocation(cacheFile, "--cache");

        WakeWordTrainer.Options options = new WakeWordTrainer.Options();
        options.epochs = epochs;
        options.positiveVariants = augmentations;
        options.seed = seed;
        options.hidden = hidden;
        options.dropout = dropout;
        options.negativeWeight = negativeWeight;
        options.members = members;
        Map<String, Object> json = new LinkedHashMap<>();
        try (OpenWakeWordFeatures features = backbone.open();
             FeatureCache featureCache = FeatureCache.open(cacheFile, FeatureCache.keyOf("openWakeWord streamed",
                     backbone.melspectrogram(), backbone.embedding()), options.frames
                     * OpenWakeWordFeatures.EMBEDDING_SIZE)) {
            WakeWordTrainer trainer = new WakeWordTrainer(features, featureCache, options);
            console.line("head: %s%s", initial != null ? initial.member(0).spec() : options.spec(),
                    members > 1 ? ", " + members + " members averaged, each on its own augmented copies" : "");
            List<Double> epochSeconds = new ArrayList<>();
            Network[] trained = new Network[members];
            WakeWordTrainer.Examples examples = null;
            int computed = 0;
            int cached = 0;
            double featureSeconds = 0;
            for (int m = 0; m < members; m++) {
                final String member = members > 1 ? String.format(Locale.ROOT, "member %d/%d  ", m + 1, members) : "";
                examples = null; // the previous member's, no longer needed: let it go before reading the next
                long start = System.nanoTime();
                try (ProgressBar bar = bar(console, member + "features", 0, " windows")) {
                    examples = trainer.examples(m, pos, neg, recordings, noises, (done, total, fromCache) -> {
                        if (bar != null) {
                            bar.maxHint(total);
                            bar.stepTo(done);
                        }
                    });
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                featureSeconds += seconds;
                computed += examples.computed;
                cached += examples.cached;
                console.line("%sfeatures: %d windows (%d of the phrase, %d others): %d computed in %.1f s, %d from the "
                                + "cache %s (%.1f MB)", member, examples.positives + examples.negatives,
                        examples.positives, examples.negatives, examples.computed, seconds, examples.cached,
                        cacheFile, featureCache.sizeBytes() / 1e6);
                long[] epochStart = {System.nanoTime()};
                trained[m] = trainer.trainMember(examples, initial == null ? null : initial.member(m % initial.size()),
                        m, new TrainingListener() {
                            @Override
                            public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
                            }

                            @Override
                            public void onEpoch(int epoch, float loss, float accuracy) {
                                long now = System.nanoTime();
                                epochSeconds.add((now - epochStart[0]) / 1e9);
                                epochStart[0] = now;
                                console.line("%sepoch %3d/%d  loss %s  train %.2f%%  (%.3f s)", member, epoch + 1,
                                        epochs, Numbers.compact(loss), 100 * accuracy,
                                        epochSeconds.get(epochSeconds.size() - 1));
                            }
                        });
            }
            json.put("windows", examples.positives + examples.negatives);
            json.put("featuresComputed", computed);
            json.put("featuresCached", cached);
            json.put("featureSeconds", featureSeconds);
            json.put("cacheBytes", featureCache.sizeBytes());
            WakeWordHead head = new WakeWordHead(trained);
            json.put("epochSeconds", epochSeconds);

            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("edgetrain.wakeword.positives", Integer.toString(pos.size()));
            metadata.put("edgetrain.wakeword.negatives", Integer.toString(neg.size()));
            metadata.put("edgetrain.wakeword.threshold", Float.toString(rule.threshold));
            metadata.put("edgetrain.wakeword.consecutive", Integer.toString(rule.consecutive));
            if (!heldPos.isEmpty() || !heldNeg.isEmpty()) {
                DetectionReport report;
                try (FeatureCache chunkCache = backbone.chunkCache(new File(cacheFile.getPath() + ".chunks"))) {
                    report = DetectionReport.measure(new ClipEmbeddings(features, chunkCache, seed), head, heldPos,
                            heldNeg, rule.threshold, rule.consecutive);
                }
                console.line("held out: %s", report);
                List<Object> rules = new ArrayList<>();
                for (int n = 1; n <= 3; n++) {
                    for (float t : new float[] {0.5f, 0.8f, 0.9f, 0.99f}) {
                        DetectionReport r = report.at(t, n);
                        if (t != rule.threshold || n != rule.consecutive) {
                            console.line("          %s", r);
                        }
                        Map<String, Object> rule = new LinkedHashMap<>();
                        rule.put("threshold", t);
                        rule.put("consecutive", n);
                        rule.put("falseRejectRate", r.falseRejectRate());
                        rule.put("falseAcceptsPerHour", r.falseAcceptsPerHour());
                        rules.add(rule);
                    }
                }
                json.put("rules", rules);
                metadata.put("edgetrain.wakeword.heldout", report.toString());
                json.put("falseRejectRate", report.falseRejectRate());
                json.put("falseAcceptsPerHour", report.falseAcceptsPerHour());
                json.put("negativeMinutes", report.negativeSeconds / 60);
            }
            metadata.put("edgetrain.wakeword.members", Integer.toString(members));
            WakeWordExports.writeHead(head, metadata, out);
            double headDiff = WakeWordExports.headParity(out, head, examples.data.features(),
                    Math.min(64, examples.data.rows()));
            console.result("wrote %s (%d bytes): onnxruntime max |difference| %.3g on %d windows (limit 1e-05) %s", out,
                    out.length(), headDiff, Math.min(64, examples.data.rows()), headDiff <= 1e-5 ? "OK" : "FAILED");
            json.put("headParity", headDiff);
            boolean ok = headDiff <= 1e-5;
            if (mergedOut != null) {
                WakeWordExports.writeMerged(head, backbone.embedding(), metadata, mergedOut);
                double mergedDiff = WakeWordExports.mergedParity(mergedOut, features, head,
                        heldPos.isEmpty() ? pos : heldPos);
                console.result("wrote %s (%d bytes): onnxruntime max |difference| %.3g against backbone + head "
                        + "(limit 1e-05) %s", mergedOut, mergedOut.length(), mergedDiff, mergedDiff <= 1e-5 ? "OK"
                        : "FAILED");
                json.put("mergedParity", mergedDiff);
                ok &= mergedDiff <= 1e-5;
            }
            console.document(json);
            return ok ? 0 : 1;
        }
    }

    /** A progress bar on an interactive terminal, else null. */
    static ProgressBar bar(Console console, String task, long max, String unit) {
        if (!console.human() || System.console() == null) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(unit, 1)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(200).continuousUpdate().build();
    }
}
