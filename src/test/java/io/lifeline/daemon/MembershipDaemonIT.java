package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Membership as the manager gets it from the cluster layer, with real daemons in namespaces
 * ({@code ll-rt*}): a node that boots alone, and a node that was frozen.
 */
class MembershipDaemonIT {

    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final String SECRET = "membership-it-secret-0123";
    private static final String VIP = "198.51.100.110";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";
    /** A Heartbeat-style script resource (same word on every node, state kept in the node's directory). */
    private static final String MARKER = "marker";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("rt", "it-membership");

    private static String haCf() {
        return DaemonLab.haCf("1s", "600ms", false);
    }

    private static boolean hasVip(Lab.Host h) {
        return h.hasAddress("eth0", VIP);
    }

    /**
     * Regression (issue 14, item 1): node n2 boots while n1 (the group's home) stays down. After
     * initdead it must hold the VIP and its status must show a membership; it used to say "no
     * membership yet" for ever.
     */
    @Test
    void aNodeBootingAloneStartsItsGroupsAfterInitdead() throws Exception {
        lab.open("alone");
        DaemonNode n2 = lab.node("n2", "198.51.100.12").configure(haCf(), SECRET, "n1 " + GROUP + "\n").start();

        await("n2 adds the VIP after initdead").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> hasVip(n2.host));
        JsonNode status = n2.status();
        assertEquals("[\"n2\"]", status.path("manager").path("members").toString(), status.toPrettyString());
        assertEquals("dead", DaemonNode.nodeEntry(status, "n1").path("state").asText());
        DaemonNode.awaitRunningOn(GROUP, "n2", WITHIN, n2);
        assertTrue(n2.logText().contains("membership [n2]"), "the cluster layer names the membership it hands on");
        Path dump = Path.of(n2.call("debug_inputs", null).path("file").asText());
        Files.copy(dump, lab.work().resolve("n2-inputs.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The manager boots while the links join, not after (issue 20, a restarted node home fast): a
     * node that starts alone waits a whole join timeout for a coordinator before its link is up,
     * and its manager has probed its resources long before. It used to start only once the links
     * were up, so every probe and agent warm-up came after the join.
     */
    @Test
    void theManagerProbesItsResourcesWhileTheLinksJoin() throws Exception {
        lab.open("early");
        DaemonNode n2 = lab.node("n2", "198.51.100.12").configure(haCf(), SECRET, "n1 " + GROUP + "\n").start();

        Pattern linkUp = Pattern.compile("link \\S+ up: bound to");
        await("n2's link is up").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> linkUp.matcher(n2.logText()).find());
        String log = n2.logText();
        Matcher up = linkUp.matcher(log);
        assertTrue(up.find());
        int probed = log.indexOf("probe " + GROUP);
        assertTrue(probed >= 0 && probed < up.start(),
                "the probe of " + GROUP + " comes before the link is up:\n" + log);
    }

    /**
     * Regression (issue 14, item 12): n1 is frozen (SIGSTOP) until n2 declared it dead and took its
     * group over. Back, n1 releases everything and must rejoin as soon as its links re-form (a merge
     * view: a fresh membership snapshot), not after the whole stall_rejoin_wait (10 s) it used to
     * wait because its own set of alive nodes never changed.
     */
    @Test
    void aFrozenNodeRejoinsWhenItsLinksReformNotAfterStallRejoinWait() throws Exception {
        lab.open("frozen");
        List<DaemonNode> nodes = new ArrayList<>();
        for (String name : List.of("n1", "n2")) {
            DaemonNode n = lab.node(name, "198.51.100." + (10 + nodes.size() + 1));
            // the freeze lasts about deadtime (1 s) plus the takeover: a stall at a threshold of 500 ms
            n.configure(haCf() + "stall_threshold 500ms\n", SECRET, "n1 " + MARKER + "\n");
            n.withMarkerScript(MARKER);
            nodes.add(n.start());
        }
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        DaemonNode.awaitRunningOn(MARKER, "n1", WITHIN, n1, n2);
        assertTrue(n1.status().path("quorum_lease").isNull(), "a pair has no quorum rule, so no lease");
        n1.freeze();
        try {
            await("n2 takes the group over from the frozen n1").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                    .until(() -> n2.ownersOf(MARKER).equals("n2") && n2.phaseOf(MARKER).equals("running"));
        } finally {
            n1.thaw();
        }
        long thawed = System.nanoTime();
        await("n1 saw its stall").atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> n1.logText().contains("was frozen for"));
        await("n1 rejoins").atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> n1.tryStatus().map(st -> !st.path("manager").path("stalled").asBoolean(true))
                        .orElse(false));
        long rejoinMs = (System.nanoTime() - thawed) / 1_000_000;
        System.out.println("n1 rejoined " + rejoinMs + " ms after SIGCONT");
        assertTrue(n1.logText().contains("rejoined the cluster after the stall"), n1.logText());
        assertFalse(n1.logText().contains("no new membership within"), "did not wait for stall_rejoin_wait");
        assertTrue(rejoinMs < 8_000, "rejoined " + rejoinMs + " ms after SIGCONT (stall_rejoin_wait is 10 s)");

        // the input journal shows it: hactl debug inputs writes a dump a scenario test can replay
        String said = n1.host.sh(Path.of(System.getProperty("java.home"), "bin", "java") + " -jar "
                + System.getProperty("lifeline.jar") + " debug inputs --socket " + n1.socket);
        Matcher m = Pattern.compile("(\\d+) inputs .* written to (\\S+)").matcher(said);
        assertTrue(m.find(), said);
        Path dump = Path.of(m.group(2));
        String text = Files.readString(dump);
        assertTrue(text.contains("\"type\":\"StallDetected\""), text);
        Files.copy(dump, lab.work().resolve("n1-inputs.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    }
}
