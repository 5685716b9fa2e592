package dev.edgetrain.transfer.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavFileTest {
    private static final byte[] PCM_GUID = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00,
            (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    @TempDir
    Path dir;

    /** A chunk: 4-byte id, little-endian size, the body and its pad byte when odd. */
    private static byte[] chunk(String id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }

    private static byte[] fmt(int format, int channels, int rate, int bits) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        int block = channels * bits / 8;
        b.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * block)
                .putShort((short) block).putShort((short) bits);
        return b.array();
    }

    private static byte[] extensibleFmt(byte[] guid) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.put(fmt(0xFFFE, 1, 16000, 16)).putShort((short) 22).putShort((short) 16).putInt(4).put(guid);
        return b.array();
    }

    private static byte[] pcm(short... samples) {
        ByteBuffer b = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    private File wav(String name, byte[]... chunks) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            body.write(c);
        }
        ByteBuffer b = ByteBuffer.allocate(12 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.size())
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(body.toByteArray());
        File f = dir.resolve(name).toFile();
        Files.write(f.toPath(), b.array());
        return f;
    }

    private AudioFormatException refused(File f) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavFile.readMono16k(f));
        System.out.println("[wav] " + e.getMessage());
        return e;
    }

    @Test
    void writtenSamplesReadBackAsRoundedClampedInt16Values() throws IOException {
        File f = dir.resolve("round.wav").toFile();
        WavFile.writeMono16k(f, new float[] {0f, 1.4f, -1.6f, 32767f, -32768f, 40000f, -40000f, 123f});
        assertArrayEquals(new float[] {0f, 1f, -2f, 32767f, -32768f, 32767f, -32768f, 123f}, WavFile.readMono16k(f));
        assertEquals(44 + 16, f.length(), "a 44-byte header and 2 bytes a sample");
        File[] leftovers = dir.toFile().listFiles((d, n) -> n.endsWith(".tmp"));
        assertEquals(0, leftovers.length, "the temporary file was renamed over the target");
    }

    @Test
    void unknownChunksAndOddSizedPaddingAreSkipped() throws IOException {
        File f = wav("list.wav", chunk("LIST", "INFOabc".getBytes(StandardCharsets.US_ASCII)),
                chunk("fmt ", fmt(1, 1, 16000, 16)), chunk("junk", new byte[3]),
                chunk("data", pcm((short) -5, (short) 7)));
        assertArrayEquals(new float[] {-5f, 7f}, WavFile.readMono16k(f));
    }

    @Test
    void extensibleWithThePcmSubformatIsRead() throws IOException {
        File f = wav("ext.wav", chunk("fmt ", extensibleFmt(PCM_GUID)), chunk("data", pcm((short) 300)));
        assertArrayEquals(new float[] {300f}, WavFile.readMono16k(f));
    }

    @Test
    void otherSampleRatesAreRefusedWithTheSoxCommandToConvert() throws IOException {
        File f = wav("a.wav", chunk("fmt ", fmt(1, 1, 44100, 16)), chunk("data", pcm((short) 1)));
        AudioFormatException e = refused(f);
        assertEquals(f.getPath() + ": sample rate 44100 Hz, expected 16000 Hz (convert with: sox " + f.getPath()
                + " -r 16000 -c 1 -b 16 out.wav)", e.getMessage());
        assertEquals("sample rate", e.field());
    }

    @Test
    void stereoIsRefused() throws IOException {
        File f = wav("a.wav", chunk("fmt ", fmt(1, 2, 16000, 16)), chunk("data", pcm((short) 1, (short) 2)));
        AudioFormatException e = refused(f);
        assertEquals(f.getPath() + ": 2 channels, expected mono", e.getMessage().replaceFirst(" \\(convert.*", ""));
        assertEquals("channels", e.field());
    }

    @Test
    void twentyFourBitSamplesAreRefused() throws IOException {
        File f = wav("a.wav", chunk("fmt ", fmt(1, 1, 16000, 24)), chunk("data", new byte[6]));
        AudioFormatException e = refused(f);
        assertEquals(f.getPath() + ": 24-bit samples, expected 16-bit PCM",
                e.getMessage().replaceFirst(" \\(convert.*", ""));
        assertEquals("bits", e.field());
    }

    @Test
    void floatSamplesAreRefusedPlainOrExtensible() throws IOException {
        AudioFormatException plain = refused(wav("f.wav", chunk("fmt ", fmt(3, 1, 16000, 32)),
                chunk("data", new byte[4])));
        assertEquals("format", plain.field());
        assertTrue(plain.getMessage().contains("IEEE float samples, expected 16-bit PCM"), plain.getMessage());
        byte[] floatGuid = PCM_GUID.clone();
        floatGuid[0] = 3;
        AudioFormatException extensible = refused(wav("g.wav", chunk("fmt ", extensibleFmt(floatGuid)),
                chunk("data", new byte[4])));
        assertTrue(extensible.getMessage().contains("IEEE float samples"), extensible.getMessage());
    }

    @Test
    void aFileThatIsNotRiffWaveIsRefused() throws IOException {
        File f = dir.resolve("a.wav").toFile();
        Files.write(f.toPath(), "ID3 this is an mp3, honest".getBytes(StandardCharsets.US_ASCII));
        AudioFormatException e = refused(f);
        assertTrue(e.getMessage().startsWith(f.getPath() + ": not a RIFF/WAVE file"), e.getMessage());
        assertEquals("riff", e.field());
    }

    @Test
    void aTruncatedDataChunkIsRefusedWithBothSizes() throws IOException {
        byte[] data = chunk("data", pcm((short) 1, (short) 2, (short) 3, (short) 4));
        byte[] torn = Arrays.copyOf(data, data.length - 3);
        File f = wav("a.wav", chunk("fmt ", fmt(1, 1, 16000, 16)), torn);
        AudioFormatException e = refused(f);
        assertEquals(f.getPath() + ": the data chunk is truncated (its header says 8 bytes, the file holds 5)",
                e.getMessage());
    }

    @Test
    void missingChunksAndOddDataAreRefused() throws IOException {
        assertEquals("fmt", refused(wav("nofmt.wav", chunk("data", pcm((short) 1)))).field());
        assertEquals("data", refused(wav("nodata.wav", chunk("fmt ", fmt(1, 1, 16000, 16)))).field());
        assertEquals("fmt", refused(wav("short.wav", chunk("fmt ", new byte[10]), chunk("data", pcm((short) 1))))
                .field());
        AudioFormatException odd = refused(wav("odd.wav", chunk("fmt ", fmt(1, 1, 16000, 16)),
                chunk("data", new byte[3])));
        assertTrue(odd.getMessage().contains("odd 3 bytes"), odd.getMessage());
    }

    @Test
    void aMissingFileIsFileNotFound() {
        File f = dir.resolve("absent.wav").toFile();
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> WavFile.readMono16k(f));
        assertEquals(f + ": no such file", e.getMessage());
    }
}
