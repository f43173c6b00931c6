package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Membership as the manager gets it from the cluster layer, with real daemons in namespaces
 * ({@code ll-rt*}): a node that boots alone, and a node that was frozen.
 */
class MembershipDaemonIT {

    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final String SECRET = "membership-it-secret-0123";
    private static final String VIP = "198.51.100.110";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";

    private Lab lab;

    @AfterEach
    void cleanUp() {
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
                """;
    }

    private static boolean hasVip(Lab.Host h) {
        return h.shResult("ip -o addr show dev eth0").output().contains(" " + VIP + "/");
    }

    /**
     * Regression (issue 14, item 1): node n2 boots while n1 (the group's home) stays down. After
     * initdead it must hold the VIP and its status must show a membership; it used to say "no
     * membership yet" for ever.
     */
    @Test
    void aNodeBootingAloneStartsItsGroupsAfterInitdead() throws Exception {
        lab = Lab.create("rt");
        lab.addBridge("br0");
        Path work = DaemonNode.freshWorkDir("it-membership", "alone");
        Lab.Host h2 = lab.addHost("n2").connect("br0", "eth0", "198.51.100.12/24");
        DaemonNode n2 = new DaemonNode(h2, "n2", work).configure(haCf(), SECRET, "n1 " + GROUP + "\n").start();

        await("n2 adds the VIP after initdead").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> hasVip(h2));
        JsonNode status = n2.status();
        assertEquals("[\"n2\"]", status.path("manager").path("members").toString(), status.toPrettyString());
        assertEquals("dead", DaemonNode.nodeEntry(status, "n1").path("state").asText());
        DaemonNode.awaitRunningOn(GROUP, "n2", WITHIN, n2);
        assertTrue(n2.logText().contains("membership [n2]"), "the cluster layer names the membership it hands on");
    }
}
