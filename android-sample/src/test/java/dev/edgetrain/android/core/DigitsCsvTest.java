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
        String bad = header().replace("pixel_2_3", "pixel_2_x");
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> parse(bad + row(0, 1)));
        assertEquals(1, e.line());
        assertEquals(2 * 8 + 3 + 1, e.column());
        assertTrue(e.getMessage().contains("'pixel_2_x', expected 'pixel_2_3'"), e.getMessage());
        String twice = header().replace("pixel_2_3", "pixel_2_4");
        CsvFormatException repeated = assertThrows(CsvFormatException.class, () -> parse(twice + row(0, 1)));
        assertEquals("test.csv, line 1: column name 'pixel_2_4' appears twice in the header", repeated.getMessage());
    }

    @Test
    void namesLineAndColumnOfANonNumber() {
        String line = row(1, 2).replaceFirst("1,1,1,", "1,1,x,");
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> parse(header() + row(0, 0) + line));
        assertEquals(3, e.line());
        assertEquals(3, e.column());
        assertEquals("test.csv, line 3, column 'pixel_0_2' (3): 'x' is not a number", e.getMessage());
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
    void readsQuotedFieldsAndCrlfAsTheDataModuleDoes() throws IOException {
        String quoted = row(5, 3).replace("5,5,", "\"5\", 5 ,").replace("\n", "\r\n");
        Dataset d = parse("\uFEFF" + header().replace("\n", "\r\n") + quoted + "\r\n" + row(0, 9));
        assertEquals(2, d.rows());
        assertArrayEquals(new float[] {5, 5, 5}, java.util.Arrays.copyOf(d.features(), 3));
        assertArrayEquals(new int[] {3, 9}, d.labels());
    }

    @Test
    void namesAFractionalPixelCountAndAMissingDigit() {
        CsvFormatException half = assertThrows(CsvFormatException.class,
                () -> parse(header() + row(0, 0).replaceFirst("0,", "2.5,")));
        assertEquals("test.csv, line 2, column 'pixel_0_0' (1): pixel count 2.5 is outside [0, 16], expected a "
                + "whole number", half.getMessage());
        CsvFormatException missing = assertThrows(CsvFormatException.class,
                () -> parse(header() + row(0, 0).replace(",0\n", ",\n")));
        assertEquals("test.csv, line 2, column 'digit' (65): missing label", missing.getMessage());
    }

    @Test
    void rejectsShortAndLongRows() {
        String shortRow = row(0, 0).substring(2);
        CsvFormatException s = assertThrows(CsvFormatException.class, () -> parse(header() + shortRow));
        assertTrue(s.getMessage().contains("line 2: 64 columns, expected 65"), s.getMessage());
        String longRow = "0," + row(0, 0);
        CsvFormatException l = assertThrows(CsvFormatException.class, () -> parse(header() + longRow));
        assertTrue(l.getMessage().contains("line 2: 66 columns, expected 65"), l.getMessage());
    }

    @Test
    void rejectsEmptyFilesAndFilesWithoutRows() {
        CsvFormatException empty = assertThrows(CsvFormatException.class, () -> parse(""));
        assertEquals("test.csv: the file is empty, expected a header row and data rows", empty.getMessage());
        assertTrue(assertThrows(CsvFormatException.class, () -> parse(header())).getMessage()
                .contains("no data rows"));
    }
}
