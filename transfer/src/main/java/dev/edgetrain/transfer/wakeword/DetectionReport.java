package dev.edgetrain.transfer.wakeword;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.transfer.audio.WavFile;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * How a wake-word detector does on held-out audio under one detection rule: the false-reject rate on clips of the
 * phrase (a clip is rejected when the detector never activates on it) and the false accepts per hour of audio without
 * it. The detector activates when {@code consecutive} scores in a row are at or above the threshold (openWakeWord's
 * {@code patience}; 1 = any score), and not again within {@link #REFRACTORY_CHUNKS} chunks (1.28 s, the head's own
 * window), so one utterance that keeps the score high counts once.
 */
public final class DetectionReport {
    /** Chunks after an activation in which another does not count: one head window of 16 embeddings, 1.28 s. */
    public static final int REFRACTORY_CHUNKS = 16;

    /** The score at or above which a chunk counts. */
    public final float threshold;
    /** Scores in a row at or above the threshold that make an activation. */
    public final int consecutive;
    /** Positive clips evaluated. */
    public final int positives;
    /** Positive clips on which the detector never activated. */
    public final int falseRejects;
    /** Seconds of audio without the phrase. */
    public final double negativeSeconds;
    /** Activations on audio without the phrase. */
    public final int falseAccepts;
    /** Every positive clip's and every negative recording's scores, to count under other rules ({@link #at}). */
    private final float[][] positiveScores;
    private final float[][] negativeScores;

    private DetectionReport(float threshold, int consecutive, float[][] positiveScores, float[][] negativeScores,
                            double negativeSeconds) {
        if (consecutive < 1) {
            throw new IllegalArgumentException("consecutive must be >= 1, got " + consecutive);
        }
        this.threshold = threshold;
        this.consecutive = consecutive;
        this.positiveScores = positiveScores;
        this.negativeScores = negativeScores;
        this.negativeSeconds = negativeSeconds;
        this.positives = positiveScores.length;
        int rejects = 0;
        for (float[] s : positiveScores) {
            if (activations(s, threshold, consecutive) == 0) {
                rejects++;
            }
        }
        this.falseRejects = rejects;
        int accepts = 0;
        for (float[] s : negativeScores) {
            accepts += activations(s, threshold, consecutive);
        }
        this.falseAccepts = accepts;
    }

    /**
     * Scores every positive clip and every negative recording (one stream per file, as {@code predict_clip}) with
     * {@code head}, on the clips' chunk embeddings (computed once and cached by {@code embeddings}).
     *
     * @param embeddings computes (or finds cached) each clip's chunk embeddings
     * @param head a binary network of F·96 inputs
     * @param positives clips of the wake phrase
     * @param negatives recordings without it, of any length (their total duration is the hours counted)
     * @param threshold the score in [0, 1] at or above which a chunk counts
     * @param consecutive scores in a row at or above the threshold that make an activation, at least 1
     * @return the counts and every clip's scores
     * @throws IOException when a clip cannot be read or the cache fails
     */
    public static DetectionReport measure(ClipEmbeddings embeddings, Network head, List<File> positives,
                                          List<File> negatives, float threshold, int consecutive) throws IOException {
        return measure(embeddings, new WakeWordHead(head), positives, negatives, threshold, consecutive);
    }

    /**
     * As {@link #measure(ClipEmbeddings, Network, List, List, float, int)}, for a head of one network or more.
     *
     * @param embeddings computes (or finds cached) each clip's chunk embeddings
     * @param head the head, of F·96 inputs
     * @param positives clips of the wake phrase
     * @param negatives recordings without it, of any length
     * @param threshold the score in [0, 1] at or above which a chunk counts
     * @param consecutive scores in a row at or above the threshold that make an activation, at least 1
     * @return the counts and every clip's scores
     * @throws IOException when a clip cannot be read or the cache fails
     */
    public static DetectionReport measure(ClipEmbeddings embeddings, WakeWordHead head, List<File> positives,
                                          List<File> negatives, float threshold, int consecutive) throws IOException {
        float[][] pos = new float[positives.size()][];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = embeddings.scores(head, embeddings.of(WavFile.readMono16k(positives.get(i))));
        }
        double seconds = 0;
        float[][] neg = new float[negatives.size()][];
        for (int i = 0; i < neg.length; i++) {
            float[] samples = WavFile.readMono16k(negatives.get(i));
            seconds += samples.length / (double) OpenWakeWordFeatures.SAMPLE_RATE;
            neg[i] = embeddings.scores(head, embeddings.of(samples));
        }
        return new DetectionReport(threshold, consecutive, pos, neg, seconds);
    }

    /**
     * The same scores counted under another rule.
     *
     * @param otherThreshold the score in [0, 1] at or above which a chunk counts
     * @param otherConsecutive scores in a row that make an activation, at least 1
     * @return a report of the same clips under that rule
     */
    public DetectionReport at(float otherThreshold, int otherConsecutive) {
        return new DetectionReport(otherThreshold, otherConsecutive, positiveScores, negativeScores, negativeSeconds);
    }

    /**
     * Activations in a score sequence (see the class comment).
     *
     * @param scores one score per chunk, in [0, 1]
     * @param threshold the score at or above which a chunk counts
     * @param consecutive scores in a row at or above the threshold that make an activation, at least 1
     * @return the number of activations, 0 or more
     */
    public static int activations(float[] scores, float threshold, int consecutive) {
        int count = 0;
        int run = 0;
        int last = -REFRACTORY_CHUNKS - 1;
        for (int i = 0; i < scores.length; i++) {
            run = scores[i] >= threshold ? run + 1 : 0;
            if (run >= consecutive && i - last > REFRACTORY_CHUNKS) {
                count++;
                last = i;
            }
        }
        return count;
    }

    /**
     * The highest score of each positive clip {@code [positives]}.
     *
     * @return one maximum per positive clip, in [0, 1] (0 for a clip too short to score)
     */
    public float[] positiveMaxScores() {
        float[] m = new float[positiveScores.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = Float.NEGATIVE_INFINITY;
            for (float s : positiveScores[i]) {
                m[i] = Math.max(m[i], s);
            }
        }
        return m;
    }

    /**
     * The fraction of positive clips rejected; NaN without positives.
     *
     * @return a rate in [0, 1], or NaN
     */
    public double falseRejectRate() {
        return positives == 0 ? Double.NaN : falseRejects / (double) positives;
    }

    /**
     * False accepts per hour of negative audio; NaN without negative audio.
     *
     * @return a rate, 0 or more, or NaN
     */
    public double falseAcceptsPerHour() {
        return negativeSeconds == 0 ? Double.NaN : falseAccepts * 3600.0 / negativeSeconds;
    }

    /** {@code threshold 0.50 x2: false rejects 1/40 (2.5%), false accepts 0 in 31.2 min (0.00 per hour)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "threshold %.2f x%d: false rejects %d/%d (%.1f%%), false accepts %d in %.1f "
                        + "min (%.2f per hour)", threshold, consecutive, falseRejects, positives,
                100 * falseRejectRate(), falseAccepts, negativeSeconds / 60, falseAcceptsPerHour());
    }
}
