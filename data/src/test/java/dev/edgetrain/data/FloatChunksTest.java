package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * Rows come back in order and exact-size, whether the row count was known, wrong, or unknown (that a right count
 * saves the copy is shown by the allocation test in {@link ReadingCostTest}).
 */
class FloatChunksTest {
    private static float[] rows(FloatChunks chunks, int count, int width) {
        float[] expected = new float[count * width];
        float[] row = new float[width];
        for (int r = 0; r < count; r++) {
            for (int j = 0; j < width; j++) {
                row[j] = r * 1000 + j;
                expected[r * width + j] = row[j];
            }
            chunks.add(row);
        }
        return expected;
    }

    @Test
    void rowsComeBackInOrderWhateverTheCountSaid() {
        for (int width : new int[] {1, 3, 7, 5000}) {
            for (int count : new int[] {1, 2, 100, 4097, 20_000}) {
                if ((long) width * count > 20_000_000) {
                    continue;
                }
                for (long expected : new long[] {-1, count, count / 2, 2L * count}) {
                    FloatChunks chunks = new FloatChunks(width, expected);
                    float[] want = rows(chunks, count, width);
                    assertArrayEquals(want, chunks.toArray(), width + " x " + count + ", expected " + expected);
                }
            }
        }
    }
}
