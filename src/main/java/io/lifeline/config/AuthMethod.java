package io.lifeline.config;

/** Signing methods of authkeys, mapped to JCE MAC algorithms. */
public enum AuthMethod {
    CRC(null),
    MD5("HmacMD5"),
    SHA1("HmacSHA1"),
    SHA256("HmacSHA256"),
    SHA512("HmacSHA512");

    private final String jceAlgorithm;

    AuthMethod(String jceAlgorithm) {
        this.jceAlgorithm = jceAlgorithm;
    }

    /** The JCE Mac algorithm, or null for {@code crc}, which is a checksum, not a MAC. */
    public String jceAlgorithm() {
        return jceAlgorithm;
    }
}
