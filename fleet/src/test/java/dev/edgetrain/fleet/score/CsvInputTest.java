package dev.edgetrain.fleet.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.data.CsvScanner;
import dev.edgetrain.data.DataException;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cutting a CSV into byte ranges and reading each with the scanner gives exactly the records (fields, lines, row
 * numbers) that the scanner gives reading the whole file, on generated texts full of what makes cutting hard:
 * quoted fields with delimiters, quotes and line breaks inside, spaces (Unicode ones too) around quotes, CRLF/CR/LF
 * line ends, blank lines, a byte order mark, four dialects. Where the scanner refuses a text, the first mistake
 * met is the scanner's own, with its message: a quoting mistake when the plan is made (before any task runs: the
 * driver reads the range it is in, and reports what it meets first there), others when the ranges are read.
 */
class CsvInputTest {
    private static final char[] DELIMITERS = CsvTexts.DELIMITERS;

    @TempDir
    static File dir;
    /** A model reading one column, "id": every other column is ignored, so any text may sit there. */
    static ImportedModel idModel;
    static final Configuration CONF = new Configuration();

    @BeforeAll
    static void aModelThatReadsTheIdColumn() throws Exception {
        Network network = new Network(NetworkSpec.of(1, new int[0], 2), 1);
        idModel = OnnxImporter.read(OnnxExporter.toBytes(network, ExportOptions.builder()
                .featureNames(new String[] {"id"}).classLabels(new String[] {"a", "b"}).build()));
    }

    /** A record as the scanner gives it: its fields and the line it starts on. */
    record Rec(List<String> fields, long line) {
    }

    @Test
    void rangesReadTheSameRecordsAsTheWholeFileOnGeneratedTexts() throws Exception {
        Random random = new Random(12);
        for (int t = 0; t < 300; t++) {
            char d = DELIMITERS[t % DELIMITERS.length];
            String text = CsvTexts.generate(random, d, 1 + random.nextInt(40));
            File file = write("gen-" + t + ".csv", text);
            List<Rec> whole = wholeFile(text, d);
            for (int pieces : new int[] {1, 2, 3, 7, whole.size() + 3}) {
                CsvInput input = CsvInput.plan(CONF, file.getPath(), CsvFormat.of(d), pieces, 1, idModel, null);
                List<Rec> cut = new ArrayList<>();
                for (CsvRange range : input.ranges()) {
                    List<Rec> read = read(range);
                    for (int k = 0; k < read.size(); k++) {
                        assertEquals(Long.parseLong(read.get(k).fields().get(0)), range.firstRow + k,
                                "row numbers, text " + t + ", " + pieces + " pieces, " + range);
                    }
                    assertEquals(range.rows, read.size(), range.toString());
                    cut.addAll(read);
                }
                assertEquals(whole, cut, "text " + t + " in " + pieces + " pieces:\n" + text);
                assertEquals(whole.size(), input.rows());
                assertTrue(input.ranges().size() <= pieces, input.ranges().size() + " ranges for " + pieces);
            }
        }
    }

    @Test
    void aMistakeTheScannerRefusesIsTheFirstMetWithTheScannersMessageAQuotingOneWhenPlanning() throws Exception {
        Random random = new Random(5);
        int checked = 0;
        int quoting = 0;
        for (int i = 0; i < 90; i++) {
            final int t = i;
            char d = DELIMITERS[t % DELIMITERS.length];
            String text = CsvTexts.generate(random, d, 20);
            int at = nthLineStart(text, 5 + random.nextInt(10));
            if (at < 0) {
                continue;
            }
            // text after a closing quote, a quote opened and never closed, or a field too many
            String[] mistakes = {"\"x\"y" + d, "\"never closed" + d, "extra" + d};
            String broken = text.substring(0, at) + mistakes[t % 3] + text.substring(at);
            final DataException expected;
            try {
                wholeFile(broken, d);
                continue; // the quote found a partner further on: not a mistake after all
            } catch (DataException e) {
                expected = e;
            }
            File file = write("broken-" + t + ".csv", broken);
            boolean quote = expected.detail().contains("quote");
            quoting += quote ? 1 : 0;
            for (int pieces : new int[] {1, 4, 50}) {
                Mistake m = firstMistake(file, d, pieces);
                String where = "text " + t + ", " + pieces + " pieces:\n" + broken;
                assertTrue(m != null, where);
                assertTrue(!quote || m.planning(), "a quoting mistake is met planning: " + m.e());
                if (pieces == 1 || !m.planning()) {
                    assertEquals(expected.getMessage().replace("<text>", file.getPath()), m.e().getMessage(), where);
                } else {
                    // the plan reads the range the quoting mistake is in: what it meets first there, which may lie
                    // after a mistake of an earlier range (a task would meet that one)
                    assertTrue(m.e().line() >= expected.line(), where + "\n" + m.e());
                }
            }
            checked++;
        }
        assertTrue(checked > 60 && quoting > 20 && checked - quoting > 10, "broken texts checked: " + checked
                + ", " + quoting + " of them with quoting mistakes");
    }

    @Test
    void aHeaderThatDoesNotSuitTheModelOrNoRowsAreRefusedBeforeTheFileIsCut() throws Exception {
        File wrong = write("wrong.csv", "a,b,c\n1,2,3\n");
        DataException e = assertThrows(DataException.class,
                () -> CsvInput.plan(CONF, wrong.getPath(), null, 0, 2, idModel, null));
        assertEquals(wrong.getPath() + ": 3 feature columns, the model expects 1 named [id]", e.getMessage());
        File headerOnly = write("header.csv", "id,y\r\n\r\n");
        e = assertThrows(DataException.class,
                () -> CsvInput.plan(CONF, headerOnly.getPath(), null, 0, 2, idModel, null));
        assertEquals(headerOnly.getPath() + ": no data rows after the header", e.getMessage());
        assertThrows(dev.edgetrain.fleet.data.FleetDataException.class,
                () -> CsvInput.plan(CONF, new File(dir, "none.csv").getPath(), null, 0, 2, idModel, null));
    }

    @Test
    void aDirectoryOfPartsIsReadInNameOrderWithRowsNumberedAcrossTheFiles() throws Exception {
        File parts = new File(dir, "parts");
        assertTrue(parts.mkdir());
        Files.writeString(new File(parts, "part-1.csv").toPath(), "id,y\n2,a\n3,b\n");
        Files.writeString(new File(parts, "part-0.csv").toPath(), "\uFEFFid,y\n0,a\n\n1,b\n");
        Files.writeString(new File(parts, "_SUCCESS").toPath(), "");
        CsvInput input = CsvInput.plan(CONF, parts.getPath(), null, 4, 1, idModel, null);
        assertTrue(input.severalFiles() && input.labelled());
        assertEquals(4, input.rows());
        List<String> seen = new ArrayList<>();
        for (CsvRange range : input.ranges()) {
            List<Rec> read = read(range);
            for (int k = 0; k < read.size(); k++) {
                assertEquals(Long.parseLong(read.get(k).fields().get(0)), range.firstRow + k);
                seen.add(new File(range.source).getName() + ":" + read.get(k).line() + ":" + read.get(k).fields());
            }
        }
        assertEquals(List.of("part-0.csv:2:[0, a]", "part-0.csv:4:[1, b]", "part-1.csv:2:[2, a]",
                "part-1.csv:3:[3, b]"), seen);
    }

    /**
     * The mistake met planning {@code file} in {@code pieces} (quotes: the plan stops at them) or reading its ranges in
     * order (anything else: a task would), or null.
     */
    private static Mistake firstMistake(File file, char d, int pieces) throws IOException {
        final CsvInput input;
        try {
            input = CsvInput.plan(CONF, file.getPath(), CsvFormat.of(d), pieces, 1, idModel, null);
        } catch (DataException e) {
            return new Mistake(e, true);
        }
        try {
            for (CsvRange range : input.ranges()) {
                read(range);
            }
        } catch (DataException e) {
            return new Mistake(e, false);
        }
        return null;
    }

    record Mistake(DataException e, boolean planning) {
    }

    /** After the n-th LF (which may sit inside a quoted field: the mistake is then made differently). */
    private static int nthLineStart(String text, int n) {
        int pos = 0;
        for (int k = 0; k < n; k++) {
            int next = text.indexOf('\n', pos);
            if (next < 0) {
                return -1;
            }
            pos = next + 1;
        }
        return pos;
    }

    private static File write(String name, String text) throws IOException {
        File f = new File(dir, name);
        Files.writeString(f.toPath(), text, StandardCharsets.UTF_8);
        return f;
    }

    private static List<Rec> wholeFile(String text, char d) throws IOException {
        CsvScanner scanner = new CsvScanner(new InputStreamReader(new ByteArrayInputStream(
                text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8), CsvFormat.of(d), "<text>");
        scanner.readHeader();
        List<Rec> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        while (scanner.readRow((column, chars, offset, length, quoted) ->
                fields.add(new String(chars, offset, length)))) {
            records.add(new Rec(new ArrayList<>(fields), scanner.line()));
            fields.clear();
        }
        return records;
    }

    private static List<Rec> read(CsvRange range) throws IOException {
        List<Rec> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        try (RangeReader reader = new RangeReader(CONF, range)) {
            while (reader.readRow((column, chars, offset, length, quoted) ->
                    fields.add(new String(chars, offset, length)))) {
                records.add(new Rec(new ArrayList<>(fields), reader.line()));
                fields.clear();
            }
        }
        return records;
    }
}
