package dev.edgetrain.cli.wakeword;

import dev.edgetrain.cli.ModelInput;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.transfer.audio.WavFile;
import dev.edgetrain.transfer.wakeword.DetectionReport;
import dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures;
import dev.edgetrain.transfer.wakeword.StreamingScorer;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgetrain wakeword score}: a head's score over time on a recording, every 80 ms, as openWakeWord's
 * {@code predict_clip} computes it (the head run by onnxruntime, so any openWakeWord head works).
 */
@Command(name = "score", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Print a wake-word head's score over time on 16 kHz mono WAV recordings (one line per 80 ms)."})
public final class WakewordScoreCommand implements Callable<Integer> {
    /** The {@code wakeword score} command, its options set by picocli. */
    public WakewordScoreCommand() {
    }

    @Mixin
    ModelInput headFile;

    @Mixin
    Backbone backbone;

    @Mixin
    DetectionRule rule;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the stream's initial noise (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Parameters(paramLabel = "FILE.wav|DIR", arity = "1..*",
            description = "Recordings to score, or folders of them (their .wav files, by name).")
    List<File> inputs;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        rule.check();
        if (!headFile.model.isFile()) {
            throw new CliException("--model " + headFile.model + ": no such file");
        }
        List<File> files = new ArrayList<>();
        for (File f : inputs) {
            if (f.isDirectory()) {
                files.addAll(AudioFolder.wavFiles(f, "folder"));
            } else if (f.isFile()) {
                files.add(f);
            } else {
                throw new CliException(f + ": no such file or folder");
            }
        }
        List<Object> documents = new ArrayList<>();
        try (OpenWakeWordFeatures features = backbone.open();
             StreamingScorer scorer = StreamingScorer.open(features, headFile.model, headFile.outputTensor)) {
            for (File f : files) {
                float[] scores = scorer.scoreClip(WavFile.readMono16k(f), seed);
                float step = OpenWakeWordFeatures.CHUNK_SAMPLES / (float) OpenWakeWordFeatures.SAMPLE_RATE;
                // chunk i's score is heard at the end of its chunk; times are the file's (the padding is before 0)
                float start = step - StreamingScorer.PADDING_SAMPLES / (float) OpenWakeWordFeatures.SAMPLE_RATE;
                int best = 0;
                for (int i = 0; i < scores.length; i++) {
                    if (scores[i] > scores[best]) {
                        best = i;
                    }
                }
                int activations = DetectionReport.activations(scores, rule.threshold, rule.consecutive);
                if (console.human()) {
                    console.line("%s", f);
                    for (int i = 0; i < scores.length; i++) {
                        console.line("%7.2f s  %.4f%s", start + i * step, scores[i], scores[i] >= rule.threshold
                                ? "  *" : "");
                    }
                }
                console.result("%s: max %.4f at %.2f s, %d activation%s at threshold %.2f", f.getName(),
                        scores[best], start + best * step, activations, activations == 1 ? "" : "s", rule.threshold);
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("file", f.getPath());
                doc.put("secondsPerScore", step);
                doc.put("firstScoreAtSeconds", start);
                doc.put("scores", scores);
                doc.put("max", scores[best]);
                doc.put("activations", activations);
                documents.add(doc);
            }
        }
        console.document(documents.size() == 1 ? documents.get(0) : documents);
        return 0;
    }
}
