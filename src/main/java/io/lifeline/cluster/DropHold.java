package io.lifeline.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wait after a drop this node's own silence did not justify (docs/leases.md, "The wait after
 * a coordinator-driven drop"). A JGroups coordinator may exclude a node on another member's
 * suspicion while this node still hears it, and this node confirmed that node's heartbeats up to
 * the drop, so the dropped node's quorum lease may still run for up to one lease length. The
 * membership the manager sees keeps such a node until {@code last heard here + L}: this node's
 * manager starts nothing of it and its reports still list it, so no peer's claim on the node's
 * groups is agreed either (docs/split-brain.md, rule 3) until the lease has certainly ended.
 *
 * <p>A node dropped after deadtime of silence here was last heard more than L ago (L is shorter
 * than deadtime), so a crash takeover waits for nothing. Nodes that left cleanly or were never
 * seen are not held. Pure: the caller passes time and what its links heard, after it stopped
 * confirming the dropped node, so nothing heard later can lengthen that node's lease.
 */
final class DropHold {

    /** What the manager is to see, and the holds that began or ended with it (for the log). */
    record Result(ClusterEvent.MembershipSnapshot snapshot, Map<String, Long> heldFrom, List<String> released) {
    }

    /** Per held node, until when (monotonic ms, the caller's). */
    private final Map<String, Long> heldUntil = new LinkedHashMap<>();
    /** The cluster layer's own membership at the previous snapshot: a drop is a node leaving it. */
    private Set<String> before = Set.of();

    /**
     * @param real        the membership tracker's snapshot
     * @param order       every node in ha.cf order (the snapshot's order)
     * @param lastHeardMs per peer that left, the receive time (monotonic ms) of the newest of its
     *                    datagrams this node may still confirm, over every link
     * @param leaseMs     the quorum lease's length; 0 when the lease is not enforced (no holds)
     */
    Result apply(ClusterEvent.MembershipSnapshot real, List<String> order, Map<String, Long> lastHeardMs,
            long leaseMs, long now) {
        Set<String> alive = Set.copyOf(real.alive());
        List<String> released = new ArrayList<>();
        heldUntil.entrySet().removeIf(e -> {
            boolean back = alive.contains(e.getKey());
            boolean over = leaseMs <= 0 || e.getValue() <= now;
            if (over && !back) {
                released.add(e.getKey());
            }
            return back || over;
        });
        Map<String, Long> heldFrom = new LinkedHashMap<>();
        if (leaseMs > 0) {
            for (String n : before) {
                Long heard = lastHeardMs.get(n);
                if (!alive.contains(n) && real.deathCauses().get(n) == ClusterEvent.DeathCause.FAILED
                        && heard != null && heard + leaseMs > now) {
                    heldUntil.put(n, heard + leaseMs);
                    heldFrom.put(n, heard);
                }
            }
        }
        before = alive;
        if (heldUntil.isEmpty()) {
            return new Result(real, heldFrom, released);
        }
        List<String> seen = order.stream().filter(n -> alive.contains(n) || heldUntil.containsKey(n)).toList();
        Map<String, ClusterEvent.DeathCause> causes = new HashMap<>(real.deathCauses());
        causes.keySet().removeAll(heldUntil.keySet());
        return new Result(new ClusterEvent.MembershipSnapshot(seen, real.epoch(), real.merge(), real.initdeadOver(),
                real.timeMillis(), causes), heldFrom, released);
    }

    /** How long {@code node} stays held after {@code nowMs} (monotonic ms), or -1 when it is not held. */
    long heldMsLeft(String node, long nowMs) {
        Long until = heldUntil.get(node);
        return until == null ? -1 : Math.max(0, until - nowMs);
    }

    /** When the next hold ends (monotonic ms), or -1 when none is held. */
    long nextReleaseMs() {
        return heldUntil.values().stream().mapToLong(Long::longValue).min().orElse(-1);
    }
}
