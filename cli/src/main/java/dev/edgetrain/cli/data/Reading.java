package dev.edgetrain.cli.data;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.CommandLines;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.data.CsvFormat;
import dev.edgetrain.data.ReadOptions;
import dev.edgetrain.data.ReadProgress;
import dev.edgetrain.data.RowSink;
import dev.edgetrain.data.Table;
import dev.edgetrain.data.TableScan;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * How the commands read their CSV: through the data module (numbers straight into floats), in the dialect asked for
 * or the file's, with a progress bar of MB and rows on a terminal, a checksum of the bytes (to tie a checkpoint to its
 * data), and the out-of-memory message told what is being read.
 */
public final class Reading {
    private final DataSource source;
    private final CsvFormat format;
    private final Console console;
    private long crc;

    /**
     * A reading of {@code source} in its dialect, with a progress bar when {@code console} shows one.
     *
     * @param source the data to read
     * @param delimiter the {@code --delimiter} option, or null for the file's dialect (tab for {@code .tsv})
     * @param console whether to show a progress bar (human output on a terminal)
     * @throws CliException when the delimiter is not one of those {@code --delimiter} takes
     */
    public Reading(DataSource source, String delimiter, Console console) {
        this.source = source;
        this.console = console;
        try {
            this.format = delimiter == null ? null : CsvFormat.parseDelimiter(delimiter);
        } catch (IllegalArgumentException e) {
            throw new CliException("--delimiter: " + e.getMessage());
        }
    }

    /**
     * The data this reads.
     *
     * @return the source given at construction
     */
    public DataSource source() {
        return source;
    }

    /**
     * The whole table in memory: floats, labels or targets, names, statistics.
     *
     * @param options what to read (columns, task, labels), with this reading's delimiter applied
     * @return the table
     * @throws IOException when the data cannot be read ({@link dev.edgetrain.data.DataException} for a mistake in
     *                     it)
     */
    public Table table(ReadOptions options) throws IOException {
        ReadOptions o = prepare(options);
        try (InputStream in = open(); Progress progress = new Progress()) {
            Table t = Table.read(in, source.name(), o.withProgress(progress));
            crc = ((CheckedInputStream) in).getChecksum().getValue();
            return t;
        } finally {
            CommandLines.working(null);
        }
    }

    /**
     * One pass that hands every row to {@code sink} and keeps none (streaming, predictions).
     *
     * @param options what to read, with this reading's delimiter applied
     * @param sink what receives every row
     * @return the pass's statistics (rows, labels, feature statistics)
     * @throws IOException when the data cannot be read, or the sink fails
     */
    public TableScan scan(ReadOptions options, RowSink sink) throws IOException {
        ReadOptions o = prepare(options);
        try (InputStream in = open(); Progress progress = new Progress()) {
            TableScan scan = TableScan.read(in, source.name(), o.withProgress(progress), sink);
            crc = ((CheckedInputStream) in).getChecksum().getValue();
            return scan;
        } finally {
            CommandLines.working(null);
        }
    }

    /**
     * The CRC-32 of the bytes of the last read, to tie a checkpoint to its data.
     *
     * @return the checksum in hex
     */
    public String checksum() {
        return Long.toHexString(crc);
    }

    private ReadOptions prepare(ReadOptions options) {
        long bytes = source.bytes();
        CommandLines.working("reading " + source.name() + (bytes < 0 ? "" : String.format(Locale.ROOT, " (%.0f MB)",
                bytes / 1048576.0)));
        return format == null ? options : options.withFormat(format);
    }

    private InputStream open() throws IOException {
        return new CheckedInputStream(source.open(), new CRC32());
    }

    /** A progress bar of MB read (rows and MB/s in its message), on an interactive terminal only. */
    private final class Progress implements ReadProgress, AutoCloseable {
        private final ProgressBar bar;
        private final long start = System.nanoTime();

        Progress() {
            long bytes = source.bytes();
            bar = console.human() && System.console() != null && bytes > (8L << 20)
                    ? new ProgressBarBuilder().setTaskName("reading").setInitialMax(bytes >> 20).setUnit(" MB", 1)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(200).continuousUpdate().build() : null;
        }

        @Override
        public void progress(long bytesRead, long rows) {
            if (bar != null) {
                double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
                bar.stepTo(bytesRead >> 20);
                bar.setExtraMessage(String.format(Locale.ROOT, " %,d rows, %.0f MB/s", rows,
                        bytesRead / 1048576.0 / seconds));
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
