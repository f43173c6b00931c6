package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    private Lab lab;

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String haCf() {
        return """
                keepalive 200ms
                deadtime 1s
                warntime 600ms
                initdead 4s
                udpport 694
                bcast eth0
                auto_failback off
                realtime off
                node n1
                node n2
                node witness
                arbiter witness
                """;
    }

    private static void writeMarkerScript(DaemonNode n) throws Exception {
        Path script = Files.createDirectories(n.haD.resolve("resource.d")).resolve(MARKER);
        Files.writeString(script, """
                #!/bin/sh
                F=%s/marker.state
                case "$1" in
                  start) touch "$F" ;;
                  stop) rm -f "$F" ;;
                  status) if [ -e "$F" ]; then echo running; else echo stopped; fi ;;
                esac
                """.formatted(n.dir));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static boolean runs(DaemonNode n) {
        return Files.exists(n.dir.resolve("marker.state"));
    }

    @Test
    void theArbiterDecidesASplitOfThePair() throws Exception {
        lab = Lab.create("ab");
        lab.addBridge("br0");
        Path work = DaemonNode.freshWorkDir("it-arbiter", "split");
        DaemonNode n1 = node("n1", "198.51.100.11/24", work);
        DaemonNode n2 = node("n2", "198.51.100.12/24", work);
        DaemonNode witness = node("witness", "198.51.100.13/24", work);
        writeMarkerScript(n1);
        writeMarkerScript(n2); // the witness has no resource.d at all: an arbiter needs no agents
        n1.start();
        n2.start();
        witness.startAsArbiter();
        DaemonNode.awaitRunningOn(MARKER, "n1", WITHIN, n1, n2, witness);
        assertTrue(witness.logText().contains("this node is an arbiter"), witness.logText());
        assertFalse(runs(witness));

        n1.host.isolate();
        try {
            await("n1, cut off from n2 and the witness (1 vote of 3), stops the group").atMost(WITHIN)
                    .pollInterval(Duration.ofMillis(100)).until(() -> !runs(n1));
            DaemonNode.awaitRunningOn(MARKER, "n2", WITHIN, n2, witness);
            assertTrue(runs(n2));
            assertFalse(runs(n1), "never on both once the split is decided");
        } finally {
            n1.host.rejoin();
        }
        await("n1 back in the membership").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.stateOf("n2").equals("up") && n1.stateOf("witness").equals("up"));
        DaemonNode.awaitRunningOn(MARKER, "n2", WITHIN, n1, n2, witness);
        assertFalse(runs(n1));
        assertFalse(runs(witness));
    }

    private DaemonNode node(String name, String cidr, Path work) throws Exception {
        Lab.Host h = lab.addHost(name).connect("br0", "eth0", cidr);
        return new DaemonNode(h, name, work).configure(haCf(), SECRET, "n1 " + MARKER + "\n");
    }
}
