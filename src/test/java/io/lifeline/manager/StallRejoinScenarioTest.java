package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After a stall whose freeze did not cost this node its membership, it rejoins as soon as every
 * peer's answer to its "rejoining" report shows the peer still counts it (docs/manager.md,
 * "Early rejoin"), instead of waiting {@code stall_rejoin_wait} for a membership that never
 * comes. In the scenarios deadtime is 10 s, so the probe goes out 20 s after the stall; the wait
 * is set to 60 s so that the two are apart.
 * On the old rule every test here waited the whole 60 s (the 500-fault run at 1c1a70f: freeze
 * outages up to 10.2 s with the default 10 s).
 */
class StallRejoinScenarioTest {

    private static Scenario stalled(String... peers) {
        Scenario s = PartitionScenarioTest.running(Scenario.cluster(all("node1", peers))
                .group("node1", "web", "nginx").settings(x -> x.withStallRejoinWait(Duration.ofSeconds(60))), peers);
        for (String p : peers) {
            s.peer(p).sees(all("node1", peers));
        }
        s.stall(11_000);
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        return s;
    }

    private static String[] all(String first, String... rest) {
        String[] a = new String[rest.length + 1];
        a[0] = first;
        System.arraycopy(rest, 0, a, 1, rest.length);
        return a;
    }

    @Test
    void peersThatStillCountTheNodeLetItRejoinAfterDeadtime() {
        Scenario s = stalled("node2", "node3");
        s.peer("node2").report();
        s.peer("node3").report();
        assertEquals(List.of(), s.settle(), "before deadtime a peer may still declare node1 dead: no rejoin yet");
        assertFalse(s.report().rejoining(), "no probe before deadtime");
        s.advance(10_000);
        assertFalse(s.report().rejoining(), "nor at deadtime: a loaded peer may decide late");

        s.advance(10_000); // twice deadtime after the stall: every peer's verdict is in
        assertTrue(s.report().rejoining(), "the probe asks every member for an answer");
        s.peer("node2").report();
        assertEquals(List.of(), s.settle(), "node3 has not answered yet");
        assertFalse(s.report().rejoining(), "only the probe is marked: an answer is never itself answered");
        s.peer("node3").report();
        s.assertEvent("node2, node3 still count node1 as a member after the stall");
        assertFalse(s.report().rejoining());
        s.peer("node2").report();
        s.peer("node3").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(), "home again 20 s after the stall, not 60");
    }

    @Test
    void aPeerThatDeclaredTheNodeDeadKeepsItWaiting() {
        Scenario s = stalled("node2");
        s.advance(20_000);
        s.peer("node2").sees("node2").runs("web").report(); // it took web over and does not list node1
        assertEquals(List.of(), s.settle());
        s.advance(20_000);
        s.peer("node2").report();
        assertEquals(List.of(), s.settle(), "still waiting for the merge (or the 60 s)");
        s.merge("node1", "node2"); // node2 merged node1 back: a new membership ends the stall as before
        s.assertEvent("rejoined the cluster after the stall");
    }

    @Test
    void anAnswerToAReportFromBeforeTheProbeDoesNotCount() {
        Scenario s = stalled("node2");
        s.peer("node2").report(); // answers node1's stall report, sent before the probe
        s.advance(20_000);
        s.peer("node2").withoutConfirming().report(); // a report that has not seen the probe
        assertEquals(List.of(), s.settle());
        assertTrue(s.rm.status(Now.at(s.nowMs)).stalled(), "still recovering: node2 has not answered the probe");
    }

    @Test
    void aPeerThatDoesNotSayItsMembershipCannotVouch() {
        Scenario s = stalled("node2");
        s.peer("node2").sees(); // a node built before the members field
        s.advance(20_000);
        s.peer("node2").report();
        assertEquals(List.of(), s.settle());
        s.advance(40_000);
        s.assertEvent("no new membership within 1min after the stall");
    }

    @Test
    void aRejoiningReportIsAnsweredOnceByEveryMember() {
        StateReport probe = new StateReport("node2", "node2-inc1", 7, 1, false, 0, GroupScope.NONE, java.util.Map.of(),
                List.of(), java.util.Map.of(), ClusterRegisters.EMPTY, List.of(), List.of("node1", "node2"), true);
        java.util.Map<String, StateReport> reports = java.util.Map.of("node2", probe);
        assertTrue(ReportScheduler.ackOwed(null, "node1", List.of("node1", "node2"), reports));
        StateReport answered = new StateReport("node1", "node1-inc1", 3, 2, true, 0, GroupScope.NONE, java.util.Map.of(),
                List.of(), java.util.Map.of("node2", new StateReport.SeenMark("node2-inc1", 7)), ClusterRegisters.EMPTY,
                List.of(), List.of("node1", "node2"));
        assertFalse(ReportScheduler.ackOwed(answered, "node1", List.of("node1", "node2"), reports), "once, not per report");
    }
}
