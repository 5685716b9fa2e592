package dev.edgetrain.transfer.audio;

import dev.edgetrain.runtime.Rng;
import java.util.Locale;

/**
 * One training example's audio: a clip placed in a window of fixed length so that it ends {@code shift} samples
 * before the window's end, its gain changed, and background noise mixed in at a signal-to-noise ratio. The
 * parameters are drawn from a seeded generator ({@link #draw}) and {@link #describe() described} by a string, which
 * keys the feature cache: the same clip with the same augmentation is never run through the backbone twice.
 *
 * <p>Samples are int16-valued floats (as openWakeWord feeds its melspectrogram model); the result is rounded and
 * clamped to int16 values, as a recording would be.
 */
public final class Augmentation {
    /** No change: the clip end-aligned in the window, as it is. */
    public static final Augmentation NONE = new Augmentation(0, 0f, -1, 0, 0f);

    /** Samples between the clip's end and the window's end. */
    private final int shift;
    private final float gainDb;
    /** Which background noise, or -1 for none. */
    private final int noise;
    /** Where in the noise the window starts (wrapping around). */
    private final int noiseOffset;
    private final float snrDb;

    private Augmentation(int shift, float gainDb, int noise, int noiseOffset, float snrDb) {
        this.shift = shift;
        this.gainDb = gainDb;
        this.noise = noise;
        this.noiseOffset = noiseOffset;
        this.snrDb = snrDb;
    }

    /** The ranges augmentations are drawn from. */
    public static final class Ranges {
        final int maxShift;
        final float maxGainDb;
        final float noiseProbability;
        final float minSnrDb;
        final float maxSnrDb;

        /**
         * Ranges for shift, gain and mixed-in noise.
         *
         * @param maxShift         the largest shift of the clip's end from the window's end, in samples
         * @param maxGainDb        gains are drawn from {@code [-maxGainDb, maxGainDb]}
         * @param noiseProbability how often background noise is mixed in (when there is any)
         * @param minSnrDb         the noise's signal-to-noise ratio is drawn from {@code [minSnrDb, maxSnrDb]}
         * @param maxSnrDb         the upper end of the noise's signal-to-noise ratio, in dB, at least {@code minSnrDb}
         */
        public Ranges(int maxShift, float maxGainDb, float noiseProbability, float minSnrDb, float maxSnrDb) {
            if (maxShift < 0 || !(maxGainDb >= 0) || !(noiseProbability >= 0 && noiseProbability <= 1)
                    || !(minSnrDb <= maxSnrDb)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "augmentation ranges: need shift >= 0, "
                                + "gain >= 0 dB, noise probability in [0, 1] and min SNR <= max SNR, got %d, %s, %s, "
                                + "[%s, %s]", maxShift, maxGainDb, noiseProbability, minSnrDb, maxSnrDb));
            }
            this.maxShift = maxShift;
            this.maxGainDb = maxGainDb;
            this.noiseProbability = noiseProbability;
            this.minSnrDb = minSnrDb;
            this.maxSnrDb = maxSnrDb;
        }
    }

    /**
     * Draws an augmentation from {@code rng}.
     *
     * @param rng the generator to draw from; advanced
     * @param ranges the ranges to draw within
     * @param noiseLengths the length in samples of each background noise clip ({@code [noises]}, may be empty)
     * @return the drawn shift, gain and noise
     */
    public static Augmentation draw(Rng rng, Ranges ranges, int[] noiseLengths) {
        int shift = ranges.maxShift == 0 ? 0 : rng.nextInt(ranges.maxShift + 1);
        float gain = (float) ((2 * rng.nextDouble() - 1) * ranges.maxGainDb);
        int noise = -1;
        int offset = 0;
        float snr = 0f;
        if (noiseLengths.length > 0 && rng.nextDouble() < ranges.noiseProbability) {
            noise = rng.nextInt(noiseLengths.length);
            offset = rng.nextInt(noiseLengths[noise]);
            snr = (float) (ranges.minSnrDb + rng.nextDouble() * (ranges.maxSnrDb - ranges.minSnrDb));
        }
        return new Augmentation(shift, gain, noise, offset, snr);
    }

    /**
     * The window: {@code clip} ending {@code shift} samples before its end (its start cut off when it does not fit,
     * silence before it), scaled by the gain, with the noise added at the ratio. A clip of digital silence gets the
     * noise at the level it would have against a clip of RMS 1000 (about -30 dBFS).
     *
     * @param clip   int16-valued samples
     * @param length the window's length in samples
     * @param noises the background noise clips the augmentation was drawn for
     * @return {@code [length]} int16-valued samples
     */
    public float[] apply(float[] clip, int length, float[][] noises) {
        float[] window = new float[length];
        int end = Math.max(0, length - shift);
        int take = Math.min(clip.length, end);
        System.arraycopy(clip, clip.length - take, window, end - take, take);
        float gain = (float) Math.pow(10, gainDb / 20.0);
        double speech = 0;
        for (int i = 0; i < length; i++) {
            window[i] *= gain;
            speech += (double) window[i] * window[i];
        }
        if (noise >= 0) {
            float[] n = noises[noise];
            double noiseEnergy = 0;
            for (int i = 0; i < length; i++) {
                float v = n[(noiseOffset + i) % n.length];
                noiseEnergy += (double) v * v;
            }
            double speechRms = take == 0 || speech == 0 ? 1000 : Math.sqrt(speech / take);
            double noiseRms = Math.sqrt(noiseEnergy / length);
            if (noiseRms > 0) {
                float scale = (float) (speechRms / Math.pow(10, snrDb / 20.0) / noiseRms);
                for (int i = 0; i < length; i++) {
                    window[i] += scale * n[(noiseOffset + i) % n.length];
                }
            }
        }
        for (int i = 0; i < length; i++) { // int16 again, as a recording (and the reference's int16 cast)
            window[i] = Math.max(-32768f, Math.min(32767f, Math.round(window[i])));
        }
        return window;
    }

    /**
     * The parameters, as the feature cache's variant key: {@code shift=800 gain=-2.31dB noise=1@5120 snr=12.0dB}.
     *
     * @return the description, as shown above
     */
    public String describe() {
        return String.format(Locale.ROOT, "shift=%d gain=%.4fdB", shift, gainDb)
                + (noise < 0 ? "" : String.format(Locale.ROOT, " noise=%d@%d snr=%.4fdB", noise, noiseOffset, snrDb));
    }

    @Override
    public String toString() {
        return describe();
    }
}
