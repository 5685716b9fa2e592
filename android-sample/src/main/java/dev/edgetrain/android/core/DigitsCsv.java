package dev.edgetrain.android.core;

import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.data.CsvScanner;
import dev.edgetrain.data.DataException;
import dev.edgetrain.data.FloatParser;
import dev.edgetrain.runtime.train.Dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the UCI optical digits CSV that the app ships as an asset: a header of 64 {@code pixel_r_c}
 * columns and a {@code digit} column, then one row per 8×8 image with pixel counts 0–16 and the digit 0–9.
 * The data module's {@link CsvScanner} reads it (RFC 4180, blank lines skipped, numbers parsed straight from its
 * buffer, no String per cell); nothing about the file is assumed beyond that, and every deviation is a
 * {@link CsvFormatException} naming the line and column as the data module does.
 */
public final class DigitsCsv {
    /** Features per row: the 64 pixel counts of the 8×8 grid, row-major. */
    public static final int FEATURES = DigitSketch.GRID * DigitSketch.GRID;
    /** Classes: the digits 0–9. */
    public static final int CLASSES = 10;
    static final String LABEL_COLUMN = "digit";

    private static final String[] CLASS_NAMES = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    private DigitsCsv() {
    }

    /**
     * The class labels {@code "0"…"9"}, index = digit.
     *
     * @return a fresh array of the ten labels, which the caller may change
     */
    public static String[] classNames() {
        return CLASS_NAMES.clone();
    }

    /**
     * Parses the whole stream (UTF-8) into a data set with class names {@code "0"…"9"} and the header's
     * feature names. Does not close {@code in}.
     *
     * @param in     the CSV bytes, read to the end on the calling thread
     * @param source names the stream in error messages (an asset or file name)
     * @return every row, features {@code [rows][64]} as raw counts 0–16 and labels {@code [rows]}
     * @throws IOException if the stream cannot be read, or a {@link CsvFormatException} naming line and column
     *                     for a header other than {@code pixel_0_0 … pixel_7_7, digit}, a count that is not a
     *                     whole number in [0, 16], a label that is not a digit 0–9, or a malformed line
     */
    public static Dataset read(InputStream in, String source) throws IOException {
        CsvScanner scanner = new CsvScanner(new InputStreamReader(in, StandardCharsets.UTF_8), CsvFormat.COMMA,
                source);
        try {
            String[] featureNames = checkHeader(scanner.readHeader(), source);
            Rows rows = new Rows(scanner);
            while (rows.read()) {
                // every row goes straight into the arrays
            }
            return rows.toDataset(featureNames);
        } catch (DataException e) {
            throw new CsvFormatException(e);
        }
    }

    /** The 64 pixel names, in row-major order, then {@code digit}: nothing else. */
    private static String[] checkHeader(String[] header, String source) {
        if (header.length != FEATURES + 1) {
            throw new DataException(source, 1, 0, null, "header has " + header.length + " columns, expected "
                    + (FEATURES + 1) + " (" + FEATURES + " pixels and '" + LABEL_COLUMN + "')");
        }
        for (int j = 0; j <= FEATURES; j++) {
            String expected = j < FEATURES ? "pixel_" + (j / DigitSketch.GRID) + "_" + (j % DigitSketch.GRID)
                    : LABEL_COLUMN;
            if (!header[j].equals(expected)) {
                throw new DataException(source, 1, j + 1, header[j], "header column is '" + header[j]
                        + "', expected '" + expected + "'");
            }
        }
        return Arrays.copyOf(header, FEATURES);
    }

    /** The rows, parsed field by field into growing arrays {@code [rows][FEATURES]} and {@code [rows]}. */
    private static final class Rows implements CsvScanner.FieldHandler {
        private final CsvScanner scanner;
        private float[] x = new float[256 * FEATURES];
        private int[] y = new int[256];
        private int rows;

        Rows(CsvScanner scanner) {
            this.scanner = scanner;
        }

        /** Reads the next row; false after the last. */
        boolean read() throws IOException {
            if (rows == y.length) {
                y = Arrays.copyOf(y, rows * 2);
                x = Arrays.copyOf(x, rows * 2 * FEATURES);
            }
            if (!scanner.readRow(this)) {
                return false;
            }
            rows++;
            return true;
        }

        @Override
        public void field(int column, char[] chars, int offset, int length, boolean quoted) {
            if (column < FEATURES) {
                float v = FloatParser.parseFinite(chars, offset, length);
                if (v != v) {
                    throw scanner.error(column, FloatParser.problem(chars, offset, length));
                }
                if (!(v >= 0 && v <= DigitSketch.MAX_COUNT && v == (int) v)) {
                    throw scanner.error(column, "pixel count " + new String(chars, offset, length)
                            + " is outside [0, " + DigitSketch.MAX_COUNT + "], expected a whole number");
                }
                x[rows * FEATURES + column] = v;
            } else {
                int digit = length == 1 ? chars[offset] - '0' : -1;
                if (digit < 0 || digit >= CLASSES) {
                    throw scanner.error(column, length == 0 ? "missing label" : "digit '"
                            + new String(chars, offset, length) + "' is outside [0, " + (CLASSES - 1) + "]");
                }
                y[rows] = digit;
            }
        }

        Dataset toDataset(String[] featureNames) {
            return new Dataset(Arrays.copyOf(x, rows * FEATURES), Arrays.copyOf(y, rows), FEATURES, CLASSES,
                    CLASS_NAMES, featureNames);
        }
    }
}
