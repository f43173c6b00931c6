package io.lifeline.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.cluster.AuthDrops;
import io.lifeline.cluster.ClusterStatus;
import io.lifeline.cluster.TimerSettings;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@code status} result, schema documented in docs/status-json.md. Field names and
 * meanings are a stable interface for scripts and monitoring: add fields, never rename or
 * repurpose one without raising {@link #SCHEMA_VERSION}.
 */
public final class StatusReport {

    public static final int SCHEMA_VERSION = 1;

    /** Facts about the daemon process itself. */
    public record DaemonInfo(String version, long pid, String previousShutdown) {
    }

    private StatusReport() {
    }

    public static ObjectNode build(ClusterStatus s, DaemonInfo daemon) {
        long now = s.takenAtMillis();
        ObjectNode root = ControlProtocol.json().createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("version", daemon.version());
        root.put("node", s.localNode());
        root.put("pid", daemon.pid());
        root.put("started_at", Instant.ofEpochMilli(s.startedAtMillis()).toString());
        root.put("uptime_ms", now - s.startedAtMillis());
        root.put("previous_shutdown", daemon.previousShutdown());

        TimerSettings t = s.timers();
        ObjectNode timers = root.putObject("timers");
        timers.put("keepalive_ms", t.keepalive().toMillis());
        timers.put("deadtime_ms", t.deadtime().toMillis());
        timers.put("warntime_ms", t.warntime().toMillis());
        timers.put("initdead_ms", t.initdead().toMillis());
        timers.put("heartbeat_interval_ms", t.fdIntervalMs());
        timers.put("suspect_timeout_ms", t.fdTimeoutMs());
        timers.put("verify_timeout_ms", t.verifySuspectMs());
        timers.put("expected_detection_ms", t.expectedDetectionMs());

        ArrayNode nodes = root.putArray("nodes");
        for (ClusterStatus.Node n : s.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            o.put("local", n.local());
            o.put("state", lower(n.state()));
            if (n.deathCause() == null) {
                o.putNull("dead_cause");
            } else {
                o.put("dead_cause", lower(n.deathCause()));
            }
            o.put("since", Instant.ofEpochMilli(n.sinceMillis()).toString());
            o.put("since_ms_ago", now - n.sinceMillis());
            if (n.heldMsLeft() < 0) {
                o.putNull("held_ms_left");
            } else {
                o.put("held_ms_left", n.heldMsLeft());
            }
            ArrayNode links = o.putArray("links");
            for (ClusterStatus.PeerLink pl : n.links()) {
                ObjectNode l = links.addObject();
                l.put("link", pl.link());
                l.put("state", lower(pl.state()));
                if (pl.lastHeardMillis() < 0) {
                    l.putNull("last_heard_ms_ago");
                } else {
                    l.put("last_heard_ms_ago", Math.max(0, now - pl.lastHeardMillis()));
                }
            }
        }

        long dropsTotal = 0;
        ArrayNode links = root.putArray("links");
        for (ClusterStatus.LinkInfo li : s.links()) {
            ObjectNode o = links.addObject();
            o.put("name", li.name());
            o.put("kind", li.kind());
            o.put("device", li.device());
            o.put("bind_address", li.bindAddress());
            o.put("port", li.port());
            o.put("jgroups_cluster", li.jgroupsCluster());
            o.put("state", li.state());
            ArrayNode members = o.putArray("view_members");
            li.viewMembers().forEach(members::add);
            ArrayNode drops = o.putArray("auth_drops");
            for (AuthDrops.Entry e : li.authDrops()) {
                ObjectNode d = drops.addObject();
                d.put("peer", e.peer());
                d.put("reason", e.reason().label());
                d.put("count", e.count());
                d.put("last_drop_ms_ago", Math.max(0, now - e.lastDropMillis()));
                dropsTotal += e.count();
            }
            ArrayNode rejected = o.putArray("rejected_members");
            for (Map.Entry<String, Long> r : new TreeMap<>(li.rejectedMembers()).entrySet()) {
                ObjectNode rj = rejected.addObject();
                rj.put("name", r.getKey());
                rj.put("views", r.getValue());
            }
        }
        root.put("auth_drops_total", dropsTotal);
        if (s.lastStallAtMillis() > 0) {
            ObjectNode st = root.putObject("last_stall");
            st.put("gap_ms", s.lastStallMillis());
            st.put("ms_ago", now - s.lastStallAtMillis());
        } else {
            root.putNull("last_stall");
        }
        if (s.lease() != null) {
            // docs/leases.md: shown, not yet enforced
            ObjectNode lease = root.putObject("quorum_lease");
            lease.put("quorum", s.lease().quorum());
            lease.put("length_ms", s.lease().lengthNanos() / 1_000_000);
            boolean held = s.lease().heldAt(s.takenAtNanos());
            lease.put("held", held);
            if (held) {
                lease.put("remaining_ms", (s.lease().endNanos() - s.takenAtNanos()) / 1_000_000);
            } else {
                lease.putNull("remaining_ms");
            }
            ArrayNode by = lease.putArray("confirmed_by");
            s.lease().confirmedBy().forEach(by::add);
        } else {
            root.putNull("quorum_lease");
        }
        return root;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
