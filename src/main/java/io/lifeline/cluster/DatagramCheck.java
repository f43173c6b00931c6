package io.lifeline.cluster;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.MessageFactory;
import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Util;

/**
 * Decodes a received datagram the way JGroups' transport will, before the transport does, so a
 * truncated or garbage datagram is counted as {@link AuthDropReason#MALFORMED} against the IP it
 * came from (the transport itself would only log a stack trace and forget the sender).
 * Layout: {@code short version | byte flags (1 = batch, 2 = multicast) | message or batch}.
 */
final class DatagramCheck {

    private DatagramCheck() {
    }

    /** Thrown for a datagram that cannot be decoded. */
    static final class MalformedDatagram extends Exception {
        MalformedDatagram(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Returns the JGroups senders named in the datagram, or throws when it cannot be decoded. */
    static List<Address> senders(byte[] data, int offset, int length) throws MalformedDatagram {
        if (data == null || length < 3) {
            throw new MalformedDatagram("datagram of " + length + " bytes is too short");
        }
        try {
            ByteArrayDataInputStream in = new ByteArrayDataInputStream(data, offset, length);
            in.readShort(); // version; a mismatch is reported by the transport itself
            byte flags = in.readByte();
            boolean batch = (flags & 1) == 1;
            boolean multicast = (flags & 2) == 2;
            List<Address> senders = new ArrayList<>(2);
            if (batch) {
                for (MessageBatch b : Util.readMessageBatch(in, multicast)) {
                    if (b != null) {
                        senders.add(b.sender());
                    }
                }
            } else {
                Message m = MessageFactory.create(in.readShort());
                m.readFrom(in);
                senders.add(m.getSrc());
            }
            return senders;
        } catch (Exception | LinkageError e) {
            throw new MalformedDatagram(e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        }
    }
}
