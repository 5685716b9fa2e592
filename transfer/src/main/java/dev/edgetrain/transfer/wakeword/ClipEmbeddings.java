package dev.edgetrain.transfer.wakeword;

import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.CHUNK_SAMPLES;
import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.EMBEDDING_SIZE;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.transfer.FeatureCache;
import java.io.IOException;

/**
 * What a detector's stream makes of a clip, computed once: the embedding of every 80 ms chunk as openWakeWord's
 * {@code predict_clip} feeds it ({@link StreamingScorer#PADDING_SAMPLES} of silence on each side), kept in a
 * {@link FeatureCache} of width 96. Any head is then scored on a clip with no backbone run, and its scores equal
 * {@link StreamingScorer}'s exactly: a stream's chunk embeddings do not depend on the noise its feature buffer starts
 * with, which only fills the first windows ({@link OpenWakeWordFeatures#initialFeatures}).
 */
public final class ClipEmbeddings {
    private final OpenWakeWordFeatures features;
    /** Chunk embeddings by clip and chunk; null to compute every time. */
    private final FeatureCache cache;
    /** The seeded noise embeddings a fresh stream starts with {@code [k][96]}. */
    private final float[] initial;

    /**
     * Embeddings computed with {@code features}, cached in {@code cache} when one is given.
     *
     * @param features the openWakeWord front end (melspectrogram and embedding models)
     * @param cache a cache of width 96 (separate from a trainer's), or null
     * @param seed draws the noise embeddings a fresh stream starts with, as {@link StreamingScorer#scoreClip} takes it
     */
    public ClipEmbeddings(OpenWakeWordFeatures features, FeatureCache cache, long seed) {
        if (cache != null && cache.width() != EMBEDDING_SIZE) {
            throw new IllegalArgumentException("a chunk-embedding cache has width " + EMBEDDING_SIZE + ", got "
                    + cache.width());
        }
        this.features = features;
        this.cache = cache;
        this.initial = features.initialFeatures(seed);
    }

    /**
     * The clip's chunk embeddings {@code [StreamingScorer.scoreCount(samples.length)][96]}, from the cache when all
     * are there.
     *
     * @param samples int16-valued floats at 16 kHz
     * @return the embeddings, row-major, 96 values per chunk
     * @throws IOException when the cache cannot be read or written
     */
    public float[] of(float[] samples) throws IOException {
        int chunks = StreamingScorer.scoreCount(samples.length);
        float[] out = new float[chunks * EMBEDDING_SIZE]; // [chunks][96]
        byte[][] keys = null;
        if (cache != null) {
            byte[] clipKey =
                    FeatureCache.exampleKey(samples, "predict_clip padding=" + StreamingScorer.PADDING_SAMPLES);
            keys = new byte[chunks][];
            boolean all = true;
            for (int c = 0; c < chunks; c++) {
                keys[c] = FeatureCache.derivedKey(clipKey, "chunk " + c);
                all &= cache.contains(keys[c]);
            }
            if (all) {
                for (int c = 0; c < chunks; c++) {
                    cache.get(keys[c], out, c * EMBEDDING_SIZE);
                }
                return out;
            }
        }
        OpenWakeWordFeatures.Streaming stream = features.streamingFromNothing();
        float[] chunk = new float[CHUNK_SAMPLES];
        for (int c = 0; c < chunks; c++) {
            StreamingScorer.fillChunk(samples, c * CHUNK_SAMPLES - StreamingScorer.PADDING_SAMPLES, chunk);
            stream.push(chunk);
            stream.features(1, out, c * EMBEDDING_SIZE);
            if (cache != null) {
                cache.put(keys[c], out, c * EMBEDDING_SIZE);
            }
        }
        return out;
    }

    /**
     * A head's scores over a clip's chunk embeddings (from {@link #of}), as {@link StreamingScorer#scoreClip}: one
     * per chunk, the first {@link StreamingScorer#WARMUP_SCORES} 0.
     *
     * @param head a binary network of {@code F·96} inputs
     * @param chunkEmbeddings {@code [chunks][96]}, row-major, as {@link #of} gives them
     * @return {@code [chunks]} scores in [0, 1]
     */
    public float[] scores(Network head, float[] chunkEmbeddings) {
        return scores(new WakeWordHead(head), chunkEmbeddings);
    }

    /**
     * As {@link #scores(Network, float[])}, for a head of one network or an ensemble.
     *
     * @param head the head, of F·96 inputs
     * @param chunkEmbeddings {@code [chunks][96]}, row-major, as {@link #of} gives them
     * @return {@code [chunks]} scores in [0, 1]
     */
    public float[] scores(WakeWordHead head, float[] chunkEmbeddings) {
        int frames = head.frames();
        int chunks = chunkEmbeddings.length / EMBEDDING_SIZE;
        int held = initial.length / EMBEDDING_SIZE;
        float[] history = new float[(held + chunks) * EMBEDDING_SIZE]; // [held + chunks][96], oldest first
        System.arraycopy(initial, 0, history, 0, initial.length);
        System.arraycopy(chunkEmbeddings, 0, history, initial.length, chunkEmbeddings.length);
        float[] scores = new float[chunks];
        for (int c = StreamingScorer.WARMUP_SCORES; c < chunks; c++) {
            int end = held + c + 1; // rows heard after chunk c
            if (end < frames) {
                throw new IllegalArgumentException("a head of " + frames + " embeddings needs more than the "
                        + held + " a stream starts with");
            }
            scores[c] = head.score(history, (end - frames) * EMBEDDING_SIZE);
        }
        return scores;
    }
}
