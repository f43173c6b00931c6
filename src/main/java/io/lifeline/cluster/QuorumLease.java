package io.lifeline.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The quorum lease this node holds, from its peers' confirmations (docs/leases.md): it lasts
 * until {@code length} after the q-th newest of {now, each peer's confirmed send time}, this node
 * counting itself. Every time is this node's own monotonic clock (the send times of its own
 * datagrams), so no clocks are compared across nodes. Pure.
 *
 * @param quorum      confirmations needed, this node's own included
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
        int needed = quorum - 1;
        if (needed <= 0) {
            return new QuorumLease(quorum, lengthNanos, nowNanos + lengthNanos, List.of());
        }
        List<Map.Entry<String, Long>> newestFirst = new ArrayList<>(confirmedSentNanos.entrySet());
        newestFirst.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        if (newestFirst.size() < needed) {
            return new QuorumLease(quorum, lengthNanos, NONE, List.of());
        }
        long anchor = newestFirst.get(needed - 1).getValue();
        return new QuorumLease(quorum, lengthNanos, anchor + lengthNanos,
                newestFirst.subList(0, needed).stream().map(Map.Entry::getKey).toList());
    }

    /** A majority of the ha.cf nodes: the quorum the lease is shown against (docs/leases.md). */
    public static int majorityOf(int nodes) {
        return nodes / 2 + 1;
    }

    public boolean heldAt(long nowNanos) {
        return endNanos != NONE && endNanos - nowNanos > 0;
    }
}
