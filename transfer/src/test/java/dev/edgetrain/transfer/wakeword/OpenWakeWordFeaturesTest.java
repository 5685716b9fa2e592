package dev.edgetrain.transfer.wakeword;

import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.CHUNK_SAMPLES;
import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.EMBEDDING_SIZE;
import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.MEL_BINS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.transfer.FrozenBackbone;
import dev.edgetrain.transfer.TransferTestSupport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** openWakeWord's features through the shipped melspectrogram and embedding models (npm, fetched by the build). */
class OpenWakeWordFeaturesTest {
    /**
     * Streaming and batch features of the same audio are not the same computation: the melspectrogram model clamps
     * its output to 80 dB below the loudest frame of its input (librosa's top_db: silence in a loud clip reads 4.01
     * after x/10+2, silence alone -8), and streaming feeds it 1,760 samples at a time where batch feeds the whole
     * clip. On audio with no frame 80 dB below the rest (the tone-and-noise signal here) the mel frames then differ
     * only by float rounding (measured 1.1e-5 on values up to 11.5), and the embeddings by 5.5e-5 on values up to
     * 60 (relative 1e-6); where a chunk is digital silence next to speech (predict_clip's zero padding) they differ
     * by whole units. The reference's own note on {@code _streaming_melspectrogram} says the same.
     */
    static final double STREAMING_TOLERANCE = 1e-4;

    private static Path models;
    private static OpenWakeWordFeatures features;

    @BeforeAll
    static void openTheModels() throws IOException {
        models = TransferTestSupport.npmModels("melspectrogram", "embedding_model");
        features = OpenWakeWordFeatures.open(models.resolve("melspectrogram.onnx").toFile(),
                models.resolve("embedding_model.onnx").toFile());
    }

    @AfterAll
    static void close() {
        if (features != null) {
            features.close();
        }
    }

    /** Tones sweeping over a noise floor, int16-valued: something for the mel filters to see. */
    static float[] signal(int samples, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            double t = i / 16000.0;
            double tone = 4000 * Math.sin(2 * Math.PI * (300 + 400 * t) * t) + 2000 * Math.sin(2 * Math.PI * 1700 * t);
            x[i] = (float) Math.rint(tone * (0.5 + 0.5 * Math.sin(2 * Math.PI * 0.7 * t)) + rng.nextInt(600) - 300);
        }
        return x;
    }

    @Test
    void frameAndEmbeddingCountsMatchTheModels() {
        for (int samples : new int[] {512, 671, 672, 1280, 1760, 16000, 19711, 19712, 20991, 20992, 31712, 48000}) {
            float[] x = signal(samples, samples);
            assertEquals(OpenWakeWordFeatures.melFrameCount(samples) * MEL_BINS, features.melspectrogram(x).length,
                    samples + " samples");
            assertEquals(OpenWakeWordFeatures.embeddingCount(samples) * EMBEDDING_SIZE, features.embeddings(x).length,
                    samples + " samples");
        }
        assertEquals(5, OpenWakeWordFeatures.melFrameCount(1280), "a first streaming chunk: 5 frames");
        assertEquals(8, OpenWakeWordFeatures.melFrameCount(1760), "a chunk with 480 samples of context: 8 frames");
        assertEquals(0, features.embeddings(new float[OpenWakeWordFeatures.samplesForEmbeddings(1) - 1]).length,
                "75 frames: no complete window");
    }

    @Test
    void samplesForEmbeddingsIsTheShortestClipGivingExactlyThatMany() {
        for (int n = 1; n <= 40; n++) {
            int samples = OpenWakeWordFeatures.samplesForEmbeddings(n);
            assertEquals(n, OpenWakeWordFeatures.embeddingCount(samples), "n = " + n);
            assertEquals(n - 1, OpenWakeWordFeatures.embeddingCount(samples - 1), "n = " + n);
        }
        assertEquals(31712, OpenWakeWordFeatures.samplesForEmbeddings(16), "16 embeddings: 1.98 s");
        assertEquals(0, OpenWakeWordFeatures.samplesForEmbeddings(0));
    }

    @Test
    void theMelSpectrogramIsTheModelsOutputOverTenPlusTwo() throws IOException {
        float[] x = signal(4000, 3);
        try (FrozenBackbone mel = FrozenBackbone.open(models.resolve("melspectrogram.onnx").toFile(), null)) {
            float[] raw = mel.run(x, new long[] {1, x.length});
            assertArrayEquals(new long[] {1, 1, OpenWakeWordFeatures.melFrameCount(x.length), MEL_BINS},
                    mel.lastOutputShape());
            float[] spec = features.melspectrogram(x);
            for (int i = 0; i < raw.length; i++) {
                assertEquals(raw[i] / 10f + 2f, spec[i], 0f, "value " + i);
            }
        }
    }

    @Test
    void batchEmbeddingsAreTheWindowsRunOneByOne() {
        float[] x = signal(24000, 4);
        float[] spec = features.melspectrogram(x);
        float[] batch = features.embeddings(x);
        int n = batch.length / EMBEDDING_SIZE;
        assertEquals(OpenWakeWordFeatures.embeddingCount(x.length), n);
        float[] one = new float[EMBEDDING_SIZE];
        double worst = 0;
        for (int i = 0; i < n; i++) {
            float[] window = Arrays.copyOfRange(spec, i * 8 * MEL_BINS, (i * 8 + 76) * MEL_BINS);
            features.embedWindow(window, one, 0);
            for (int k = 0; k < EMBEDDING_SIZE; k++) {
                worst = Math.max(worst, Math.abs(one[k] - batch[i * EMBEDDING_SIZE + k]));
            }
        }
        System.out.printf("[features] %d windows one by one vs one batch: max |diff| %.3g%n", n, worst);
        assertTrue(worst <= 1e-5, "window i is mel frames [8i, 8i + 76): " + worst);
    }

    /**
     * Streaming chunk c (from 0) has mel frames [8c - 3, 8c + 5) of the clip (the first chunk [0, 5)), so its
     * embedding's window starts at frame 8c - 71 = 8(c - 9) + 1: one frame after a batch window. The clip without
     * its first 160 samples (one hop) has its batch windows there: batch embedding c - 9 of it covers the same audio.
     */
    @Test
    void streamingAndBatchFeaturesAgreeWhereTheyCoverTheSameAudio() {
        int chunks = 75; // 6 s
        float[] x = signal(chunks * CHUNK_SAMPLES, 5);
        OpenWakeWordFeatures.Streaming stream = features.streaming(1);
        float[] streamed = new float[chunks * EMBEDDING_SIZE]; // [chunks][96], the embedding after each chunk
        long t0 = System.nanoTime();
        for (int c = 0; c < chunks; c++) {
            stream.push(Arrays.copyOfRange(x, c * CHUNK_SAMPLES, (c + 1) * CHUNK_SAMPLES));
            stream.features(1, streamed, c * EMBEDDING_SIZE);
        }
        long t1 = System.nanoTime();
        float[] batch = features.embeddings(Arrays.copyOfRange(x, 160, x.length)); // [n][96]
        long t2 = System.nanoTime();
        double seconds = x.length / 16000.0;
        System.out.printf("[features] 1 onnxruntime thread, per second of audio: streaming %.1f ms, batch %.1f ms%n",
                (t1 - t0) / 1e6 / seconds, (t2 - t1) / 1e6 / seconds);
        double worst = 0;
        int compared = 0;
        for (int c = 9; c < chunks && (c - 9) * EMBEDDING_SIZE < batch.length; c++) {
            for (int k = 0; k < EMBEDDING_SIZE; k++) {
                worst = Math.max(worst, Math.abs(streamed[c * EMBEDDING_SIZE + k] - batch[(c - 9) * EMBEDDING_SIZE
                        + k]));
            }
            compared++;
        }
        double worstMel = worstStreamingMelDiff(x, chunks);
        System.out.printf("[features] streaming vs batch over %d embeddings: max |diff| %.3g (values up to %.3g);"
                + " mel frames: max |diff| %.3g (values up to %.3g)%n", compared, worst, maxAbs(batch), worstMel,
                maxAbs(features.melspectrogram(x)));
        assertEquals(chunks - 9, compared);
        assertTrue(worst <= STREAMING_TOLERANCE, "max |streaming - batch| " + worst);
        float[] early = new float[EMBEDDING_SIZE];
        System.arraycopy(streamed, 0, early, 0, EMBEDDING_SIZE);
        assertTrue(maxDiff(early, 0, batch, 0) > 100 * STREAMING_TOLERANCE,
                "the first chunks' windows still hold the buffer's initial ones: they must differ");
    }

    @Test
    void silenceNextToLoudAudioIsWhereStreamingAndBatchMelFramesDiffer() {
        float[] x = new float[4 * CHUNK_SAMPLES]; // [silence, silence, signal, signal]
        System.arraycopy(signal(2 * CHUNK_SAMPLES, 8), 0, x, 2 * CHUNK_SAMPLES, 2 * CHUNK_SAMPLES);
        float[] whole = features.melspectrogram(x); // frame 5 = samples [800, 1312): silence
        float[] chunk = features.melspectrogram(Arrays.copyOfRange(x, CHUNK_SAMPLES - 480, 2 * CHUNK_SAMPLES));
        System.out.printf("[features] a silent frame: %.4f in the whole clip, %.4f in its streaming chunk%n",
                whole[5 * MEL_BINS], chunk[0]);
        assertEquals(-8f, chunk[0], 1e-5f, "silence alone: the floor, -80 dB /10 + 2");
        assertTrue(whole[5 * MEL_BINS] > 0f, "silence in a loud clip: 80 dB below its loudest frame");
    }

    /** Max |diff| between each chunk's mel frames (with 480 samples of context) and the whole clip's. */
    private static double worstStreamingMelDiff(float[] x, int chunks) {
        float[] whole = features.melspectrogram(x); // [frames][32]
        double worst = 0;
        for (int c = 1; c < chunks; c++) {
            float[] part = features.melspectrogram(Arrays.copyOfRange(x, c * CHUNK_SAMPLES - 480,
                    (c + 1) * CHUNK_SAMPLES)); // [8][32] = frames [8c - 3, 8c + 5)
            worst = Math.max(worst, maxDiff(part, 0, whole, (8 * c - 3) * MEL_BINS));
        }
        return worst;
    }

    private static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double maxDiff(float[] a, int aOffset, float[] b, int bOffset) {
        double worst = 0;
        for (int i = 0; i < a.length - aOffset && bOffset + i < b.length; i++) {
            worst = Math.max(worst, Math.abs(a[aOffset + i] - b[bOffset + i]));
        }
        return worst;
    }

    @Test
    void aStreamStartsWithTheEmbeddingsOfItsSeededNoiseAndStaysBounded() {
        OpenWakeWordFeatures.Streaming a = features.streaming(42);
        OpenWakeWordFeatures.Streaming b = features.streaming(42);
        OpenWakeWordFeatures.Streaming other = features.streaming(43);
        assertEquals(OpenWakeWordFeatures.embeddingCount(4 * 16000), a.featureCount(), "4 s of noise: 41 rows");
        float[] fa = new float[16 * EMBEDDING_SIZE];
        float[] fb = new float[16 * EMBEDDING_SIZE];
        float[] fo = new float[16 * EMBEDDING_SIZE];
        a.features(16, fa);
        b.features(16, fb);
        other.features(16, fo);
        assertArrayEquals(fa, fb, "the same seed, the same noise");
        assertTrue(maxDiff(fa, 0, fo, 0) > 0, "another seed, other noise");
        float[] chunk = new float[CHUNK_SAMPLES];
        for (int c = 0; c < 100; c++) {
            a.push(chunk);
        }
        assertEquals(120, a.featureCount(), "the reference keeps the last 120 embeddings");
        float[] last = new float[120 * EMBEDDING_SIZE];
        a.features(120, last);
        float[] newest = new float[EMBEDDING_SIZE];
        a.features(1, newest);
        assertArrayEquals(newest, Arrays.copyOfRange(last, 119 * EMBEDDING_SIZE, 120 * EMBEDDING_SIZE),
                "oldest first: the newest embedding is the last row");
        assertThrows(IllegalArgumentException.class, () -> a.features(121, new float[121 * EMBEDDING_SIZE]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.push(new float[1279]));
        assertEquals("a chunk of 1279 samples, expected 1280 (80 ms at 16 kHz)", e.getMessage());
    }

    @Test
    void modelsOfTheWrongShapeAreRefused() {
        File mel = models.resolve("melspectrogram.onnx").toFile();
        Exception e = assertThrows(IOException.class, () -> OpenWakeWordFeatures.open(mel, mel));
        assertEquals("melspectrogram.onnx: input 'input' has shape [-1, -1], expected [-1, 76, 32, 1] (-1: any size)",
                e.getMessage());
    }
}
