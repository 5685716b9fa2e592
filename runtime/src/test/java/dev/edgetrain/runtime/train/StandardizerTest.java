package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.edgetrain.runtime.Rng;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    @Test
    void fittingOverABatchSourceGivesTheDatasetsStandardizerBitForBit() {
        Rng rng = new Rng(5);
        int rows = 1001;
        int f = 7;
        float[] x = new float[rows * f];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * (1 + i % f) + i % 3);
        }
        for (int r = 0; r < rows; r++) {
            y[r] = r % 3;
        }
        Dataset data = new Dataset(x, y, f, 3);
        Standardizer direct = Standardizer.fit(data);
        BatchSource elsewhere = new BatchSource() { // not a Dataset: the generic path
            private int next;

            @Override
            public int featureCount() {
                return f;
            }

            @Override
            public int classes() {
                return 3;
            }

            @Override
            public int targetWidth() {
                return 0;
            }

            @Override
            public int rows() {
                return rows;
            }

            @Override
            public void startEpoch(Rng r) {
                next = 0;
            }

            @Override
            public int nextBatch(float[] bx, int[] labels, float[] targets, int maxRows) {
                int n = Math.min(maxRows, rows - next);
                System.arraycopy(x, next * f, bx, 0, n * f);
                System.arraycopy(y, next, labels, 0, n);
                next += n;
                return n;
            }
        };
        Standardizer streamed = Standardizer.fit(elsewhere);
        assertArrayEquals(direct.mean(), streamed.mean(), 0f);
        assertArrayEquals(direct.std(), streamed.std(), 0f);
    }
}
