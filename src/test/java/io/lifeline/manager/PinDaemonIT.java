package io.lifeline.manager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins never beat connectivity, with real daemons: n1 takes over n2's group with {@code hactl
 * takeover} (a pin), then loses its ping node; the group moves to n2 although the pin stays
 * (status shows it not in effect), and {@code unpin} clears it on both nodes. Before 2026-12-06 the
 * pin kept the group on the node that could no longer reach its clients (52 s and more, until a new
 * command).
 */
class PinDaemonIT {

    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration MOVE = Duration.ofSeconds(40);
    private static final String SECRET = "pin-it-secret-0123456";
    private static final String VIP = "198.51.100.120";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("p", "it-pin");

    private static JsonNode pinOf(DaemonNode n) throws Exception {
        for (JsonNode p : n.status().path("pins")) {
            if (p.path("group").asText().equals(GROUP)) {
                return p;
            }
        }
        return null;
    }

    private static int pingScoreSum(DaemonNode n) throws Exception {
        int sum = 0;
        for (JsonNode node : n.status().path("nodes")) {
            sum += node.path("ping_score").asInt();
        }
        return sum;
    }

    @Test
    void aPinnedNodeThatLosesItsPingNodeGivesTheGroupAwayAndUnpinClearsThePin() throws Exception {
        lab.open("ping");
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        lab.host("gw", "198.51.100.1"); // the router both nodes ping
        List<DaemonNode> nodes = new ArrayList<>();
        for (Lab.Host h : List.of(h1, h2)) {
            nodes.add(lab.node(h).configure(DaemonLab.haCf("1s", "600ms") + """
                    ping 198.51.100.1
                    deadping 1s
                    resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s
                    """, SECRET, "n2 " + GROUP + "\n").start());
        }
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        DaemonNode.awaitRunningOn(GROUP, "n2", FORM, n1, n2);
        await("both reach the ping node").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> pingScoreSum(n2) == 2);

        n1.call("takeover", new ObjectMapper().createObjectNode().put("what", GROUP));
        DaemonNode.awaitRunningOn(GROUP, "n1", MOVE, n1, n2);
        JsonNode pin = pinOf(n2);
        assertEquals("n1", pin.path("node").asText(), "the pin is replicated to n2");
        assertEquals("n1", pin.path("set_on").asText());

        // n1 can no longer reach the router; the cluster links are fine: connectivity beats the pin
        h1.sh("nft add table inet llping && nft add chain inet llping out '{ type filter hook output priority 0; }'"
                + " && nft add rule inet llping out ip daddr 198.51.100.1 drop");
        DaemonNode.awaitRunningOn(GROUP, "n2", MOVE, n1, n2);
        await("the VIP left n1").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> !h1.hasAddress("eth0", VIP));
        await("status shows the pin, not in effect").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> pinOf(n1) != null && pinOf(n1).path("in_effect").isBoolean()
                        && !pinOf(n1).path("in_effect").asBoolean());
        assertTrue(n2.logText().contains("the operator's pin to n1 is set aside (n1 reaches fewer ping targets)")
                || n1.logText().contains("the operator's pin to n1 is set aside (n1 reaches fewer ping targets)"));

        JsonNode answer = n2.call("unpin", new ObjectMapper().createObjectNode().put("group", "all"));
        assertEquals("unpin: cleared " + GROUP + " (was pinned to n1) on every node; placement decides again",
                answer.path("message").asText());
        await("the unpin reaches n1").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> pinOf(n1) == null && pinOf(n2) == null);

        // connectivity back: without the pin, the group stays home on n2
        h1.sh("nft delete table inet llping");
        await("both reach the ping node again").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                .until(() -> pingScoreSum(n2) == 2);
        assertEquals("n2", n1.ownersOf(GROUP));
        assertFalse(h1.hasAddress("eth0", VIP));
    }
}
