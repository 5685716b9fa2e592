package dev.edgetrain.transfer.wakeword;

import dev.edgetrain.transfer.audio.WavFile;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * How a wake-word detector does on held-out audio at one threshold: the false-reject rate on clips of the phrase
 * (a clip is rejected when no score over it reaches the threshold) and the false accepts per hour of audio without
 * it. A false accept is a score at or above the threshold at least {@link #REFRACTORY_CHUNKS} chunks (1.28 s, the
 * head's own window) after the previous one, so one utterance that keeps the score high counts once.
 */
public final class DetectionReport {
    /** Chunks after an activation in which another does not count: one head window of 16 embeddings, 1.28 s. */
    public static final int REFRACTORY_CHUNKS = 16;

    public final float threshold;
    public final int positives;
    public final int falseRejects;
    /** The highest score over each positive clip {@code [positives]}. */
    public final float[] positiveMaxScores;
    public final double negativeSeconds;
    public final int falseAccepts;

    private DetectionReport(float threshold, float[] positiveMaxScores, int falseRejects, double negativeSeconds,
                            int falseAccepts) {
        this.threshold = threshold;
        this.positives = positiveMaxScores.length;
        this.positiveMaxScores = positiveMaxScores;
        this.falseRejects = falseRejects;
        this.negativeSeconds = negativeSeconds;
        this.falseAccepts = falseAccepts;
    }

    /**
     * Scores every positive clip and every negative recording (one stream per file, drawn with {@code seed}) with
     * {@code scorer}.
     *
     * @param positives clips of the wake phrase
     * @param negatives recordings without it, of any length (their total duration is the hours counted)
     */
    public static DetectionReport measure(StreamingScorer scorer, long seed, List<File> positives,
                                          List<File> negatives, float threshold) throws IOException {
        float[] maxima = new float[positives.size()];
        int rejects = 0;
        for (int i = 0; i < maxima.length; i++) {
            maxima[i] = max(scorer.scoreClip(WavFile.readMono16k(positives.get(i)), seed));
            if (!(maxima[i] >= threshold)) {
                rejects++;
            }
        }
        double seconds = 0;
        int accepts = 0;
        for (File f : negatives) {
            float[] samples = WavFile.readMono16k(f);
            seconds += samples.length / (double) OpenWakeWordFeatures.SAMPLE_RATE;
            accepts += activations(scorer.scoreClip(samples, seed), threshold);
        }
        return new DetectionReport(threshold, maxima, rejects, seconds, accepts);
    }

    /** Activations in a score sequence: scores at or above the threshold, refractory periods apart. */
    public static int activations(float[] scores, float threshold) {
        int count = 0;
        int last = -REFRACTORY_CHUNKS - 1;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= threshold && i - last > REFRACTORY_CHUNKS) {
                count++;
                last = i;
            }
        }
        return count;
    }

    static float max(float[] scores) {
        float m = Float.NEGATIVE_INFINITY;
        for (float s : scores) {
            m = Math.max(m, s);
        }
        return m;
    }

    /** The fraction of positive clips rejected; NaN without positives. */
    public double falseRejectRate() {
        return positives == 0 ? Double.NaN : falseRejects / (double) positives;
    }

    /** False accepts per hour of negative audio; NaN without negative audio. */
    public double falseAcceptsPerHour() {
        return negativeSeconds == 0 ? Double.NaN : falseAccepts * 3600.0 / negativeSeconds;
    }

    /** {@code threshold 0.50: false rejects 1/40 (2.5%), false accepts 0 in 31.2 min (0.00 per hour)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "threshold %.2f: false rejects %d/%d (%.1f%%), false accepts %d in %.1f min "
                        + "(%.2f per hour)", threshold, falseRejects, positives, 100 * falseRejectRate(), falseAccepts,
                negativeSeconds / 60, falseAcceptsPerHour());
    }
}
