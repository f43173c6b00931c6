package io.lifeline.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Combines the per-link JGroups views into Heartbeat-style node and link states. Pure logic:
 * no threads, no clock, no JGroups types; the caller feeds view changes, announced leaves and
 * time, and gets the resulting events. Not thread-safe: Lifeline calls it on one thread.
 *
 * <ul>
 *   <li>peer link state: {@code up} while the peer is in that link's view, {@code dead} after it
 *       left the view, {@code init} until first seen or initdead expired;</li>
 *   <li>node state: {@code up} while in at least one link's view; {@code dead} when gone from all
 *       (cause {@code left} if it announced its shutdown); {@code init} after start-up until seen
 *       or initdead expired, then {@code dead} (cause {@code never_seen});</li>
 *   <li>late heartbeat: a live peer silent on a link for more than warntime, reported once per
 *       silence.</li>
 *   <li>membership: a {@link ClusterEvent.MembershipSnapshot} (all alive nodes and an epoch)
 *       whenever the alive set changes, on every merge view, and when initdead ends. This is the
 *       only place membership is computed; the daemon hands the snapshots to the manager as they
 *       are.</li>
 * </ul>
 * The local node is always up and is not tracked here.
 */
public final class MembershipTracker {

    public enum NodeState { INIT, UP, DEAD }

    public enum LinkState { INIT, UP, DEAD }

    private final String localNode;
    private final List<String> nodes;
    private final List<String> peers;
    private final List<String> links;
    private final long initdeadMs;
    private long initdeadEnd;
    private final long warntimeMs;
    private boolean initdeadOver;
    private long epoch;

    private final Map<String, NodeState> nodeStates = new LinkedHashMap<>();
    private final Map<String, ClusterEvent.DeathCause> deathCauses = new HashMap<>();
    private final Map<String, Long> nodeSince = new HashMap<>();
    private final Map<String, Map<String, LinkState>> linkStates = new LinkedHashMap<>();
    private final Map<String, Set<String>> viewMembers = new HashMap<>();
    private final Set<String> leaving = new HashSet<>();
    private final Set<String> lateReported = new HashSet<>();

    /**
     * @param nodes all ha.cf nodes (the local one included), canonical spelling
     * @param links link names in ha.cf order
     */
    public MembershipTracker(String localNode, List<String> nodes, List<String> links, long startMillis,
                             long initdeadMs, long warntimeMs) {
        this.localNode = localNode;
        this.nodes = List.copyOf(nodes);
        this.peers = nodes.stream().filter(n -> !n.equals(localNode)).toList();
        this.links = List.copyOf(links);
        this.initdeadMs = initdeadMs;
        this.initdeadEnd = startMillis + initdeadMs;
        this.warntimeMs = warntimeMs;
        for (String p : peers) {
            nodeStates.put(p, NodeState.INIT);
            nodeSince.put(p, startMillis);
            Map<String, LinkState> perLink = new LinkedHashMap<>();
            for (String l : links) {
                perLink.put(l, LinkState.INIT);
            }
            linkStates.put(p, perLink);
        }
        for (String l : links) {
            viewMembers.put(l, Set.of());
        }
    }

    /**
     * A link installed a new view.
     *
     * @param members     configured node names in the view (unknown names already filtered out)
     * @param subgroups   for a merge view the node names of each merged subgroup, else null
     */
    public List<ClusterEvent> viewChanged(String link, Set<String> members, List<Set<String>> subgroups, long now) {
        if (!viewMembers.containsKey(link)) {
            throw new IllegalArgumentException("unknown link " + link);
        }
        List<ClusterEvent> events = new ArrayList<>();
        boolean nodesChanged = false;
        boolean rejoined = false;
        Set<String> before = viewMembers.put(link, Set.copyOf(members));
        for (String p : peers) {
            boolean was = before.contains(p);
            boolean is = members.contains(p);
            Map<String, LinkState> perLink = linkStates.get(p);
            if (is && perLink.get(link) != LinkState.UP) {
                perLink.put(link, LinkState.UP);
                events.add(new ClusterEvent.LinkUp(p, link, now));
            } else if (!is && was) {
                perLink.put(link, LinkState.DEAD);
                lateReported.remove(p + "\0" + link);
                events.add(new ClusterEvent.LinkDead(p, link, now));
            }
        }
        for (String p : peers) {
            boolean alive = isInAnyView(p);
            NodeState state = nodeStates.get(p);
            if (alive && state != NodeState.UP) {
                nodesChanged = true;
                rejoined |= state == NodeState.DEAD;
                setNode(p, NodeState.UP, now);
                deathCauses.remove(p);
                leaving.remove(p);
                events.add(new ClusterEvent.NodeUp(p, link, now));
            } else if (!alive && state == NodeState.UP) {
                nodesChanged = true;
                ClusterEvent.DeathCause cause = leaving.remove(p) ? ClusterEvent.DeathCause.LEFT
                        : ClusterEvent.DeathCause.FAILED;
                setNode(p, NodeState.DEAD, now);
                deathCauses.put(p, cause);
                events.add(new ClusterEvent.NodeDead(p, cause, now));
            }
        }
        if (subgroups != null) {
            events.add(new ClusterEvent.PartitionMerged(link, subgroups, now));
        }
        if (nodesChanged || subgroups != null) {
            // A merge view is a fresh membership even when the alive set is unchanged: the peers had
            // a view without this node (it was frozen, or cut off on this link) and re-formed one
            // with it. A node recovering from a stall waits for exactly this (docs/manager.md).
            // A merge flags a healed partition only when it brings back nodes declared dead; a merge
            // on one link while the node was still heard on another is no partition at node level.
            events.add(snapshot(subgroups != null && rejoined, now));
        }
        return events;
    }

    private ClusterEvent.MembershipSnapshot snapshot(boolean merge, long now) {
        List<String> alive = nodes.stream()
                .filter(n -> n.equals(localNode) || nodeStates.get(n) == NodeState.UP).toList();
        Map<String, ClusterEvent.DeathCause> causes = new HashMap<>();
        deathCauses.forEach((n, c) -> {
            if (nodeStates.get(n) == NodeState.DEAD) {
                causes.put(n, c);
            }
        });
        return new ClusterEvent.MembershipSnapshot(alive, ++epoch, merge, initdeadOver, now, causes);
    }

    /**
     * The same membership again under a new epoch: for the cluster layer when what it shows the
     * manager changes without a change here (a held drop that ends, {@link DropHold}).
     */
    public ClusterEvent.MembershipSnapshot resnapshot(long now) {
        return snapshot(false, now);
    }

    /** A peer announced (on some link) that it is shutting down cleanly. */
    public void leaveAnnounced(String node) {
        if (nodeStates.containsKey(node)) {
            leaving.add(node);
        }
    }

    /**
     * This node's links are open: from now on it can hear its peers, so initdead (the time given
     * to peers to show up) counts from here, not from the daemon's start. Opening a link takes a
     * JVM start and a JGroups join attempt, seconds on a loaded box; counted from the start,
     * initdead could end half a second after this node began to listen, and a peer that started
     * at the same moment but whose links opened a little later was declared dead and its home
     * groups started here (MembershipDaemonIT, 2026-12-07). Never shortens initdead.
     */
    public void linksOpened(long now) {
        if (!initdeadOver) {
            initdeadEnd = Math.max(initdeadEnd, now + initdeadMs);
        }
    }

    /**
     * Time passes: ends the initdead grace period once it is over, with a snapshot even when no
     * node changed state (a node booting alone must learn that its membership is itself).
     */
    public List<ClusterEvent> tick(long now) {
        List<ClusterEvent> events = new ArrayList<>();
        if (initdeadOver || now < initdeadEnd) {
            return events;
        }
        initdeadOver = true;
        for (String p : peers) {
            Map<String, LinkState> perLink = linkStates.get(p);
            boolean nodeUp = nodeStates.get(p) == NodeState.UP;
            for (String l : links) {
                if (perLink.get(l) == LinkState.INIT) {
                    perLink.put(l, LinkState.DEAD);
                    if (nodeUp) {
                        events.add(new ClusterEvent.LinkDead(p, l, now));
                    }
                }
            }
            if (nodeStates.get(p) == NodeState.INIT) {
                setNode(p, NodeState.DEAD, now);
                deathCauses.put(p, ClusterEvent.DeathCause.NEVER_SEEN);
                events.add(new ClusterEvent.NodeDead(p, ClusterEvent.DeathCause.NEVER_SEEN, now));
            }
        }
        events.add(snapshot(false, now));
        return events;
    }

    /**
     * A silence longer than warntime that ended when a packet arrived ({@link PeerActivity}); a
     * warning unless it was already reported while it lasted. Call before {@link #heartbeatAge}.
     */
    public List<ClusterEvent> lateHeartbeatEnded(String node, String link, long gap, long now) {
        if (gap <= warntimeMs || lateReported.contains(node + "\0" + link)
                || linkState(node, link) != LinkState.UP) {
            return List.of();
        }
        return List.of(new ClusterEvent.LateHeartbeat(node, link, gap, now));
    }

    /**
     * Checks how long a live peer has been silent on a link.
     *
     * @param lastHeard when the peer was last heard on the link, or -1 if never
     */
    public List<ClusterEvent> heartbeatAge(String node, String link, long lastHeard, long now) {
        String key = node + "\0" + link;
        if (lastHeard < 0 || linkState(node, link) != LinkState.UP) {
            return List.of();
        }
        long silent = now - lastHeard;
        if (silent > warntimeMs) {
            if (lateReported.add(key)) {
                return List.of(new ClusterEvent.LateHeartbeat(node, link, silent, now));
            }
        } else {
            lateReported.remove(key);
        }
        return List.of();
    }

    private boolean isInAnyView(String node) {
        for (Set<String> m : viewMembers.values()) {
            if (m.contains(node)) {
                return true;
            }
        }
        return false;
    }

    private void setNode(String node, NodeState s, long now) {
        nodeStates.put(node, s);
        nodeSince.put(node, now);
    }

    public String localNode() {
        return localNode;
    }

    /** The epoch of the latest snapshot emitted (0 before the first). */
    public long epoch() {
        return epoch;
    }

    public List<String> peers() {
        return peers;
    }

    public NodeState nodeState(String node) {
        return nodeStates.get(node);
    }

    /** Cause of the node's current death, or null when it is not dead. */
    public ClusterEvent.DeathCause deathCause(String node) {
        return nodeStates.get(node) == NodeState.DEAD ? deathCauses.get(node) : null;
    }

    public long nodeSince(String node) {
        return nodeSince.get(node);
    }

    public LinkState linkState(String node, String link) {
        Map<String, LinkState> perLink = linkStates.get(node);
        return perLink == null ? null : perLink.get(link);
    }

    public Set<String> viewMembers(String link) {
        return viewMembers.get(link);
    }
}
