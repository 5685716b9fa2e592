package dev.edgetrain.transfer.audio;

import dev.edgetrain.runtime.io.AtomicFile;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

/**
 * 16 kHz mono 16-bit PCM WAV files, the only audio openWakeWord's models take. Samples are returned as floats
 * holding the int16 values (-32768..32767), as openWakeWord feeds its melspectrogram model: not scaled to
 * [-1, 1]. Nothing is resampled or mixed down: any other format is an {@link AudioFormatException} that says how
 * to convert the file.
 */
public final class WavFile {
    /** The one sample rate accepted, in Hz. */
    public static final int SAMPLE_RATE = 16000;

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_IEEE_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** The tail shared by every KSDATAFORMAT_SUBTYPE GUID; its first two bytes are the format code. */
    private static final byte[] SUBFORMAT_GUID_TAIL = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
            0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private WavFile() {
    }

    /**
     * Reads a RIFF/WAVE file of 16-bit PCM mono samples at 16 kHz ({@code WAVE_FORMAT_PCM}, or
     * {@code WAVE_FORMAT_EXTENSIBLE} with the PCM subformat); chunks other than {@code fmt } and {@code data} (LIST,
     * fact, ...) are skipped, odd-sized chunks with their pad byte.
     *
     * @param file a WAV file
     * @return the samples as int16-valued floats, one per 1/16000 s
     * @throws AudioFormatException when the file is not such a WAV file (message: file, field, expected)
     */
    public static float[] readMono16k(File file) throws IOException {
        if (!file.isFile()) {
            throw new FileNotFoundException(file + ": no such file");
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file.toPath())).order(ByteOrder.LITTLE_ENDIAN);
        String name = file.getPath();
        if (b.remaining() < 12 || b.getInt(0) != fourCc("RIFF") || b.getInt(8) != fourCc("WAVE")) {
            throw new AudioFormatException(name + ": not a RIFF/WAVE file (expected 'RIFF' and 'WAVE' in its first"
                    + " 12 bytes)", "riff");
        }
        boolean formatSeen = false;
        int position = 12;
        while (position + 8 <= b.limit()) {
            int id = b.getInt(position);
            long size = b.getInt(position + 4) & 0xFFFFFFFFL;
            int body = position + 8;
            if (id == fourCc("fmt ")) {
                checkFormat(name, b, body, size);
                formatSeen = true;
            } else if (id == fourCc("data")) {
                if (!formatSeen) {
                    throw new AudioFormatException(name + ": the data chunk comes before any 'fmt ' chunk, expected"
                            + " 'fmt ' first", "fmt");
                }
                return samples(name, b, body, size);
            }
            long next = body + size + (size & 1); // chunks are padded to an even size
            if (next > b.limit()) {
                break;
            }
            position = (int) next;
        }
        throw new AudioFormatException(name + ": " + (formatSeen ? "no data chunk" : "no 'fmt ' chunk")
                + ", expected a 'fmt ' chunk and a data chunk", formatSeen ? "data" : "fmt");
    }

    private static void checkFormat(String name, ByteBuffer b, int body, long size) throws AudioFormatException {
        if (size < 16 || body + 16 > b.limit()) {
            throw new AudioFormatException(name + ": the 'fmt ' chunk has " + Math.min(size, b.limit() - body)
                    + " bytes, expected at least 16", "fmt");
        }
        int format = b.getShort(body) & 0xFFFF;
        int channels = b.getShort(body + 2) & 0xFFFF;
        long rate = b.getInt(body + 4) & 0xFFFFFFFFL;
        int bits = b.getShort(body + 14) & 0xFFFF;
        String convert = " (convert with: sox " + name + " -r 16000 -c 1 -b 16 out.wav)";
        if (format == FORMAT_EXTENSIBLE) {
            if (size < 40 || body + 40 > b.limit()) {
                throw new AudioFormatException(name + ": WAVE_FORMAT_EXTENSIBLE with a " + size + "-byte 'fmt '"
                        + " chunk, expected 40 bytes", "fmt");
            }
            format = subformat(b, body + 24);
        }
        if (format != FORMAT_PCM) {
            String what = format == FORMAT_IEEE_FLOAT ? "IEEE float" : format == 6 ? "A-law" : format == 7
                    ? "mu-law" : format == -1 ? "an unknown subformat GUID" : "format code " + format;
            throw new AudioFormatException(name + ": " + what + " samples, expected 16-bit PCM" + convert, "format");
        }
        if (channels != 1) {
            throw new AudioFormatException(name + ": " + channels + " channels, expected mono" + convert,
                    "channels");
        }
        if (bits != 16) {
            throw new AudioFormatException(name + ": " + bits + "-bit samples, expected 16-bit PCM" + convert,
                    "bits");
        }
        if (rate != SAMPLE_RATE) {
            throw new AudioFormatException(name + ": sample rate " + rate + " Hz, expected 16000 Hz" + convert,
                    "sample rate");
        }
    }

    /** The format code of a KSDATAFORMAT_SUBTYPE GUID, or -1 when the GUID is not one of that family. */
    private static int subformat(ByteBuffer b, int guid) {
        for (int i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
            if (b.get(guid + 2 + i) != SUBFORMAT_GUID_TAIL[i]) {
                return -1;
            }
        }
        return b.getShort(guid) & 0xFFFF;
    }

    private static float[] samples(String name, ByteBuffer b, int body, long size) throws AudioFormatException {
        long available = b.limit() - body;
        if (size > available) {
            throw new AudioFormatException(name + ": the data chunk is truncated (its header says " + size
                    + " bytes, the file holds " + available + ")", "data");
        }
        if ((size & 1) != 0) {
            throw new AudioFormatException(name + ": the data chunk has an odd " + size + " bytes, expected whole"
                    + " 2-byte samples", "data");
        }
        float[] samples = new float[(int) (size / 2)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = b.getShort(body + 2 * i);
        }
        return samples;
    }

    /**
     * Writes {@code samples} (int16-valued floats; rounded, and clamped to [-32768, 32767]) as a 16 kHz mono 16-bit
     * PCM WAV file, atomically: a reader sees the old file or the whole new one.
     *
     * @param file where to write; replaced whole or left as it was
     * @param samples the samples, one per 1/16000 s
     * @throws IOException when the file cannot be written
     */
    public static void writeMono16k(File file, float[] samples) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(fourCc("RIFF")).putInt(36 + 2 * samples.length).putInt(fourCc("WAVE"));
        b.putInt(fourCc("fmt ")).putInt(16).putShort((short) FORMAT_PCM).putShort((short) 1).putInt(SAMPLE_RATE)
                .putInt(2 * SAMPLE_RATE).putShort((short) 2).putShort((short) 16);
        b.putInt(fourCc("data")).putInt(2 * samples.length);
        for (float s : samples) {
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(s))));
        }
        AtomicFile.write(file, new AtomicFile.Content() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(b.array());
            }
        });
    }

    /** A chunk id as the little-endian int it reads as. */
    private static int fourCc(String id) {
        return id.charAt(0) | id.charAt(1) << 8 | id.charAt(2) << 16 | id.charAt(3) << 24;
    }
}
