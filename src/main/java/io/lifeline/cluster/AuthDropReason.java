package io.lifeline.cluster;

/** Why an incoming packet was refused by the authentication layer; shown in status as the lower-case name. */
public enum AuthDropReason {
    /** The packet carries no Lifeline signature at all (e.g. a stock JGroups node). */
    NO_SIGNATURE,
    /** Signed with a key index that our authkeys does not list. */
    UNKNOWN_KEY,
    /** Signed with a crc key while ha.cf does not say {@code allow_crc on}. */
    CRC_NOT_ALLOWED,
    /** The signature does not match: wrong secret, forged or altered packet. */
    BAD_SIGNATURE,
    /** The datagram or the signed message inside it could not be decoded (truncated or garbage). */
    MALFORMED,
    /** The unauthenticated outer sender or destination differs from the signed inner one (re-addressed packet). */
    ADDRESS_MISMATCH,
    /** A sequence number already seen, or older than the replay window. */
    REPLAY,
    /** The first packet of a sender is timestamped too far from our clock (stale capture or clock skew). */
    CLOCK_SKEW;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
