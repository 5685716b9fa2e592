package dev.edgetrain.transfer.wakeword;

import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.CHUNK_SAMPLES;
import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.EMBEDDING_SIZE;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.transfer.BackboneException;
import dev.edgetrain.transfer.FrozenBackbone;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;

/**
 * A binary wake-word head (an ONNX model [1, F, 96] -> [1, 1] run by onnxruntime, or a runtime {@link Network} with
 * F·96 inputs and one sigmoid output) scoring audio as openWakeWord's
 * {@code Model.predict_clip} does: the clip padded with 1 s of silence on each side, fed to a fresh stream in 80 ms
 * chunks, one score per chunk from the last F embeddings, the first 5 scores 0 (the reference's warm-up). Not
 * thread-safe. Closing it closes the head, not the features.
 */
public final class StreamingScorer implements AutoCloseable {
    /** Silence added before and after a clip, as {@code predict_clip(padding=1)}. */
    public static final int PADDING_SAMPLES = OpenWakeWordFeatures.SAMPLE_RATE;
    /** Scores zeroed at the start of a stream, as {@code Model.predict}. */
    public static final int WARMUP_SCORES = 5;

    /** The head's score of one window of F embeddings {@code [1][frames][96]}. */
    private interface Head {
        float score(float[] window);

        void close();
    }

    private final OpenWakeWordFeatures features;
    private final Head head;
    private final int frames;
    private final float[] window; // [1][frames][96]

    private StreamingScorer(OpenWakeWordFeatures features, Head head, int frames) {
        this.features = features;
        this.head = head;
        this.frames = frames;
        this.window = new float[frames * EMBEDDING_SIZE];
    }

    /** A head run by onnxruntime on {@code [1, frames, 96]}. */
    private static final class OnnxHead implements Head {
        private final FrozenBackbone model;
        private final long[] shape;

        OnnxHead(FrozenBackbone model, int frames) {
            this.model = model;
            this.shape = new long[] {1, frames, EMBEDDING_SIZE};
        }

        @Override
        public float score(float[] window) {
            return model.run(window, shape)[0];
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** A head the runtime runs: one row of {@code frames·96} inputs, one network or an averaged ensemble. */
    private static final class RuntimeHead implements Head {
        private final WakeWordHead head;

        RuntimeHead(WakeWordHead head) {
            this.head = head;
        }

        @Override
        public float score(float[] window) {
            return head.score(window, 0);
        }

        @Override
        public void close() {
        }
    }

    /**
     * Scores with a runtime network (a head being trained, or an imported one): {@code F·96} inputs, a binary task.
     *
     * @param features the openWakeWord front end the head's embeddings come from
     * @param head a binary network of F·96 inputs
     * @return a scorer using {@code head} as it is (not copied)
     */
    public static StreamingScorer of(OpenWakeWordFeatures features, Network head) {
        return of(features, new WakeWordHead(head));
    }

    /**
     * Scores with a runtime head of one network or an averaged ensemble.
     *
     * @param features the openWakeWord front end the head's embeddings come from
     * @param head one network or an ensemble, of F·96 inputs
     * @return a scorer using {@code head} as it is (not copied)
     */
    public static StreamingScorer of(OpenWakeWordFeatures features, WakeWordHead head) {
        return new StreamingScorer(features, new RuntimeHead(head), head.frames());
    }

    /**
     * Opens a head; its input shape [1, F, 96] says how many embeddings it scores.
     *
     * @param features the openWakeWord front end the head's embeddings come from
     * @param headOnnx the head's ONNX file
     * @param outputTensor null for the head's own output, else the tensor to end at (e.g. hey_jarvis's Sigmoid
     *                     {@code p1.1}, past which its graph post-processes)
     * @return a scorer; close it to free onnxruntime's session
     * @throws BackboneException when the head does not take [1, F, 96] (F at most 120) or does not give one score
     */
    public static StreamingScorer open(OpenWakeWordFeatures features, File headOnnx, String outputTensor)
            throws IOException {
        FrozenBackbone head = FrozenBackbone.open(headOnnx, outputTensor);
        try {
            long[] shape = head.inputShape();
            if (shape.length != 3 || shape[0] > 1 || shape[1] < 1 || shape[2] != EMBEDDING_SIZE
                    || shape[1] > OpenWakeWordFeatures.FEATURE_BUFFER_FRAMES) {
                throw new BackboneException(headOnnx.getName() + ": input '" + head.inputName() + "' has shape "
                        + Arrays.toString(shape) + ", expected [1, F, 96] with F from 1 to "
                        + OpenWakeWordFeatures.FEATURE_BUFFER_FRAMES + " embeddings");
            }
            StreamingScorer scorer = new StreamingScorer(features, new OnnxHead(head, (int) shape[1]), (int) shape[1]);
            float[] out = head.run(scorer.window, new long[] {1, shape[1], EMBEDDING_SIZE});
            if (out.length != 1) {
                throw new BackboneException(headOnnx.getName() + ": output '" + head.outputName() + "' has shape "
                        + Arrays.toString(head.lastOutputShape()) + ", expected [1, 1]: only binary heads (one"
                        + " score) are scored");
            }
            return scorer;
        } catch (IOException | RuntimeException e) {
            head.close();
            throw e;
        }
    }

    /**
     * F: the embeddings the head scores at once.
     *
     * @return F, at least 1
     */
    public int featureFrames() {
        return frames;
    }

    /**
     * The head's score of the stream's last F embeddings.
     *
     * @param stream a stream that has at least F embeddings
     * @return the score, in [0, 1]
     */
    public float score(OpenWakeWordFeatures.Streaming stream) {
        stream.features(frames, window);
        return head.score(window);
    }

    /**
     * Scores {@link #scoreClip(float[], long)} gives for a clip of {@code samples} samples.
     *
     * @param samples the clip's length in samples, 0 or more
     * @return the number of 80 ms chunk scores
     */
    public static int scoreCount(int samples) {
        int padded = samples + 2 * PADDING_SAMPLES;
        // predict_clip: for i in range(0, len - 1280, 1280)
        return padded <= CHUNK_SAMPLES ? 0 : (padded - CHUNK_SAMPLES + CHUNK_SAMPLES - 1) / CHUNK_SAMPLES;
    }

    /**
     * The head's scores over a clip, as {@code Model.predict_clip}: 1 s of zeros on each side, a fresh stream
     * ({@code seed} draws its initial noise), one score per 80 ms chunk, the first 5 scores 0.
     *
     * @param samples int16-valued floats at 16 kHz
     * @param seed draws the fresh stream's initial noise
     * @return [{@link #scoreCount(int)}] scores in [0, 1]
     */
    public float[] scoreClip(float[] samples, long seed) {
        OpenWakeWordFeatures.Streaming stream = features.streaming(seed);
        float[] scores = new float[scoreCount(samples.length)];
        float[] chunk = new float[CHUNK_SAMPLES];
        for (int c = 0; c < scores.length; c++) {
            fillChunk(samples, c * CHUNK_SAMPLES - PADDING_SAMPLES, chunk);
            stream.push(chunk);
            scores[c] = c < WARMUP_SCORES ? 0f : score(stream); // the reference runs the head and zeroes it
        }
        return scores;
    }

    /**
     * The highest of {@link #scoreClip(float[], long)}'s scores (0 for a clip too short to score).
     *
     * @param samples int16-valued floats at 16 kHz
     * @param seed draws the fresh stream's initial noise
     * @return the highest score, in [0, 1]
     */
    public float maxScore(float[] samples, long seed) {
        float max = 0f;
        for (float s : scoreClip(samples, seed)) {
            max = Math.max(max, s);
        }
        return max;
    }

    /** {@code chunk} = samples[from, from + 1280), zeros outside the clip (the padding). */
    static void fillChunk(float[] samples, int from, float[] chunk) {
        Arrays.fill(chunk, 0f);
        int start = Math.max(0, from);
        int end = Math.min(samples.length, from + CHUNK_SAMPLES);
        if (start < end) {
            System.arraycopy(samples, start, chunk, start - from, end - start);
        }
    }

    /** Closes the head; the features stay open. */
    @Override
    public void close() {
        head.close();
    }
}
