package dev.edgetrain.data;

import dev.edgetrain.runtime.Rng;
import java.util.BitSet;

/**
 * Test (or validation) rows chosen by row index, for a table in memory or rows streamed from disk alike: exactly
 * the rows {@code Dataset.split(fraction, seed)} puts in its test set (the same draws from the same {@link Rng}),
 * so results stay bit-identical to splitting a {@code Dataset}. A labelled set is split per class (stratified):
 * from each class, {@code round(fraction × count)} of its rows, shuffled with the seed. A target set is split as a
 * whole: {@code round(fraction × rows)} shuffled rows.
 *
 * <p>The {@code among} forms split a subset of the rows (say, the training rows, for a validation set) exactly as
 * {@code Dataset.split} splits that subset copied into a set of its own, and answer in the original row indices.
 */
public final class Splits {
    private Splits() {
    }

    /**
     * The test rows of a stratified split of {@code labels [rows]} (classes {@code [0, classes)}).
     *
     * @param labels {@code [rows]}: each row's class in [0, classes)
     * @param classes the number of classes
     * @param fraction the share of each class's rows to test, in (0, 1)
     * @param seed the shuffle's seed, as {@code Dataset.split} takes it
     * @return the test rows' indices; the others train
     * @throws IllegalArgumentException when the fraction is out of range or leaves no row on a side
     */
    public static BitSet stratified(int[] labels, int classes, double fraction, long seed) {
        BitSet all = new BitSet(labels.length);
        all.set(0, labels.length);
        return stratified(labels, classes, all, fraction, seed);
    }

    /**
     * The test rows of a stratified split of the rows in {@code among} (indices into {@code labels}).
     *
     * @param labels {@code [rows]}: each row's class in [0, classes)
     * @param classes the number of classes
     * @param among the rows to split, by index into {@code labels}
     * @param fraction the share of each class's rows to test, in (0, 1)
     * @param seed the shuffle's seed, as {@code Dataset.split} takes it
     * @return the test rows' indices (a subset of {@code among})
     * @throws IllegalArgumentException when the fraction is out of range or leaves no row on a side
     */
    public static BitSet stratified(int[] labels, int classes, BitSet among, double fraction, long seed) {
        checkFraction(fraction);
        int[] rows = indices(among);
        int[] perClass = new int[classes];
        for (int r : rows) {
            int y = labels[r];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("row " + r + " has label " + y + ", expected a class in [0, "
                        + classes + ")");
            }
            perClass[y]++;
        }
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byClass[c] = new int[perClass[c]];
        }
        int[] fill = new int[classes];
        for (int r : rows) {
            byClass[labels[r]][fill[labels[r]]++] = r;
        }
        Rng rng = new Rng(seed);
        BitSet test = new BitSet(labels.length);
        int testCount = 0;
        for (int c = 0; c < classes; c++) {
            // shuffling original indices moves them as Dataset.split moves subset positions: same draws, same order
            rng.shuffle(byClass[c], byClass[c].length);
            int take = (int) Math.round(fraction * byClass[c].length);
            for (int k = 0; k < take; k++) {
                test.set(byClass[c][k]);
            }
            testCount += take;
        }
        checkCount(fraction, rows.length, testCount);
        return test;
    }

    /**
     * The test rows of a random split of rows {@code [0, rows)}.
     *
     * @param rows the number of rows, at least 2
     * @param fraction the share of the rows to test, in (0, 1)
     * @param seed the shuffle's seed, as {@code Dataset.split} takes it
     * @return the test rows' indices; the others train
     * @throws IllegalArgumentException when the fraction is out of range or leaves no row on a side
     */
    public static BitSet random(int rows, double fraction, long seed) {
        BitSet all = new BitSet(rows);
        all.set(0, rows);
        return random(all, fraction, seed);
    }

    /**
     * The test rows of a random split of the rows in {@code among}.
     *
     * @param among the rows to split, by row index
     * @param fraction the share of the rows to test, in (0, 1)
     * @param seed the shuffle's seed, as {@code Dataset.split} takes it
     * @return the test rows' indices (a subset of {@code among})
     * @throws IllegalArgumentException when the fraction is out of range or leaves no row on a side
     */
    public static BitSet random(BitSet among, double fraction, long seed) {
        checkFraction(fraction);
        int[] order = indices(among);
        new Rng(seed).shuffle(order, order.length);
        int testCount = (int) Math.round(fraction * order.length);
        checkCount(fraction, order.length, testCount);
        BitSet test = new BitSet(order.length == 0 ? 0 : order[order.length - 1] + 1);
        for (int k = 0; k < testCount; k++) {
            test.set(order[k]);
        }
        return test;
    }

    /**
     * The rows in {@code rows}, ascending.
     *
     * @param rows the set rows
     * @return their indices, {@code rows.cardinality()} of them
     */
    public static int[] indices(BitSet rows) {
        int[] indices = new int[rows.cardinality()];
        int k = 0;
        for (int r = rows.nextSetBit(0); r >= 0; r = rows.nextSetBit(r + 1)) {
            indices[k++] = r;
        }
        return indices;
    }

    /**
     * The rows of {@code [0, rowCount)} not in {@code rows}, ascending.
     *
     * @param rows the rows to leave out
     * @param rowCount the number of rows in all
     * @return the other rows' indices
     */
    public static int[] complement(BitSet rows, int rowCount) {
        BitSet rest = new BitSet(rowCount);
        rest.set(0, rowCount);
        rest.andNot(rows);
        return indices(rest);
    }

    private static void checkFraction(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1), got " + fraction);
        }
    }

    private static void checkCount(double fraction, int rows, int taken) {
        if (taken == 0 || taken == rows) {
            throw new IllegalArgumentException("fraction " + fraction + " of " + rows + " rows leaves "
                    + (taken == 0 ? "no rows split off" : "no rows besides those split off"));
        }
    }
}
