package dev.edgetrain.transfer.wakeword;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.train.TrainingListener;
import dev.edgetrain.transfer.FeatureCache;
import dev.edgetrain.transfer.TransferTestSupport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole wake-word flow on speech synthesised here ({@code models/wakeword/synthesize.sh --quick}): a head for
 * "hey edge train" trained on espeak-ng and flite voices through openWakeWord's frozen backbone, measured on festival
 * voices it never heard, exported alone and merged with the backbone, both checked with onnxruntime; the second
 * featurisation comes wholly from the cache.
 */
class WakeWordTrainingEndToEndTest {
    private static Path models;
    private static Path data;

    @BeforeAll
    static void synthesiseTheData() throws IOException, InterruptedException {
        models = TransferTestSupport.npmModels("melspectrogram", "embedding_model");
        TransferTestSupport.requireTools("espeak-ng", "flite", "text2wave", "festival", "sox", "soxi");
        data = Paths.get("target", "wakeword-quick").toAbsolutePath();
        if (!Files.isRegularFile(data.resolve("SUMMARY.txt"))) {
            Path script = Paths.get("..", "models", "wakeword", "synthesize.sh").toAbsolutePath().normalize();
            Process p = new ProcessBuilder("bash", script.toString(), data.toString(), "--quick")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            assertEquals(0, p.waitFor(), "synthesize.sh --quick failed");
        }
    }

    private static List<File> wavs(String set) throws IOException {
        try (Stream<Path> s = Files.list(data.resolve(set))) {
            List<File> files = s.filter(f -> f.toString().endsWith(".wav")).sorted().map(Path::toFile)
                    .collect(Collectors.toList());
            assertTrue(!files.isEmpty(), "no clips in " + data.resolve(set));
            return files;
        }
    }

    @Test
    void aHeadTrainedOnEspeakAndFliteVoicesDetectsTheFestivalVoicesItNeverHeard() throws IOException {
        File mel = models.resolve("melspectrogram.onnx").toFile();
        File embedding = models.resolve("embedding_model.onnx").toFile();
        Path work = Files.createTempDirectory(Paths.get("target"), "wakeword-e2e");
        WakeWordTrainer.Options options = new WakeWordTrainer.Options();
        options.members = 2;
        String key = FeatureCache.keyOf("openWakeWord streamed", mel, embedding);
        int width = options.frames * OpenWakeWordFeatures.EMBEDDING_SIZE;
        try (OpenWakeWordFeatures features = OpenWakeWordFeatures.open(mel, embedding)) {
            WakeWordTrainer.Examples examples;
            try (FeatureCache cache = FeatureCache.open(work.resolve("features.bin").toFile(), key, width)) {
                examples = new WakeWordTrainer(features, cache, options).examples(wavs("train/positive"),
                        wavs("train/negative"), wavs("train/negative-long"), wavs("noise"),
                        WakeWordTrainer.Progress.NONE);
                assertEquals(0, examples.cached, "a fresh cache");
            }
            WakeWordTrainer.Examples again;
            try (FeatureCache cache = FeatureCache.open(work.resolve("features.bin").toFile(), key, width)) {
                long before = cache.sizeBytes();
                again = new WakeWordTrainer(features, cache, options).examples(wavs("train/positive"),
                        wavs("train/negative"), wavs("train/negative-long"), wavs("noise"),
                        WakeWordTrainer.Progress.NONE);
                assertEquals(before, cache.sizeBytes(), "nothing appended the second time");
            }
            assertEquals(0, again.computed, "the second featurisation never runs the backbone");
            assertArrayEquals(examples.data.features(), again.data.features(), "the cached features are the same");
            assertArrayEquals(examples.data.labels(), again.data.labels());

            // the second member's own augmented copies: only those run through the backbone
            WakeWordTrainer.Examples second;
            try (FeatureCache cache = FeatureCache.open(work.resolve("features.bin").toFile(), key, width)) {
                second = new WakeWordTrainer(features, cache, options).examples(1, wavs("train/positive"),
                        wavs("train/negative"), wavs("train/negative-long"), wavs("noise"),
                        WakeWordTrainer.Progress.NONE);
            }
            int augmented = wavs("train/positive").size() * (options.positiveVariants - 1)
                    + wavs("train/negative").size() * (options.negativeVariants - 1);
            assertTrue(second.computed > 0 && second.computed <= augmented, second.computed + " computed of "
                    + augmented + " augmented copies");
            assertEquals(examples.data.rows(), second.data.rows());
            assertTrue(second.cached >= examples.data.rows() - augmented, "the rest from the cache: " + second.cached);
            WakeWordTrainer trainer = new WakeWordTrainer(features, null, options);
            WakeWordHead head = new WakeWordHead(trainer.trainMember(examples, null, 0, TrainingListener.NONE),
                    trainer.trainMember(second, null, 1, TrainingListener.NONE));
            DetectionReport report;
            try (FeatureCache chunks = FeatureCache.open(work.resolve("chunks.bin").toFile(), "chunks",
                    OpenWakeWordFeatures.EMBEDDING_SIZE)) {
                report = DetectionReport.measure(new ClipEmbeddings(features, chunks, 1), head,
                        wavs("heldout/positive"), wavs("heldout/negative-long"), 0.5f, 1);
            }
            System.out.println("wake word (quick data, festival voices held out): " + report);
            // Festival's voices detected: the head learnt the phrase, not the training synthesisers' voices.
            assertTrue(report.falseRejectRate() <= 0.10, report.toString());
            // Activations in the held-out running speech in at most 1 of 25 head windows (1.28 s each; about 10 in
            // its 5.4 minutes): the head fires on the phrase, not on speech in general.
            double windows = report.negativeSeconds / 1.28;
            assertTrue(report.falseAccepts <= windows / 25, report + "; " + Math.round(windows) + " windows");

            File out = work.resolve("head.onnx").toFile();
            WakeWordExports.writeHead(head, new HashMap<>(), out);
            double headDiff = WakeWordExports.headParity(out, head, examples.data.features(), 64);
            File merged = work.resolve("merged.onnx").toFile();
            WakeWordExports.writeMerged(head, embedding, new HashMap<>(), merged);
            double mergedDiff = WakeWordExports.mergedParity(merged, features, head, wavs("heldout/positive"));
            System.out.printf(Locale.ROOT, "onnxruntime vs the runtime: head %.3g, merged vs two-stage %.3g%n",
                    headDiff, mergedDiff);
            assertTrue(headDiff <= 1e-5, "head export: " + headDiff);
            assertTrue(mergedDiff <= 1e-5, "merged export: " + mergedDiff);
            WakeWordHead read = WakeWordHead.read(out, null);
            assertEquals(head.size(), read.size(), "the exported ensemble reads back as its members");
            for (int m = 0; m < head.size(); m++) {
                assertArrayEquals(head.member(m).copyParameters(), read.member(m).copyParameters(), "member " + m);
            }
        }
    }
}
