package dev.edgetrain.fleet.secagg;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The JDK primitives secure aggregation uses: HMAC-SHA256 as the key-derivation function, and X25519 (RFC 7748). */
final class Crypto {
    static final int KEY_BYTES = 32;
    private static final BigInteger BASE_POINT = BigInteger.valueOf(9);

    private Crypto() {
    }

    /** HMAC-SHA256 under {@code key} of a domain label followed by the big-endian 64-bit {@code fields}: 32 bytes. */
    static byte[] derive(byte[] key, String label, long... fields) {
        final ByteBuffer message = ByteBuffer.allocate(label.length() + 1 + 8 * fields.length);
        message.put(label.getBytes(StandardCharsets.US_ASCII)).put((byte) 0); // the 0 ends the label
        for (long f : fields) {
            message.putLong(f);
        }
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks HmacSHA256, which every Java SE runtime provides", e);
        }
    }

    /** The X25519 public key (u-coordinate, 32 bytes little-endian) of a 32-byte private scalar. */
    static byte[] publicKey(byte[] privateScalar) {
        return x25519(privateScalar, BASE_POINT);
    }

    /** The X25519 shared secret of a private scalar and another party's public key (32 bytes each). */
    static byte[] sharedSecret(byte[] privateScalar, byte[] publicKey) {
        if (publicKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("an X25519 public key has " + KEY_BYTES + " bytes, got "
                    + publicKey.length);
        }
        final byte[] bigEndian = new byte[KEY_BYTES + 1]; // [33]: a leading 0 keeps the BigInteger positive
        for (int i = 0; i < KEY_BYTES; i++) {
            bigEndian[KEY_BYTES - i] = publicKey[i];
        }
        return x25519(privateScalar, new BigInteger(bigEndian));
    }

    private static byte[] x25519(byte[] privateScalar, BigInteger u) {
        try {
            final KeyFactory keys = KeyFactory.getInstance("XDH");
            final PrivateKey own =
                    keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateScalar));
            final PublicKey other = keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
            final KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(own);
            agreement.doPhase(other, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 key agreement failed (the JDK provides it since Java 11)", e);
        }
    }
}
