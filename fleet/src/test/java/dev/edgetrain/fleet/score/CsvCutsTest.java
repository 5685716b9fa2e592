package dev.edgetrain.fleet.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pass over a file's bytes finds the same cuts whatever its buffer size, so the seams between buffers (a
 * CRLF, a UTF-8 space, a quote's neighbours, a run of spaces cut in two) change nothing. That the cuts fall where
 * the scanner's records start is {@link CsvInputTest}'s business.
 */
class CsvCutsTest {
    @Test
    void everyBufferSizeFindsTheCutsOfOneLargeBuffer() throws IOException {
        Random random = new Random(31);
        for (int t = 0; t < 200; t++) {
            char d = CsvTexts.DELIMITERS[t % CsvTexts.DELIMITERS.length];
            String text = CsvTexts.generate(random, d, 1 + random.nextInt(25));
            if (t % 5 == 4) { // broken: text after a closing quote somewhere in the second half
                int at = text.length() / 2 + random.nextInt(text.length() / 2 + 1);
                text = text.substring(0, at) + "\"q\"z" + text.substring(at);
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (int pieces : new int[] {1, 3, 7, 60}) {
                CsvCuts whole = cuts(bytes, d, pieces, 1 << 20);
                for (int buffer = 4; buffer <= 23; buffer++) {
                    CsvCuts small = cuts(bytes, d, pieces, buffer);
                    String where = "text " + t + ", " + pieces + " pieces, buffer " + buffer;
                    assertEquals(whole.complete(), small.complete(), where);
                    assertEquals(whole.dataStart(), small.dataStart(), where);
                    assertEquals(whole.dataStartLine(), small.dataStartLine(), where);
                    assertArrayEquals(whole.offsets(), small.offsets(), where);
                    assertArrayEquals(whole.rowsBefore(), small.rowsBefore(), where);
                    assertArrayEquals(whole.lines(), small.lines(), where);
                    if (whole.complete()) {
                        assertEquals(whole.rows(), small.rows(), where);
                    }
                }
            }
        }
    }

    @Test
    void aQuoteOpensAFieldOnlyAtItsStartAfterSpaces() throws IOException {
        // a line break inside quotes is no record end; a quote after text is an ordinary character
        assertEquals(2, rows("a,b\n\u2003 \"x\ny\",1\n12\"in,\"2\"\n"));
        assertEquals(3, rows("a,b\n1,12\"in\n\"x\",\"y\"\n3,4"));
        assertEquals(2, rows("a,b\r\n\"x\"\"\r\ny\",1\r\n\r\n2,3\r\n"));
        CsvCuts open = cuts("a,b\n1,\"never closed\n2,3\n".getBytes(StandardCharsets.UTF_8), ',', 1, 1 << 20);
        assertFalse(open.complete(), "a quoted field never closed");
        CsvCuts after = cuts("a,b\n1,\"x\" y\n2,3\n".getBytes(StandardCharsets.UTF_8), ',', 1, 1 << 20);
        assertFalse(after.complete(), "text after a closing quote");
        CsvCuts spaces = cuts("a,b\n1,\"x\" \u3000\t,2\n".getBytes(StandardCharsets.UTF_8), ',', 1, 1 << 20);
        assertTrue(spaces.complete(), "spaces after a closing quote");
    }

    @Test
    void cutsFallOnRecordStartsWithTheirRowsAndLines() throws IOException {
        String text = "\uFEFFa,b\n\n0,x\n1,\"two\nlines\"\n2,z\n3,w\n";
        CsvCuts c = cuts(text.getBytes(StandardCharsets.UTF_8), ',', 4, 1 << 20);
        assertEquals(8, c.dataStart(), "after the byte order mark, the header and a blank line");
        assertEquals(3, c.dataStartLine());
        assertEquals(4, c.rows());
        long[] offsets = c.offsets();
        for (int k = 0; k < offsets.length; k++) {
            long rowsBefore = c.rowsBefore()[k];
            String rest = new String(text.getBytes(StandardCharsets.UTF_8), (int) offsets[k],
                    (int) (text.getBytes(StandardCharsets.UTF_8).length - offsets[k]), StandardCharsets.UTF_8);
            assertTrue(rest.startsWith(rowsBefore + ","), "cut " + k + " starts row " + rowsBefore + ": " + rest);
            assertEquals(new long[] {3, 4, 6, 7}[(int) rowsBefore], c.lines()[k]);
        }
        assertTrue(offsets.length >= 2, "cuts: " + offsets.length);
    }

    private static long rows(String text) throws IOException {
        CsvCuts c = cuts(text.getBytes(StandardCharsets.UTF_8), ',', 1, 1 << 20);
        assertTrue(c.complete(), text);
        return c.rows();
    }

    private static CsvCuts cuts(byte[] bytes, char d, int pieces, int buffer) throws IOException {
        return CsvCuts.find(new ByteArrayInputStream(bytes), bytes.length, d, pieces, buffer);
    }
}
