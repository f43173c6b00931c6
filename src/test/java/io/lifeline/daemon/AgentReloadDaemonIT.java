package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent-native reload on two real daemons in network namespaces, with a real VIP and the
 * real ClusterLabs OCF Dummy, whose meta-data has a {@code reload} action and a non-unique
 * parameter {@code fake}: changing {@code fake} in haresources and reloading runs the agent's
 * reload on the running resource. Proof that nothing restarted: the VIP was never deleted
 * ({@code ip monitor address}), Dummy's state file (which its stop deletes and its start creates)
 * keeps its inode, and the events show the reload and no stop. Changing {@code state} (unique)
 * restarts, as before.
 */
class AgentReloadDaemonIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SECRET = "agent-reload-it-secret-0123";
    private static final String VIP = "198.51.100.111";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";

    private Lab lab;

    @AfterEach
    void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    private static final String HA_CF = """
            keepalive 200ms
            deadtime 2s
            warntime 1s
            initdead 4s
            udpport 694
            bcast eth0
            auto_failback on
            realtime off
            node n1
            node n2
            resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s
            """;

    private static String haresources(DaemonNode n, String stateName, String fake) {
        return "n1 " + GROUP + " " + dummy(n, stateName, fake) + "\n";
    }

    private static String dummy(DaemonNode n, String stateName, String fake) {
        return "ocf:heartbeat:Dummy::state=" + n.dir.resolve(stateName) + "::fake=" + fake;
    }

    private static JsonNode reload(DaemonNode n) throws Exception {
        return new io.lifeline.control.ControlClient(n.socket, 120_000).call("reload",
                new ObjectMapper().createObjectNode());
    }

    private static List<String> events(DaemonNode n) throws Exception {
        List<String> out = new ArrayList<>();
        n.call("events", new ObjectMapper().createObjectNode()).path("events")
                .forEach(e -> out.add(e.path("message").asText()));
        return out;
    }

    /** Every node gets the new haresources and reloads; n1's answer (it runs the group) must say {@code expected}. */
    private static void reloadEveryNode(List<DaemonNode> nodes, String stateName, String fake, String expected)
            throws Exception {
        for (DaemonNode n : nodes) {
            Files.writeString(n.haD.resolve("haresources"), haresources(n, stateName, fake));
        }
        for (DaemonNode n : nodes) {
            JsonNode answer = reload(n);
            if (n.name.equals("n1")) {
                assertTrue(answer.path("message").asText().contains(expected), answer.toString());
            }
        }
    }

    private static Object inode(Path p) throws Exception {
        return Files.getAttribute(p, "unix:ino");
    }

    @Test
    void changingAReloadableParameterReloadsTheAgentWithoutAStopOrAVipFlap() throws Exception {
        lab = Lab.create("ar-");
        lab.addBridge("br0");
        Path work = DaemonNode.freshWorkDir("it-agent-reload", "fake");
        List<DaemonNode> nodes = new ArrayList<>();
        for (String name : List.of("n1", "n2")) {
            Lab.Host h = lab.addHost(name).connect("br0", "eth0", "198.51.100." + (name.equals("n1") ? 11 : 12) + "/24");
            DaemonNode n = new DaemonNode(h, name, work);
            n.configure(HA_CF, SECRET, "");
            Files.writeString(n.haD.resolve("haresources"), haresources(n, "dummy.state", "a"));
            h.start(List.of("ip", "-o", "monitor", "address"), n.dir.resolve("ip-monitor.log"));
            nodes.add(n);
        }
        for (DaemonNode n : nodes) {
            n.start();
        }
        DaemonNode n1 = nodes.get(0);
        DaemonNode.awaitRunningOn(GROUP, "n1", WAIT, nodes.toArray(new DaemonNode[0]));
        Path state = n1.dir.resolve("dummy.state");
        assertTrue(Files.exists(state), "Dummy started: " + state);
        Object before = inode(state);

        reloadEveryNode(nodes, "dummy.state", "b", "reloaded in place " + GROUP + " (ocf:heartbeat:Dummy)");
        String newWord = dummy(n1, "dummy.state", "b");
        await("the reload ran on n1").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                events(n1).stream().anyMatch(e -> e.contains("reloaded " + newWord + " in place on n1")));
        await("the new word is monitored").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                n1.group(GROUP).map(g -> g.path("resources").toString().contains(newWord)
                        && g.path("resources").toString().contains("\"last_monitor\":\"success\"")).orElse(false));
        assertEquals("running", n1.phaseOf(GROUP));
        assertEquals("n1", n1.ownersOf(GROUP));
        assertEquals(before, inode(state), "Dummy was not stopped and started again (its state file is the same)");
        List<String> ev = events(n1);
        assertTrue(ev.stream().noneMatch(e -> e.startsWith("stopped ")), "no stop: " + ev);
        List<String> deleted = Files.readAllLines(n1.dir.resolve("ip-monitor.log")).stream()
                .filter(l -> l.startsWith("Deleted") && l.contains(" " + VIP + "/")).toList();
        assertEquals(List.of(), deleted, "the VIP never flapped");

        // state is unique="1": not reloadable, so this change restarts Dummy (the VIP stays)
        reloadEveryNode(nodes, "dummy2.state", "b", "changed " + GROUP + " (restarting from resource 2)");
        await("Dummy restarted with its new state file").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(n1.dir.resolve("dummy2.state")) && !Files.exists(state));
    }
}
