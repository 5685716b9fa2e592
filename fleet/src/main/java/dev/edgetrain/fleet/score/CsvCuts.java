package dev.edgetrain.fleet.score;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Where a CSV file can be cut into byte ranges that each begin with a whole record, found in one sequential pass
 * over its bytes (no decoding, no field kept): the byte offset of the first data row, and up to {@code pieces - 1}
 * cuts at the first record starting at or after each {@code k/pieces} of the file, with the data rows before each
 * cut and the physical line it starts on.
 *
 * <p>A line break inside a quoted field does not end a record, so the pass tracks quoting exactly as the data
 * module's {@code CsvScanner} reads it: a quote opens a quoted field only at the start of a field (after spaces),
 * {@code ""} inside one is a quote, spaces may follow the closing quote; blank lines are skipped; CRLF, LF and CR
 * end lines; a UTF-8 byte order mark at the start is not part of the header. Where the scanner will refuse the text
 * (anything but spaces after a closing quote, a quoted field never closed), no cut follows, {@link #complete()} is
 * false, and a scanner reading the last range meets the mistake.
 *
 * <p>Lines are counted as the scanner counts them (a CR, a LF, or a CRLF is one line end, inside quotes too), so
 * a row's line here is the line the scanner names.
 */
final class CsvCuts {
    /** Between records: line ends (blank lines) are skipped; anything else starts a record. */
    private static final int LINE_START = 0;
    /**
     * In unquoted text: field text, delimiters, spaces. Only a line end or a quote stops the pass here; whether a
     * quote opens a quoted field (at the start of a field, after spaces only) is decided by looking back.
     */
    private static final int TEXT = 1;
    private static final int QUOTED = 2;
    /** A quote inside a quoted field: a second one is an escaped quote, anything else closes the field. */
    private static final int QUOTE_IN_QUOTED = 3;
    /** After a closing quote: spaces, then a delimiter or a line end. */
    private static final int AFTER_CLOSE = 4;
    private static final int BUFFER = 1 << 20;

    private final char delimiter;
    /** The offsets to cut at or after {@code [pieces - 1]}, ascending. */
    private final long[] targets;
    private int nextTarget;
    private final long[] cutOffsets;
    private final long[] cutRows;
    private final long[] cutLines;
    private int cuts;
    private long dataStart = -1;
    private long dataStartLine;
    /** Records begun, the header included. */
    private long records;
    /** Line ends seen. */
    private long lineEnds;
    private int state = LINE_START;
    /** Whether the byte before the current buffer was a CR. */
    private boolean lastByteCr;
    /** In {@link #TEXT} at the end of the last buffer: whether a field had started with nothing but spaces since. */
    private boolean carriedFieldStart;
    private boolean broken;

    private CsvCuts(char delimiter, long[] targets) {
        this.delimiter = delimiter;
        this.targets = targets;
        this.cutOffsets = new long[targets.length];
        this.cutRows = new long[targets.length];
        this.cutLines = new long[targets.length];
    }

    /**
     * Scans {@code in} (not closed here) to its end, or to the first text the scanner would refuse.
     *
     * @param length the file's size in bytes, to place the cuts
     * @param pieces the ranges wanted (at most; a file of few rows gives fewer)
     */
    static CsvCuts find(InputStream in, long length, char delimiter, int pieces) throws IOException {
        return find(in, length, delimiter, pieces, BUFFER);
    }

    /** {@link #find} reading {@code bufferSize} bytes at a time (at least 4; small sizes test the seams). */
    static CsvCuts find(InputStream in, long length, char delimiter, int pieces, int bufferSize) throws IOException {
        if (pieces < 1) {
            throw new IllegalArgumentException("pieces must be at least 1, got " + pieces);
        }
        long[] targets = new long[pieces - 1];
        for (int k = 1; k < pieces; k++) {
            targets[k - 1] = (long) (length * (double) k / pieces);
        }
        CsvCuts cuts = new CsvCuts(delimiter, targets);
        cuts.scan(in, new byte[Math.max(4, bufferSize)]);
        return cuts;
    }

    private void scan(InputStream in, byte[] buf) throws IOException {
        long offset = 0; // of buf[0] in the file
        int held = 0; // the bytes of a character cut by the end of the last read, moved to the front
        int start = 0;
        for (boolean first = true; ; first = false) {
            int n = held + readFully(in, buf, held);
            boolean end = n < buf.length;
            if (first && n >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
                start = 3; // a byte order mark: the scanner drops it
            }
            int complete = end ? n : wholeCharacters(buf, n);
            feed(buf, start, complete, offset);
            if (broken || end) {
                break;
            }
            held = n - complete;
            System.arraycopy(buf, complete, buf, 0, held);
            offset += complete;
            start = 0;
        }
        if (state == QUOTED) {
            broken = true; // a quoted field never closed: the scanner will say where it opened
        }
    }

    private static int readFully(InputStream in, byte[] buf, int from) throws IOException {
        int n = from;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n - from;
    }

    /** {@code n}, less the bytes of a UTF-8 character that the end of {@code buf[0, n)} cuts. */
    private static int wholeCharacters(byte[] buf, int n) {
        for (int p = n - 1; p >= Math.max(0, n - 3); p--) {
            int b = buf[p] & 0xFF;
            if ((b & 0xC0) != 0x80) { // not a continuation byte: the last character starts here
                int length = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
                return p + length > n ? p : n;
            }
        }
        return n;
    }

    /** Runs the bytes {@code buf[from, to)} (file offset of {@code buf[0]}: {@code offset}) through the machine. */
    private void feed(byte[] buf, int from, int to, long offset) {
        final char d = delimiter;
        int s = state;
        int i = from;
        int textStart = from; // where the current run of TEXT began in this buffer
        boolean textFromFieldStart = carriedFieldStart; // whether it began at a field start
        while (i < to) {
            switch (s) {
                case TEXT: {
                    byte b = 0;
                    while (i < to && (b = buf[i]) != '\n' && b != '\r' && b != '"') {
                        i++; // nearly every byte of a file goes only through this loop
                    }
                    if (i == to) {
                        break;
                    }
                    if (b == '"') {
                        if (atFieldStart(buf, textStart, i, textFromFieldStart)) {
                            s = QUOTED;
                        }
                    } else {
                        lineEnd(buf, i);
                        s = LINE_START;
                    }
                    i++;
                    break;
                }
                case LINE_START: {
                    byte b = buf[i];
                    if (b == '\n' || b == '\r') {
                        lineEnd(buf, i); // a blank line, or the LF of a CRLF
                        i++;
                        break;
                    }
                    recordStart(offset + i);
                    if (b == '"') {
                        s = QUOTED;
                        i++;
                    } else {
                        s = TEXT;
                        textStart = i;
                        textFromFieldStart = true;
                    }
                    break;
                }
                case QUOTED: {
                    byte b = 0;
                    while (i < to && (b = buf[i]) != '"' && b != '\n' && b != '\r') {
                        i++;
                    }
                    if (i == to) {
                        break;
                    }
                    if (b == '"') {
                        s = QUOTE_IN_QUOTED;
                    } else {
                        lineEnd(buf, i); // inside the field; counted all the same
                    }
                    i++;
                    break;
                }
                case QUOTE_IN_QUOTED:
                    if (buf[i] == '"') {
                        s = QUOTED; // an escaped quote
                        i++;
                    } else {
                        s = AFTER_CLOSE; // this byte is read there
                    }
                    break;
                case AFTER_CLOSE: {
                    int b = buf[i] & 0xFF;
                    if (b == d) {
                        s = TEXT;
                        i++;
                        textStart = i;
                        textFromFieldStart = true;
                    } else if (b == '\n' || b == '\r') {
                        lineEnd(buf, i);
                        s = LINE_START;
                        i++;
                    } else if (b < 0x80 && Character.isWhitespace(b)) {
                        i++;
                    } else if (wideSpace(buf, i, to)) {
                        i += 3;
                    } else {
                        broken = true; // text after a closing quote: the scanner refuses it
                        state = s;
                        return;
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("state " + s);
            }
        }
        state = s;
        if (s == TEXT) {
            carriedFieldStart = atFieldStart(buf, textStart, to, textFromFieldStart);
        }
        if (to > from) {
            lastByteCr = buf[to - 1] == '\r';
        }
    }

    /** Counts the line end at {@code buf[i]} (a CR, or a LF that does not follow a CR). */
    private void lineEnd(byte[] buf, int i) {
        if (buf[i] == '\r' || !(i > 0 ? buf[i - 1] == '\r' : lastByteCr)) {
            lineEnds++;
        }
    }

    /**
     * Whether position {@code q} of a run of unquoted text that began at {@code textStart} is at the start of a
     * field: only spaces (not the delimiter) between it and a delimiter before it, or the start of the run when
     * that was at a field start. A quote there opens a quoted field; elsewhere it is an ordinary character.
     */
    private boolean atFieldStart(byte[] buf, int textStart, int q, boolean textFromFieldStart) {
        int k = q - 1;
        while (k >= textStart) {
            int c = buf[k] & 0xFF;
            if (c == delimiter) {
                return true;
            }
            if (c < 0x80 && Character.isWhitespace(c)) {
                k--;
            } else if (k - 2 >= textStart && wideSpace(buf, k - 2, q)) {
                k -= 3;
            } else {
                return false;
            }
        }
        return textFromFieldStart;
    }

    /**
     * Whether {@code buf[p, p + 3)} (below {@code to}) is a space beyond ASCII: they are all three-byte characters
     * led by 0xE1..0xE3 (U+1680, U+2000..U+200A, U+2028, U+2029, U+205F, U+3000).
     */
    private static boolean wideSpace(byte[] buf, int p, int to) {
        if (p + 2 >= to) {
            return false;
        }
        int b0 = buf[p] & 0xFF;
        int b1 = buf[p + 1] & 0xFF;
        int b2 = buf[p + 2] & 0xFF;
        if (b0 < 0xE1 || b0 > 0xE3 || (b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) {
            return false;
        }
        return Character.isWhitespace((b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F));
    }

    private void recordStart(long offset) {
        if (records == 1) {
            dataStart = offset;
            dataStartLine = lineEnds + 1;
        } else if (records > 1 && nextTarget < targets.length && offset >= targets[nextTarget]) {
            cutOffsets[cuts] = offset;
            cutRows[cuts] = records - 1;
            cutLines[cuts] = lineEnds + 1;
            cuts++;
            while (nextTarget < targets.length && offset >= targets[nextTarget]) {
                nextTarget++;
            }
        }
        records++;
    }

    /** The byte offset of the first data row, or -1 when the file has none (or a header only). */
    long dataStart() {
        return dataStart;
    }

    /** The physical line the first data row starts on. */
    long dataStartLine() {
        return dataStartLine;
    }

    /** The cuts: byte offsets of records after the first data row, ascending. */
    long[] offsets() {
        return Arrays.copyOf(cutOffsets, cuts);
    }

    /** Per cut, the data rows before it. */
    long[] rowsBefore() {
        return Arrays.copyOf(cutRows, cuts);
    }

    /** Per cut, the physical line its record starts on. */
    long[] lines() {
        return Arrays.copyOf(cutLines, cuts);
    }

    /** Whether the pass read the whole file; false when it stopped at text the scanner will refuse. */
    boolean complete() {
        return !broken;
    }

    /** Data rows in the file (known when {@link #complete()}). */
    long rows() {
        if (broken) {
            throw new IllegalStateException("the pass stopped at a mistake; the rows after it are not counted");
        }
        return Math.max(0, records - 1);
    }
}
