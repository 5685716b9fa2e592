package dev.edgetrain.transfer;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Backbone features kept on disk, computed once per example and reused across runs, so training epochs never re-run
 * the backbone. One file holds the features of one backbone: its header records a format version, the backbone key
 * (what the features were computed with: {@link #keyOf(String, File...)}) and the width; a file made with another key
 * or width is started afresh ({@link #wasReset()}), so features of two backbones never mix.
 *
 * <p>Records are appended: [32-byte example key][width float32, little-endian][CRC32 of both]. Opening rebuilds the
 * index by scanning the records; a torn or corrupt tail (a crash in the middle of an append) is cut away and the
 * records before it are kept. A record read back is checked against its CRC again. The file is locked while open;
 * one instance is not thread-safe.
 */
public final class FeatureCache implements AutoCloseable {
    /** Bytes of an example key: a SHA-256. */
    public static final int KEY_BYTES = 32;
    static final int VERSION = 1;
    private static final byte[] MAGIC = {'E', 'T', 'F', 'C'};
    private static final int CRC_BYTES = 4;

    private final File file;
    private final String backboneKey;
    private final int width;
    private final RandomAccessFile raf;
    private final FileChannel channel;
    private final FileLock lock;
    private final long headerBytes;
    private final int recordBytes;
    private final ByteBuffer record; // one record: [32 key][width float32][crc32]
    private final CRC32 crc = new CRC32();
    private final Map<Key, Long> offsets = new HashMap<Key, Long>();
    private final boolean reset;
    private final long droppedBytes;
    private long end;

    private FeatureCache(File file, String backboneKey, int width, RandomAccessFile raf) throws IOException {
        this.file = file;
        this.backboneKey = backboneKey;
        this.width = width;
        this.raf = raf;
        this.channel = raf.getChannel();
        this.lock = channel.tryLock();
        if (lock == null) {
            throw new IOException(file + ": the feature cache is in use by another process");
        }
        this.recordBytes = KEY_BYTES + 4 * width + CRC_BYTES;
        this.record = ByteBuffer.allocate(recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer header = header(backboneKey, width);
        this.headerBytes = header.remaining();
        boolean matches = headerMatches(header);
        this.reset = !matches && channel.size() > 0;
        if (!matches) {
            channel.truncate(0);
            channel.write(header, 0);
            channel.force(true);
        }
        this.droppedBytes = scan();
    }

    /**
     * Opens (or creates) the cache {@code file} for features of {@code width} values computed with
     * {@code backboneKey}. A file recorded with another key, width or format version is emptied first.
     *
     * @param file the cache file; created when absent
     * @param backboneKey what the features were computed with ({@link #keyOf(String, File...)})
     * @param width values per example, at least 1
     * @return the cache, open and locked; close it to release the file
     * @throws IOException when the file exists but is not a feature cache (it is never overwritten), or is locked
     */
    public static FeatureCache open(File file, String backboneKey, int width) throws IOException {
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, got " + width);
        }
        if (backboneKey == null || backboneKey.isEmpty()) {
            throw new IllegalArgumentException("a backbone key is required (see FeatureCache.keyOf)");
        }
        checkMagic(file);
        RandomAccessFile raf = new RandomAccessFile(file, "rw");
        try {
            return new FeatureCache(file, backboneKey, width, raf);
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    /** A non-empty file must start with our magic, or with a torn prefix of it; anything else is not ours. */
    private static void checkMagic(File file) throws IOException {
        if (!file.isFile()) {
            return;
        }
        byte[] start = new byte[MAGIC.length];
        int n = 0;
        InputStream in = new FileInputStream(file);
        try {
            for (int r; n < start.length && (r = in.read(start, n, start.length - n)) > 0; ) {
                n += r;
            }
        } finally {
            in.close();
        }
        if (!Arrays.equals(Arrays.copyOf(start, n), Arrays.copyOf(MAGIC, n))) {
            throw new IOException(file + ": not an edgetrain feature cache (expected the bytes 'ETFC' at its"
                    + " start); refusing to overwrite it");
        }
    }

    /** [magic 4][version int32][width int32][key length int32][key UTF-8][CRC32 of all before], little-endian. */
    private static ByteBuffer header(String backboneKey, int width) {
        byte[] key = backboneKey.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 12 + key.length + CRC_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(width).putInt(key.length).put(key);
        CRC32 c = new CRC32();
        c.update(b.array(), 0, b.position());
        b.putInt((int) c.getValue());
        b.flip();
        return b;
    }

    private boolean headerMatches(ByteBuffer expected) throws IOException {
        if (channel.size() < expected.remaining()) {
            return false;
        }
        ByteBuffer actual = ByteBuffer.allocate(expected.remaining());
        readFully(actual, 0);
        return actual.equals(expected);
    }

    /** Indexes the records; cuts the file at the first incomplete or corrupt one. Returns the bytes cut. */
    private long scan() throws IOException {
        long size = channel.size();
        long position = headerBytes;
        byte[] key = new byte[KEY_BYTES];
        while (position + recordBytes <= size && readRecord(position)) {
            record.get(key, 0, KEY_BYTES);
            offsets.put(new Key(key.clone()), position);
            position += recordBytes;
        }
        end = position;
        if (size > position) {
            channel.truncate(position);
            channel.force(true);
        }
        return size - position;
    }

    /** Reads the record at {@code position} into {@link #record} (positioned at 0); false if its CRC fails. */
    private boolean readRecord(long position) throws IOException {
        record.clear();
        readFully(record, position);
        crc.reset();
        crc.update(record.array(), 0, recordBytes - CRC_BYTES);
        boolean ok = (int) crc.getValue() == record.getInt(recordBytes - CRC_BYTES);
        record.position(0);
        return ok;
    }

    private void readFully(ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + dst.position());
            if (n < 0) {
                throw new IOException(file + ": unexpected end of file at byte " + (position + dst.position()));
            }
        }
        dst.flip();
    }

    /**
     * True when opening found features of another backbone key, width or format version (or a torn header) and
     * emptied the file; false for a new file or one whose header matched.
     *
     * @return whether the file was emptied on opening
     */
    public boolean wasReset() {
        return reset;
    }

    /**
     * Bytes of a torn or corrupt tail cut away on opening (0 when the file was whole).
     *
     * @return bytes dropped, 0 or more
     */
    public long droppedBytes() {
        return droppedBytes;
    }

    /**
     * The backbone key the features were computed with.
     *
     * @return the key given to {@link #open}
     */
    public String backboneKey() {
        return backboneKey;
    }

    /**
     * Values per example.
     *
     * @return the width given to {@link #open}, at least 1
     */
    public int width() {
        return width;
    }

    /**
     * Examples held.
     *
     * @return the number of distinct examples, 0 or more
     */
    public int size() {
        return offsets.size();
    }

    /**
     * The file's size in bytes.
     *
     * @return the length of the file, header and every record included
     */
    public long sizeBytes() {
        return end;
    }

    /**
     * Whether the example is held.
     *
     * @param key the example's key ({@link #exampleKey}, {@link #derivedKey})
     * @return true when its features are in the cache
     */
    public boolean contains(byte[] key) {
        return offsets.containsKey(new Key(checkKey(key)));
    }

    /**
     * Copies the features of the example {@code key} to {@code dst[offset, offset + width)}.
     *
     * @param key the example's key ({@link #exampleKey}, {@link #derivedKey})
     * @param dst receives {@code width} values
     * @param offset where in {@code dst} the values go
     * @return false when the example is not held ({@code dst} untouched)
     * @throws IOException when the record no longer matches its CRC (the file was changed under us)
     */
    public boolean get(byte[] key, float[] dst, int offset) throws IOException {
        Long position = offsets.get(new Key(checkKey(key)));
        if (position == null) {
            return false;
        }
        if (!readRecord(position)) {
            throw new IOException(file + ": the record at byte " + position + " fails its CRC32 (the file was"
                    + " corrupted while open; reopen it to drop the damaged records)");
        }
        record.position(KEY_BYTES);
        record.asFloatBuffer().get(dst, offset, width);
        return true;
    }

    /**
     * Appends the features {@code src[offset, offset + width)} of the example {@code key} (a later put wins).
     *
     * @param key the example's key ({@link #exampleKey}, {@link #derivedKey})
     * @param src holds {@code width} values
     * @param offset where in {@code src} the values start
     * @throws IOException when the record cannot be appended
     */
    public void put(byte[] key, float[] src, int offset) throws IOException {
        checkKey(key);
        if (offset < 0 || offset + width > src.length) {
            throw new IllegalArgumentException("src[" + offset + ", " + (offset + width) + ") outside an array of "
                    + src.length);
        }
        record.clear();
        record.put(key);
        record.asFloatBuffer().put(src, offset, width);
        record.position(KEY_BYTES + 4 * width);
        crc.reset();
        crc.update(record.array(), 0, recordBytes - CRC_BYTES);
        record.putInt((int) crc.getValue());
        record.flip();
        long position = end;
        while (record.hasRemaining()) {
            channel.write(record, position + record.position());
        }
        end = position + recordBytes;
        offsets.put(new Key(key.clone()), position);
    }

    private static byte[] checkKey(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("an example key has " + KEY_BYTES + " bytes (exampleKey), got "
                    + (key == null ? "null" : key.length));
        }
        return key;
    }

    /**
     * Forces the appended records to the device.
     *
     * @throws IOException when the device cannot be synced
     */
    public void flush() throws IOException {
        channel.force(false);
    }

    /** Flushes, unlocks and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            raf.close(); // releases the lock too
        }
    }

    /**
     * An example's key: SHA-256 of its samples' bits and a variant string (an augmentation's parameters, "" for
     * none), so the same audio under another augmentation is another example.
     *
     * @param samples the example's audio (or any float input)
     * @param variant what was done to it, "" for nothing
     * @return a 32-byte key
     */
    public static byte[] exampleKey(float[] samples, String variant) {
        MessageDigest sha = sha256();
        ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(samples.length);
        for (float s : samples) {
            if (b.remaining() < 4) {
                sha.update(b.array(), 0, b.position());
                b.clear();
            }
            b.putInt(Float.floatToIntBits(s));
        }
        sha.update(b.array(), 0, b.position());
        sha.update(variant.getBytes(StandardCharsets.UTF_8));
        return sha.digest();
    }

    /**
     * A key derived from another (for example one per window of a long recording, from the recording's key), without
     * hashing the samples again: SHA-256 of the base key and the variant string.
     *
     * @param base the key derived from, 32 bytes
     * @param variant what distinguishes the derived example (a window's offset)
     * @return a 32-byte key
     */
    public static byte[] derivedKey(byte[] base, String variant) {
        MessageDigest sha = sha256();
        sha.update(base);
        sha.update(variant.getBytes(StandardCharsets.UTF_8));
        return sha.digest();
    }

    /**
     * {@link #keyOf(String, File...)} with no settings.
     *
     * @param models the backbone's model files, in pipeline order
     * @return a 64-character hex key
     * @throws IOException when a model file cannot be read
     */
    public static String keyOf(File... models) throws IOException {
        return keyOf("", models);
    }

    /**
     * A backbone key: the hex SHA-256 of the model files' contents (in order) and the pipeline's {@code settings}
     * (e.g. "openwakeword mel/10+2 window76 step8"), so changing either starts the caches afresh.
     *
     * @param settings the pipeline's settings that change the features, as text
     * @param models the backbone's model files, in pipeline order
     * @return a 64-character hex key
     * @throws IOException when a model file cannot be read
     */
    public static String keyOf(String settings, File... models) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[65536];
        for (File model : models) {
            InputStream in = new FileInputStream(model);
            try {
                sha.update(ByteBuffer.allocate(8).putLong(model.length()).array());
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            } finally {
                in.close();
            }
        }
        sha.update(settings.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte x : sha.digest()) {
            hex.append(String.format("%02x", x & 0xFF));
        }
        return hex.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this platform", e);
        }
    }

    /** A byte[] usable as a map key. */
    private static final class Key {
        private final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && Arrays.equals(bytes, ((Key) o).bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
