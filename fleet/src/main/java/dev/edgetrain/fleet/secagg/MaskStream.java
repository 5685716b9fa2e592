package dev.edgetrain.fleet.secagg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pseudorandom generator that expands a 32-byte seed into a mask over the ring Z<sub>2<sup>64</sup></sub>: the
 * key stream of AES-256 in counter mode ({@code AES/CTR/NoPadding} from the JDK's own provider), keyed by the seed,
 * counter starting at zero, read as little-endian 64-bit words. A zero initial counter is safe because every seed
 * keys exactly one stream (seeds are bound to the session, the round and the pair, see {@link MaskingClient}).
 * AES-CTR is a standard PRG (NIST SP 800-90A's CTR_DRBG is built on it); {@code java.util.Random} or the runtime's
 * SplitMix would be predictable from a few outputs and must never mask anything.
 */
final class MaskStream {
    static final int SEED_BYTES = 32;
    /** Words expanded per cipher call: a 4 KiB buffer, whatever the vector's length. */
    private static final int CHUNK_WORDS = 512;

    private MaskStream() {
    }

    /** {@code target[i] += sign · PRG(seed)[i]} modulo 2<sup>64</sup> for every element; {@code sign} is +1 or -1. */
    static void apply(byte[] seed, long[] target, int sign) {
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("a mask seed has " + SEED_BYTES + " bytes, got " + seed.length);
        }
        if (sign != 1 && sign != -1) {
            throw new IllegalArgumentException("sign must be +1 or -1, got " + sign);
        }
        final Cipher aes = counterMode(seed);
        final byte[] zeros = new byte[8 * CHUNK_WORDS]; // [8 · CHUNK_WORDS]: encrypting zeros yields the key stream
        final byte[] stream = new byte[8 * CHUNK_WORDS]; // [8 · CHUNK_WORDS]
        final ByteBuffer words = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < target.length; at += CHUNK_WORDS) {
            final int n = Math.min(CHUNK_WORDS, target.length - at);
            try {
                aes.update(zeros, 0, 8 * n, stream, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/CTR failed to expand a mask", e);
            }
            for (int j = 0; j < n; j++) {
                target[at + j] += sign * words.getLong(8 * j); // long arithmetic wraps: the ring Z_2^64
            }
        }
    }

    private static Cipher counterMode(byte[] seed) {
        try {
            final Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
            return aes;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks AES-256/CTR, which every Java SE 8+ runtime provides", e);
        }
    }
}
