package io.lifeline.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;

/**
 * When each JGroups member was last heard on one link, i.e. when its last authenticated packet
 * arrived. Any packet counts, as in Heartbeat and FD_ALL3: a node that sends data does not need
 * to send a separate heartbeat.
 */
public final class PeerActivity {

    private final Map<Address, Long> lastHeard = new ConcurrentHashMap<>();

    void heard(Address member, long nowMillis) {
        if (member != null) {
            lastHeard.put(member, nowMillis);
        }
    }

    /** Last time {@code member} was heard, or -1 if never. */
    public long lastHeard(Address member) {
        Long t = lastHeard.get(member);
        return t == null ? -1 : t;
    }

    /** Forgets members silent since before {@code cutoffMillis} (old incarnations), so the map stays small. */
    public void forgetSilentSince(long cutoffMillis) {
        lastHeard.values().removeIf(t -> t < cutoffMillis);
    }

    public Map<Address, Long> snapshot() {
        return Map.copyOf(lastHeard);
    }
}
