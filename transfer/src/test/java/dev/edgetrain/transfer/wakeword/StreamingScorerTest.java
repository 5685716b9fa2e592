package dev.edgetrain.transfer.wakeword;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.transfer.BackboneException;
import dev.edgetrain.transfer.TransferTestSupport;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scorer's framing, as openWakeWord's predict_clip; what the heads score is ShippedHeadsFireOnTheirPhrasesTest. */
class StreamingScorerTest {
    private static Path models;
    private static OpenWakeWordFeatures features;

    @BeforeAll
    static void openTheModels() throws IOException {
        models = TransferTestSupport.npmModels("melspectrogram", "embedding_model", "alexa_v0.1", "weather_v0.1",
                "timer_v0.1");
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
    void aClipGetsOneScorePerChunkOfItsPaddedLengthTheFirstFiveZero() throws IOException {
        // predict_clip: for i in range(0, len(clip) + 32000 - 1280, 1280)
        assertEquals(24, StreamingScorer.scoreCount(0), "2 s of padding alone: i = 0 .. 29440");
        assertEquals(25, StreamingScorer.scoreCount(1), "32001 samples: i = 0 .. 30720");
        assertEquals(25, StreamingScorer.scoreCount(1280));
        assertEquals(26, StreamingScorer.scoreCount(1281));
        try (StreamingScorer alexa = StreamingScorer.open(features, models.resolve("alexa_v0.1.onnx").toFile(), null);
             StreamingScorer weather = StreamingScorer.open(features, models.resolve("weather_v0.1.onnx").toFile(),
                     null)) {
            assertEquals(16, alexa.featureFrames());
            assertEquals(22, weather.featureFrames());
            float[] clip = OpenWakeWordFeaturesTest.signal(16000, 9);
            float[] scores = alexa.scoreClip(clip, 3);
            assertEquals(StreamingScorer.scoreCount(clip.length), scores.length);
            for (int c = 0; c < StreamingScorer.WARMUP_SCORES; c++) {
                assertEquals(0f, scores[c], "the reference's warm-up, chunk " + c);
            }
            boolean nonZero = false;
            for (int c = StreamingScorer.WARMUP_SCORES; c < scores.length; c++) {
                assertTrue(scores[c] >= 0f && scores[c] <= 1f, "chunk " + c + ": " + scores[c]);
                nonZero |= scores[c] > 0f;
            }
            assertTrue(nonZero, "after the warm-up the head's sigmoid is scored");
            assertArrayEquals(scores, alexa.scoreClip(clip, 3), "the same seed, the same scores");
            float max = 0f;
            for (float s : scores) {
                max = Math.max(max, s);
            }
            assertEquals(max, alexa.maxScore(clip, 3));
        }
    }

    @Test
    void aHeadWithMoreThanOneOutputIsRefused() {
        BackboneException e = assertThrows(BackboneException.class,
                () -> StreamingScorer.open(features, models.resolve("timer_v0.1.onnx").toFile(), null));
        System.out.println("[scorer] " + e.getMessage());
        assertTrue(e.getMessage().startsWith("timer_v0.1.onnx: output '"), e.getMessage());
        assertTrue(e.getMessage().endsWith("has shape [1, 7], expected [1, 1]: only binary heads (one score) are"
                + " scored"), e.getMessage());
    }

    @Test
    void aModelThatIsNotAHeadIsRefused() {
        BackboneException e = assertThrows(BackboneException.class,
                () -> StreamingScorer.open(features, models.resolve("embedding_model.onnx").toFile(), null));
        assertEquals("embedding_model.onnx: input 'input_1' has shape [-1, 76, 32, 1], expected [1, F, 96] with F"
                + " from 1 to 120 embeddings", e.getMessage());
    }
}
