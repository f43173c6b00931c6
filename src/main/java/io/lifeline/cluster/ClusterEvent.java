package io.lifeline.cluster;

import java.util.List;
import java.util.Set;

/**
 * What the cluster layer tells the rest of Lifeline (the resource manager) about peers and links.
 * Heartbeat semantics: a node is up while it is heard on at least one link and dead when it is
 * silent on all of them; a link to a node can die while the node stays up.
 */
public sealed interface ClusterEvent {

    /** Wall-clock time of the event in ms. */
    long timeMillis();

    /** Why a node is no longer a member. */
    enum DeathCause {
        /** Silent on every link for about deadtime (crash, hang, power loss, or partition). */
        FAILED,
        /** It announced a clean shutdown before leaving (e.g. SIGTERM): not a failure. */
        LEFT,
        /** Never heard from within initdead after this node started. */
        NEVER_SEEN
    }

    /**
     * The membership the resource manager acts on: every ha.cf node alive now, this one included,
     * in ha.cf order. The cluster layer is the one place that computes it ({@link MembershipTracker});
     * everything downstream only forwards it. Emitted after the node and link events it sums up,
     * whenever the set of alive nodes changes, when a link installs a merge view (the peers
     * re-formed a view with this node, even if its own set did not change, e.g. after it was
     * frozen), and once when initdead ends (the nodes never seen are dead now, even though the set
     * did not change).
     *
     * @param epoch        grows by one with every snapshot of this process (1 is the first)
     * @param merge        the snapshot rejoins nodes that had been declared dead (a partition healed)
     * @param initdeadOver initdead has ended: the manager may place groups without the missing nodes
     */
    record MembershipSnapshot(List<String> alive, long epoch, boolean merge, boolean initdeadOver,
                              long timeMillis, java.util.Map<String, DeathCause> deathCauses) implements ClusterEvent {
        /** @param deathCauses why each dead node is dead (crashed, left cleanly, never seen) */
        public MembershipSnapshot {
            alive = List.copyOf(alive);
            deathCauses = deathCauses == null ? java.util.Map.of() : java.util.Map.copyOf(deathCauses);
        }

        public MembershipSnapshot(List<String> alive, long epoch, boolean merge, boolean initdeadOver,
                                  long timeMillis) {
            this(alive, epoch, merge, initdeadOver, timeMillis, java.util.Map.of());
        }
    }

    /** A node became alive (first link to it came up). */
    record NodeUp(String node, String viaLink, long timeMillis) implements ClusterEvent {
    }

    /** A node is gone from every link. */
    record NodeDead(String node, DeathCause cause, long timeMillis) implements ClusterEvent {
    }

    /** A peer became reachable on a link. */
    record LinkUp(String node, String link, long timeMillis) implements ClusterEvent {
    }

    /** A peer is no longer reachable on a link (the node may still be up on another). */
    record LinkDead(String node, String link, long timeMillis) implements ClusterEvent {
    }

    /**
     * A partition healed on a link: JGroups merged the listed subgroups (node names as each side
     * saw its membership). Both sides may have acted as if the other was dead; the manager must
     * reconcile (e.g. a VIP held on both sides).
     */
    record PartitionMerged(String link, List<Set<String>> subgroups, long timeMillis) implements ClusterEvent {
        public PartitionMerged {
            subgroups = subgroups.stream().map(Set::copyOf).toList();
        }
    }

    /**
     * This node's failure detector suspects a peer on a link (silent for the detector's timeout);
     * it is verified, and declared dead on that link about deadtime after it was last heard unless
     * it answers. Nothing to act on yet: it lets the daemon prepare a takeover (docs/vip.md,
     * "Probing ahead").
     */
    record PeerSuspected(String node, String link, long timeMillis) implements ClusterEvent {
    }

    /** Nothing heard from a live peer on a link for longer than warntime (Heartbeat's "late heartbeat"). */
    record LateHeartbeat(String node, String link, long silentMillis, long timeMillis) implements ClusterEvent {
    }

    /**
     * This JVM did not run for {@code gapMillis} (GC pause, VM freeze, suspend). If the gap came
     * near deadtime, peers may have declared this node dead meanwhile.
     */
    record LocalStall(long gapMillis, long timeMillis) implements ClusterEvent {
    }

    /**
     * A payload a peer sent with {@link Cluster#broadcast} (already authenticated by the link).
     * The same payload usually arrives once per link; the receiver de-duplicates.
     */
    // a received datagram's payload, handed on without a copy; receivers de-duplicate by decoding, not equals
    @SuppressWarnings("ArrayRecordComponent")
    record PeerPayload(String node, String link, byte[] data, long timeMillis) implements ClusterEvent {
    }
}
