package dev.edgetrain.android.core;

import dev.edgetrain.runtime.train.Dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the UCI optical digits CSV that the app ships as an asset: a header of 64 {@code pixel_r_c}
 * columns and a {@code digit} column, then one row per 8×8 image with pixel counts 0–16 and the digit 0–9.
 * Nothing about the file is assumed beyond that; every deviation is a {@link CsvFormatException} naming
 * the line and column.
 */
public final class DigitsCsv {
    public static final int FEATURES = DigitSketch.GRID * DigitSketch.GRID;
    public static final int CLASSES = 10;
    static final String LABEL_COLUMN = "digit";

    private static final String[] CLASS_NAMES = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    private DigitsCsv() {
    }

    /** The class labels {@code "0"…"9"}, index = digit. */
    public static String[] classNames() {
        return CLASS_NAMES.clone();
    }

    /**
     * Parses the whole stream (UTF-8) into a data set with class names {@code "0"…"9"} and the header's
     * feature names. Does not close {@code in}.
     *
     * @param source names the stream in error messages (an asset or file name)
     */
    public static Dataset read(InputStream in, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null) {
            throw new CsvFormatException(source, 1, 0, "empty file, expected a header of " + FEATURES
                    + " pixel columns and '" + LABEL_COLUMN + "'");
        }
        String[] featureNames = parseHeader(header, source);
        float[] x = new float[256 * FEATURES];
        int[] y = new int[256];
        int rows = 0;
        int lineNumber = 1;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            if (rows == y.length) {
                y = Arrays.copyOf(y, rows * 2);
                x = Arrays.copyOf(x, rows * 2 * FEATURES);
            }
            parseRow(line, lineNumber, source, x, rows * FEATURES, y, rows);
            rows++;
        }
        if (rows == 0) {
            throw new CsvFormatException(source, lineNumber, 0, "no data rows after the header");
        }
        return new Dataset(Arrays.copyOf(x, rows * FEATURES), Arrays.copyOf(y, rows), FEATURES, CLASSES,
                CLASS_NAMES, featureNames);
    }

    private static String[] parseHeader(String header, String source) throws CsvFormatException {
        String[] cells = header.split(",", -1);
        if (cells.length != FEATURES + 1) {
            throw new CsvFormatException(source, 1, 0, "header has " + cells.length + " columns, expected "
                    + (FEATURES + 1) + " (" + FEATURES + " pixels and '" + LABEL_COLUMN + "')");
        }
        String[] names = new String[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            String expected = "pixel_" + (j / DigitSketch.GRID) + "_" + (j % DigitSketch.GRID);
            String name = cells[j].trim();
            if (!name.equals(expected)) {
                throw new CsvFormatException(source, 1, j + 1, "header column is '" + name + "', expected '"
                        + expected + "'");
            }
            names[j] = name;
        }
        if (!cells[FEATURES].trim().equals(LABEL_COLUMN)) {
            throw new CsvFormatException(source, 1, FEATURES + 1, "header column is '" + cells[FEATURES].trim()
                    + "', expected '" + LABEL_COLUMN + "'");
        }
        return names;
    }

    private static void parseRow(String line, int lineNumber, String source, float[] x, int xOffset, int[] y,
                                 int row) throws CsvFormatException {
        int start = 0;
        for (int column = 0; column <= FEATURES; column++) {
            int end = line.indexOf(',', start);
            if (column == FEATURES) {
                if (end >= 0) {
                    throw new CsvFormatException(source, lineNumber, 0, "more than " + (FEATURES + 1)
                            + " columns");
                }
                end = line.length();
            } else if (end < 0) {
                throw new CsvFormatException(source, lineNumber, 0, "has " + (column + 1) + " columns, expected "
                        + (FEATURES + 1));
            }
            int value = parseSmallInt(line, start, end, lineNumber, column + 1, source);
            if (column < FEATURES) {
                if (value > DigitSketch.MAX_COUNT) {
                    throw new CsvFormatException(source, lineNumber, column + 1, "pixel count " + value
                            + " is outside [0, " + DigitSketch.MAX_COUNT + "]");
                }
                x[xOffset + column] = value;
            } else {
                if (value >= CLASSES) {
                    throw new CsvFormatException(source, lineNumber, column + 1, "digit " + value
                            + " is outside [0, " + (CLASSES - 1) + "]");
                }
                y[row] = value;
            }
            start = end + 1;
        }
    }

    /** A non-negative decimal integer of at most 4 digits, without allocating a substring. */
    private static int parseSmallInt(String line, int start, int end, int lineNumber, int column, String source)
            throws CsvFormatException {
        while (start < end && line.charAt(start) == ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) == ' ') {
            end--;
        }
        if (start == end || end - start > 4) {
            throw new CsvFormatException(source, lineNumber, column, "'" + line.substring(start, end)
                    + "' is not a small non-negative integer");
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new CsvFormatException(source, lineNumber, column, "'" + line.substring(start, end)
                        + "' is not a small non-negative integer");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
