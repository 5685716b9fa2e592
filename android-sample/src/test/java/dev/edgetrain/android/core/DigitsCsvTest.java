package dev.edgetrain.android.core;

import dev.edgetrain.runtime.train.Dataset;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigitsCsvTest {
    private static String header() {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 64; j++) {
            sb.append("pixel_").append(j / 8).append('_').append(j % 8).append(',');
        }
        return sb.append("digit\n").toString();
    }

    private static String row(int fill, int digit) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 64; j++) {
            sb.append(fill).append(',');
        }
        return sb.append(digit).append('\n').toString();
    }

    private static Dataset parse(String text) throws IOException {
        return DigitsCsv.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.csv");
    }

    @Test
    void readsTheShippedAssetWithAllRowsAndEveryDigit() {
        Dataset all = TestData.digits();
        assertEquals(1797, all.rows());
        assertEquals(64, all.featureCount());
        assertEquals("pixel_7_7", all.featureNames()[63]);
        assertArrayEquals(new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, all.classNames());
        // First data line of the file: 0,0,5,13,9,1,0,0,... digit 0
        assertArrayEquals(new float[] {0, 0, 5, 13, 9, 1, 0, 0}, java.util.Arrays.copyOf(all.features(), 8));
        assertEquals(0, all.labels()[0]);
        int[] perDigit = new int[10];
        for (int y : all.labels()) {
            perDigit[y]++;
        }
        for (int d = 0; d < 10; d++) {
            assertTrue(perDigit[d] > 170, "digit " + d + " has " + perDigit[d] + " rows");
        }
    }

    @Test
    void parsesValuesAndSkipsBlankLines() throws IOException {
        Dataset d = parse(header() + row(3, 7) + "\n" + row(16, 0));
        assertEquals(2, d.rows());
        assertEquals(3f, d.features()[0]);
        assertEquals(16f, d.features()[64]);
        assertArrayEquals(new int[] {7, 0}, d.labels());
    }

    @Test
    void namesTheHeaderColumnThatIsWrong() {
        String bad = header().replace("pixel_2_3", "pixel_2_4");
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> parse(bad + row(0, 1)));
        assertEquals(1, e.line());
        assertEquals(2 * 8 + 3 + 1, e.column());
        assertTrue(e.getMessage().contains("'pixel_2_4', expected 'pixel_2_3'"), e.getMessage());
    }

    @Test
    void namesLineAndColumnOfANonNumber() {
        String line = row(1, 2).replaceFirst("1,1,1,", "1,1,x,");
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> parse(header() + row(0, 0) + line));
        assertEquals(3, e.line());
        assertEquals(3, e.column());
        assertTrue(e.getMessage().startsWith("test.csv:3, column 3:"), e.getMessage());
    }

    @Test
    void rejectsAPixelCountAbove16AndADigitAbove9() {
        CsvFormatException pixel = assertThrows(CsvFormatException.class, () -> parse(header() + row(17, 0)));
        assertEquals(1, pixel.column());
        assertTrue(pixel.getMessage().contains("17 is outside [0, 16]"), pixel.getMessage());
        CsvFormatException digit = assertThrows(CsvFormatException.class, () -> parse(header() + row(0, 10)));
        assertEquals(65, digit.column());
    }

    @Test
    void rejectsShortAndLongRows() {
        String shortRow = row(0, 0).substring(2);
        CsvFormatException s = assertThrows(CsvFormatException.class, () -> parse(header() + shortRow));
        assertTrue(s.getMessage().contains("expected 65"), s.getMessage());
        String longRow = "0," + row(0, 0);
        CsvFormatException l = assertThrows(CsvFormatException.class, () -> parse(header() + longRow));
        assertTrue(l.getMessage().contains("more than 65 columns"), l.getMessage());
    }

    @Test
    void rejectsEmptyFilesAndFilesWithoutRows() {
        assertEquals(1, assertThrows(CsvFormatException.class, () -> parse("")).line());
        assertTrue(assertThrows(CsvFormatException.class, () -> parse(header())).getMessage()
                .contains("no data rows"));
    }
}
