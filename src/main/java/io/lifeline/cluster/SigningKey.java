package io.lifeline.cluster;

import io.lifeline.config.AuthKey;
import io.lifeline.config.AuthMethod;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One authkeys key ready to sign and verify datagrams. The signed data is
 * {@code clusterName | envelope header | payload} (see {@link DatagramAuthenticator}), so a
 * signature cannot be moved to another sender, incarnation, sequence number or cluster.
 *
 * <p>{@code Mac} objects are not thread-safe and costly to create, so each key keeps a small
 * pool. A pool per key object (not a ThreadLocal) also guarantees that a changed secret is never
 * used with a stale Mac, and works the same on platform and virtual threads.
 */
final class SigningKey {

    private final int id;
    private final AuthMethod method;
    private final SecretKeySpec secret;
    private final ConcurrentLinkedQueue<Mac> pool = new ConcurrentLinkedQueue<>();
    private final int signatureLength;

    SigningKey(AuthKey key) {
        if (key.id() < 0 || key.id() > 255) {
            throw new IllegalArgumentException("authkeys key index " + key.id() + " is outside 0..255");
        }
        this.id = key.id();
        this.method = key.method();
        if (method == AuthMethod.CRC) {
            secret = null;
            signatureLength = 4;
        } else {
            byte[] raw = key.secret();
            if (raw.length == 0) {
                throw new IllegalArgumentException("authkeys key " + id + " has an empty secret");
            }
            secret = new SecretKeySpec(raw, method.jceAlgorithm());
            Mac probe = newMac();
            signatureLength = probe.getMacLength();
            pool.add(probe);
        }
    }

    int id() {
        return id;
    }

    AuthMethod method() {
        return method;
    }

    int signatureLength() {
        return signatureLength;
    }

    /**
     * Computes the signature of {@code cluster | header | payload} into {@code out[outOffset..]}
     * ({@link #signatureLength()} bytes). Header and payload are regions of one datagram buffer.
     */
    void sign(byte[] cluster, byte[] buf, int headerOffset, int headerLength, int payloadOffset, int payloadLength,
              byte[] out, int outOffset) {
        if (method == AuthMethod.CRC) {
            CRC32 crc = new CRC32();
            crc.update(cluster);
            crc.update(buf, headerOffset, headerLength);
            crc.update(buf, payloadOffset, payloadLength);
            long v = crc.getValue();
            out[outOffset] = (byte) (v >>> 24);
            out[outOffset + 1] = (byte) (v >>> 16);
            out[outOffset + 2] = (byte) (v >>> 8);
            out[outOffset + 3] = (byte) v;
            return;
        }
        Mac mac = pool.poll();
        if (mac == null) {
            mac = newMac();
        }
        try {
            mac.update(cluster);
            mac.update(buf, headerOffset, headerLength);
            mac.update(buf, payloadOffset, payloadLength);
            mac.doFinal(out, outOffset);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("signature buffer too short", e);
        } finally {
            mac.reset();
            pool.offer(mac);
        }
    }

    /** True if {@code buf[signatureOffset..]} holds the signature of {@code cluster | header | payload}; constant time. */
    boolean verify(byte[] cluster, byte[] buf, int headerOffset, int headerLength, int signatureOffset,
                   int payloadOffset, int payloadLength) {
        byte[] expected = new byte[signatureLength];
        sign(cluster, buf, headerOffset, headerLength, payloadOffset, payloadLength, expected, 0);
        int diff = 0;
        for (int i = 0; i < signatureLength; i++) {
            diff |= expected[i] ^ buf[signatureOffset + i];
        }
        return diff == 0;
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance(method.jceAlgorithm());
            m.init(secret);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use " + method.jceAlgorithm() + " for authkeys key " + id
                    + ": " + e.getMessage(), e);
        }
    }

    static byte[] clusterBytes(String cluster) {
        return cluster.getBytes(StandardCharsets.UTF_8);
    }
}
