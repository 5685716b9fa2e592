package dev.edgetrain.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each metric on a small case worked out by hand. */
class MetricsTest {
    @Test
    void regressionMetricsOfAWorkedExample() {
        // residuals 0, 0, -1; target mean 7/3, SS_tot = 42/9
        RegressionMetrics m = RegressionMetrics.of(new float[] {1, 2, 3}, new float[] {1, 2, 4}, 3, 1);
        assertEquals(1.0 / 3, m.mse(), 1e-12);
        assertEquals(1.0 / 3, m.mae(), 1e-12);
        assertEquals(1 - 1 / (42.0 / 9), m.r2(), 1e-12);
        RegressionMetrics two = RegressionMetrics.of(new float[] {1, 10, 2, 20, 3, 30},
                new float[] {1, 10, 2, 20, 4, 30}, 3, 2);
        assertEquals(0, two.mse(1), 0);
        assertEquals(1, two.r2(1), 0);
        assertEquals((1.0 / 3) / 2, two.mse(), 1e-12, "the mean over outputs");
    }

    @Test
    void binaryMetricsOfAWorkedExample() {
        // predicted 1 1 0 1 0 against 1 1 1 0 0: TP 2, FN 1, FP 1, TN 1
        BinaryMetrics m = BinaryMetrics.of(new float[] {0.9f, 0.8f, 0.3f, 0.6f, 0.2f}, new int[] {1, 1, 1, 0, 0}, 5);
        assertEquals(2, m.truePositives());
        assertEquals(1, m.falseNegatives());
        assertEquals(1, m.falsePositives());
        assertEquals(1, m.trueNegatives());
        assertEquals(0.6, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.precision(), 1e-12);
        assertEquals(2.0 / 3, m.recall(), 1e-12);
        assertEquals(2.0 / 3, m.f1(), 1e-12);
        // 5 of the 6 positive-negative pairs are ordered right
        assertEquals(5.0 / 6, m.rocAuc(), 1e-12);
    }

    @Test
    void rocAucCountsTiesAsHalfAndIsUndefinedForOneClass() {
        assertEquals(0.5, BinaryMetrics.of(new float[] {0.4f, 0.4f, 0.4f}, new int[] {1, 0, 1}, 3).rocAuc(), 1e-12);
        assertEquals(1.0, BinaryMetrics.of(new float[] {0.1f, 0.9f}, new int[] {0, 1}, 2).rocAuc(), 0);
        assertEquals(0.0, BinaryMetrics.of(new float[] {0.9f, 0.1f}, new int[] {0, 1}, 2).rocAuc(), 0);
        assertTrue(Double.isNaN(BinaryMetrics.of(new float[] {0.9f, 0.1f}, new int[] {1, 1}, 2).rocAuc()));
        assertEquals(0, BinaryMetrics.of(new float[] {0.1f, 0.2f}, new int[] {0, 1}, 2).precision(), 0,
                "no positive predictions: precision 0");
    }

    @Test
    void multilabelMetricsOfAWorkedExample() {
        float[] p = {0.9f, 0.1f, 0.2f, 0.7f, 0.6f, 0.6f};
        float[] t = {1, 0, 0, 1, 1, 0};
        MultilabelMetrics m = MultilabelMetrics.of(p, t, 3, 2);
        assertEquals(1, m.f1(0), 1e-12);
        assertEquals(0.5, m.precision(1), 1e-12);
        assertEquals(1, m.recall(1), 1e-12);
        assertEquals(2.0 / 3, m.f1(1), 1e-12);
        assertEquals(1.0 / 6, m.hammingLoss(), 1e-12);
        assertEquals(2.0 / 3, m.subsetAccuracy(), 1e-12);
        assertEquals(2 * 0.75 / 1.75, m.microF1(), 1e-12); // TP 3, FP 1, FN 0
        assertEquals((1 + 2.0 / 3) / 2, m.macroF1(), 1e-12);
        assertEquals(2, m.support(0));
    }

    @Test
    void badShapesAndLabelsAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RegressionMetrics.of(new float[3], new float[2], 3, 1)).getMessage()
                .contains("targets needs 3 values [3][1], has 2"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.of(new float[2], new int[] {0, 2}, 2)).getMessage()
                .contains("label of row 1 is 2, expected 0 or 1"));
    }
}
