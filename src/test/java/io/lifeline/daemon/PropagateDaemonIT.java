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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One configuration across nodes (docs/propagate.md) on two real daemons in network namespaces:
 * a haresources and authkeys difference shows in both nodes' status and events, naming the file
 * and the group; {@code hactl propagate} installs n1's files on n2 (keeping n2's node-local ha.cf
 * lines and a backup) and reloads there, after which the digests agree; a peer without
 * {@code propagate on} refuses, saying so. And a group's short name in status and a command.
 */
class PropagateDaemonIT {

    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(40);
    private static final String SECRET = "propagate-it-secret-0123";
    private static final String G1 = "IPaddr2::198.51.100.121/24/eth0";
    private static final String G2 = "IPaddr2::198.51.100.122/24/eth0";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("op-pr-", "it-propagate");

    private static String haCf(String extra) {
        return DaemonLab.haCf("2s", "1s") + """
                report_interval 1s
                resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s
                """ + extra;
    }

    private static JsonNode configOf(DaemonNode n) throws Exception {
        return n.status().path("config");
    }

    private static String differsOn(DaemonNode observer, String peer) throws Exception {
        for (JsonNode p : configOf(observer).path("peers")) {
            if (p.path("node").asText().equals(peer)) {
                return p.path("differs").toString();
            }
        }
        return "(not reported)";
    }

    private static String events(DaemonNode n) throws Exception {
        return n.call("events", new ObjectMapper().createObjectNode()).toString();
    }

    @Test
    void aDifferenceShowsAndPropagateInstallsAndReloadsOnThePeer() throws Exception {
        lab.open("propagate");
        DaemonNode n1 = lab.node("n1", "198.51.100.21");
        DaemonNode n2 = lab.node("n2", "198.51.100.22");
        List<DaemonNode> nodes = List.of(n1, n2);
        n1.configure(haCf("propagate on\n"), SECRET, "n1 " + G1 + "\nn1 " + G2 + "\n");
        // n2: a group less, one key more, and a node-local directive of its own that must survive
        n2.configure(haCf("propagate on\nevent_log_size 300\n"), SECRET, "n1 " + G1 + "\n");
        Files.writeString(n2.haD.resolve("authkeys"), "auth 1\n1 sha256 " + SECRET + "\n2 sha256 another-key-4567\n");
        for (DaemonNode n : nodes) {
            n.start();
        }
        DaemonNode.awaitRunningOn(G1, "n1", FORM, n1, n2);

        await("n1 names n2's differing files and the group").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                .until(() -> differsOn(n1, "n2").equals("[\"haresources (" + G2 + ": only here)\",\"authkeys\"]"));
        await("n2 names n1's differing files and the group").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                .until(() -> differsOn(n2, "n1").equals("[\"haresources (" + G2 + ": only there)\",\"authkeys\"]"));
        assertFalse(configOf(n1).path("same_everywhere").asBoolean());
        assertTrue(events(n1).contains("node n2's configuration differs from this node's: haresources (" + G2
                + ": only here), authkeys"), events(n1));

        JsonNode answer = n1.call("propagate", new ObjectMapper().createObjectNode());
        assertTrue(answer.path("applied_everywhere").asBoolean(), answer.toPrettyString());
        assertTrue(answer.path("peers").get(0).path("message").asText().startsWith("installed and reloaded"),
                answer.toPrettyString());

        assertEquals(Files.readString(n1.haD.resolve("haresources")), Files.readString(n2.haD.resolve("haresources")));
        assertEquals(Files.readString(n1.haD.resolve("authkeys")), Files.readString(n2.haD.resolve("authkeys")));
        assertEquals("n1 " + G1 + "\n", Files.readString(n2.haD.resolve("haresources.bak")), "the old file is kept");
        String n2HaCf = Files.readString(n2.haD.resolve("ha.cf"));
        assertTrue(n2HaCf.contains("event_log_size 300") && n2HaCf.contains("bcast eth0"), n2HaCf);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(n2.haD.resolve("authkeys"))));
        await("the digests agree").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                .until(() -> configOf(n1).path("same_everywhere").asBoolean()
                        && configOf(n2).path("same_everywhere").asBoolean());
        assertTrue(events(n2).contains("hactl propagate from n1: files installed"), events(n2));
        assertTrue(events(n1).contains("node n2 runs the same configuration as this node again"), events(n1));
        DaemonNode.awaitRunningOn(G2, "n1", SETTLE, n1, n2);
        assertEquals("n1", n1.ownersOf(G1));
        assertEquals("up", n1.stateOf("n2"));

        // n2 turns propagation off (a node-local directive: the digests still agree); n1's next try is refused
        Files.writeString(n2.haD.resolve("ha.cf"), n2HaCf.replace("propagate on", "propagate off"));
        JsonNode reloaded = new io.lifeline.control.ControlClient(n2.socket, 120_000).call("reload",
                new ObjectMapper().createObjectNode());
        assertTrue(reloaded.path("applied").asBoolean(), reloaded.toPrettyString());
        Lab.Shell.Result cli = n1.hactl("propagate");
        assertEquals(1, cli.exitCode(), cli.output());
        assertTrue(cli.output().contains("n2: refused: propagate is off in n2's ha.cf"), cli.output());
        assertTrue(configOf(n1).path("same_everywhere").asBoolean());
        assertTrue(n1.alive() && n2.alive());

        // short group names: shown in status, accepted by commands (failover by the VIP's address)
        assertEquals("198.51.100.121", n1.group(G1).orElseThrow().path("short_name").asText());
        JsonNode moved = n1.call("failover", new ObjectMapper().createObjectNode().put("group", "198.51.100.121"));
        assertTrue(moved.path("message").asText().contains(G1), moved.toPrettyString());
        DaemonNode.awaitRunningOn(G1, "n2", SETTLE, n1, n2);
    }
}
