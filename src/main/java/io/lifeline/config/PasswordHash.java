package io.lifeline.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow password hash for the status page's users (ha.cf {@code http_auth}), in the
 * modular-crypt form {@code $pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in unpadded
 * standard Base64), as passlib and Django write PBKDF2. PBKDF2-HMAC-SHA256 because the JDK has
 * it (bcrypt, which Prometheus' web config uses, would be a new dependency for one call) and it
 * is NIST's (SP 800-132); {@link #DEFAULT_ITERATIONS} is OWASP's 2023 figure for it.
 *
 * @param iterations PBKDF2's iteration count
 * @param salt       random bytes
 * @param hash       the derived key
 */
// bytes are what PBKDF2 takes and gives; equals and hashCode below compare them by content
@SuppressWarnings("ArrayRecordComponent")
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {

    public static final String PREFIX = "$pbkdf2-sha256$";
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** Fewer iterations make an offline guess cheap: a hash below this is refused, not just warned about. */
    public static final int MIN_ITERATIONS = 100_000;
    /** More would let one login hold the listener's only thread for minutes. */
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    public PasswordHash {
        salt = salt.clone();
        hash = hash.clone();
    }

    /** A new hash of {@code password} with a fresh random salt. */
    public static PasswordHash create(char[] password, int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /** Reads the modular-crypt form; empty (with {@code why} filled) when it is not one this accepts. */
    public static Optional<PasswordHash> parse(String text, StringBuilder why) {
        if (!text.startsWith(PREFIX)) {
            why.append("not a '").append(PREFIX).append("...' hash (write one with 'hactl http-passwd USER')");
            return Optional.empty();
        }
        String[] parts = text.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            why.append("expected ").append(PREFIX).append("ITERATIONS$SALT$HASH");
            return Optional.empty();
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            why.append("iterations '").append(parts[0]).append("' is not a number");
            return Optional.empty();
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            why.append("iterations ").append(iterations).append(" outside ").append(MIN_ITERATIONS).append('-')
                    .append(MAX_ITERATIONS);
            return Optional.empty();
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] hash = Base64.getDecoder().decode(parts[2]);
            if (salt.length < 8 || hash.length < 16) {
                why.append("salt or hash too short");
                return Optional.empty();
            }
            return Optional.of(new PasswordHash(iterations, salt, hash));
        } catch (IllegalArgumentException e) {
            why.append("salt or hash is not Base64");
            return Optional.empty();
        }
    }

    /** Whether {@code password} has this hash; the comparison takes the same time wherever the bytes differ. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
    }

    /** The modular-crypt form, as a users file holds it. */
    public String format() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.iterations == iterations && Arrays.equals(p.salt, salt)
                && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * iterations + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "PasswordHash[pbkdf2-sha256, " + iterations + " iterations]"; // never the hash into a log
    }
}
