package io.lifeline.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each ha.cf node was last heard on one link, i.e. when its last authenticated datagram
 * arrived (the node name is the one its envelope was signed with, so all its incarnations count). Any packet counts, as in Heartbeat and FD_ALL3: a node that sends data does not need
 * to send a separate heartbeat.
 *
 * <p>It also notes, as each packet arrives, silences longer than warntime that just ended (a
 * late heartbeat, as Heartbeat checks it on receipt), so the membership tick can report them
 * exactly however seldom it runs.
 */
public final class PeerActivity {

    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final Map<String, Long> longestLateGap = new ConcurrentHashMap<>();
    private volatile long lateAfterMillis = Long.MAX_VALUE;

    /** Gaps between two packets of a node longer than this are kept for {@link #drainLateGaps}. */
    void reportGapsLongerThan(long millis) {
        lateAfterMillis = millis;
    }

    void heard(String node, long nowMillis) {
        if (node != null) {
            Long previous = lastHeard.put(node, nowMillis);
            if (previous != null && nowMillis - previous > lateAfterMillis) {
                longestLateGap.merge(node, nowMillis - previous, Math::max);
            }
        }
    }

    /** The longest late gap per node since the last call, and forgets them. */
    Map<String, Long> drainLateGaps() {
        if (longestLateGap.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        for (String a : List.copyOf(longestLateGap.keySet())) {
            Long gap = longestLateGap.remove(a);
            if (gap != null) {
                out.put(a, gap);
            }
        }
        return out;
    }

    /** Last time {@code node} was heard, or -1 if never. */
    public long lastHeard(String node) {
        Long t = lastHeard.get(node);
        return t == null ? -1 : t;
    }

    public Map<String, Long> snapshot() {
        return Map.copyOf(lastHeard);
    }
}
