package dev.edgetrain.cli.data;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file read whole, with a header row: cells as strings, with each data row's line number kept for
 * error messages. Parsing (quotes, escapes, CRLF) is Apache Commons CSV's; this class checks shape.
 */
public final class CsvTable {
    private final String source;
    private final String[] header;
    private final List<String[]> rows;
    private final List<Long> lines;

    private CsvTable(String source, String[] header, List<String[]> rows, List<Long> lines) {
        this.source = source;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
    }

    /** Reads the whole file; every row must have as many cells as the header. */
    public static CsvTable read(DataSource data) {
        String source = data.name();
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true)
                .get();
        try (InputStream in = data.open();
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            String[] header = null;
            List<String[]> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            long line = 1;
            for (CSVRecord record : parser) {
                String[] cells = record.values();
                if (header == null) {
                    header = cells;
                    checkHeader(source, header);
                } else {
                    if (cells.length != header.length) {
                        throw new CliException(source + ", line " + line + ": " + cells.length
                                + " columns, expected " + header.length + " as in the header");
                    }
                    rows.add(cells);
                    lines.add(line);
                }
                line = parser.getCurrentLineNumber() + 1;
            }
            if (header == null) {
                throw new CliException(source + ": the file is empty, expected a header row and data rows");
            }
            if (rows.isEmpty()) {
                throw new CliException(source + ": no data rows after the header");
            }
            return new CsvTable(source, header, rows, lines);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new CliException(source + ": not a readable CSV file: " + rootMessage(e));
        } catch (IOException e) {
            throw new CliException(source + ": cannot read: " + rootMessage(e));
        }
    }

    private static void checkHeader(String source, String[] header) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int c = 0; c < header.length; c++) {
            if (header[c].isEmpty()) {
                throw new CliException(source + ", line 1: column " + (c + 1) + " has an empty name in the header");
            }
            if (!seen.add(header[c])) {
                throw new CliException(source + ", line 1: column name '" + header[c] + "' appears twice in the header");
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    public String source() {
        return source;
    }

    public String[] header() {
        return header.clone();
    }

    public int columns() {
        return header.length;
    }

    public int rows() {
        return rows.size();
    }

    public String cell(int row, int column) {
        return rows.get(row)[column];
    }

    /** The file line of data row {@code row} (the header is line 1). */
    public long line(int row) {
        return lines.get(row);
    }

    /** {@code "iris.csv, line 7, column 'petal_width' (4)"}: where a cell is, for error messages. */
    public String where(int row, int column) {
        return source + ", line " + line(row) + ", column '" + header[column] + "' (" + (column + 1) + ")";
    }

    /**
     * The column named {@code spec}, or at 1-based index {@code spec}, or the last column when {@code spec}
     * is null.
     */
    public int column(String spec, String role) {
        if (spec == null) {
            return header.length - 1;
        }
        for (int c = 0; c < header.length; c++) {
            if (header[c].equals(spec)) {
                return c;
            }
        }
        try {
            int index = Integer.parseInt(spec.trim());
            if (index >= 1 && index <= header.length) {
                return index - 1;
            }
            throw new CliException(source + ": " + role + " column " + index + " is out of range, the file has "
                    + header.length + " columns (1-" + header.length + ")");
        } catch (NumberFormatException e) {
            throw new CliException(source + ": no " + role + " column '" + spec + "', expected one of "
                    + java.util.Arrays.toString(header) + " or a 1-based index");
        }
    }

    /** The float in a cell; a missing or non-numeric or non-finite cell is an error naming line and column. */
    public float number(int row, int column) {
        String s = cell(row, column);
        if (s.isEmpty()) {
            throw new CliException(where(row, column) + ": missing value");
        }
        float v;
        try {
            v = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new CliException(where(row, column) + ": '" + s + "' is not a number");
        }
        if (!Float.isFinite(v)) {
            throw new CliException(where(row, column) + ": '" + s + "' is not a finite number");
        }
        return v;
    }
}
