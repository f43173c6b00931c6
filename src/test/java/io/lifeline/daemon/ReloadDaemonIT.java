package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code hactl reload} and SIGHUP on two real daemons in network namespaces, with real VIPs
 * (IPaddr2 through netlink) and the ClusterLabs OCF Dummy. Every address change in both
 * namespaces is recorded by {@code ip monitor address}: a VIP that flaps shows up there as a
 * "Deleted" line, however briefly it was gone.
 */
class ReloadDaemonIT {

    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration MOVE = Duration.ofSeconds(40);
    private static final String SECRET = "reload-it-secret-0123";
    private static final String VIP1 = "198.51.100.101";
    private static final String VIP2 = "198.51.100.102";
    private static final String VIP3 = "198.51.100.103";
    private static final String G1 = "IPaddr2::" + VIP1 + "/24/eth0";
    private static final String G2 = "IPaddr2::" + VIP2 + "/24/eth0";
    private static final String G3 = "IPaddr2::" + VIP3 + "/24/eth0";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("rl-", "it-reload");

    /** Eleven lines: an appended line is line 12. */
    private static String haCf(String extra) {
        return DaemonLab.haCf("2s", "1s") + """
                resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s threshold=2 window=60s
                """ + extra;
    }

    /** The Dummy's state file is per node (the nodes share one filesystem), so its word differs per node. */
    private static String dummy(DaemonNode n, String name) {
        return "ocf:heartbeat:Dummy::state=" + n.dir.resolve(name + ".state");
    }

    private static void write(DaemonNode n, String file, String text) throws Exception {
        Files.writeString(n.haD.resolve(file), text);
    }

    private static JsonNode reload(DaemonNode n) throws Exception {
        return new io.lifeline.control.ControlClient(n.socket, 120_000).call("reload",
                new ObjectMapper().createObjectNode());
    }

    private static void hangup(DaemonNode n) {
        Lab.Shell.run(List.of("kill", "-HUP", Long.toString(n.pid())));
    }

    private static long count(String text, String fragment) {
        return text.lines().filter(l -> l.contains(fragment)).count();
    }

    /** Lines of {@code ip monitor} that deleted one of the addresses. */
    private static List<String> deletions(Path monitorLog, String... addresses) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(monitorLog)) {
            for (String a : addresses) {
                if (line.startsWith("Deleted") && line.contains(" " + a + "/")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /** The lab: n1 and n2 on one bridge, an {@code ip monitor} per node; haresources per node from {@code lines}. */
    private List<DaemonNode> start(String test, java.util.function.Function<DaemonNode, String> haresources)
            throws Exception {
        return start(test, haresources, false);
    }

    private List<DaemonNode> start(String test, java.util.function.Function<DaemonNode, String> haresources,
                                   boolean n1UnderNohup) throws Exception {
        lab.open(test);
        List<DaemonNode> nodes = new ArrayList<>();
        for (String name : List.of("n1", "n2")) {
            DaemonNode n = lab.node(name, "198.51.100." + (name.equals("n1") ? 11 : 12));
            n.configure(haCf(""), SECRET, "");
            write(n, "haresources", haresources.apply(n));
            n.host.start(List.of("ip", "-o", "monitor", "address"), n.dir.resolve("ip-monitor.log"));
            nodes.add(n);
        }
        for (DaemonNode n : nodes) {
            if (n1UnderNohup && n.name.equals("n1")) {
                n.startUnderNohup();
            } else {
                n.start();
            }
        }
        return nodes;
    }

    /**
     * A daemon started under nohup inherits SIGHUP ignored, and the JVM leaves an ignored signal
     * ignored: kill -HUP did nothing at all (a test run launched with nohup failed this way,
     * 2026-12-07). The daemon now takes SIGHUP back, as C daemons do.
     */
    @Test
    void sighupReloadsEvenWhenTheDaemonWasStartedUnderNohup() throws Exception {
        List<DaemonNode> nodes = start("nohup", n -> "n1 " + G1 + "\n", true);
        DaemonNode n1 = nodes.get(0);
        DaemonNode.awaitRunningOn(G1, "n1", FORM, n1, nodes.get(1));
        hangup(n1);
        await("n1 reloads on SIGHUP").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.logText().contains("SIGHUP: configuration reloaded") || !n1.alive());
        assertTrue(n1.alive(), "SIGHUP must not stop the daemon:\n" + n1.logText());
    }

    @Test
    void sighupDoesNotStopTheDaemon() throws Exception {
        List<DaemonNode> nodes = start("sighup", n -> "n1 " + G1 + "\n");
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        DaemonNode.awaitRunningOn(G1, "n1", FORM, n1, n2);

        hangup(n1);
        // The JVM's default SIGHUP handling ran the shutdown hooks: n1 released G1 and exited.
        await("n1 logs the SIGHUP reload").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.logText().contains("SIGHUP: configuration reloaded") || !n1.alive());
        assertTrue(n1.alive(), "SIGHUP must not stop the daemon:\n" + n1.logText());
        assertEquals("n1", n1.ownersOf(G1));
        assertTrue(n1.host.hasAddress("eth0", VIP1));
        assertEquals(List.of(), deletions(n1.dir.resolve("ip-monitor.log"), VIP1), "the VIP never flapped");

        // a clean stop of the peer is a leave, not a failure, in n1's events
        n2.terminate();
        await("n1 tells that n2 left").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.call("events", new ObjectMapper().createObjectNode()).toString()
                        .contains("node n2 left: it announced a clean shutdown"));
    }

    @Test
    void reloadAppliesTheDifferenceAndNeverTouchesUnchangedGroups() throws Exception {
        // At start, n1 and n2 have a bad line 3 (no agent is called nosuchagent): that group is
        // skipped and reported; the valid groups run.
        List<DaemonNode> nodes = start("apply", n -> "n1 " + G1 + "\n"
                + "n2 " + G2 + " " + dummy(n, "d2") + "\n"
                + "n1 IPaddr2::198.51.100.109/24/eth0 nosuchagent\n");
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        DaemonNode.awaitRunningOn(G1, "n1", FORM, n1, n2);
        DaemonNode.awaitRunningOn(G2, "n2", FORM, n1, n2);
        for (DaemonNode n : nodes) {
            assertTrue(n.logText().contains("haresources:3: error:") && n.logText().contains("is skipped"),
                    "the bad line is reported with file:line:\n" + n.logText());
        }

        // (a) no change (the bad line fixed, i.e. the running groups): nothing stops, nothing flaps
        for (DaemonNode n : nodes) {
            write(n, "haresources", "n1 " + G1 + "\nn2 " + G2 + " " + dummy(n, "d2") + "\n");
            JsonNode r = reload(n);
            assertTrue(r.path("applied").asBoolean(), r.toPrettyString());
            assertTrue(r.path("message").asText().contains("groups: 2 unchanged"), r.toPrettyString());
        }
        // SIGHUP does the same
        for (DaemonNode n : nodes) {
            hangup(n);
            await("SIGHUP reload on " + n.name).atMost(MOVE).pollInterval(Duration.ofMillis(200))
                    .until(() -> n.logText().contains("SIGHUP: configuration reloaded"));
        }

        // (b) one group added, on both nodes
        for (DaemonNode n : nodes) {
            write(n, "haresources", "n1 " + G1 + "\nn2 " + G2 + " " + dummy(n, "d2") + "\nn1 " + G3 + "\n");
            JsonNode r = reload(n);
            assertTrue(r.path("message").asText().contains("added " + G3), r.toPrettyString());
        }
        DaemonNode.awaitRunningOn(G3, "n1", MOVE, n1, n2);

        // (c) one group's resources changed: G2's Dummy is another one (state file d2b); the VIP stays
        for (DaemonNode n : nodes) {
            write(n, "haresources", "n1 " + G1 + "\nn2 " + G2 + " " + dummy(n, "d2b") + "\nn1 " + G3 + "\n");
            JsonNode r = reload(n);
            assertTrue(r.path("message").asText().contains("changed " + G2 + " (restarting from resource 2)"),
                    r.toPrettyString());
        }
        await("G2 runs with its new Dummy on n2").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(n2.dir.resolve("d2b.state")) && !Files.exists(n2.dir.resolve("d2.state"))
                        && n2.phaseOf(G2).equals("running"));

        // (d) a broken file: refused with file:line, nothing changes, nothing stops
        String good = Files.readString(n1.haD.resolve("haresources"));
        write(n1, "haresources", good + "n1 " + G3 + "\nn1 IPaddr2::198.51.100.110/24/eth0 nosuchagent\n");
        write(n1, "ha.cf", haCf("deadtime banana\n"));
        JsonNode refused = reload(n1);
        assertFalse(refused.path("applied").asBoolean(), refused.toPrettyString());
        String problems = refused.path("problems").toString();
        assertTrue(problems.contains("haresources:4: error:") && problems.contains("haresources:5: error:")
                && problems.contains("ha.cf:12: error:"), "every problem with file:line: " + problems);
        // the command line tool prints them and exits non-zero
        Lab.Shell.Result cli = n1.hactl("reload");
        assertEquals(1, cli.exitCode(), cli.output());
        assertTrue(cli.output().contains("haresources:5: error:"), cli.output());
        // SIGHUP with the broken file: logged, an event, the daemon runs on
        hangup(n1);
        await("SIGHUP refusal logged").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.logText().contains("SIGHUP: the configuration in"));
        assertTrue(n1.alive());
        JsonNode events = n1.call("events", new ObjectMapper().createObjectNode());
        assertTrue(events.toString().contains("SIGHUP: the configuration was not reloaded"), events.toPrettyString());

        for (String g : List.of(G1, G3)) {
            assertEquals("n1", n1.ownersOf(g));
        }
        assertEquals("n2", n1.ownersOf(G2));
        assertTrue(n1.alive() && n2.alive());
        assertEquals(List.of(), deletions(n1.dir.resolve("ip-monitor.log"), VIP1, VIP3),
                "n1's VIPs never flapped through the reloads");
        assertEquals(List.of(), deletions(n2.dir.resolve("ip-monitor.log"), VIP2),
                "G2's VIP stayed up while its Dummy was replaced");
        assertEquals(0, count(n1.logText(), "stopped " + G1), "G1 was never stopped");

        // a crash of the peer is a failure in n1's events
        n2.kill9();
        await("n1 tells that n2 failed").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.call("events", new ObjectMapper().createObjectNode()).toString()
                        .contains("node n2 failed: silent on every link"));
    }

    @Test
    void authkeysRotateThroughReloadsWithoutLosingThePeer() throws Exception {
        List<DaemonNode> nodes = start("authkeys", n -> "n1 " + G1 + "\n");
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        DaemonNode.awaitRunningOn(G1, "n1", FORM, n1, n2);
        String old = "1 sha256 " + SECRET + "\n";
        String fresh = "2 sha256 reload-it-the-next-secret-4567\n";

        // in one step (only the new key) n1 would refuse n2, which still signs with key 1: refused
        write(n1, "authkeys", "auth 2\n" + fresh);
        JsonNode refused = reload(n1);
        assertFalse(refused.path("applied").asBoolean(), refused.toPrettyString());
        assertTrue(refused.path("problems").toString().contains("n2 signs with key 1"), refused.toPrettyString());

        // Heartbeat's order: add the key everywhere, switch auth everywhere, remove the old key everywhere
        for (String keys : List.of("auth 1\n" + old + fresh, "auth 2\n" + old + fresh, "auth 2\n" + fresh)) {
            for (DaemonNode n : nodes) {
                write(n, "authkeys", keys);
                JsonNode r = reload(n);
                assertTrue(r.path("applied").asBoolean(), keys + ": " + r.toPrettyString());
            }
            // heartbeats flow with the new keys for a while before the next step, and n2 stays up throughout
            await("n2 stays up on " + keys.lines().findFirst().orElse("")).during(Duration.ofMillis(1_500))
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> n1.stateOf("n2").equals("up") && n2.stateOf("n1").equals("up"));
        }
        assertTrue(n1.logText().contains("authkeys reloaded: signing with key 2, accepting keys [2]"), n1.logText());
        assertEquals("up", n1.stateOf("n2"));
        assertEquals("up", n2.stateOf("n1"));
        String events = n1.call("events", new ObjectMapper().createObjectNode()).toString()
                + n2.call("events", new ObjectMapper().createObjectNode()).toString();
        assertFalse(events.contains("failed: silent") || events.contains("is dead"), "nobody lost the other: " + events);
        assertEquals("n1", n1.ownersOf(G1));
    }
}
