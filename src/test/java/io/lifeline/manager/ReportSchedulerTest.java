package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report schedule on its own (docs/protocol.md, "When a node sends"). */
class ReportSchedulerTest {

    static final long INTERVAL = 5_000;

    private static StateReport report(String node, long seq, Map<String, StateReport.GroupReport> groups,
                                      Map<String, StateReport.SeenMark> seen) {
        return new StateReport(node, node + "-inc", seq, seq, true, 0, GroupScope.NONE, groups, List.of(), seen,
                ClusterRegisters.EMPTY, List.of());
    }

    private static Map<String, StateReport.GroupReport> claiming(long claimSeq) {
        return Map.of("web", new StateReport.GroupReport(GroupPhase.CLAIMING, false, List.of(ResourceState.STOPPED),
                claimSeq));
    }

    @Test
    void threeChangesGoAtOnceThenOnePerGap() {
        ReportScheduler s = ReportScheduler.paced();
        for (int i = 0; i < ReportScheduler.BURST; i++) {
            assertTrue(s.sendNow(100, true, false, INTERVAL), "burst report " + i);
            s.sent(100);
        }
        assertFalse(s.sendNow(100, true, false, INTERVAL), "held back");
        long due = s.nextDueAtMs(INTERVAL);
        assertEquals(100 + ReportScheduler.GAP_MS, due, "the held-back report falls due when the pacing allows");
        assertFalse(s.sendNow(due - 1, true, false, INTERVAL));
        assertTrue(s.sendNow(due, true, false, INTERVAL), "sent then, with the state of then");
        s.sent(due);
        assertEquals(due + INTERVAL, s.nextDueAtMs(INTERVAL), "then only the periodic one");
    }

    @Test
    void anAcknowledgementWaitsForMoreClaimsUnlessAReportGoesOutMeanwhile() {
        ReportScheduler s = ReportScheduler.paced();
        assertTrue(s.sendNow(0, true, false, INTERVAL));
        s.sent(0);
        assertFalse(s.sendNow(1_000, false, true, INTERVAL), "a claim arrived: not at once");
        assertEquals(1_000 + ReportScheduler.ACK_DELAY_MS, s.nextDueAtMs(INTERVAL));
        assertFalse(s.sendNow(1_010, false, true, INTERVAL), "another claim: still the same deadline");
        assertEquals(1_000 + ReportScheduler.ACK_DELAY_MS, s.nextDueAtMs(INTERVAL));
        assertTrue(s.sendNow(1_000 + ReportScheduler.ACK_DELAY_MS, false, true, INTERVAL), "one report answers both");
        s.sent(1_000 + ReportScheduler.ACK_DELAY_MS);

        assertFalse(s.sendNow(2_000, false, true, INTERVAL));
        assertTrue(s.sendNow(2_005, true, true, INTERVAL), "a change goes at once and carries the acknowledgement");
        s.sent(2_005);
        assertFalse(s.sendNow(2_005 + ReportScheduler.ACK_DELAY_MS, false, false, INTERVAL), "nothing owed any more");
    }

    @Test
    void aClaimIsOwedOneAcknowledgementNotOnePerLaterReportOfItsClaimant() {
        List<String> members = List.of("node1", "node2");
        StateReport claim = report("node2", 7, claiming(7), Map.of());
        StateReport mineBefore = report("node1", 3, Map.of(), Map.of("node2", new StateReport.SeenMark("node2-inc", 6)));
        assertTrue(ReportScheduler.ackOwed(mineBefore, "node1", members, Map.of("node2", claim)));
        StateReport mineAfter = report("node1", 4, Map.of(), Map.of("node2", new StateReport.SeenMark("node2-inc", 7)));
        assertFalse(ReportScheduler.ackOwed(mineAfter, "node1", members, Map.of("node2", claim)));
        // the claimant reports again (e.g. it acknowledges someone else), still claiming since seq 7
        StateReport again = report("node2", 9, claiming(7), Map.of());
        assertFalse(ReportScheduler.ackOwed(mineAfter, "node1", members, Map.of("node2", again)),
                "already acknowledged: no new round");
        // a claim without claimSeq (a node built before it): every new report of it is acknowledged, as before
        StateReport old = report("node2", 9, claiming(0), Map.of());
        assertTrue(ReportScheduler.ackOwed(mineAfter, "node1", members, Map.of("node2", old)));
        // a peer outside the membership is owed nothing yet
        assertFalse(ReportScheduler.ackOwed(mineBefore, "node1", List.of("node1"), Map.of("node2", claim)));
    }
}
