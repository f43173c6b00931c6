package io.lifeline.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The quorum lease this node holds, from its peers' confirmations (docs/leases.md): it lasts
 * until {@code length} after the q-th newest of {now, each peer's confirmed send time}, this node
 * counting itself. Every time is this node's own monotonic clock (the send times of its own
 * datagrams), so no clocks are compared across nodes. Pure.
 *
 * @param quorum      confirmations the lease rests on, this node's own included (with too few: at least one more
 *                    than there are)
 * @param endNanos    when the lease ends, or {@link #NONE} when fewer than quorum - 1 peers ever confirmed
 * @param confirmedBy the peers whose confirmations the lease rests on, newest first
 */
public record QuorumLease(int quorum, long lengthNanos, long endNanos, List<String> confirmedBy) {

    public static final long NONE = Long.MIN_VALUE;

    public QuorumLease {
        confirmedBy = List.copyOf(confirmedBy);
    }

    /**
     * @param confirmedSentNanos per peer, the send time of the newest of our datagrams it confirmed
     *                           (the newest over all links)
     */
    public static QuorumLease of(long nowNanos, Map<String, Long> confirmedSentNanos, int quorum, long lengthNanos) {
        QuorumLease lease = of(nowNanos, confirmedSentNanos, "", nodes -> nodes.size() >= quorum, lengthNanos);
        return new QuorumLease(quorum, lengthNanos, lease.endNanos(), lease.confirmedBy());
    }

    /**
     * The lease under any quorum rule that is monotone (a superset of a quorum is a quorum), such
     * as a majority or an even split's half holding the tie-breaker node: the newest confirmations
     * are taken one by one, this node first (it confirms itself now), until the nodes taken form a
     * quorum; the lease rests on the oldest of them. No other set of confirmations gives a later
     * end: every node of a quorum whose oldest confirmation is newer than that would have been
     * taken before it.
     *
     * @param me       this node (it counts itself, confirmed now)
     * @param isQuorum whether a set of nodes, this node included, is a quorum
     */
    public static QuorumLease of(long nowNanos, Map<String, Long> confirmedSentNanos, String me,
            Predicate<Set<String>> isQuorum, long lengthNanos) {
        Set<String> taken = new HashSet<>();
        taken.add(me);
        if (isQuorum.test(taken)) {
            return new QuorumLease(1, lengthNanos, nowNanos + lengthNanos, List.of());
        }
        List<Map.Entry<String, Long>> newestFirst = new ArrayList<>(confirmedSentNanos.entrySet());
        newestFirst.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        List<String> by = new ArrayList<>();
        for (Map.Entry<String, Long> e : newestFirst) {
            taken.add(e.getKey());
            by.add(e.getKey());
            if (isQuorum.test(taken)) {
                return new QuorumLease(taken.size(), lengthNanos, e.getValue() + lengthNanos, by);
            }
        }
        return new QuorumLease(taken.size() + 1, lengthNanos, NONE, List.of());
    }

    /** A majority of the ha.cf nodes: the quorum the lease is shown against (docs/leases.md). */
    public static int majorityOf(int nodes) {
        return nodes / 2 + 1;
    }

    public boolean heldAt(long nowNanos) {
        return endNanos != NONE && endNanos - nowNanos > 0;
    }
}
