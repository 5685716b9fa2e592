package dev.edgetrain.data;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Test helpers: records as Apache Commons CSV reads them (the reference) and as {@link CsvScanner} reads them. */
final class CsvReference {
    /** One record: the physical line it starts on, and its fields. */
    record Rec(long line, List<String> fields) {
    }

    private CsvReference() {
    }

    /**
     * Commons CSV's records of {@code text}, as the CLI configured it (DEFAULT, surrounding spaces and empty lines
     * ignored) with {@code delimiter}; a leading byte order mark is dropped first (Commons keeps it). The start line
     * is worked out from the record's character position: blank lines before it are skipped, line ends counted.
     *
     * @throws RuntimeException when Commons CSV refuses the text
     */
    static List<Rec> commons(String text, char delimiter) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).get();
        List<Rec> records = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(t)).setFormat(format).get()) {
            for (CSVRecord r : parser) {
                records.add(new Rec(lineAt(t, (int) r.getCharacterPosition()), List.of(r.values())));
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return records;
    }

    /** The physical line of the first character at or after {@code position} that is not a line end. */
    static long lineAt(String t, int position) {
        int p = position;
        while (p < t.length() && (t.charAt(p) == '\r' || t.charAt(p) == '\n')) {
            p++;
        }
        long line = 1;
        for (int i = 0; i < p; i++) {
            char c = t.charAt(i);
            if (c == '\r' || (c == '\n' && (i == 0 || t.charAt(i - 1) != '\r'))) {
                line++;
            }
        }
        return line;
    }

    /** {@link CsvScanner#readRecord} of every record, fields as strings. */
    static List<Rec> scanner(Reader reader, CsvFormat format) throws IOException {
        CsvScanner scanner = new CsvScanner(reader, format, "test.csv");
        List<Rec> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        int n;
        while ((n = scanner.readRecord((column, chars, offset, length, quoted) -> {
            if (column != fields.size()) {
                throw new AssertionError("column " + column + " after " + fields.size() + " fields");
            }
            fields.add(new String(chars, offset, length));
        })) >= 0) {
            if (n != fields.size()) {
                throw new AssertionError(n + " fields counted, " + fields.size() + " handed on");
            }
            records.add(new Rec(scanner.line(), List.copyOf(fields)));
            fields.clear();
        }
        return records;
    }

    /** A reader that hands out at most a few characters per read, so fields straddle every buffer refill. */
    static Reader trickle(String text, long seed) {
        java.util.Random random = new java.util.Random(seed);
        return new Reader() {
            private int at;

            @Override
            public int read(char[] buffer, int offset, int length) {
                if (at == text.length()) {
                    return -1;
                }
                int n = Math.min(Math.min(length, 1 + random.nextInt(7)), text.length() - at);
                text.getChars(at, at + n, buffer, offset);
                at += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }
}
