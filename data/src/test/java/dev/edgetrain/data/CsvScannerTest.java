package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgetrain.data.CsvReference.Rec;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner reads what Commons CSV reads (records, fields, start lines), and names mistakes by line and column. */
class CsvScannerTest {
    static final File DATA = new File(System.getProperty("edgetrain.data.dir", "../models/data"));

    /** Both readers on {@code text}: the same records, or both refuse it. Returns the records. */
    private static List<Rec> same(String text, CsvFormat format) throws IOException {
        List<Rec> expected;
        try {
            expected = CsvReference.commons(text, format.delimiter());
        } catch (RuntimeException commonsRefused) {
            assertThrows(DataException.class, () -> CsvReference.scanner(new StringReader(text), format),
                    "Commons CSV refuses " + show(text) + " (" + commonsRefused.getMessage() + ")");
            return null;
        }
        assertEquals(expected, CsvReference.scanner(new StringReader(text), format), show(text));
        assertEquals(expected, CsvReference.scanner(CsvReference.trickle(text, text.hashCode()), format),
                "read a few characters at a time: " + show(text));
        return expected;
    }

    private static String show(String text) {
        return "'" + text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "'";
    }

    private static Rec rec(long line, String... fields) {
        return new Rec(line, List.of(fields));
    }

    @Test
    void theShippedDataSetsReadAsCommonsCsvReadsThem() throws IOException {
        File[] files = DATA.listFiles((dir, name) -> name.endsWith(".csv"));
        assertTrue(files != null && files.length >= 4, "the shipped data sets in " + DATA.getAbsolutePath());
        long records = 0;
        long fields = 0;
        for (File f : files) {
            String text = Files.readString(f.toPath(), StandardCharsets.UTF_8);
            List<Rec> read = same(text, CsvFormat.COMMA);
            records += read.size();
            for (Rec r : read) {
                fields += r.fields().size();
            }
        }
        System.out.printf("shipped data sets: %d files, %d records, %d fields read as Commons CSV reads them%n",
                files.length, records, fields);
        assertTrue(records > 2_000, "records: " + records);
    }

    @Test
    void quotedFieldsWithEscapedQuotesDelimitersAndLineBreaks() throws IOException {
        List<Rec> read = same("a,\"b, c\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\",x\r\ny,\"cr\rlf\r\n\",z\n",
                CsvFormat.COMMA);
        assertEquals(List.of(rec(1, "a", "b, c", "say \"hi\""), rec(2, "two\nlines", "", "x"),
                rec(4, "y", "cr\rlf\r\n", "z")), read);
    }

    @Test
    void lineEndsBlankLinesAndTheLastLine() throws IOException {
        assertEquals(List.of(rec(1, "a", "b"), rec(2, "1", "2"), rec(3, "3", "4"), rec(6, "5", "6")),
                same("a,b\r\n1,2\r3,4\n\n\r\n5,6", CsvFormat.COMMA));
        assertEquals(List.of(rec(3, "a", "b"), rec(4, "1", "2")), same("\n\r\na,b\n1,2\n\n\n", CsvFormat.COMMA));
    }

    @Test
    void spacesAroundFieldsAreNotPartOfThemButInsideQuotesTheyAre() throws IOException {
        assertEquals(List.of(rec(1, "a", "b c", " q ", "\u00a0d")),
                same("  a ,\tb c\t,  \" q \"  ,\u00a0d\n", CsvFormat.COMMA));
    }

    @Test
    void trailingDelimiterGivesAnEmptyLastField() throws IOException {
        assertEquals(List.of(rec(1, "a", "b", ""), rec(2, "1", "2", "")), same("a,b,\n1,2,", CsvFormat.COMMA));
        assertEquals(List.of(rec(1, "", "")), same(",", CsvFormat.COMMA));
    }

    @Test
    void aByteOrderMarkIsDroppedFromTheFirstName() throws IOException {
        assertEquals(List.of(rec(1, "a", "b"), rec(2, "1", "2")), same("\uFEFFa,b\n1,2\n", CsvFormat.COMMA));
        assertEquals(List.of(rec(1, "a b", "c")), same("\uFEFF\"a b\",c", CsvFormat.COMMA));
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsAnOrdinaryCharacter() throws IOException {
        assertEquals(List.of(rec(1, "5\"", "a\"\"b")), same("5\",a\"\"b\n", CsvFormat.COMMA));
    }

    @Test
    void semicolonTabAndPipeDialects() throws IOException {
        assertEquals(List.of(rec(1, "a", "1,5", "x;y")), same("a;1,5;\"x;y\"\n", CsvFormat.SEMICOLON));
        assertEquals(List.of(rec(1, "a", "", "b c", "d")), same("a\t\t b c \t\"d\"\n", CsvFormat.TAB));
        assertEquals(List.of(rec(1, "a", "b|c", "d,e")), same("a|\"b|c\"|d,e", CsvFormat.PIPE));
    }

    @Test
    void dialectsAreTakenFromWhatUsersWriteAndFromFileNames() {
        assertEquals(CsvFormat.COMMA, CsvFormat.parseDelimiter(","));
        assertEquals(CsvFormat.SEMICOLON, CsvFormat.parseDelimiter(";"));
        assertEquals(CsvFormat.PIPE, CsvFormat.parseDelimiter("|"));
        for (String tab : List.of("\t", "\\t", "tab", "TAB")) {
            assertEquals(CsvFormat.TAB, CsvFormat.parseDelimiter(tab), tab);
        }
        assertEquals("unknown delimiter ':', expected one of ',' ';' '|' or a tab (written '\\t' or 'tab')",
                assertThrows(IllegalArgumentException.class, () -> CsvFormat.parseDelimiter(":")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvFormat.parseDelimiter(",,"));
        assertThrows(IllegalArgumentException.class, () -> CsvFormat.parseDelimiter(null));
        assertEquals(CsvFormat.TAB, CsvFormat.forFile("/data/x.TSV"));
        assertEquals(CsvFormat.TAB, CsvFormat.forFile("x.tab"));
        assertEquals(CsvFormat.COMMA, CsvFormat.forFile("x.csv"));
        assertEquals(CsvFormat.COMMA, CsvFormat.forFile("iris"));
        assertEquals('"', CsvFormat.SEMICOLON.quote());
        assertEquals("tab", CsvFormat.TAB.toString());
    }

    @Test
    void aFieldLongerThanTheBufferIsReadWhole() throws IOException {
        String longField = "x".repeat(200_000);
        String quoted = "q\"\"".repeat(70_000);
        List<Rec> read = same("a," + longField + ",\"" + quoted + "\"\n1,2,3\n", CsvFormat.COMMA);
        assertEquals(longField, read.get(0).fields().get(1));
        assertEquals("q\"".repeat(70_000), read.get(0).fields().get(2));
    }

    @Test
    void thousandsOfGeneratedTextsReadAsCommonsCsvReadsThem() throws IOException {
        Random random = new Random(20240612);
        int texts = 6_000;
        int refusedByBoth = 0;
        long records = 0;
        for (int i = 0; i < texts; i++) {
            CsvFormat format = List.of(CsvFormat.COMMA, CsvFormat.SEMICOLON, CsvFormat.TAB, CsvFormat.PIPE)
                    .get(random.nextInt(4));
            String text = CsvTexts.generate(random, format.delimiter());
            List<Rec> read = same(text, format);
            if (read == null) {
                refusedByBoth++;
            } else {
                records += read.size();
            }
        }
        System.out.printf("generated texts: %d, %d records agree, %d texts refused by both%n", texts, records,
                refusedByBoth);
        assertTrue(refusedByBoth > 100 && refusedByBoth < texts / 2, "a mix of valid and broken texts: "
                + refusedByBoth);
    }

    @Test
    void quotedFlagAndFieldBoundsAreHandedOn() throws IOException {
        CsvScanner scanner = new CsvScanner(new StringReader("a,\"b\"\n"), CsvFormat.COMMA, "q.csv");
        List<String> seen = new ArrayList<>();
        scanner.readRecord((column, chars, offset, length, quoted) ->
                seen.add(column + ":" + new String(chars, offset, length) + ":" + quoted));
        assertEquals(List.of("0:a:false", "1:b:true"), seen);
        assertEquals(-1, scanner.readRecord((column, chars, offset, length, quoted) -> fail("no more records")));
    }

    private static DataException mistake(String text, int rowsBefore) {
        CsvScanner scanner = new CsvScanner(new StringReader(text), CsvFormat.COMMA, "bad.csv");
        return assertThrows(DataException.class, () -> {
            scanner.readHeader();
            for (int r = 0; r <= rowsBefore; r++) {
                assertTrue(scanner.readRow((column, chars, offset, length, quoted) -> { }));
            }
        });
    }

    @Test
    void mistakesNameTheSourceLineAndColumn() {
        DataException ragged = mistake("a,b,label\n1,2,x\n3,4\n5,6,y\n", 1);
        assertEquals("bad.csv, line 3: 2 columns, expected 3 as in the header", ragged.getMessage());
        assertEquals(3, ragged.line());
        assertEquals("bad.csv", ragged.source());
        assertEquals("bad.csv, line 3: 4 columns, expected 3 as in the header",
                mistake("a,b,label\n1,2,x\n3,4,5,6\n", 1).getMessage());
        DataException open = mistake("a,b\n1,2\n3,\"4\n5,6\n", 1);
        assertEquals("bad.csv, line 3, column 'b' (2): a quoted field is not closed; expected a closing '\"' "
                + "before the end of the file (a '\"' inside a quoted field is written '\"\"')", open.getMessage());
        assertEquals(2, open.column());
        assertEquals("b", open.columnName());
        DataException after = mistake("a,b\n\"1\"x,2\n", 0);
        assertEquals("bad.csv, line 2, column 'a' (1): unexpected 'x' after the closing quote of a quoted field; "
                + "expected ',' or the end of the line (a '\"' inside a quoted field is written '\"\"')",
                after.getMessage());
        assertEquals("bad.csv: the file is empty, expected a header row and data rows",
                mistake("\n\r\n", 0).getMessage());
        assertEquals("bad.csv: no data rows after the header", mistake("a,b\n\n", 0).getMessage());
        assertEquals("bad.csv, line 1: column 2 has an empty name in the header", mistake("a,,c\n1,2,3\n", 0)
                .getMessage());
        assertEquals("bad.csv, line 1: column name 'a' appears twice in the header",
                mistake("a,b,a\n1,2,3\n", 0).getMessage());
        assertEquals("bad.csv, line 1, column 2: a quoted field is not closed; expected a closing '\"' before the "
                + "end of the file (a '\"' inside a quoted field is written '\"\"')",
                mistake("a,\"b\n1,2\n", 0).getMessage());
    }

    @Test
    void aRowPastBlankLinesIsNamedByItsOwnLine() {
        assertEquals("bad.csv, line 5: 1 columns, expected 2 as in the header",
                mistake("a,b\n1,2\n\n\n3\n", 1).getMessage());
    }

    @Test
    void readRowStopsAfterTheLastRow() throws IOException {
        CsvScanner scanner = new CsvScanner(new StringReader("a,b\n1,2\n3,4"), CsvFormat.COMMA, "ok.csv");
        assertEquals(List.of("a", "b"), List.of(scanner.readHeader()));
        int rows = 0;
        while (scanner.readRow((column, chars, offset, length, quoted) -> { })) {
            rows++;
            assertEquals(rows + 1, scanner.line());
        }
        assertEquals(2, rows);
        assertFalse(scanner.readRow((column, chars, offset, length, quoted) -> { }));
        assertEquals("ok.csv, line 3, column 'b' (2)", scanner.where(1));
    }
}
