package io.lifeline.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;

/**
 * When each JGroups member was last heard on one link, i.e. when its last authenticated packet
 * arrived. Any packet counts, as in Heartbeat and FD_ALL3: a node that sends data does not need
 * to send a separate heartbeat.
 *
 * <p>It also notes, as each packet arrives, silences longer than warntime that just ended (a
 * late heartbeat, as Heartbeat checks it on receipt), so the membership tick can report them
 * exactly however seldom it runs.
 */
public final class PeerActivity {

    private final Map<Address, Long> lastHeard = new ConcurrentHashMap<>();
    private final Map<Address, Long> longestLateGap = new ConcurrentHashMap<>();
    private volatile long lateAfterMillis = Long.MAX_VALUE;

    /** Gaps between two packets of a member longer than this are kept for {@link #drainLateGaps}. */
    void reportGapsLongerThan(long millis) {
        lateAfterMillis = millis;
    }

    void heard(Address member, long nowMillis) {
        if (member != null) {
            Long previous = lastHeard.put(member, nowMillis);
            if (previous != null && nowMillis - previous > lateAfterMillis) {
                longestLateGap.merge(member, nowMillis - previous, Math::max);
            }
        }
    }

    /** The longest late gap per member since the last call, and forgets them. */
    Map<Address, Long> drainLateGaps() {
        if (longestLateGap.isEmpty()) {
            return Map.of();
        }
        Map<Address, Long> out = new HashMap<>();
        for (Address a : longestLateGap.keySet()) {
            Long gap = longestLateGap.remove(a);
            if (gap != null) {
                out.put(a, gap);
            }
        }
        return out;
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
