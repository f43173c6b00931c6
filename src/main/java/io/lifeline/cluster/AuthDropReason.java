package io.lifeline.cluster;

/**
 * Why a received datagram was refused by the transport's authentication ({@link DatagramAuthenticator});
 * shown in status as the lower-case name. The checks run in this order, so a datagram is counted
 * under the first one it fails.
 */
public enum AuthDropReason {
    /** Larger than any datagram Lifeline sends; refused before anything is read from it. */
    OVERSIZE,
    /** Not a Lifeline envelope: wrong magic or an unknown envelope version (e.g. a stock JGroups node). */
    NOT_SIGNED,
    /** Shorter than the envelope it announces (or than the smallest envelope). */
    TRUNCATED,
    /** Signed with a key index that our authkeys does not list. */
    UNKNOWN_KEY,
    /** Signed with a crc key while ha.cf does not say {@code allow_crc on}. */
    CRC_NOT_ALLOWED,
    /** The signature does not match: wrong secret, forged or altered datagram. */
    BAD_SIGNATURE,
    /** Correctly signed, but the sender's node name is not a node in ha.cf. */
    UNKNOWN_NODE,
    /** Correctly signed with this node's own name by another incarnation or process (replayed own packet, or two nodes with one name). */
    OWN_NAME,
    /** From an incarnation of the sender older than one already accepted (replayed from before the sender restarted). */
    OLD_INCARNATION,
    /** A sequence number already accepted, or older than the replay window. */
    REPLAY,
    /** From a sender incarnation that has not yet shown it heard this node's current incarnation (possibly recorded before we started). */
    UNCONFIRMED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
