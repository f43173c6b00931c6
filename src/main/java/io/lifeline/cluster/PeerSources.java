package io.lifeline.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jgroups.Address;

/**
 * Remembers from which IP address datagrams claiming a JGroups sender last arrived. The
 * authentication layer only sees logical (UUID) senders; this lets it report a refused packet
 * with the peer's IP address, which is what an admin can act on. Filled by the transport before
 * the packet enters the stack; bounded so forged senders cannot grow it. For reporting only:
 * the mapping itself is unauthenticated.
 */
public final class PeerSources {

    private static final int MAX_ENTRIES = 512;

    private final Map<Address, String> lastIpBySender = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, String> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public synchronized void record(Address logicalSender, String ip) {
        if (logicalSender != null && ip != null) {
            lastIpBySender.put(logicalSender, ip);
        }
    }

    /** The peer label for a drop counter: its IP address if known, else the JGroups address. */
    public synchronized String describe(Address logicalSender) {
        if (logicalSender == null) {
            return "unknown";
        }
        String ip = lastIpBySender.get(logicalSender);
        return ip != null ? ip : logicalSender.toString();
    }
}
