package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drop a JGroups coordinator makes on its own suspicion while another member still hears the
 * node (docs/leases.md, "The wait after a coordinator-driven drop"). n1 and n2 are cut from each
 * other, n3 hears both: n1, the coordinator, drops n2 and n3 follows its view although n2's
 * heartbeats still reach it and it confirmed them until then. n2's lease may run for up to one
 * lease length after n3's last confirmation, so n3 keeps n2 in the membership its manager sees
 * until then; nobody starts n2's group before n2 has stopped it. The group has no VIP, so no
 * duplicate-address probe can hold the start back, and its stop takes 250 ms.
 */
class OneSidedCutDaemonIT {

    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final String SECRET = "one-sided-it-secret-01234";
    private static final String GROUP = "slow";
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("os", "it-one-sided");

    @Test
    void noTakeoverBeforeTheDroppedNodesLeaseThroughItsBridgeHasEnded() throws Exception {
        lab.open("coordinator-drop");
        String haCf = DaemonLab.haCf("1s", "600ms", false) + "node n3\n";
        DaemonNode n1 = lab.node("n1", "198.51.100.11").configure(haCf, SECRET, "n2 " + GROUP + "\n");
        DaemonNode n2 = lab.node("n2", "198.51.100.12").configure(haCf, SECRET, "n2 " + GROUP + "\n");
        DaemonNode n3 = lab.node("n3", "198.51.100.13").configure(haCf, SECRET, "n2 " + GROUP + "\n");
        for (DaemonNode n : List.of(n1, n2, n3)) {
            // the budget counts the longest start of a resource never stopped here: 400 ms covers the 250 ms stop
            n.withSlowMarkerScript(GROUP, "0.4", "0.25");
        }
        // n1 first, so it coordinates, and n3 before n2, so that n3 and not n2 is next in line
        n1.start();
        await("n1 up alone").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> n1.tryStatus().isPresent());
        n3.start();
        await("n3 joined n1").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> n1.stateOf("n3").equals("up"));
        n2.start();
        DaemonNode.awaitRunningOn(GROUP, "n2", WITHIN, n1, n2, n3);
        await("n2 holds a quorum lease").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> n2.tryStatus().map(st -> st.path("quorum_lease").path("held").asBoolean()).orElse(false));

        cutFrom(n1, "198.51.100.12");
        cutFrom(n2, "198.51.100.11");
        try {
            await("n2's group runs elsewhere").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                    .until(() -> !n2.runsMarker(GROUP) && (n1.runsMarker(GROUP) || n3.runsMarker(GROUP)));
            DaemonNode taker = n1.runsMarker(GROUP) ? n1 : n3;
            // one host, one clock: the stop ended before the start began (without the hold, 2026-12-07:
            // n1 began to start it 384 ms before n2's stop ended)
            LocalDateTime stopped = lastLineAt(n2, "stopped " + GROUP + " on n2");
            LocalDateTime starting = lastLineAt(taker, "starting " + GROUP + " on " + taker.name);
            assertTrue(stopped.isBefore(starting), "n2 stopped " + GROUP + " at " + stopped + ", "
                    + taker.name + " began to start it at " + starting);
            assertTrue(n3.logText().contains("node n2: dropped from the membership while this node still heard it"),
                    "n3, the bridge, dropped n2 on the coordinator's word and held the drop:\n" + n3.logText());
        } finally {
            uncut(n1);
            uncut(n2);
        }
        await("n1 and n2 hear each other again").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> n1.stateOf("n2").equals("up") && n2.stateOf("n1").equals("up"));
        await("one owner").atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() ->
                (n1.runsMarker(GROUP) ? 1 : 0) + (n2.runsMarker(GROUP) ? 1 : 0) + (n3.runsMarker(GROUP) ? 1 : 0) == 1);
        assertFalse(n1.runsMarker(GROUP) && n3.runsMarker(GROUP));
    }

    /** Drops everything {@code node} receives from {@code address}, ARP included. */
    private static void cutFrom(DaemonNode node, String address) {
        node.host.sh("nft add table inet llone"
                + " && nft add chain inet llone in '{ type filter hook input priority 0; policy accept; }'"
                + " && nft add rule inet llone in ip saddr " + address + " drop"
                + " && nft add table arp llone"
                + " && nft add chain arp llone in '{ type filter hook input priority 0; policy accept; }'"
                + " && nft add rule arp llone in arp saddr ip " + address + " drop");
    }

    private static void uncut(DaemonNode node) {
        node.host.shResult("nft delete table inet llone; nft delete table arp llone");
    }

    private static LocalDateTime lastLineAt(DaemonNode node, String fragment) {
        String line = node.logText().lines().filter(l -> l.contains(fragment)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(node.name + " never logged '" + fragment + "'"));
        return LocalDateTime.parse(line.substring(0, 23), LOG_TIME);
    }
}
