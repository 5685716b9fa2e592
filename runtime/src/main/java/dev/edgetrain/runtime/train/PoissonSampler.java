package dev.edgetrain.runtime.train;

import dev.edgetrain.runtime.privacy.ChaChaRandom;

/**
 * Poisson sampling of batches, the sampling the RDP accountant of DP-SGD assumes: each of {@code rows} examples is in
 * a batch independently with probability {@code q}, so a batch's size varies (binomial, mean {@code q·rows}) and
 * may be 0. Drawn by geometric skipping: the gap to the next included row is {@code ⌊log U / log(1 − q)⌋} for a
 * uniform {@code U} in (0, 1], which gives exactly the same distribution as one coin per row in {@code O(q·rows)}
 * draws instead of {@code rows}. Allocates nothing; not thread-safe.
 */
public final class PoissonSampler {
    private final int rows;
    private final double rate;
    /** {@code log(1 − q)}: negative, or −∞ for q = 1 (every gap 0). */
    private final double logKeepOut;
    private final ChaChaRandom random;

    /**
     * A sampler over {@code rows} examples, each in a batch with probability {@code rate}.
     *
     * @param rows the examples sampled from, at least 1
     * @param rate each example's chance q of being in a batch, in [0, 1]
     * @param random the generator of the gaps; drawn from at every {@link #sample}
     * @throws IllegalArgumentException for fewer than one row, a rate outside [0, 1] or a null generator
     */
    public PoissonSampler(int rows, double rate, ChaChaRandom random) {
        if (rows < 1) {
            throw new IllegalArgumentException("Poisson sampling needs at least one row, got " + rows);
        }
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + rate);
        }
        if (random == null) {
            throw new IllegalArgumentException("the sampling generator must not be null");
        }
        this.rows = rows;
        this.rate = rate;
        this.logKeepOut = Math.log1p(-rate);
        this.random = random;
    }

    /**
     * Draws one batch: writes the included row indices, increasing, to {@code into[0..n)} and returns {@code n}.
     * {@code into} must hold {@link #rows()} indices (a batch can, rarely, be every row).
     *
     * @param into receives the indices; at least {@link #rows()} long
     * @return the batch's size {@code n}, in {@code [0, rows()]}
     * @throws IllegalArgumentException when {@code into} is null or shorter than {@link #rows()}
     */
    public int sample(int[] into) {
        if (into == null || into.length < rows) {
            throw new IllegalArgumentException("a Poisson batch of " + rows + " rows needs room for " + rows
                    + " indices, got " + (into == null ? "null" : into.length));
        }
        if (rate == 0) {
            return 0;
        }
        int n = 0;
        double next = -1;
        while (true) {
            final double gap = Math.floor(Math.log(1.0 - random.nextDouble()) / logKeepOut); // U in (0, 1]
            next += gap + 1; // in double: a huge gap must not wrap around
            if (next >= rows) {
                return n;
            }
            into[n++] = (int) next;
        }
    }

    /**
     * Rows sampled from.
     *
     * @return the count of examples
     */
    public int rows() {
        return rows;
    }

    /**
     * Each row's chance q of being in a batch.
     *
     * @return q, in [0, 1]
     */
    public double rate() {
        return rate;
    }
}
