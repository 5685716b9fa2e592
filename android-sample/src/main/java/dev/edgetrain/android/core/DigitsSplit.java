package dev.edgetrain.android.core;

import dev.edgetrain.runtime.train.Dataset;

/**
 * How the app uses the 1797 rows of the shipped digits file, fixed so the build and the app agree:
 * rows {@code [0, 1000)} pre-train the shipped model (at build time, {@code BaseModelTool}); rows
 * {@code [1000, 1400)} are the ones the user may pick as fine-tuning examples; rows {@code [1400, 1797)}
 * are never trained on and measure accuracy before and after fine-tuning.
 */
public final class DigitsSplit {
    /** Rows the shipped digits file must have; every split method rejects a data set of another size. */
    public static final int ROWS = 1797;
    /** First pickable row; rows before it pre-train the shipped model. */
    public static final int PICKABLE_FROM = 1000;
    /** First evaluation row; the rows from here to {@link #ROWS} are never trained on. */
    public static final int EVALUATION_FROM = 1400;

    private DigitsSplit() {
    }

    /**
     * The rows the shipped model is pre-trained on.
     *
     * @param all the whole digits file, {@value #ROWS} rows
     * @return a copy of rows {@code [0, PICKABLE_FROM)}
     * @throws IllegalArgumentException if {@code all} does not have {@value #ROWS} rows
     */
    public static Dataset pretraining(Dataset all) {
        return rows(all, 0, PICKABLE_FROM);
    }

    /**
     * The rows the user may pick as fine-tuning examples.
     *
     * @param all the whole digits file, {@value #ROWS} rows
     * @return a copy of rows {@code [PICKABLE_FROM, EVALUATION_FROM)}
     * @throws IllegalArgumentException if {@code all} does not have {@value #ROWS} rows
     */
    public static Dataset pickable(Dataset all) {
        return rows(all, PICKABLE_FROM, EVALUATION_FROM);
    }

    /**
     * The held-out rows that measure accuracy before and after fine-tuning.
     *
     * @param all the whole digits file, {@value #ROWS} rows
     * @return a copy of rows {@code [EVALUATION_FROM, ROWS)}
     * @throws IllegalArgumentException if {@code all} does not have {@value #ROWS} rows
     */
    public static Dataset evaluation(Dataset all) {
        return rows(all, EVALUATION_FROM, ROWS);
    }

    private static Dataset rows(Dataset all, int from, int to) {
        if (all.rows() != ROWS) {
            throw new IllegalArgumentException("the digits file has " + all.rows() + " rows, expected " + ROWS
                    + ": the split into pre-training, pickable and evaluation rows depends on it");
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return all.subset(idx);
    }
}
