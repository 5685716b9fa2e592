package dev.edgetrain.fleet.score;

import dev.edgetrain.data.Columns;
import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.data.CsvScanner;
import dev.edgetrain.data.DataException;
import dev.edgetrain.fleet.data.FleetDataException;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.runtime.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The driver's plan for scoring CSV: the input's files (a file, a directory of parts, or a glob), each file's header
 * checked against the model (by the data module's rules for reading for a model, before any task runs), and the
 * files cut into byte ranges that begin with whole records ({@link CsvCuts}: one sequential pass over each file's
 * bytes), numbered by rows and lines. The driver holds O(ranges), whatever the size of the files.
 */
final class CsvInput {
    /** Bytes per range at most when the number of ranges is left to the input's size. */
    static final long RANGE_BYTES = 128L << 20;

    private final List<CsvRange> ranges;
    private final boolean labelled;
    private final boolean severalFiles;
    private final long rows;
    private final long bytes;

    private CsvInput(List<CsvRange> ranges, boolean labelled, boolean severalFiles, long rows, long bytes) {
        this.ranges = ranges;
        this.labelled = labelled;
        this.severalFiles = severalFiles;
        this.rows = rows;
        this.bytes = bytes;
    }

    /**
     * @param data        a path Hadoop's file systems reach: a file, a directory (its visible files), or a glob
     * @param format      the dialect, or null for each file's by its name (tab for {@code *.tsv}, else comma)
     * @param pieces      ranges wanted in all, or 0 for a multiple of {@code parallelism} with at most
     *                    {@value #RANGE_BYTES} bytes each
     * @param labelSpec   the label column (name or 1-based index), or null to find it as {@code edgetrain predict}
     * @throws DataException      for a file whose header does not suit the model, or with no data rows
     * @throws FleetDataException when there is no such file
     */
    static CsvInput plan(Configuration conf, String data, CsvFormat format, int pieces, int parallelism,
                         ImportedModel model, String labelSpec) throws IOException {
        List<FileStatus> files = list(conf, data);
        long total = 0;
        for (FileStatus f : files) {
            total += f.getLen();
        }
        // by default whole rounds of tasks: a multiple of the cores, one range per RANGE_BYTES at most
        int wanted = pieces > 0 ? pieces : (int) (parallelism
                * Math.max(1, ((total + RANGE_BYTES - 1) / RANGE_BYTES + parallelism - 1) / parallelism));
        List<CsvRange> ranges = new ArrayList<>();
        long rows = 0;
        Boolean labelled = null;
        String firstSource = null;
        for (FileStatus f : files) {
            String source = files.size() == 1 && f.getPath().equals(qualified(conf, data)) ? data
                    : display(f.getPath());
            FileLayout file = new FileLayout(conf, f, source, format != null ? format : CsvFormat.forFile(source));
            file.checkHeader(model, labelSpec);
            if (labelled == null) {
                labelled = file.labelColumn >= 0;
                firstSource = source;
            } else if (labelled != file.labelColumn >= 0) {
                throw new DataException(source, (labelled ? "no label column, while " + firstSource + " has one"
                        : "a label column, while " + firstSource + " has none") + "; score files of one kind together");
            }
            int filePieces = (int) Math.max(1, Math.round(wanted * (double) f.getLen() / Math.max(1, total)));
            rows = file.cut(filePieces, rows, ranges);
        }
        return new CsvInput(ranges, labelled, files.size() > 1, rows, total);
    }

    /** The files of {@code data}, in name order; hidden files ({@code .x}, {@code _SUCCESS}) left out. */
    private static List<FileStatus> list(Configuration conf, String data) throws IOException {
        Path path = new Path(data);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
            throw new FleetDataException(data + ": no such file or directory");
        }
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus m : matches) {
            if (m.isDirectory()) {
                FileStatus[] children = fs.listStatus(m.getPath());
                Arrays.sort(children, Comparator.comparing(c -> c.getPath().getName()));
                for (FileStatus c : children) {
                    String name = c.getPath().getName();
                    if (c.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                        files.add(c);
                    }
                }
            } else {
                files.add(m);
            }
        }
        if (files.isEmpty()) {
            throw new FleetDataException(data + ": no files in it");
        }
        return files;
    }

    private static Path qualified(Configuration conf, String data) throws IOException {
        Path p = new Path(data);
        return p.getFileSystem(conf).makeQualified(p);
    }

    /** A local file by its path; anything else by its URI. */
    private static String display(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    /** One file: its header checked against the model, then cut. */
    private static final class FileLayout {
        private final Configuration conf;
        private final FileStatus status;
        private final String source;
        private final CsvFormat format;
        private int[] featureColumns;
        private int labelColumn = -1;

        FileLayout(Configuration conf, FileStatus status, String source, CsvFormat format) {
            this.conf = conf;
            this.status = status;
            this.source = source;
            this.format = format;
        }

        private FSDataInputStream open() throws IOException {
            return status.getPath().getFileSystem(conf).open(status.getPath(), 1 << 16);
        }

        /** Reads the header (only the first block of the file) and picks the model's columns from it. */
        void checkHeader(ImportedModel model, String labelSpec) throws IOException {
            final String[] header;
            try (InputStream in = open()) {
                header = new CsvScanner(new InputStreamReader(in, StandardCharsets.UTF_8), format, source).readHeader();
            }
            Columns columns = Columns.forModel(source, header, Task.CLASSIFY, model.featureCount(),
                    model.featureNames(), model.classLabels(), model.classCount(), labelSpec, false);
            featureColumns = columns.featureColumns();
            labelColumn = columns.hasLabels() ? columns.labelColumns()[0] : -1;
        }

        /**
         * Cuts the file into about {@code pieces} ranges, appended to {@code ranges}; returns the data rows of the
         * input so far ({@code rowsBefore} plus this file's).
         */
        long cut(int pieces, long rowsBefore, List<CsvRange> ranges) throws IOException {
            final CsvCuts cuts;
            try (InputStream in = open()) {
                cuts = CsvCuts.find(in, status.getLen(), format.delimiter(), pieces);
            }
            if (cuts.dataStart() < 0) {
                throw new DataException(source, "no data rows after the header");
            }
            byte[] header = new byte[(int) cuts.dataStart()];
            try (FSDataInputStream in = open()) {
                in.readFully(0, header);
            }
            long[] offsets = cuts.offsets();
            long[] rowsAt = cuts.rowsBefore();
            long[] lines = cuts.lines();
            int n = offsets.length + 1;
            long rows = rowsBefore;
            for (int k = 0; k < n; k++) {
                long start = k == 0 ? cuts.dataStart() : offsets[k - 1];
                long end = k == n - 1 ? status.getLen() : offsets[k];
                long line = k == 0 ? cuts.dataStartLine() : lines[k - 1];
                long first = k == 0 ? 0 : rowsAt[k - 1];
                long count;
                if (k < n - 1) {
                    count = rowsAt[k] - first;
                } else if (cuts.complete()) {
                    count = cuts.rows() - first;
                } else {
                    count = -1;
                }
                CsvRange range = new CsvRange(status.getPath().toString(), source, header, cuts.dataStartLine(),
                        format.delimiter(), featureColumns, labelColumn, start, end, rowsBefore + first, count, line);
                if (count < 0) { // the pass stopped at text the scanner refuses: let it say what and where
                    range = counted(range);
                }
                ranges.add(range);
                rows += range.rows;
            }
            return rows;
        }

        /**
         * The range with its rows counted by the scanner, which reports the mistake the pass over the bytes stopped
         * at (a {@link DataException} with its line and column) before any task runs.
         */
        private CsvRange counted(CsvRange range) throws IOException {
            long count = 0;
            CsvScanner.FieldHandler ignore = (column, chars, offset, length, quoted) -> { };
            try (RangeReader reader = new RangeReader(conf, range)) {
                while (reader.readRow(ignore)) {
                    count++;
                }
            }
            return new CsvRange(range.path, range.source, range.header, range.dataStartLine, range.delimiter,
                    range.featureColumns, range.labelColumn, range.start, range.end, range.firstRow, count,
                    range.firstLine);
        }
    }

    /** The ranges, in input order. */
    List<CsvRange> ranges() {
        return ranges;
    }

    /** Whether the files have a label column. */
    boolean labelled() {
        return labelled;
    }

    /** Whether the input is more than one file. */
    boolean severalFiles() {
        return severalFiles;
    }

    /** Data rows in all files. */
    long rows() {
        return rows;
    }

    /** Bytes in all files. */
    long bytes() {
        return bytes;
    }
}
