package io.lifeline.metrics;

import io.lifeline.agent.AgentDetails;
import io.lifeline.cluster.AuthDrops;
import io.lifeline.cluster.ClusterEvent;
import io.lifeline.cluster.ClusterStatus;
import io.lifeline.cluster.MembershipTracker;
import io.lifeline.cluster.TimerSettings;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ManagerStatus;
import io.lifeline.manager.ResourceState;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metric families of one status snapshot: the same facts {@code hactl status --json}
 * shows (docs/status-json.md), named by Prometheus conventions and listed in docs/metrics.md.
 * A pure function of its inputs: it reads, never asks or decides.
 *
 * <p>Enumerated states (node, link, group phase, resource state) are one series per possible
 * value, 1 for the current one and 0 for the others, so a query never misses a state that
 * simply had no series. Times are seconds; a moment is a Unix timestamp, except how long ago a
 * peer was last heard, which is an age measured by the daemon's own clocks (what an alert on
 * "silent longer than deadtime" needs, independent of the scrape's delay).
 */
public final class StatusMetrics {

    private StatusMetrics() {
    }

    /**
     * @param cluster the cluster layer's snapshot
     * @param manager the manager's snapshot, or null when it did not answer in time (its families
     *                are then left out and {@code lifeline_manager_up} is 0)
     * @param details live agent details per haresources word (IPVS real servers, the proxy's stats)
     */
    public static MetricSnapshots of(String version, ClusterStatus cluster, ManagerStatus manager,
                                     Map<String, AgentDetails> details) {
        List<Family> out = new ArrayList<>();
        daemon(version, cluster, out);
        nodes(cluster, out);
        links(cluster, out);
        out.add(Family.gauge("lifeline_manager_up", "1 when the resource manager answered this scrape in time;"
                + " 0 when it did not, and the manager's metrics are missing").add(manager != null));
        if (manager != null) {
            manager(manager, out);
            groups(manager, out);
            failcounts(manager, out);
        }
        IpvsMetrics.from(details, out);
        ProxyMetrics.from(details, out);
        return new MetricSnapshots(out.stream().map(Family::snapshot).toList());
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }

    private static void daemon(String version, ClusterStatus s, List<Family> out) {
        out.add(Family.gauge("lifeline_daemon_info", "Always 1: this daemon's node name and version",
                "node", "version").add(1, s.localNode(), version));
        out.add(Family.gauge("lifeline_daemon_start_time_seconds", "When this daemon started (Unix time)")
                .add(seconds(s.startedAtMillis())));
        TimerSettings t = s.timers();
        out.add(Family.gauge("lifeline_timer_seconds", "The ha.cf timers in effect", "timer")
                .add(seconds(t.keepalive().toMillis()), "keepalive")
                .add(seconds(t.deadtime().toMillis()), "deadtime")
                .add(seconds(t.warntime().toMillis()), "warntime")
                .add(seconds(t.initdead().toMillis()), "initdead"));
        Family stall = Family.gauge("lifeline_last_stall_seconds",
                "How long this JVM was last frozen (a stall the watchdog saw); absent if never");
        Family stallAt = Family.gauge("lifeline_last_stall_timestamp_seconds",
                "When that stall was noticed (Unix time); absent if never");
        if (s.lastStallAtMillis() > 0) {
            stall.add(seconds(s.lastStallMillis()));
            stallAt.add(seconds(s.lastStallAtMillis()));
        }
        out.addAll(List.of(stall, stallAt));
        Family leaseLeft = Family.gauge("lifeline_quorum_lease_remaining_seconds",
                "How long the quorum lease confirmed by a majority of the nodes' peers lasts without a new"
                        + " confirmation (docs/leases.md; shown, not yet enforced); 0 when not held, absent when unknown");
        if (s.lease() != null) {
            long left = s.lease().heldAt(s.takenAtNanos()) ? s.lease().endNanos() - s.takenAtNanos() : 0;
            leaseLeft.add(left / 1e9);
        }
        out.add(leaseLeft);
    }

    private static void nodes(ClusterStatus s, List<Family> out) {
        Family state = Family.gauge("lifeline_node_state",
                "1 for the node's membership state as this node sees it (init, up, dead), 0 for the others",
                "node", "state");
        Family since = Family.gauge("lifeline_node_state_change_timestamp_seconds",
                "When the node entered its current state (Unix time)", "node");
        Family dead = Family.gauge("lifeline_node_dead_cause",
                "1 for why a dead node is dead (failed: silent on every link; left: clean shutdown;"
                        + " never_seen: not heard within initdead), 0 for the other causes; absent while not dead",
                "node", "cause");
        Family linkState = Family.gauge("lifeline_peer_link_state",
                "1 for a peer's state on one link (init, up, dead), 0 for the others", "node", "link", "state");
        Family heard = Family.gauge("lifeline_peer_link_last_heard_age_seconds",
                "Seconds since an authenticated packet of the peer arrived on the link; absent if never",
                "node", "link");
        long now = s.takenAtMillis();
        for (ClusterStatus.Node n : s.nodes()) {
            state.addStates(n.state(), MembershipTracker.NodeState.values(), n.name());
            since.add(seconds(n.sinceMillis()), n.name());
            if (n.deathCause() != null) {
                dead.addStates(n.deathCause(), ClusterEvent.DeathCause.values(), n.name());
            }
            for (ClusterStatus.PeerLink pl : n.links()) {
                linkState.addStates(pl.state(), MembershipTracker.LinkState.values(), n.name(), pl.link());
                if (pl.lastHeardMillis() >= 0) {
                    heard.add(seconds(Math.max(0, now - pl.lastHeardMillis())), n.name(), pl.link());
                }
            }
        }
        out.addAll(List.of(state, since, dead, linkState, heard));
    }

    private static void links(ClusterStatus s, List<Family> out) {
        Family info = Family.gauge("lifeline_link_info", "Always 1: one local link (ha.cf medium) and where it binds",
                "link", "kind", "device", "bind_address", "port");
        Family state = Family.gauge("lifeline_link_state",
                "1 for the link's state (up: every peer up on it or no peers; init: a peer not seen yet;"
                        + " dead: no peer up), 0 for the others", "link", "state");
        Family members = Family.gauge("lifeline_link_view_members", "Members of the link's current view", "link");
        Family drops = Family.counter("lifeline_auth_drops",
                "Packets dropped by authentication, by link, sending peer address and reason (docs/cluster.md)",
                "link", "peer", "reason");
        Family rejected = Family.counter("lifeline_link_rejected_member_views",
                "Views that contained a member whose name is not an ha.cf node (it is ignored)", "link", "member");
        for (ClusterStatus.LinkInfo li : s.links()) {
            info.add(1, li.name(), li.kind(), li.device(), li.bindAddress(), Integer.toString(li.port()));
            for (MembershipTracker.LinkState ls : MembershipTracker.LinkState.values()) {
                state.add(Words.lower(ls).equals(li.state()), li.name(), Words.lower(ls));
            }
            members.add(li.viewMembers().size(), li.name());
            for (AuthDrops.Entry e : li.authDrops()) {
                drops.add((double) e.count(), li.name(), e.peer(), e.reason().label());
            }
            li.rejectedMembers().forEach((member, views) -> rejected.add(views, li.name(), member));
        }
        out.addAll(List.of(info, state, members, drops, rejected));
    }

    private static void manager(ManagerStatus m, List<Family> out) {
        out.add(Family.gauge("lifeline_manager_quorate", "1 while this node's partition has quorum")
                .add(m.quorate()));
        out.add(Family.gauge("lifeline_manager_maintenance", "1 while maintenance mode is on (nothing is started,"
                + " stopped or monitored)").add(m.maintenance()));
        out.add(Family.gauge("lifeline_manager_stalled", "1 after this node was frozen long enough that peers may"
                + " have taken its groups, until it has rejoined").add(m.stalled()));
        out.add(Family.gauge("lifeline_manager_startup_complete", "1 once the manager's start-up (probes,"
                + " initdead) is complete").add(m.startupComplete()));
        Family reported = Family.gauge("lifeline_node_reported", "1 when a state report of the node has arrived",
                "node");
        Family ready = Family.gauge("lifeline_node_ready", "1 when the node's last report says it has probed all its resources",
                "node");
        Family score = Family.gauge("lifeline_node_ping_score",
                "The node's connectivity score (ping nodes reachable) from its last report", "node");
        Family standby = Family.gauge("lifeline_node_standby",
                "1 for which groups the node has put in standby (none, all, local, foreign), 0 for the others",
                "node", "scope");
        for (ManagerStatus.NodeStatus n : m.nodes()) {
            reported.add(n.reported(), n.name());
            if (n.reported()) {
                ready.add(n.ready(), n.name());
                score.add(n.score(), n.name());
                standby.addStates(n.standby(), GroupScope.values(), n.name());
            }
        }
        out.addAll(List.of(reported, ready, score, standby));
    }

    private static void groups(ManagerStatus m, List<Family> out) {
        Family phase = Family.gauge("lifeline_group_phase",
                "1 for the group's phase on its owner (else on this node), 0 for the other phases", "group", "phase");
        Family owner = Family.gauge("lifeline_group_owner",
                "1 for each node where the group is starting, running or recovering", "group", "node");
        Family owners = Family.gauge("lifeline_group_owners",
                "Number of nodes holding the group: 0 nowhere, more than 1 a split brain", "group");
        Family preferred = Family.gauge("lifeline_group_preferred_node",
                "Always 1: the group's home node (its haresources line's first word)", "group", "node");
        Family blocked = Family.gauge("lifeline_group_blocked",
                "1 while the group is blocked (a failed stop or on_fail=block) until cleanup", "group");
        Family resState = Family.gauge("lifeline_resource_state",
                "1 for the resource's state on the group's owner (else on this node), 0 for the others",
                "group", "resource", "state");
        Family monitor = Family.gauge("lifeline_resource_last_monitor_exit_code",
                "OCF exit code of this node's last monitor of the resource (0 ok, 7 not running, other: failed);"
                        + " absent if this node never monitored it", "group", "resource");
        Family monitorAt = Family.gauge("lifeline_resource_last_monitor_timestamp_seconds",
                "When this node last monitored the resource (Unix time)", "group", "resource");
        for (ManagerStatus.GroupStatus g : m.groups()) {
            phase.addStates(g.phase(), GroupPhase.values(), g.name());
            g.owners().forEach(o -> owner.add(1, g.name(), o));
            owners.add(g.owners().size(), g.name());
            preferred.add(1, g.name(), g.preferredNode());
            blocked.add(g.blockedReason() != null || g.phase() == GroupPhase.BLOCKED, g.name());
            for (ManagerStatus.ResourceStatus r : g.resources()) {
                resState.addStates(r.state(), ResourceState.values(), g.name(), r.resource());
                if (r.lastMonitor() != null) {
                    monitor.add(r.lastMonitor().code(), g.name(), r.resource());
                }
                if (r.lastMonitorAt() != null) {
                    monitorAt.add(r.lastMonitorAt().toEpochMilli() / 1000.0, g.name(), r.resource());
                }
            }
        }
        out.addAll(List.of(phase, owner, owners, preferred, blocked, resState, monitor, monitorAt));
    }

    private static void failcounts(ManagerStatus m, List<Family> out) {
        Family count = Family.gauge("lifeline_resource_failcount",
                "Failures of the resource on the node (a gauge: hactl cleanup and the failure window lower it)",
                "node", "group", "resource");
        Family threshold = Family.gauge("lifeline_resource_failcount_threshold",
                "The failcount at which the node is banned from the group (threshold= in ha.cf monitor or"
                        + " resource_defaults)",
                "node", "group", "resource");
        Family banned = Family.gauge("lifeline_resource_banned",
                "1 while the failcount bans the node from running the group", "node", "group", "resource");
        for (ManagerStatus.FailcountStatus f : m.failcounts()) {
            count.add(f.count(), f.node(), f.group(), f.resource());
            threshold.add(f.threshold(), f.node(), f.group(), f.resource());
            banned.add(f.banned(), f.node(), f.group(), f.resource());
        }
        out.addAll(List.of(count, threshold, banned));
    }
}
