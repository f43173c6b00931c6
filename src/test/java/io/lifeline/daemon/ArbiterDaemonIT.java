package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pair with an arbiter (issue 16 item 3): the witness runs {@code hactl arbiter} without the
 * resource's script installed, votes, and decides a split of the pair: the node cut off from both
 * has 1 vote of 3 and stops its group; its peer, with the witness, has 2 and takes it over.
 * Without the witness both halves of a pair run the group (Heartbeat's behaviour).
 */
class ArbiterDaemonIT {

    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final String SECRET = "arbiter-it-secret-0123456";
    private static final String MARKER = "marker";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("ab", "it-arbiter");

    /** The two-node head, a third node line for the witness, and the arbiter line. */
    private static String haCf() {
        return DaemonLab.haCf("1s", "600ms", false) + "node witness\narbiter witness\n";
    }

    @Test
    void theArbiterDecidesASplitOfThePair() throws Exception {
        lab.open("split");
        DaemonNode n1 = node("n1", "198.51.100.11").withMarkerScript(MARKER);
        DaemonNode n2 = node("n2", "198.51.100.12").withMarkerScript(MARKER);
        DaemonNode witness = node("witness", "198.51.100.13"); // no resource.d at all: an arbiter needs no agents
        n1.start();
        n2.start();
        witness.startAsArbiter();
        DaemonNode.awaitRunningOn(MARKER, "n1", WITHIN, n1, n2, witness);
        assertTrue(witness.logText().contains("this node is an arbiter"), witness.logText());
        assertFalse(witness.runsMarker(MARKER));
        // a reload on the witness does not look for the resource scripts it does not have
        io.lifeline.lab.Lab.Shell.Result reload = witness.hactl("reload");
        assertEquals(0, reload.exitCode(), reload.output());

        // the quorum lease's evidence (docs/leases.md): 3 nodes, so a majority is 2, this node and one confirmation
        await("n1 holds a quorum lease confirmed by a peer").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> n1.tryStatus().map(st -> st.path("quorum_lease").path("held").asBoolean()
                        && st.path("quorum_lease").path("confirmed_by").size() == 1).orElse(false));

        n1.host.isolate();
        try {
            await("nothing confirms the isolated n1's heartbeats").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                    .until(() -> !n1.status().path("quorum_lease").path("held").asBoolean(true));
            await("n1, cut off from n2 and the witness (1 vote of 3), stops the group").atMost(WITHIN)
                    .pollInterval(Duration.ofMillis(100)).until(() -> !n1.runsMarker(MARKER));
            DaemonNode.awaitRunningOn(MARKER, "n2", WITHIN, n2, witness);
            assertTrue(n2.runsMarker(MARKER));
            assertFalse(n1.runsMarker(MARKER), "never on both once the split is decided");
            // The timeline from both logs (one host, one clock): the minority stopped before the
            // majority started, because n1's lease ran out before n2 could drop it (docs/leases.md).
            LocalDateTime stopped = lastLineAt(n1, "stopped " + MARKER + " on n1");
            LocalDateTime started = lastLineAt(n2, "started " + MARKER + " on n2");
            assertTrue(stopped.isBefore(started), "n1 stopped the group at " + stopped + ", n2 started it at " + started);
            assertTrue(n1.logText().contains("quorum lease ending"), "n1 stopped on its lease, not on its membership");
        } finally {
            n1.host.rejoin();
        }
        await("n1 back in the membership").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.stateOf("n2").equals("up") && n1.stateOf("witness").equals("up"));
        DaemonNode.awaitRunningOn(MARKER, "n2", WITHIN, n1, n2, witness);
        assertFalse(n1.runsMarker(MARKER));
        assertFalse(witness.runsMarker(MARKER));
    }

    /** The time stamp of the last log line containing {@code fragment}. */
    private static LocalDateTime lastLineAt(DaemonNode node, String fragment) {
        String line = node.logText().lines().filter(l -> l.contains(fragment)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(node + " never logged '" + fragment + "'"));
        return LocalDateTime.parse(line.substring(0, 23), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"));
    }

    private DaemonNode node(String name, String address) throws Exception {
        return lab.node(name, address).configure(haCf(), SECRET, "n1 " + MARKER + "\n");
    }
}
