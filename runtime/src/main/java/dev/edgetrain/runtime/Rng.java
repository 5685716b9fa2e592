package dev.edgetrain.runtime;

/**
 * SplitMix64: a small, fast, seedable generator whose whole state is one {@code long}, so a checkpoint can
 * save it and a resumed run continue the same sequence. Specified here, not borrowed from the platform, so
 * the same seed gives the same numbers on every JVM and on Android. Not thread-safe; not for cryptography.
 */
public final class Rng {
    private long state;

    /**
     * A generator whose state starts at {@code seed}.
     *
     * @param seed any value; the same seed gives the same sequence everywhere
     */
    public Rng(long seed) {
        this.state = seed;
    }

    /**
     * The whole generator state, for checkpoints.
     *
     * @return the state, for {@link #setState(long)}
     */
    public long state() {
        return state;
    }

    /**
     * Restores the state saved by {@link #state()}.
     *
     * @param state a value {@link #state()} returned
     */
    public void setState(long state) {
        this.state = state;
    }

    /**
     * The next 64 random bits.
     *
     * @return any {@code long}, uniformly
     */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Uniform in {@code [0, bound)}, without modulo bias (Lemire's method with rejection).
     *
     * @param bound the exclusive upper bound; positive
     * @return a value in {@code [0, bound)}
     * @throws IllegalArgumentException when {@code bound} is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
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
     * Uniform in {@code [0, 1)} with 24 random bits: every float of the form k·2^−24.
     *
     * @return a multiple of 2^−24 in {@code [0, 1)}
     */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /**
     * Standard normal by Box–Muller, with {@link StrictMath} so the values are the same everywhere.
     *
     * @return a draw from N(0, 1); consumes two {@link #nextDouble()}s
     */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1], keeps log finite
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /**
     * Fisher–Yates shuffle of {@code a[0..n)} in place.
     *
     * @param a the array to permute; only its first {@code n} entries move
     * @param n how many leading entries to shuffle, at most {@code a.length}
     */
    public void shuffle(int[] a, int n) {
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
