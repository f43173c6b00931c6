package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.cluster.AuthDropReason;
import io.lifeline.cluster.AuthDrops;
import io.lifeline.cluster.ClusterEvent;
import io.lifeline.cluster.ClusterStatus;
import io.lifeline.cluster.MembershipTracker.LinkState;
import io.lifeline.cluster.MembershipTracker.NodeState;
import io.lifeline.cluster.TimerSettings;
import io.lifeline.control.JsonValue;
import io.lifeline.control.StatusReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusOutputTest {

    private static final long T = 1_800_000_000_000L;

    private static JsonNode sample() {
        TimerSettings timers = TimerSettings.from(Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofMillis(600), Duration.ofSeconds(3));
        ClusterStatus s = new ClusterStatus("n1", T - 65_000, T, timers,
                List.of(new ClusterStatus.Node("n1", true, NodeState.UP, null, T - 65_000, List.of()),
                        new ClusterStatus.Node("n2", false, NodeState.UP, null, T - 60_000, List.of(
                                new ClusterStatus.PeerLink("bcast:eth0", LinkState.UP, T - 150),
                                new ClusterStatus.PeerLink("bcast:eth1", LinkState.DEAD, T - 4_200))),
                        new ClusterStatus.Node("n3", false, NodeState.DEAD, ClusterEvent.DeathCause.NEVER_SEEN,
                                T - 62_000, List.of(
                                new ClusterStatus.PeerLink("bcast:eth0", LinkState.DEAD, -1),
                                new ClusterStatus.PeerLink("bcast:eth1", LinkState.DEAD, -1)))),
                List.of(new ClusterStatus.LinkInfo("bcast:eth0", "bcast", "eth0", "198.51.100.11", 694, "lifeline-x",
                                "up", List.of("n1", "n2"),
                                List.of(new AuthDrops.Entry("198.51.100.13", AuthDropReason.BAD_SIGNATURE, 39, T - 800)),
                                Map.of("intruder", 2L)),
                        new ClusterStatus.LinkInfo("bcast:eth1", "bcast", "eth1", "198.51.100.141", 694, "lifeline-x",
                                "dead", List.of("n1"), List.of(), Map.of())),
                0, 0);
        return StatusReport.build(s, new StatusReport.DaemonInfo("1.2.3", 4242, "clean"));
    }

    /** The daemon's answer as hactl reads it (StatusTable renders what the client parsed). */
    private static JsonValue light(JsonNode j) {
        return JsonValue.parse(j.toString());
    }

    @Test
    void durationsInSecondsRoundAsPrintfDid() {
        // StatusTable writes "%.1f s" by hand (no java.util.Formatter on hactl's start-up path)
        for (long ms = 1_000; ms < 60_000; ms += 7) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0), StatusTable.duration(ms), ms + " ms");
        }
        assertEquals("59.9 s", StatusTable.duration(59_949));
        assertEquals("60.0 s", StatusTable.duration(59_950));
        assertEquals("1 min 0 s", StatusTable.duration(60_000));
    }

    @Test
    void jsonFollowsTheDocumentedSchema() {
        JsonNode j = sample();
        assertEquals(1, j.path("schema_version").asInt());
        assertEquals("n1", j.path("node").asText());
        assertEquals(65_000, j.path("uptime_ms").asLong());
        assertEquals("clean", j.path("previous_shutdown").asText());
        assertEquals(1_000, j.path("timers").path("expected_detection_ms").asLong());
        JsonNode n2 = j.path("nodes").get(1);
        assertEquals("up", n2.path("state").asText());
        assertTrue(n2.path("dead_cause").isNull());
        assertEquals("dead", n2.path("links").get(1).path("state").asText());
        assertEquals(4_200, n2.path("links").get(1).path("last_heard_ms_ago").asLong());
        JsonNode n3 = j.path("nodes").get(2);
        assertEquals("never_seen", n3.path("dead_cause").asText());
        assertTrue(n3.path("links").get(0).path("last_heard_ms_ago").isNull());
        JsonNode drop = j.path("links").get(0).path("auth_drops").get(0);
        assertEquals("bad_signature", drop.path("reason").asText());
        assertEquals(39, drop.path("count").asLong());
        assertEquals(39, j.path("auth_drops_total").asLong());
        assertEquals(2, j.path("links").get(0).path("rejected_members").get(0).path("views").asLong());
        assertTrue(j.path("last_stall").isNull());
    }

    @Test
    void tableShowsNodesLinksAndDrops() {
        StringWriter w = new StringWriter();
        StatusTable.print(light(sample()), new PrintWriter(w));
        String out = w.toString();
        assertTrue(out.startsWith("Lifeline 1.2.3 on node n1, up 1 min 5 s (pid 4242)"), out);
        assertTrue(out.contains("n2    up                 1 min 0 s ago  bcast:eth0  up          150 ms ago"), out);
        assertTrue(out.contains("bcast:eth1  dead        4.2 s ago"), out);
        assertTrue(out.contains("n3    dead (never_seen)"), out);
        assertTrue(out.contains("198.51.100.13  bad_signature  39"), out);
        assertTrue(out.contains("intruder"), out);
    }

    /**
     * A node the cluster layer dropped while this node still heard it is dead in the nodes table,
     * but the manager counts it until its quorum lease has ended: the status says so, or an admin
     * sees a dead node whose groups do not move and nothing that explains why.
     */
    @Test
    void aHeldNodeIsExplainedUnderTheNodesTable() {
        TimerSettings timers = TimerSettings.from(Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofMillis(600), Duration.ofSeconds(3));
        ClusterStatus s = new ClusterStatus("n1", T - 65_000, T, timers,
                List.of(new ClusterStatus.Node("n1", true, NodeState.UP, null, T - 65_000, List.of()),
                        new ClusterStatus.Node("n2", false, NodeState.DEAD, ClusterEvent.DeathCause.FAILED, T - 100,
                                List.of(new ClusterStatus.PeerLink("bcast:eth0", LinkState.DEAD, T - 110)), 790),
                        new ClusterStatus.Node("n3", false, NodeState.UP, null, T - 60_000, List.of(
                                new ClusterStatus.PeerLink("bcast:eth0", LinkState.UP, T - 20)))),
                List.of(), 0, 0);
        JsonNode j = StatusReport.build(s, new StatusReport.DaemonInfo("1.2.3", 4242, "clean"));
        assertEquals(790, j.path("nodes").get(1).path("held_ms_left").asLong());
        assertTrue(j.path("nodes").get(2).path("held_ms_left").isNull());

        StringWriter w = new StringWriter();
        StatusTable.print(light(j), new PrintWriter(w));
        String out = w.toString();
        assertTrue(out.contains("n2    dead (failed)"), out);
        assertTrue(out.contains("n2 is held: dropped while this node still heard it (its quorum lease may still run);\n"
                + "  the manager counts it as a member for 790 ms more, and none of its groups moves before\n"), out);
        out.lines().forEach(l -> assertTrue(l.length() <= 100, "fits 100 columns: " + l));
        assertTrue(!out.contains("n3 is held"), out);
    }

    /** The manager's part, as ManagerStatusJson writes it, for a blocked group and a running one. */
    private static JsonNode withGroups() {
        com.fasterxml.jackson.databind.node.ObjectNode j = (com.fasterxml.jackson.databind.node.ObjectNode) sample();
        java.time.Instant at = java.time.Instant.ofEpochMilli(T);
        io.lifeline.manager.ManagerStatus m = new io.lifeline.manager.ManagerStatus(at, "n1", "inc-1",
                List.of("n1", "n2"), true, false, false, true,
                List.of(new io.lifeline.manager.ManagerStatus.NodeStatus("n1", true, true, true, 1,
                                io.lifeline.manager.GroupScope.NONE),
                        new io.lifeline.manager.ManagerStatus.NodeStatus("n2", true, true, true, 0,
                                io.lifeline.manager.GroupScope.ALL)),
                List.of(new io.lifeline.manager.ManagerStatus.GroupStatus("web", "n1", List.of("n1"),
                                io.lifeline.manager.GroupPhase.RUNNING, "n1", "n1 is the home node of web", null, null,
                                List.of(new io.lifeline.manager.ManagerStatus.ResourceStatus("web",
                                                io.lifeline.manager.ResourceState.STARTED, io.lifeline.agent.OcfStatus.SUCCESS,
                                                "", at),
                                        new io.lifeline.manager.ManagerStatus.ResourceStatus("nginx",
                                                io.lifeline.manager.ResourceState.STARTED,
                                                io.lifeline.agent.OcfStatus.NOT_RUNNING, "nginx is not running", at))),
                        new io.lifeline.manager.ManagerStatus.GroupStatus("db", "n2", List.of(),
                                io.lifeline.manager.GroupPhase.BLOCKED, null, "blocked", null,
                                "stop of mysql failed on n2", List.of(new io.lifeline.manager.ManagerStatus.ResourceStatus(
                                        "db", io.lifeline.manager.ResourceState.STOP_FAILED, null, null, null)))),
                List.of(new io.lifeline.manager.ManagerStatus.FailcountStatus("n1", "web", "nginx", 1, 3, false)));
        io.lifeline.control.ManagerStatusJson.addTo(j, m, Map.of("web", new io.lifeline.agent.AgentDetails(
                List.of("detail line"), Map.of("k", 1))));
        return j;
    }

    @Test
    void groupsComeFirstWithOwnersReasonsBlocksAndFailcounts() {
        JsonNode j = withGroups();
        assertEquals("running", j.path("groups").get(0).path("phase").asText());
        assertEquals("not_running", j.path("groups").get(0).path("resources").get(1).path("last_monitor").asText());
        assertEquals(1, j.path("groups").get(0).path("resources").get(0).path("details").path("k").asInt());
        assertEquals("all", j.path("nodes").get(1).path("standby").asText());
        assertEquals(1, j.path("nodes").get(0).path("ping_score").asInt());
        assertTrue(j.path("groups").get(1).path("target").isNull());
        StringWriter w = new StringWriter();
        StatusTable.print(light(j), new PrintWriter(w));
        String out = w.toString();
        assertTrue(out.indexOf("GROUP") < out.indexOf("NODE "), "groups before nodes:\n" + out);
        assertTrue(out.matches("(?s).*\\nweb +running +n1 +n1 +web +started +success\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n +nginx +started +not running: nginx is not running\\n.*"), out);
        assertTrue(out.matches("(?s).*\\nn1 +web +nginx +1/3\\n.*"), out);
        assertTrue(out.contains("detail line"), out);
        assertTrue(out.contains("db: BLOCKED: stop of mysql failed on n2 (fix it, then hactl cleanup db)"), out);
        assertTrue(out.contains("1/3"), out);
    }

    @Test
    void pinsAndFencesAreListed() {
        com.fasterxml.jackson.databind.node.ObjectNode j = (com.fasterxml.jackson.databind.node.ObjectNode) sample();
        java.time.Instant at = java.time.Instant.ofEpochMilli(T);
        io.lifeline.manager.ManagerStatus m = new io.lifeline.manager.ManagerStatus(at, "n1", "inc-1",
                List.of("n1"), true, false, false, true, List.of(), List.of(), List.of(),
                List.of(new io.lifeline.manager.ManagerStatus.PinStatus("web", "n2", "n1", false),
                        new io.lifeline.manager.ManagerStatus.PinStatus("db", "n1", "n1", true)),
                List.of(new io.lifeline.manager.ManagerStatus.FenceStatus("n2", "failed", List.of("db", "web"), 2,
                        "exit code 1: Unable to connect/login to fencing device", at, at.plusSeconds(5))));
        io.lifeline.control.ManagerStatusJson.addTo(j, m, Map.of());
        assertEquals("n2", j.path("pins").get(0).path("node").asText());
        assertEquals(false, j.path("pins").get(0).path("in_effect").asBoolean());
        assertEquals("failed", j.path("fences").get(0).path("state").asText());
        assertEquals("2027-01-15T08:00:05Z", j.path("fences").get(0).path("next_attempt_at").asText());
        StringWriter w = new StringWriter();
        StatusTable.print(light(j), new PrintWriter(w));
        String out = w.toString();
        assertTrue(out.matches("(?s).*\\nweb +n2 +n1 +no \\(not eligible or fewer ping targets\\)\\n.*"), out);
        assertTrue(out.matches("(?s).*\\ndb +n1 +n1 +yes\\n.*"), out);
        assertTrue(out.contains("(hactl unpin GROUP|all clears them)"), out);
        // 119 columns on one line: the state and the error wrap to stay within 100 (StatusWidthTest)
        assertTrue(out.matches("(?s).*\\nn2 +failed \\(next attempt +db,web +2 +exit code 1: Unable to connect/login\\n"
                + " +2027-01-15T08:00:05Z\\) +to fencing device\\n.*"), out);
    }

    @Test
    void respawnProgramsAreListedWhenThereAreAny() {
        com.fasterxml.jackson.databind.node.ObjectNode j = (com.fasterxml.jackson.databind.node.ObjectNode) sample();
        StringWriter none = new StringWriter();
        StatusTable.print(light(j), new PrintWriter(none));
        assertTrue(!none.toString().contains("RESPAWN"), none.toString());
        var array = j.putArray("respawn");
        array.addObject().put("name", "watcher").put("line", 12).put("user", "nobody").put("command", "/x")
                .put("state", "running").put("pid", 4711).put("starts", 2)
                .put("last_exit", "exited with status 137 (killed by signal 9)").put("since", "2027-01-15T08:00:00Z");
        array.addObject().put("name", "once").put("line", 13).put("user", "root").put("command", "/y")
                .put("state", "exited").putNull("pid").put("starts", 1).put("last_exit", "exited with status 100")
                .put("since", "2027-01-15T08:00:00Z");
        StringWriter w = new StringWriter();
        StatusTable.print(light(j), new PrintWriter(w));
        String out = w.toString();
        assertTrue(out.matches("(?s).*\\nRESPAWN +USER +STATE +PID +STARTS +LAST EXIT\\n.*"), out);
        assertTrue(out.matches("(?s).*\\nwatcher +nobody +running +4711 +2 +exited with status 137 \\(killed by signal 9\\)\\n.*"), out);
        assertTrue(out.matches("(?s).*\\nonce +root +exited +- +1 +exited with status 100\\n.*"), out);
    }

    @Test
    void aPeerWhoseConfigurationDiffersIsNamedWithTheFilesAboveTheGroups() {
        com.fasterxml.jackson.databind.node.ObjectNode j = (com.fasterxml.jackson.databind.node.ObjectNode) withGroups();
        var config = j.putObject("config");
        config.putObject("digest").put("ha_cf", "a").put("haresources", "b").put("authkeys", "c");
        var peers = config.putArray("peers");
        peers.addObject().put("node", "n2").put("advertised", true).putArray("differs")
                .add("haresources (web: only here)").add("authkeys");
        peers.addObject().put("node", "n3").put("advertised", false).putArray("differs");
        peers.addObject().put("node", "n4").put("advertised", true).putArray("differs");
        config.put("same_everywhere", false);
        StringWriter w = new StringWriter();
        StatusTable.print(light(j), new PrintWriter(w));
        String out = w.toString();
        assertTrue(out.contains("\nCONFIG DIFFERS on node n2: haresources (web: only here), authkeys\n"), out);
        assertTrue(out.contains("\nconfig: node n3 runs a version that does not advertise its configuration\n"), out);
        assertTrue(!out.contains("node n4"), out);
        assertTrue(out.indexOf("CONFIG DIFFERS") < out.indexOf("GROUP"), out);
    }

    @Test
    void groupRowsAndNotesUseTheShortName() {
        com.fasterxml.jackson.databind.node.ObjectNode j = (com.fasterxml.jackson.databind.node.ObjectNode) withGroups();
        ((com.fasterxml.jackson.databind.node.ObjectNode) j.path("groups").get(1)).put("short_name", "database");
        StringWriter w = new StringWriter();
        StatusTable.print(light(j), new PrintWriter(w));
        String out = w.toString();
        assertTrue(out.matches("(?s).*\\ndatabase +blocked +.*"), out);
        assertTrue(out.contains("database: BLOCKED: stop of mysql failed on n2 (fix it, then hactl cleanup database)"), out);
        assertTrue(out.matches("(?s).*\\nweb +running +n1 .*"), "without short_name the full name: " + out);
    }
}
