package dev.edgetrain.android.core;

import dev.edgetrain.runtime.train.Dataset;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExampleSetTest {
    private static float[] image(float v) {
        float[] x = new float[64];
        java.util.Arrays.fill(x, v);
        return x;
    }

    @Test
    void collectsExamplesIntoADataSetCopy() {
        ExampleSet set = new ExampleSet(4);
        set.add(image(1), 0, 3, ExampleSet.Source.DRAWN);
        set.add(image(2), 0, 7, ExampleSet.Source.DATA_SET_ROW);
        Dataset d = set.toDataset();
        assertEquals(2, d.rows());
        assertArrayEquals(new int[] {3, 7}, d.labels());
        assertEquals(2f, d.features()[64]);
        set.add(image(5), 0, 3, ExampleSet.Source.DRAWN);
        assertEquals(2, d.rows(), "the data set is a snapshot");
        assertNotSame(set.toDataset().features(), d.features());
        assertEquals("3 examples (2 drawn, 1 from the data set): 3\u00d72 7\u00d71", set.summary());
    }

    @Test
    void rejectsBadExamplesWithoutChangingTheSet() {
        ExampleSet set = new ExampleSet(2);
        set.add(image(1), 0, 3, ExampleSet.Source.DRAWN);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> set.add(image(1), 0, 10, ExampleSet.Source.DRAWN)).getMessage().contains("label 10"));
        float[] bad = image(1);
        bad[5] = Float.NaN;
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> set.add(bad, 0, 1, ExampleSet.Source.DRAWN)).getMessage().contains("feature 5 is NaN"));
        assertThrows(IllegalArgumentException.class, () -> set.add(image(17), 0, 1, ExampleSet.Source.DRAWN));
        assertThrows(IllegalArgumentException.class, () -> set.add(image(1), 1, 1, ExampleSet.Source.DRAWN));
        assertThrows(IllegalArgumentException.class, () -> set.add(image(1), 0, 1, null));
        assertEquals(1, set.size());
        assertEquals(3, set.label(0));
    }

    @Test
    void refusesToGrowPastItsCapacity() {
        ExampleSet set = new ExampleSet(1);
        set.add(image(0), 0, 0, ExampleSet.Source.DRAWN);
        assertTrue(set.isFull());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> set.add(image(0), 0, 1, ExampleSet.Source.DRAWN));
        assertTrue(e.getMessage().contains("full (1 examples)"), e.getMessage());
        assertEquals(0, set.label(0));
    }

    @Test
    void removeLastAndClear() {
        ExampleSet set = new ExampleSet(3);
        assertFalse(set.removeLast());
        set.add(image(0), 0, 4, ExampleSet.Source.DRAWN);
        set.add(image(0), 0, 5, ExampleSet.Source.DRAWN);
        assertTrue(set.removeLast());
        assertEquals(1, set.size());
        assertThrows(IndexOutOfBoundsException.class, () -> set.label(1));
        set.clear();
        assertEquals(0, set.size());
        assertThrows(IllegalStateException.class, set::toDataset);
        assertEquals("0 examples", set.summary());
    }
}
