package io.lifeline.faults;

import java.util.List;

/**
 * Every fault the nemesis can inject: the one list, in one place. Each kind says how long it is
 * held (ms, drawn uniformly; 0 for instant faults), how often it is drawn, whether it splits
 * the cluster (a VIP on two nodes is then expected for a while, and is not a violation), and
 * whether it may be injected while another fault is held.
 */
enum FaultKind {
    KILL9_RESTART("kill -9 of a daemon, restarted", 4, 500, 4_000, false, true),
    FREEZE("SIGSTOP of a daemon, SIGCONT", 4, 200, 3_000, false, true),
    NODE_CUT_OFF("all links of a node cut (and its clients), healed", 3, 2_000, 6_000, true, false),
    ONE_LINK_CUT("one heartbeat link of a node cut: must be a non-event", 3, 2_000, 5_000, false, true),
    PARTITION("partition 1|2 (both links), healed", 3, 3_000, 6_000, true, false),
    /**
     * The node drawn is the bridge: the other two stop hearing each other (both links, ARP
     * included) while it hears both. Not a split: quorum rests on an agreed membership
     * (docs/split-brain.md), so neither cut-off node takes the other's groups, and a VIP on two
     * nodes is a violation like anywhere else.
     */
    ONE_SIDED_PARTITION("the two other nodes cut from each other (both links), the drawn one hears both; healed",
            3, 3_000, 6_000, false, false),
    APP_KILL("nginx killed on the node serving it", 3, 0, 0, false, true),
    GRACEFUL_RESTART("SIGTERM of a daemon, started again", 3, 500, 3_000, false, false),
    STANDBY_ONLINE("hactl standby, then online", 3, 1_500, 4_000, false, false),
    FAILOVER("hactl failover of a group", 3, 0, 0, false, false),
    COLD_START_ALONE("every daemon stopped, one started alone past initdead, then the others", 1, 7_000, 7_000, false, false) {
        @Override
        boolean hostsOverlap() {
            return false; // a second fault would start a peer early: the node would not be alone
        }
    },
    FULL_RESTART("every daemon stopped, all started again", 1, 500, 1_500, false, false),
    FORGED_DATAGRAMS("random, bit-flipped, truncated and huge-length datagrams to the heartbeat port", 3, 0, 0, false, true),
    REPLAYED_DATAGRAMS("captured heartbeats replayed from their sender's address", 3, 0, 0, false, true),
    /**
     * {@link ClusterShape#ARBITER}: the witness (the drawn node) cut from both data nodes, both
     * links: the pair keeps 2 votes of 3, so it is a non-event like a single-link cut.
     */
    WITNESS_CUT_OFF("the witness cut off from both data nodes (both links): must be a non-event", 3, 3_000, 6_000, false, false),
    /**
     * {@link ClusterShape#FOUR_ATB}: 2|2, the tie-breaker n1 and the drawn node against the other
     * two (both links): n1's half keeps quorum and runs every group, the other half none.
     */
    EVEN_SPLIT("partition 2|2 (both links): the tie-breaker and the drawn node against the other two, healed",
            3, 3_000, 6_000, true, false);

    final String description;
    final int weight;
    final long minHoldMs;
    final long maxHoldMs;
    /** The cluster is split while it is held: two owners are expected until the heal is resolved. */
    final boolean splitsCluster;
    /** May be injected on another node while a longer fault is held. */
    final boolean overlaps;

    FaultKind(String description, int weight, long minHoldMs, long maxHoldMs, boolean splitsCluster, boolean overlaps) {
        this.description = description;
        this.weight = weight;
        this.minHoldMs = minHoldMs;
        this.maxHoldMs = maxHoldMs;
        this.splitsCluster = splitsCluster;
        this.overlaps = overlaps;
    }

    /** Aimed at one node (the others: at a group, at the client side or at every node). */
    boolean ofOneNode() {
        return switch (this) {
            case APP_KILL, FAILOVER, FULL_RESTART, FORGED_DATAGRAMS -> false;
            default -> true;
        };
    }

    /** May another fault be injected while this one is held? Those of one node, held 2 s or more. */
    boolean hostsOverlap() {
        return maxHoldMs >= 2_000;
    }

    /** An operator's or a clean stop's move: the group is handed over, never lost, so its gap is short. */
    boolean plannedMove() {
        return this == FAILOVER || this == STANDBY_ONLINE || this == GRACEFUL_RESTART;
    }

    static List<FaultKind> overlapping() {
        return java.util.Arrays.stream(values()).filter(k -> k.overlaps).toList();
    }

    /** Must leave every VIP where it is and every client served (checked at the end of the run). */
    boolean nonEvent() {
        return this == ONE_LINK_CUT || this == WITNESS_CUT_OFF;
    }
}
