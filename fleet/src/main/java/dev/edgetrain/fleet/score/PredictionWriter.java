package dev.edgetrain.fleet.score;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * One scoring task's part of the predictions: {@code part-NNNNN.csv} (a header row, then one line per row) or
 * {@code part-NNNNN.parquet} in the output directory, with the columns {@value DistributedScorer#ROW},
 * {@value DistributedScorer#LINE}, ({@value DistributedScorer#FILE}), {@value DistributedScorer#PREDICTED},
 * {@value DistributedScorer#SCORE}, ({@value DistributedScorer#ACTUAL}). The part is written under
 * {@code _temporary/} and renamed into place when complete, so a directory holds only whole parts, and a retried
 * task replaces what an earlier attempt left.
 */
abstract class PredictionWriter implements Closeable {
    /** Where unfinished parts are written. */
    static final String TEMPORARY = "_temporary";

    private final FileSystem fs;
    private final Path temporary;
    private final Path target;
    private boolean committed;

    PredictionWriter(FileSystem fs, Path temporary, Path target) {
        this.fs = fs;
        this.temporary = temporary;
        this.target = target;
    }

    /** What a task needs to know to write its part: the directory, the format and the columns. */
    static final class Spec implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final String directory;
        final String format;
        final boolean withFile;
        final boolean labelled;

        Spec(String directory, String format, boolean withFile, boolean labelled) {
            this.directory = directory;
            this.format = format.toLowerCase(Locale.ROOT);
            this.withFile = withFile;
            this.labelled = labelled;
            if (!this.format.equals("csv") && !this.format.equals("parquet")) {
                throw new IllegalArgumentException("predictions format must be csv or parquet, got '" + format + "'");
            }
        }
    }

    /** Opens the part of task {@code partition}, attempt {@code attempt} (unique within the job). */
    static PredictionWriter open(Configuration conf, Spec spec, int partition, long attempt) throws IOException {
        Path dir = new Path(spec.directory);
        FileSystem fs = dir.getFileSystem(conf);
        String name = String.format(Locale.ROOT, "part-%05d.%s", partition, spec.format);
        Path temporary = new Path(new Path(dir, TEMPORARY), "attempt-" + attempt + "-" + name);
        Path target = new Path(dir, name);
        return spec.format.equals("csv") ? new Csv(fs, temporary, target, spec)
                : new Parquet(fs, conf, temporary, target, spec);
    }

    /** One row; {@code file} and {@code actual} are ignored when the spec has no such column. */
    abstract void write(long row, long line, String file, String predicted, float score, String actual)
            throws IOException;

    /** Finishes the part and moves it into place. */
    final void commit() throws IOException {
        finish();
        if (fs.exists(target)) {
            fs.delete(target, false); // an earlier attempt's (the same rows): replaced
        }
        if (!fs.rename(temporary, target)) {
            throw new IOException("could not move " + temporary + " to " + target);
        }
        committed = true;
    }

    /** Writes what is buffered and closes the temporary file. */
    abstract void finish() throws IOException;

    /** Abandons an unfinished part. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                finish();
            } finally {
                fs.delete(temporary, false);
            }
        }
    }

    private static final class Csv extends PredictionWriter {
        private final Writer out;
        private final Spec spec;
        private final StringBuilder line = new StringBuilder(128);
        private char[] chars = new char[128];
        private boolean finished;

        Csv(FileSystem fs, Path temporary, Path target, Spec spec) throws IOException {
            super(fs, temporary, target);
            this.spec = spec;
            this.out = new BufferedWriter(new OutputStreamWriter(fs.create(temporary, true), StandardCharsets.UTF_8),
                    1 << 16);
            out.write(DistributedScorer.ROW + "," + DistributedScorer.LINE
                    + (spec.withFile ? "," + DistributedScorer.FILE : "") + "," + DistributedScorer.PREDICTED + ","
                    + DistributedScorer.SCORE + (spec.labelled ? "," + DistributedScorer.ACTUAL : "") + "\n");
        }

        @Override
        void write(long row, long lineNumber, String file, String predicted, float score, String actual)
                throws IOException {
            StringBuilder s = line;
            s.setLength(0);
            s.append(row).append(',').append(lineNumber).append(',');
            if (spec.withFile) {
                quoted(s, file).append(',');
            }
            quoted(s, predicted).append(',').append(score);
            if (spec.labelled) {
                quoted(s.append(','), actual);
            }
            s.append('\n');
            if (chars.length < s.length()) {
                chars = new char[s.length() * 2];
            }
            s.getChars(0, s.length(), chars, 0);
            out.write(chars, 0, s.length());
        }

        /** A text field, in quotes when it holds a comma, a quote, a line break or surrounding spaces. */
        private static StringBuilder quoted(StringBuilder s, String text) {
            boolean quote = !text.isEmpty() && (Character.isWhitespace(text.charAt(0))
                    || Character.isWhitespace(text.charAt(text.length() - 1)));
            for (int i = 0; i < text.length() && !quote; i++) {
                char c = text.charAt(i);
                quote = c == ',' || c == '"' || c == '\n' || c == '\r';
            }
            return quote ? s.append('"').append(text.replace("\"", "\"\"")).append('"') : s.append(text);
        }

        @Override
        void finish() throws IOException {
            if (!finished) {
                finished = true;
                out.close();
            }
        }
    }

    private static final class Parquet extends PredictionWriter {
        private final ParquetWriter<Group> out;
        private final SimpleGroupFactory groups;
        private final Spec spec;
        private boolean finished;

        Parquet(FileSystem fs, Configuration conf, Path temporary, Path target, Spec spec) throws IOException {
            super(fs, temporary, target);
            this.spec = spec;
            MessageType schema = schema(spec);
            this.groups = new SimpleGroupFactory(schema);
            this.out = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(temporary, conf)).withConf(conf)
                    .withType(schema).withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build();
        }

        private static MessageType schema(Spec spec) {
            Types.MessageTypeBuilder b = Types.buildMessage();
            LogicalTypeAnnotation text = LogicalTypeAnnotation.stringType();
            b.required(PrimitiveTypeName.INT64).named(DistributedScorer.ROW);
            b.required(PrimitiveTypeName.INT64).named(DistributedScorer.LINE);
            if (spec.withFile) {
                b.required(PrimitiveTypeName.BINARY).as(text).named(DistributedScorer.FILE);
            }
            b.required(PrimitiveTypeName.BINARY).as(text).named(DistributedScorer.PREDICTED);
            b.required(PrimitiveTypeName.FLOAT).named(DistributedScorer.SCORE);
            if (spec.labelled) {
                b.required(PrimitiveTypeName.BINARY).as(text).named(DistributedScorer.ACTUAL);
            }
            return b.named("predictions");
        }

        @Override
        void write(long row, long line, String file, String predicted, float score, String actual) throws IOException {
            Group g = groups.newGroup().append(DistributedScorer.ROW, row).append(DistributedScorer.LINE, line);
            if (spec.withFile) {
                g.append(DistributedScorer.FILE, file);
            }
            g.append(DistributedScorer.PREDICTED, predicted).append(DistributedScorer.SCORE, score);
            if (spec.labelled) {
                g.append(DistributedScorer.ACTUAL, actual);
            }
            out.write(g);
        }

        @Override
        void finish() throws IOException {
            if (!finished) {
                finished = true;
                out.close();
            }
        }
    }
}
