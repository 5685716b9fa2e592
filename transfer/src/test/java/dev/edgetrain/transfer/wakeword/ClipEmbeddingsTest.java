package dev.edgetrain.transfer.wakeword;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.onnx.ImportOptions;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.transfer.FeatureCache;
import dev.edgetrain.transfer.TransferTestSupport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring a head on a clip's cached chunk embeddings gives exactly the scores of the streaming scorer (the backbone
 * run chunk by chunk, the head on every window), so held-out evaluation can reuse the embeddings for any head.
 */
class ClipEmbeddingsTest {
    private static Path models;
    private static OpenWakeWordFeatures features;

    @BeforeAll
    static void openTheModels() throws IOException {
        models = TransferTestSupport.npmModels("melspectrogram", "embedding_model", "alexa_v0.1", "weather_v0.1");
        features = OpenWakeWordFeatures.open(models.resolve("melspectrogram.onnx").toFile(),
                models.resolve("embedding_model.onnx").toFile());
    }

    @AfterAll
    static void close() {
        if (features != null) {
            features.close();
        }
    }

    @Test
    void cachedChunkEmbeddingsScoreExactlyAsTheStreamingScorer(@TempDir Path dir) throws IOException {
        float[] clip = OpenWakeWordFeaturesTest.signal(2 * 16000 + 777, 11);
        for (String name : new String[] {"alexa_v0.1", "weather_v0.1"}) { // 16 and 22 embeddings a window
            Network head = OnnxImporter.read(models.resolve(name + ".onnx").toFile(), ImportOptions.DEFAULTS).network();
            float[] streamed;
            try (StreamingScorer scorer = StreamingScorer.of(features, head)) {
                streamed = scorer.scoreClip(clip, 7);
            }
            File cacheFile = dir.resolve(name + ".chunks").toFile();
            float[] first;
            float[] second;
            try (FeatureCache cache = FeatureCache.open(cacheFile, "k", OpenWakeWordFeatures.EMBEDDING_SIZE)) {
                ClipEmbeddings embeddings = new ClipEmbeddings(features, cache, 7);
                first = embeddings.scores(head, embeddings.of(clip));
                assertEquals(StreamingScorer.scoreCount(clip.length), cache.size(), "one entry per chunk");
            }
            try (FeatureCache cache = FeatureCache.open(cacheFile, "k", OpenWakeWordFeatures.EMBEDDING_SIZE)) {
                long before = cache.sizeBytes();
                ClipEmbeddings embeddings = new ClipEmbeddings(features, cache, 7);
                second = embeddings.scores(head, embeddings.of(clip));
                assertEquals(before, cache.sizeBytes(), "the second time everything came from the cache");
            }
            assertArrayEquals(streamed, first, name + ": computed now");
            assertArrayEquals(streamed, second, name + ": from the cache");
            boolean someScore = false;
            for (float s : streamed) {
                someScore |= s > 0;
            }
            assertTrue(someScore, name + " scored something after the warm-up");
        }
    }
}
