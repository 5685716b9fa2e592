package dev.edgetrain.transfer.wakeword;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.transfer.BackboneException;
import dev.edgetrain.transfer.FrozenBackbone;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;

/**
 * openWakeWord's audio features, computed as its Python reference does ({@code openwakeword/utils.py},
 * {@code AudioFeatures}): 16 kHz samples as int16-valued floats go through {@code melspectrogram.onnx} (32 mel bins
 * every 10 ms, then {@code x/10 + 2}), and windows of 76 mel frames stepping by 8 go through
 * {@code embedding_model.onnx}, one 96-value embedding per window (80 ms). A wake-word head scores the last
 * 16 (or its own count of) embeddings.
 *
 * <p>Two ways, as in the reference: {@link #embeddings(float[])} for a whole clip at once (training features), and
 * {@link #streaming(long)} for audio arriving in 80 ms chunks (detection, {@code Model.predict}). The two differ
 * where they cover the same audio, as the reference notes: the melspectrogram model clamps its output to 80 dB below
 * the loudest frame of its input, and streaming feeds it one chunk with 480 samples of context at a time, so a
 * quiet chunk next to loud audio (e.g. digital silence) reads differently; elsewhere they agree to float rounding.
 * Not thread-safe; {@link #close()} releases both onnxruntime sessions.
 */
public final class OpenWakeWordFeatures implements AutoCloseable {
    /** Audio samples per second. */
    public static final int SAMPLE_RATE = 16000;
    /** Samples per streaming chunk (80 ms): 8 mel frames, one embedding. */
    public static final int CHUNK_SAMPLES = 1280;
    /** Mel bins per frame. */
    public static final int MEL_BINS = 32;
    /** Mel frames per embedding window. */
    public static final int WINDOW_FRAMES = 76;
    /** Mel frames between successive windows. */
    public static final int WINDOW_STEP = 8;
    /** Width of one embedding. */
    public static final int EMBEDDING_SIZE = 96;

    /** The melspectrogram model's frame: 512 samples (32 ms) ... */
    static final int MEL_FRAME_SAMPLES = 512;
    /** ... every 160 samples (10 ms). */
    static final int MEL_HOP_SAMPLES = 160;
    /** Samples before each streaming chunk its mel frames are computed with (reference: 160 * 3). */
    static final int STREAMING_CONTEXT_SAMPLES = 480;
    /** The reference's feature buffer keeps ~10 s of embeddings. */
    static final int FEATURE_BUFFER_FRAMES = 120;
    /** The reference starts its feature buffer with the embeddings of 4 s of noise in [-1000, 1000). */
    static final int NOISE_SAMPLES = 4 * SAMPLE_RATE;
    static final int NOISE_AMPLITUDE = 1000;

    private final FrozenBackbone mel;
    private final FrozenBackbone embedding;
    /** {@link #initialFeatures} of {@link #initialSeed}, or null before the first stream. */
    private float[] initialFeatures;
    private long initialSeed;

    private OpenWakeWordFeatures(FrozenBackbone mel, FrozenBackbone embedding) {
        this.mel = mel;
        this.embedding = embedding;
    }

    /**
     * Opens the two models, each with one onnxruntime thread.
     *
     * @param melspectrogramOnnx openWakeWord's {@code melspectrogram.onnx}
     * @param embeddingOnnx openWakeWord's {@code embedding_model.onnx}
     * @return the front end, open; close it to free onnxruntime's sessions
     * @throws IOException when a file cannot be read or a model is refused ({@link BackboneException})
     */
    public static OpenWakeWordFeatures open(File melspectrogramOnnx, File embeddingOnnx) throws IOException {
        return open(melspectrogramOnnx, embeddingOnnx, 1);
    }

    /**
     * Opens {@code melspectrogram.onnx} (input [1, samples]) and {@code embedding_model.onnx} (input
     * [n, 76, 32, 1]) as openWakeWord ships them.
     *
     * @param melspectrogramOnnx openWakeWord's {@code melspectrogram.onnx}
     * @param embeddingOnnx openWakeWord's {@code embedding_model.onnx}
     * @param threads onnxruntime's intra-op threads per model, at least 1
     * @return the front end, open; close it to free onnxruntime's sessions
     * @throws BackboneException when a model's input does not have that shape
     */
    public static OpenWakeWordFeatures open(File melspectrogramOnnx, File embeddingOnnx, int threads)
            throws IOException {
        FrozenBackbone mel = FrozenBackbone.open(melspectrogramOnnx, null, threads);
        try {
            expectShape(mel, melspectrogramOnnx, new long[] {-1, -1});
            FrozenBackbone embedding = FrozenBackbone.open(embeddingOnnx, null, threads);
            try {
                expectShape(embedding, embeddingOnnx, new long[] {-1, WINDOW_FRAMES, MEL_BINS, 1});
                return new OpenWakeWordFeatures(mel, embedding);
            } catch (IOException | RuntimeException e) {
                embedding.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            mel.close();
            throw e;
        }
    }

    /** A model's input must take {@code expected} (-1: any size there). */
    private static void expectShape(FrozenBackbone model, File file, long[] expected) throws BackboneException {
        long[] shape = model.inputShape();
        boolean fits = shape.length == expected.length;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = expected[i] < 0 ? shape[i] < 0 || i == 0 && shape[i] == 1 : shape[i] == expected[i];
        }
        if (!fits) {
            throw new BackboneException(file.getName() + ": input '" + model.inputName() + "' has shape "
                    + Arrays.toString(shape) + ", expected " + Arrays.toString(expected) + " (-1: any size)");
        }
    }

    /**
     * Mel frames the melspectrogram model makes of {@code samples} samples (0 below one 512-sample frame).
     *
     * @param samples the clip's length in samples, 0 or more
     * @return the number of 32-band mel frames, 0 or more
     */
    public static int melFrameCount(int samples) {
        return samples < MEL_FRAME_SAMPLES ? 0 : (samples - MEL_FRAME_SAMPLES) / MEL_HOP_SAMPLES + 1;
    }

    /**
     * Embeddings {@link #embeddings(float[])} makes of a clip of {@code samples} samples.
     *
     * @param samples the clip's length in samples, 0 or more
     * @return the number of 96-value embeddings, 0 or more
     */
    public static int embeddingCount(int samples) {
        int frames = melFrameCount(samples);
        return frames < WINDOW_FRAMES ? 0 : (frames - WINDOW_FRAMES) / WINDOW_STEP + 1;
    }

    /**
     * The shortest clip, in samples, that gives exactly {@code n} embeddings in {@link #embeddings(float[])}.
     *
     * @param n the embeddings wanted, at least 1
     * @return the clip length in samples (at 16 kHz)
     */
    public static int samplesForEmbeddings(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (n == 0) {
            return 0;
        }
        int frames = WINDOW_FRAMES + (n - 1) * WINDOW_STEP;
        return MEL_FRAME_SAMPLES + (frames - 1) * MEL_HOP_SAMPLES;
    }

    /**
     * The mel spectrogram of {@code samples} as {@code _get_melspectrogram}: the model's output with
     * {@code x/10 + 2} applied.
     *
     * @param samples int16-valued floats at 16 kHz, at least 512
     * @return [frames][32] flattened, frames = {@link #melFrameCount(int)}
     */
    public float[] melspectrogram(float[] samples) {
        if (samples.length < MEL_FRAME_SAMPLES) {
            throw new IllegalArgumentException(samples.length + " samples, expected at least " + MEL_FRAME_SAMPLES
                    + " (one 32 ms mel frame)");
        }
        float[] spec = mel.run(samples, new long[] {1, samples.length}); // [1][1][frames][32]
        for (int i = 0; i < spec.length; i++) {
            spec[i] = spec[i] / 10f + 2f;
        }
        return spec;
    }

    /**
     * The embeddings of a whole clip as {@code _get_embeddings}: every complete window of 76 mel frames, stepping
     * by 8, run as one batch; the clip's last frames that do not fill a window are left out.
     *
     * @param samples int16-valued floats at 16 kHz
     * @return [n][96] flattened, n = {@link #embeddingCount(int)} (empty for a clip under 1.2 s)
     */
    public float[] embeddings(float[] samples) {
        int n = embeddingCount(samples.length);
        if (n == 0) {
            return new float[0];
        }
        return embedWindows(melWindows(samples), n);
    }

    /**
     * The windows {@link #embeddings(float[])} embeds: every complete run of 76 mel frames, stepping by 8.
     *
     * @param samples int16-valued floats at 16 kHz
     * @return [n][76][32] flattened, n = {@link #embeddingCount(int)}
     */
    public float[] melWindows(float[] samples) {
        int n = embeddingCount(samples.length);
        if (n == 0) {
            return new float[0];
        }
        float[] spec = melspectrogram(samples); // [frames][32]
        int window = WINDOW_FRAMES * MEL_BINS;
        float[] windows = new float[n * window]; // [n][76][32][1]
        for (int i = 0; i < n; i++) {
            System.arraycopy(spec, i * WINDOW_STEP * MEL_BINS, windows, i * window, window);
        }
        return windows;
    }

    /**
     * The embedding model on {@code n} windows {@code [n][76][32]} as one batch: {@code [n][96]}.
     *
     * @param windows {@code [n][76][32]} mel frames, flattened
     * @param n the number of windows, at least 1
     * @return {@code [n][96]} embeddings, flattened
     */
    public float[] embedWindows(float[] windows, int n) {
        return embedding.run(windows, new long[] {n, WINDOW_FRAMES, MEL_BINS, 1}); // [n][1][1][96]
    }

    /**
     * Chunks a window for {@link #streamedFeatures} needs so that its last {@code frames} embeddings come from its own
     * audio only: the earliest of them needs 76 mel frames, and a stream makes 5 of its first chunk and 8 of every
     * other: {@code frames + 9} chunks.
     *
     * @param frames the embeddings wanted, at least 1
     * @return the window's length in samples, a whole number of 1280-sample chunks
     */
    public static int streamedWindowSamples(int frames) {
        return (frames + 9) * CHUNK_SAMPLES;
    }

    /**
     * The last {@code frames} embeddings a fresh stream makes of {@code window}, pushed chunk by chunk: the features a
     * detector sees when the window's audio has just been heard, which is what a head is trained on (batch features
     * differ next to silence; see the class comment).
     *
     * @param window int16-valued samples, exactly {@link #streamedWindowSamples(int)} of them
     * @param frames the embeddings wanted, at least 1
     * @param dst    receives [frames][96] from {@code offset}
     * @param offset where in {@code dst} they go
     */
    public void streamedFeatures(float[] window, int frames, float[] dst, int offset) {
        if (window.length != streamedWindowSamples(frames)) {
            throw new IllegalArgumentException(window.length + " samples, expected " + streamedWindowSamples(frames)
                    + " for " + frames + " streamed embeddings");
        }
        Streaming stream = new Streaming(this, new float[0]);
        float[] chunk = new float[CHUNK_SAMPLES];
        for (int c = 0; c < window.length / CHUNK_SAMPLES; c++) {
            System.arraycopy(window, c * CHUNK_SAMPLES, chunk, 0, CHUNK_SAMPLES);
            stream.push(chunk);
        }
        stream.features(frames, dst, offset);
    }

    /** One embedding of one window of 76 mel frames ([76][32] flattened); {@code dst} gets 96 values. */
    void embedWindow(float[] window, float[] dst, int offset) {
        float[] e = embedding.run(window, new long[] {1, WINDOW_FRAMES, MEL_BINS, 1}); // [1][1][1][96]
        System.arraycopy(e, 0, dst, offset, EMBEDDING_SIZE);
    }

    /**
     * A fresh stream, as a new {@code AudioFeatures}: its mel buffer starts as ones, its feature buffer with the
     * embeddings of 4 s of noise drawn from {@code seed} (the reference draws them unseeded from numpy).
     *
     * @param seed draws the initial noise
     * @return a new stream over this front end's models
     */
    public Streaming streaming(long seed) {
        return new Streaming(this, initialFeatures(seed));
    }

    /**
     * The embeddings a fresh stream's feature buffer starts with: those of 4 s of noise drawn from {@code seed} (a
     * copy; the last seed's are kept, since a scorer starts one stream per clip with the same seed).
     *
     * @param seed draws the noise
     * @return the embeddings {@code [k][96]}, flattened
     */
    public float[] initialFeatures(long seed) {
        if (initialFeatures == null || initialSeed != seed) {
            initialFeatures = noiseEmbeddings(seed);
            initialSeed = seed;
        }
        return initialFeatures.clone();
    }

    private float[] noiseEmbeddings(long seed) {
        Rng rng = new Rng(seed);
        float[] noise = new float[NOISE_SAMPLES];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = rng.nextInt(2 * NOISE_AMPLITUDE) - NOISE_AMPLITUDE; // uniform integers in [-1000, 1000)
        }
        return embeddings(noise);
    }

    /**
     * A stream whose feature buffer starts empty (its first embeddings are the audio's own).
     *
     * @return a new stream over this front end's models
     */
    public Streaming streamingFromNothing() {
        return new Streaming(this, new float[0]);
    }

    /** Releases both onnxruntime sessions; streams of these features stop working. */
    @Override
    public void close() {
        try {
            mel.close();
        } finally {
            embedding.close();
        }
    }

    /**
     * Features of audio arriving in 80 ms chunks, as the reference's {@code _streaming_features} and
     * {@code get_features}: each chunk's mel frames are computed from it and the 480 samples before it (8 frames;
     * 5 for the very first chunk, which has no context), and one embedding is made of the last 76 mel frames.
     * Bounded memory: only what the next chunk needs is kept, and the last 120 embeddings. Not thread-safe.
     */
    public static final class Streaming {
        private static final int RAW_SAMPLES = STREAMING_CONTEXT_SAMPLES + CHUNK_SAMPLES;

        private final OpenWakeWordFeatures owner;
        private final float[] raw = new float[RAW_SAMPLES]; // [480 context + 1280 chunk], newest last
        private int rawCount;
        private final float[] melWindow = new float[WINDOW_FRAMES * MEL_BINS]; // [76][32], newest frame last
        private final float[] ring = new float[FEATURE_BUFFER_FRAMES * EMBEDDING_SIZE]; // [120][96] ring
        private int ringNext;
        private int featureCount;

        Streaming(OpenWakeWordFeatures owner, float[] initialFeatures) {
            this.owner = owner;
            Arrays.fill(melWindow, 1f);
            for (int i = 0; i < initialFeatures.length / EMBEDDING_SIZE; i++) {
                append(initialFeatures, i * EMBEDDING_SIZE);
            }
        }

        /**
         * Adds one chunk of exactly {@link #CHUNK_SAMPLES} int16-valued samples, which adds one embedding.
         *
         * @param chunk the samples, int16-valued floats at 16 kHz
         * @throws IllegalArgumentException for any other length
         */
        public void push(float[] chunk) {
            if (chunk.length != CHUNK_SAMPLES) {
                throw new IllegalArgumentException("a chunk of " + chunk.length + " samples, expected "
                        + CHUNK_SAMPLES + " (80 ms at 16 kHz)");
            }
            System.arraycopy(raw, CHUNK_SAMPLES, raw, 0, STREAMING_CONTEXT_SAMPLES);
            System.arraycopy(chunk, 0, raw, STREAMING_CONTEXT_SAMPLES, CHUNK_SAMPLES);
            rawCount = Math.min(RAW_SAMPLES, rawCount + CHUNK_SAMPLES);
            float[] input = rawCount == RAW_SAMPLES ? raw : Arrays.copyOfRange(raw, RAW_SAMPLES - rawCount,
                    RAW_SAMPLES);
            float[] frames = owner.melspectrogram(input); // [k][32], k = 8 (5 for the first chunk)
            int kept = melWindow.length - frames.length;
            System.arraycopy(melWindow, frames.length, melWindow, 0, kept);
            System.arraycopy(frames, 0, melWindow, kept, frames.length);
            owner.embedWindow(melWindow, ring, ringNext * EMBEDDING_SIZE);
            advance();
        }

        private void append(float[] src, int offset) {
            System.arraycopy(src, offset, ring, ringNext * EMBEDDING_SIZE, EMBEDDING_SIZE);
            advance();
        }

        private void advance() {
            ringNext = (ringNext + 1) % FEATURE_BUFFER_FRAMES;
            featureCount = Math.min(FEATURE_BUFFER_FRAMES, featureCount + 1);
        }

        /**
         * Embeddings held: the initial noise's and one per chunk, at most 120.
         *
         * @return the embedding count, 0 to 120
         */
        public int featureCount() {
            return featureCount;
        }

        /**
         * {@link #features(int, float[], int)} at offset 0.
         *
         * @param frames the embeddings wanted, at most {@link #featureCount()}
         * @param dst receives {@code [frames][96]}
         */
        public void features(int frames, float[] dst) {
            features(frames, dst, 0);
        }

        /**
         * The last {@code frames} embeddings, oldest first, as {@code get_features(frames)}: [frames][96] into
         * {@code dst} from {@code offset}.
         *
         * @param frames the embeddings wanted, at most {@link #featureCount()}
         * @param dst receives {@code [frames][96]}
         * @param offset where in {@code dst} they go
         * @throws IllegalArgumentException when more frames are asked for than {@link #featureCount()} holds
         */
        public void features(int frames, float[] dst, int offset) {
            if (frames < 1 || frames > featureCount) {
                throw new IllegalArgumentException(frames + " feature frames asked for, the stream holds "
                        + featureCount + " (at most " + FEATURE_BUFFER_FRAMES + ")");
            }
            int first = (ringNext - frames + FEATURE_BUFFER_FRAMES) % FEATURE_BUFFER_FRAMES;
            int head = Math.min(frames, FEATURE_BUFFER_FRAMES - first); // rows before the ring wraps
            System.arraycopy(ring, first * EMBEDDING_SIZE, dst, offset, head * EMBEDDING_SIZE);
            System.arraycopy(ring, 0, dst, offset + head * EMBEDDING_SIZE, (frames - head) * EMBEDDING_SIZE);
        }
    }
}
