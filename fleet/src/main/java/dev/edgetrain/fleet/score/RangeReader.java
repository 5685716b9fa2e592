package dev.edgetrain.fleet.score;

import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.data.CsvScanner;
import dev.edgetrain.data.DataException;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * Reads the rows of one {@link CsvRange} with the data module's {@link CsvScanner}: the scanner is given the file's
 * header bytes followed by the range's bytes (read from wherever Hadoop's file systems reach: a local or shared
 * path, HDFS, object storage), so it checks every row's width against the header and names columns as it does for
 * a whole file. Lines in its messages, and {@link #line()}, are the file's own.
 */
final class RangeReader implements Closeable {
    private final CsvRange range;
    private final InputStream in;
    private final CsvScanner scanner;

    RangeReader(Configuration conf, CsvRange range) throws IOException {
        this.range = range;
        Path path = new Path(range.path);
        FSDataInputStream file = path.getFileSystem(conf).open(path, 1 << 16);
        try {
            file.seek(range.start);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        this.in = new SequenceInputStream(new ByteArrayInputStream(range.header),
                new Bounded(file, range.end - range.start));
        this.scanner = new CsvScanner(new InputStreamReader(in, StandardCharsets.UTF_8),
                CsvFormat.of(range.delimiter), range.source);
        try {
            scanner.readHeader();
        } catch (DataException e) {
            in.close();
            throw shifted(e);
        }
    }

    /** The header's column names. */
    String[] header() {
        return scanner.header();
    }

    /**
     * Reads the next row of the range into {@code handler}; false after the last.
     *
     * @throws DataException naming the file's own line
     */
    boolean readRow(CsvScanner.FieldHandler handler) throws IOException {
        try {
            return scanner.readRow(handler);
        } catch (DataException e) {
            throw shifted(e);
        }
    }

    /** The file line the last row read starts on. */
    long line() {
        return scanner.line() + range.lineShift();
    }

    /**
     * A mistake in the current row's {@code column} (0-based), for a field handler to throw: {@link #readRow} moves
     * it to the file's own line on its way out.
     */
    DataException error(int column, String detail) {
        return scanner.error(column, detail);
    }

    private DataException shifted(DataException e) {
        if (e.line() <= 0) {
            return e;
        }
        return new DataException(e.source(), e.line() + range.lineShift(), e.column(), e.columnName(), e.detail());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
