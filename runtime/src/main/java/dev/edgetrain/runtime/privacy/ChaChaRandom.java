package dev.edgetrain.runtime.privacy;

import java.security.SecureRandom;

/**
 * The random numbers of private training: the ChaCha20 keystream (RFC 8439's block function, 20 rounds) read as
 * 64-bit words, with uniform doubles and normals (Marsaglia's polar method) on top. ChaCha20 is a
 * cryptographically strong generator: without the 256-bit key, its output cannot be told from random or predicted
 * from earlier output, so nobody who sees noisy updates (or the sampled batches' effects) can reconstruct the noise
 * and subtract it, which a fast statistical generator such as SplitMix64 ({@link dev.edgetrain.runtime.Rng}, whose
 * state can be read off one output) would allow. It is also fast (a 64-byte block per 20 rounds of 32-bit adds,
 * xors and rotations) and allocates nothing after construction, so a DP training step stays allocation-free.
 *
 * <p>{@link #fromSecureRandom()} keys it from {@link SecureRandom} (the platform's entropy source; on Android,
 * {@code /dev/urandom}): use that for real training. {@link #seeded(long)} derives the key from a {@code long},
 * for reproducible tests and experiments only: anyone who knows or guesses the seed can recompute the noise,
 * and the privacy guarantee is then void.
 *
 * <p>Known limit: the normals are real numbers rounded to double (then to float when added to a gradient), not
 * a discrete Gaussian; floating-point attacks on such samplers (Mironov 2012, for the Laplace mechanism) are not
 * addressed, as in Opacus and TensorFlow Privacy. Not thread-safe.
 */
public final class ChaChaRandom {
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574}; // "expand 32-byte k"

    /** The block input: constants, key, 32-bit block counter (word 12), nonce. */
    private final int[] input = new int[16];
    /** The current keystream block, {@code [16]} words. */
    private final int[] block = new int[16];
    /** Words of {@link #block} already used. */
    private int used = 16;
    /** The second normal of the last pair, waiting to be returned. */
    private double spareNormal;
    private boolean hasSpare;

    /**
     * A generator with the given 256-bit key ({@code [8]} words) and 96-bit nonce ({@code [3]} words).
     *
     * @param key {@code [8]} words of key, copied; secret
     * @param nonce {@code [3]} words of nonce, copied
     * @throws IllegalArgumentException when either is null or of the wrong length
     */
    public ChaChaRandom(int[] key, int[] nonce) {
        if (key == null || key.length != 8 || nonce == null || nonce.length != 3) {
            throw new IllegalArgumentException("ChaCha20 needs a key of 8 words and a nonce of 3, got "
                    + (key == null ? "null" : key.length) + " and " + (nonce == null ? "null" : nonce.length));
        }
        System.arraycopy(SIGMA, 0, input, 0, 4);
        System.arraycopy(key, 0, input, 4, 8);
        System.arraycopy(nonce, 0, input, 13, 3);
    }

    /**
     * A generator keyed by {@link SecureRandom}: the one to train with.
     *
     * @return a generator with a fresh random key and a zero nonce
     */
    public static ChaChaRandom fromSecureRandom() {
        final SecureRandom entropy = new SecureRandom();
        final int[] key = new int[8];
        for (int i = 0; i < key.length; i++) {
            key[i] = entropy.nextInt();
        }
        return new ChaChaRandom(key, new int[3]);
    }

    /**
     * A generator whose key is spread from {@code seed}: reproducible, so for tests and experiments only. Its noise
     * protects nothing from anyone who knows the seed.
     *
     * @param seed any value; the same seed gives the same stream everywhere
     * @return a generator with the derived key and a zero nonce
     */
    public static ChaChaRandom seeded(long seed) {
        final int[] key = new int[8];
        long z = seed;
        for (int i = 0; i < key.length; i += 2) { // SplitMix64 steps: distinct, well-mixed words from one long
            z += 0x9E3779B97F4A7C15L;
            long w = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            w = (w ^ (w >>> 27)) * 0x94D049BB133111EBL;
            w ^= w >>> 31;
            key[i] = (int) w;
            key[i + 1] = (int) (w >>> 32);
        }
        return new ChaChaRandom(key, new int[3]);
    }

    /**
     * The next 32 keystream bits (words in keystream order, each little-endian as RFC 8439 serialises them).
     *
     * @return 32 keystream bits
     */
    public int nextInt() {
        if (used == 16) {
            refill();
        }
        return block[used++];
    }

    /**
     * The next 64 bits: two {@code nextInt()} values, high word first.
     *
     * @return 64 keystream bits
     */
    public long nextLong() {
        return ((long) nextInt() << 32) | (nextInt() & 0xFFFFFFFFL);
    }

    /**
     * Uniform in {@code [0, 1)} with 53 random bits.
     *
     * @return a multiple of 2^−53 in {@code [0, 1)}
     */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * A standard normal, by Marsaglia's polar method (both values of each pair are used): a point uniform in the
     * unit disc, drawn by rejection from the square (accepted with probability π/4), scaled by
     * {@code √(−2 ln s / s)}. No trigonometry, so about twice as fast as Box–Muller; a model's worth of noise is
     * drawn every step.
     *
     * @return a draw from N(0, 1)
     */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareNormal;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        final double scale = Math.sqrt(-2 * Math.log(s) / s);
        spareNormal = v * scale;
        hasSpare = true;
        return u * scale;
    }

    /** Computes the next block and advances the 32-bit counter (then the first nonce word, past 2³² blocks). */
    private void refill() {
        block(block, input);
        if (++input[12] == 0) {
            input[13]++;
        }
        used = 0;
    }

    /** RFC 8439 §2.3: {@code out = input + 20 rounds(input)}, word by word. */
    static void block(int[] out, int[] in) {
        int x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3], x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
        int x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11], x12 = in[12], x13 = in[13], x14 = in[14];
        int x15 = in[15];
        for (int round = 0; round < 10; round++) {
            // column round
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonal round
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        out[0] = x0 + in[0];
        out[1] = x1 + in[1];
        out[2] = x2 + in[2];
        out[3] = x3 + in[3];
        out[4] = x4 + in[4];
        out[5] = x5 + in[5];
        out[6] = x6 + in[6];
        out[7] = x7 + in[7];
        out[8] = x8 + in[8];
        out[9] = x9 + in[9];
        out[10] = x10 + in[10];
        out[11] = x11 + in[11];
        out[12] = x12 + in[12];
        out[13] = x13 + in[13];
        out[14] = x14 + in[14];
        out[15] = x15 + in[15];
    }

    /** Sets the block counter, as RFC 8439's test vectors start from block 1. */
    void setCounter(int counter) {
        input[12] = counter;
        used = 16;
    }
}
