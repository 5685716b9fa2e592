package dev.edgetrain.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A strict, small RFC 4180 tokenizer that hands each field to a {@link FieldHandler} as characters in its own
 * buffer, so reading a number makes no object. It reads:
 * <ul>
 *   <li>quoted fields, with {@code ""} for a quote and delimiters and line breaks inside;</li>
 *   <li>CRLF, LF and CR line ends; blank lines are skipped; a last line without a line end;</li>
 *   <li>spaces around a field are not part of it (a quoted field keeps what is inside its quotes); a quote inside
 *       an unquoted field is an ordinary character;</li>
 *   <li>a UTF-8 byte order mark at the start is dropped.</li>
 * </ul>
 * On valid input it gives the same records as Apache Commons CSV's {@code DEFAULT} format with surrounding spaces
 * and empty lines ignored (what the CLI read CSV with before; the tests hold it to that). Each record's physical
 * start line is kept for messages. A quoted field that is never closed, or text after a closing quote, is a
 * {@link DataException} naming the line and column.
 *
 * <p>Use {@link #readHeader()} then {@link #readRow} (which check the header's names and every row's width), or
 * {@link #readRecord} for records of any width. Not thread-safe.
 */
public final class CsvScanner {
    /** Receives the fields of one record, in order. */
    public interface FieldHandler {
        /**
         * One field.
         *
         * @param column 0-based
         * @param chars  the scanner's buffer; the field is {@code chars[offset, offset + length)}, valid only during
         *               this call
         * @param offset where the field starts in {@code chars}
         * @param length the field's number of characters, 0 for an empty field (quotes and escapes removed)
         * @param quoted whether the field was written in quotes
         */
        void field(int column, char[] chars, int offset, int length, boolean quoted);
    }

    private static final int INITIAL_BUFFER = 1 << 16;
    /** How a field ended: at a delimiter (more fields follow), at a line end, or at the end of the input. */
    private static final int END_OF_FIELD = 0;
    private static final int END_OF_RECORD = 1;
    private static final int END_OF_INPUT = 2;

    private final Reader reader;
    private final String source;
    private final char delimiter;
    private final char quote;
    /** Characters read and not yet consumed are {@code buf[pos, limit)}; a field being read stays in the buffer. */
    private char[] buf = new char[INITIAL_BUFFER];
    private int pos;
    private int limit;
    private boolean exhausted;
    private boolean started;
    /** The physical line of {@code buf[pos]}. */
    private long line = 1;
    private long recordLine;
    private String[] header;
    private long rows;

    /**
     * A scanner over the records of {@code reader} in the dialect {@code format}.
     *
     * @param reader the characters (decode UTF-8 with an {@code InputStreamReader}); read in large blocks, so it
     *               need not be buffered
     * @param format the dialect: delimiter and quote
     * @param source what messages call the input (a file name)
     */
    public CsvScanner(Reader reader, CsvFormat format, String source) {
        this.reader = reader;
        this.source = source;
        this.delimiter = format.delimiter();
        this.quote = format.quote();
    }

    /**
     * Reads the first record as the header: column names, none empty, none twice.
     *
     * @return the column names, one per column, in file order
     * @throws DataException when the input is empty or a name is empty or repeated
     * @throws IOException when the reader fails
     */
    public String[] readHeader() throws IOException {
        if (header != null) {
            throw new IllegalStateException("the header is already read");
        }
        final List<String> names = new ArrayList<>();
        int fields = record(new FieldHandler() {
            @Override
            public void field(int column, char[] chars, int offset, int length, boolean quoted) {
                names.add(new String(chars, offset, length));
            }
        }, Integer.MAX_VALUE);
        if (fields < 0) {
            throw new DataException(source, "the file is empty, expected a header row and data rows");
        }
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < names.size(); c++) {
            if (names.get(c).isEmpty()) {
                throw new DataException(source, recordLine, 0, null, "column " + (c + 1)
                        + " has an empty name in the header");
            }
            if (!seen.add(names.get(c))) {
                throw new DataException(source, recordLine, 0, null, "column name '" + names.get(c)
                        + "' appears twice in the header");
            }
        }
        header = names.toArray(new String[0]);
        return header.clone();
    }

    /**
     * Reads the next data row into {@code handler}; returns false after the last one.
     *
     * @param handler told each field of the row, in column order
     * @return true when a row was read, false at the end of the input
     * @throws DataException when the row has another number of fields than the header (after handing the handler
     *                       those that fit), or when there is no data row at all
     * @throws IOException when the reader fails
     */
    public boolean readRow(FieldHandler handler) throws IOException {
        if (header == null) {
            throw new IllegalStateException("read the header first");
        }
        int fields = record(handler, header.length);
        if (fields < 0) {
            if (rows == 0) {
                throw new DataException(source, "no data rows after the header");
            }
            return false;
        }
        if (fields != header.length) {
            throw new DataException(source, recordLine, 0, null, fields + " columns, expected " + header.length
                    + " as in the header");
        }
        rows++;
        return true;
    }

    /**
     * Reads the next record of any width into {@code handler}; returns its number of fields, or -1 at the end.
     *
     * @param handler told each field of the record, in column order
     * @return the record's number of fields, or -1 at the end of the input
     * @throws IOException when the reader fails
     */
    public int readRecord(FieldHandler handler) throws IOException {
        return record(handler, Integer.MAX_VALUE);
    }

    /**
     * The physical line the last record read starts on (the first line is 1).
     *
     * @return the 1-based line, or 0 before the first record
     */
    public long line() {
        return recordLine;
    }

    /**
     * The file or data set name, for messages.
     *
     * @return the source given at construction
     */
    public String source() {
        return source;
    }

    /**
     * The header's names (a copy), or null before {@link #readHeader()}.
     *
     * @return one name per column, or null
     */
    public String[] header() {
        return header == null ? null : header.clone();
    }

    /**
     * A mistake in the current record's {@code column} (0-based), named by the header.
     *
     * @param column the column, 0-based
     * @param detail what is wrong, and what was expected
     * @return the error, to throw; it names the source, line and column
     */
    public DataException error(int column, String detail) {
        return error(recordLine, column, detail);
    }

    /**
     * A label in the current record's {@code column} (0-based) that is none of the classes the reader was given.
     *
     * @param column the column, 0-based
     * @param label the label as written
     * @param expected what was expected, for the message: {@code "expected one of [setosa, versicolor]"}
     * @return the error, to throw; it names the source, line, column and label
     */
    public UnknownLabelException unknownLabel(int column, String label, String expected) {
        return new UnknownLabelException(source, recordLine, column + 1, columnName(column), label, expected);
    }

    /**
     * {@code "iris.csv, line 7, column 'petal_width' (4)"}: where {@code column} (0-based) of the current record is.
     *
     * @param column the column, 0-based
     * @return the place, for the start of a message
     */
    public String where(int column) {
        return DataException.where(source, recordLine, column + 1, columnName(column));
    }

    private DataException error(long atLine, int column, String detail) {
        return new DataException(source, atLine, column + 1, columnName(column), detail);
    }

    private String columnName(int column) {
        return header != null && column < header.length ? header[column] : null;
    }

    /** Reads one record, handing fields of columns below {@code deliverBelow} on; its field count, or -1 at the end. */
    private int record(FieldHandler handler, int deliverBelow) throws IOException {
        if (!skipBlankLines()) {
            return -1;
        }
        recordLine = line;
        int column = 0;
        int end;
        do {
            end = field(handler, column, column < deliverBelow);
            column++;
        } while (end == END_OF_FIELD);
        return column;
    }

    /** Skips empty lines; false at the end of the input. */
    private boolean skipBlankLines() throws IOException {
        for (;;) {
            if (pos == limit && !fill(pos)) {
                return false;
            }
            char c = buf[pos];
            if (c == '\n') {
                pos++;
                line++;
            } else if (c == '\r') {
                pos++;
                line++;
                skipLineFeed();
            } else {
                return true;
            }
        }
    }

    /** After a CR: a LF that follows it belongs to the same line end. */
    private void skipLineFeed() throws IOException {
        if ((pos < limit || fill(pos)) && buf[pos] == '\n') {
            pos++;
        }
    }

    private int field(FieldHandler handler, int column, boolean deliver) throws IOException {
        for (;;) {
            if (pos == limit && !fill(pos)) {
                if (deliver) {
                    handler.field(column, buf, pos, 0, false);
                }
                return END_OF_INPUT;
            }
            char c = buf[pos];
            if (c == quote) {
                return quoted(handler, column, deliver);
            }
            if (!isLeadingSpace(c)) {
                return unquoted(handler, column, deliver);
            }
            pos++;
        }
    }

    private int unquoted(FieldHandler handler, int column, boolean deliver) throws IOException {
        int start = pos;
        int p = pos;
        int end;
        scan:
        for (;;) {
            final char[] b = buf;
            final int lim = limit;
            final char d = delimiter;
            while (p < lim) {
                char c = b[p];
                if (c == d) {
                    end = END_OF_FIELD;
                    break scan;
                }
                if (c <= '\r' && (c == '\n' || c == '\r')) {
                    end = END_OF_RECORD;
                    break scan;
                }
                p++;
            }
            pos = p;
            boolean more = fill(start);
            p = pos;
            start = 0;
            if (!more) {
                end = END_OF_INPUT;
                break;
            }
        }
        int stop = p;
        while (stop > start && isSpace(buf[stop - 1])) {
            stop--;
        }
        if (deliver) {
            handler.field(column, buf, start, stop - start, false);
        }
        pos = p;
        consumeEnd(end);
        return end;
    }

    private int quoted(FieldHandler handler, int column, boolean deliver) throws IOException {
        final long openLine = line;
        int start = ++pos;
        int w = start; // the field's characters, quotes unescaped in place, are buf[start, w)
        int p = start;
        boolean afterCr = false;
        for (;;) {
            if (p == limit) {
                pos = p;
                boolean more = fill(start);
                w -= start;
                p = pos;
                start = 0;
                if (!more) {
                    throw error(openLine, column, "a quoted field is not closed; expected a closing '\"' before the "
                            + "end of the file (a '\"' inside a quoted field is written '\"\"')");
                }
            }
            char c = buf[p++];
            if (c == quote) {
                if (p == limit) {
                    pos = p;
                    fill(start);
                    w -= start;
                    p = pos;
                    start = 0;
                }
                if (p < limit && buf[p] == quote) {
                    buf[w++] = quote;
                    p++;
                    afterCr = false;
                    continue;
                }
                break;
            }
            if (c == '\r' || (c == '\n' && !afterCr)) {
                line++;
            }
            afterCr = c == '\r';
            buf[w++] = c;
        }
        int end;
        for (;;) { // after the closing quote: spaces, then a delimiter, a line end or the end of the input
            if (p == limit) {
                pos = p;
                boolean more = fill(start);
                w -= start;
                p = pos;
                start = 0;
                if (!more) {
                    end = END_OF_INPUT;
                    break;
                }
            }
            char c = buf[p];
            if (c == delimiter) {
                end = END_OF_FIELD;
                break;
            }
            if (c == '\n' || c == '\r') {
                end = END_OF_RECORD;
                break;
            }
            if (!Character.isWhitespace(c)) {
                throw error(line, column, "unexpected '" + c + "' after the closing quote of a quoted field; "
                        + "expected " + CsvFormat.of(delimiter) + " or the end of the line (a '\"' inside a quoted "
                        + "field is written '\"\"')");
            }
            p++;
        }
        if (deliver) {
            handler.field(column, buf, start, w - start, true);
        }
        pos = p;
        consumeEnd(end);
        return end;
    }

    /** Steps over the delimiter or line end at {@code pos} that ended a field. */
    private void consumeEnd(int end) throws IOException {
        if (end == END_OF_FIELD) {
            pos++;
        } else if (end == END_OF_RECORD) {
            char c = buf[pos++];
            line++;
            if (c == '\r') {
                skipLineFeed();
            }
        }
    }

    /** Whitespace as {@link Character#isWhitespace} has it (what Commons CSV trims). */
    private static boolean isSpace(char c) {
        return (c <= ' ' || c >= '\u1680') && Character.isWhitespace(c);
    }

    /** A space before a field: whitespace, but not the delimiter (a tab) or a line end. */
    private boolean isLeadingSpace(char c) {
        return isSpace(c) && c != delimiter && c != '\n' && c != '\r';
    }

    /**
     * Keeps {@code buf[keepFrom, limit)}, moved to the front (so {@code pos} and {@code limit} drop by
     * {@code keepFrom}), and reads more after it, growing the buffer when a field fills it. False at the end of
     * the input.
     */
    private boolean fill(int keepFrom) throws IOException {
        if (keepFrom > 0) {
            System.arraycopy(buf, keepFrom, buf, 0, limit - keepFrom);
            pos -= keepFrom;
            limit -= keepFrom;
        }
        if (exhausted) {
            return false;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n;
        do {
            n = reader.read(buf, limit, buf.length - limit);
        } while (n == 0);
        if (n < 0) {
            exhausted = true;
            return false;
        }
        limit += n;
        if (!started) {
            started = true;
            if (buf[pos] == '\uFEFF') { // a byte order mark is not part of the first name
                pos++;
                return pos < limit || fill(pos);
            }
        }
        return true;
    }
}
