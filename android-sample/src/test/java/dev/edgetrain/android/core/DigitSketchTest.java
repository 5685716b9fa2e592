package dev.edgetrain.android.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigitSketchTest {
    private static DigitSketch line(float x0, float y0, float x1, float y1) {
        DigitSketch s = new DigitSketch();
        s.penDown(x0, y0);
        s.penMove(x1, y1);
        return s;
    }

    private static int inkedPixels(DigitSketch s) {
        int n = 0;
        for (int r = 0; r < DigitSketch.INK; r++) {
            for (int c = 0; c < DigitSketch.INK; c++) {
                n += s.inked(r, c) ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void startsEmpty() {
        DigitSketch s = new DigitSketch();
        assertTrue(s.isEmpty());
        assertArrayEquals(new float[64], s.features());
    }

    @Test
    void aVerticalStrokeFillsTheTwoMiddleColumnsWithHalfBlocks() {
        // Normalised to full height and centred: x = 16, so pixel columns 14..17 are inked, two per block.
        DigitSketch s = line(0.5f, 0.1f, 0.5f, 0.9f);
        for (int r = 1; r < 7; r++) {
            for (int c = 0; c < 8; c++) {
                float expected = c == 3 || c == 4 ? 8f : 0f;
                assertEquals(expected, s.cell(r, c), "cell (" + r + ", " + c + ")");
            }
        }
    }

    @Test
    void whereAndHowBigTheUserDrawsDoesNotChangeTheFeatures() {
        DigitSketch big = line(0.5f, 0.1f, 0.5f, 0.9f);
        DigitSketch smallInACorner = line(0.1f, 0.1f, 0.1f, 0.3f);
        assertArrayEquals(big.features(), smallInACorner.features());
    }

    @Test
    void eachFeatureCountsTheInkedPixelsOfItsBlock() {
        DigitSketch s = new DigitSketch();
        s.penDown(0.2f, 0.2f);
        s.penMove(0.8f, 0.3f);
        s.penMove(0.3f, 0.9f);
        s.penDown(0.4f, 0.6f);
        s.penMove(0.9f, 0.6f);
        float sum = 0;
        for (float v : s.features()) {
            assertTrue(v >= 0 && v <= 16, "count " + v);
            sum += v;
        }
        assertEquals(inkedPixels(s), (int) sum);
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                int n = 0;
                for (int y = 4 * r; y < 4 * r + 4; y++) {
                    for (int x = 4 * c; x < 4 * c + 4; x++) {
                        n += s.inked(y, x) ? 1 : 0;
                    }
                }
                assertEquals(n, (int) s.cell(r, c));
            }
        }
    }

    @Test
    void aDotStaysPenSizedInTheMiddle() {
        DigitSketch s = new DigitSketch();
        s.penDown(0.9f, 0.1f);
        assertEquals(12, inkedPixels(s));
        assertEquals(3f, s.cell(3, 3));
        assertEquals(3f, s.cell(4, 4));
        assertFalse(s.isEmpty());
    }

    @Test
    void pointsOutsideTheViewAreClamped() {
        DigitSketch clamped = line(0.5f, -3f, 0.5f, 7f);
        DigitSketch inside = line(0.5f, 0f, 0.5f, 1f);
        assertArrayEquals(inside.features(), clamped.features());
        DigitSketch nan = new DigitSketch();
        nan.penDown(Float.NaN, Float.NaN);
        assertFalse(nan.isEmpty());
    }

    @Test
    void showsADataSetRowAndANewStrokeReplacesIt() {
        float[] row = TestData.digits().features();
        DigitSketch s = new DigitSketch();
        s.load(row, 64);
        assertTrue(s.isShowingRow());
        float[] expected = java.util.Arrays.copyOfRange(row, 64, 128);
        assertArrayEquals(expected, s.features());
        s.penDown(0.5f, 0.5f);
        assertFalse(s.isShowingRow());
        assertEquals(12f, sum(s.features()));
    }

    @Test
    void rejectsARowWithACountAbove16AndKeepsWhatItShowed() {
        DigitSketch s = line(0.5f, 0.1f, 0.5f, 0.9f);
        float[] before = s.features();
        float[] bad = new float[64];
        bad[10] = 17f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.load(bad, 0));
        assertTrue(e.getMessage().contains("feature 10 (row 1, column 2)"), e.getMessage());
        assertArrayEquals(before, s.features());
        assertThrows(IllegalArgumentException.class, () -> s.load(new float[70], 10));
    }

    @Test
    void clearForgetsEverything() {
        DigitSketch s = line(0.1f, 0.1f, 0.9f, 0.9f);
        s.clear();
        assertTrue(s.isEmpty());
        assertEquals(0, inkedPixels(s));
    }

    private static float sum(float[] v) {
        float s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
