package dev.edgetrain.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    // Rows: actual 0,0,0,1,1,2 predicted 0,1,0,1,1,1 — class 2 is never predicted.
    private static final int[] LABELS = {0, 0, 0, 1, 1, 2};
    private static final int[] PREDICTED = {0, 1, 0, 1, 1, 1};

    @Test
    void confusionAndPerClassFiguresMatchAHandCount() {
        ClassificationMetrics m = ClassificationMetrics.of(PREDICTED, LABELS, 6, 3);
        assertArrayEquals(new int[][] {{2, 1, 0}, {0, 2, 0}, {0, 1, 0}}, m.confusion());
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        assertEquals(1.0, m.precision(0), 1e-12);
        assertEquals(2.0 / 3, m.recall(0), 1e-12);
        assertEquals(0.8, m.f1(0), 1e-12);
        assertEquals(0.5, m.precision(1), 1e-12);
        assertEquals(1.0, m.recall(1), 1e-12);
        assertEquals(3, m.support(0));
        assertTrue(Double.isNaN(m.precision(2)), "class 2 is never predicted");
        assertEquals(0.0, m.recall(2), 1e-12);
        assertEquals((0.8 + 2.0 / 3) / 2, m.macroF1(), 1e-12, "mean over the classes whose F1 is defined");
    }

    @Test
    void aClassOutsideTheRangeIsRefusedNamingTheRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(new int[] {0, 3}, new int[] {0, 1}, 2, 3));
        assertEquals("predicted class of row 1 is 3, expected a class in [0, 3)", e.getMessage());
    }
}
