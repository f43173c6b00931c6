package io.lifeline.cluster;

import io.lifeline.config.AuthKey;
import io.lifeline.config.AuthMethod;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One authkeys key ready to sign and verify packets. The signed data is
 * {@code keyId | seq | timestamp | clusterName | message bytes}, so a signature cannot be moved
 * to another sequence number, another time or another cluster.
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

    byte[] sign(long seq, long timestamp, byte[] cluster, byte[] data, int offset, int length) {
        byte[] prefix = prefix(seq, timestamp, cluster);
        if (method == AuthMethod.CRC) {
            CRC32 crc = new CRC32();
            crc.update(prefix);
            crc.update(data, offset, length);
            long v = crc.getValue();
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        Mac mac = pool.poll();
        if (mac == null) {
            mac = newMac();
        }
        try {
            mac.update(prefix);
            mac.update(data, offset, length);
            return mac.doFinal();
        } finally {
            mac.reset();
            pool.offer(mac);
        }
    }

    boolean verify(byte[] signature, long seq, long timestamp, byte[] cluster, byte[] data, int offset, int length) {
        if (signature == null || signature.length != signatureLength) {
            return false;
        }
        return MessageDigest.isEqual(signature, sign(seq, timestamp, cluster, data, offset, length));
    }

    private byte[] prefix(long seq, long timestamp, byte[] cluster) {
        byte[] p = new byte[1 + 8 + 8 + 2 + cluster.length];
        p[0] = (byte) id;
        putLong(p, 1, seq);
        putLong(p, 9, timestamp);
        p[17] = (byte) (cluster.length >>> 8);
        p[18] = (byte) cluster.length;
        System.arraycopy(cluster, 0, p, 19, cluster.length);
        return p;
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
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
