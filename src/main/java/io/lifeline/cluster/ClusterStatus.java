package io.lifeline.cluster;

import java.util.List;

/**
 * A consistent snapshot of the cluster layer for {@code hactl status}. Times are wall-clock ms;
 * ages are computed by the caller from {@link #takenAtMillis()}, except the lease's, which are
 * monotonic nanoseconds against {@link #takenAtNanos()}; {@code lease} is null when unknown.
 */
public record ClusterStatus(
        String localNode,
        long startedAtMillis,
        long takenAtMillis,
        TimerSettings timers,
        List<Node> nodes,
        List<LinkInfo> links,
        long lastStallMillis,
        long lastStallAtMillis,
        QuorumLease lease,
        long takenAtNanos) {

    public ClusterStatus {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
    }

    /** A snapshot without lease information (tests of the status output). */
    public ClusterStatus(String localNode, long startedAtMillis, long takenAtMillis, TimerSettings timers,
                         List<Node> nodes, List<LinkInfo> links, long lastStallMillis, long lastStallAtMillis) {
        this(localNode, startedAtMillis, takenAtMillis, timers, nodes, links, lastStallMillis, lastStallAtMillis,
                null, 0);
    }

    /**
     * One ha.cf node as this node sees it. {@code deathCause} is null unless state is DEAD;
     * {@code heldMsLeft} is how much longer the manager still counts a node the cluster layer
     * dropped while it was still heard here (DropHold: its quorum lease may still run), -1 when
     * it is not held.
     */
    public record Node(String name, boolean local, MembershipTracker.NodeState state,
                       ClusterEvent.DeathCause deathCause, long sinceMillis, List<PeerLink> links, long heldMsLeft) {
        public Node {
            links = List.copyOf(links);
        }

        /** A node that is not held. */
        public Node(String name, boolean local, MembershipTracker.NodeState state,
                    ClusterEvent.DeathCause deathCause, long sinceMillis, List<PeerLink> links) {
            this(name, local, state, deathCause, sinceMillis, links, -1);
        }
    }

    /** A peer's state on one link; {@code lastHeardMillis} is -1 if never heard. */
    public record PeerLink(String link, MembershipTracker.LinkState state, long lastHeardMillis) {
    }

    /** One local link (channel). */
    public record LinkInfo(String name, String kind, String device, String bindAddress, int port,
                           String jgroupsCluster, String state, List<String> viewMembers,
                           List<AuthDrops.Entry> authDrops, java.util.Map<String, Long> rejectedMembers) {
        public LinkInfo {
            viewMembers = List.copyOf(viewMembers);
            authDrops = List.copyOf(authDrops);
            rejectedMembers = java.util.Map.copyOf(rejectedMembers);
        }
    }
}
