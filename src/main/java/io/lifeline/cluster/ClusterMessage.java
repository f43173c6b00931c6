package io.lifeline.cluster;

import java.util.Arrays;
import java.util.Optional;

/**
 * Lifeline's own messages between nodes, sent through the (authenticated) link channels:
 * {@code "LLC1" | type byte | body}. Unknown types are ignored so newer nodes can add types.
 */
enum ClusterMessage {
    /** "I am shutting down cleanly": peers then report a leave, not a failure. */
    GOODBYE((byte) 1),
    /** Reply to GOODBYE, so the leaving node knows its notice arrived before it leaves the group. */
    GOODBYE_ACK((byte) 2),
    /**
     * An opaque payload for the layer above (the resource manager's state reports); the body
     * follows the type byte. Sent on every link; the receiver de-duplicates.
     */
    PAYLOAD((byte) 3);

    /** Bytes before a message's body. */
    static final int HEADER_LENGTH = 5;

    private static final byte[] MAGIC = {'L', 'L', 'C', '1'};
    private final byte code;

    ClusterMessage(byte code) {
        this.code = code;
    }

    /** This type's header followed by {@code body}. */
    @SuppressWarnings("UnsafeFinalization") // Enum.finalize is final and does nothing
    byte[] encode(byte[] body) {
        byte[] b = Arrays.copyOf(MAGIC, HEADER_LENGTH + body.length);
        b[MAGIC.length] = code;
        System.arraycopy(body, 0, b, HEADER_LENGTH, body.length);
        return b;
    }

    byte[] encode() {
        byte[] b = Arrays.copyOf(MAGIC, MAGIC.length + 1);
        b[MAGIC.length] = code;
        return b;
    }

    static Optional<ClusterMessage> decode(byte[] data, int offset, int length) {
        if (data == null || length < MAGIC.length + 1
                || !Arrays.equals(data, offset, offset + MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        byte code = data[offset + MAGIC.length];
        for (ClusterMessage m : values()) {
            if (m.code == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
