package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A takeover refused by the duplicate-address probe (the holder still has the VIP: a heartbeat
 * blip, a frozen holder) is evidence that the holder is alive, not a failure of this node. Seen
 * from node2; web = [web (the VIP), nginx], home node1.
 */
class ConflictScenarioTest {

    /** node1 runs web; then node2 stops hearing node1 and starts web, whose VIP node1 still holds. */
    static Scenario takeoverWhileNode1StillHoldsTheVip(int refusals) {
        Scenario s = HandoverScenarioTest.node2WithWebOnNode1();
        s.willConflict("start web/web", refusals);
        s.membership("node2");
        assertEquals(List.of("start web/web -> conflict"), s.settle());
        return s;
    }

    static boolean noFailureCounted(Scenario s) {
        return s.report().failures().isEmpty();
    }

    @Test
    void aRefusedStartCountsNoFailureAndIsRetriedUntilTheAddressIsFree() {
        Scenario s = takeoverWhileNode1StillHoldsTheVip(4);
        assertEquals(GroupPhase.STARTING, s.phase("web"), "node2 still means to run web");
        s.assertEvent("start of web on node2 refused (generic error: scripted), 1 time: another host still holds it,"
                + " so its holder is alive; not a failure of node2 (nothing counted), retrying every 1s");
        assertTrue(noFailureCounted(s), "no failcount: " + s.report().failures());
        s.advance(999);
        assertEquals(List.of(), s.settle(), "not before the retry interval");
        assertEquals(s.nowMs + 1, s.rm.nextTimerAtMs(), "the retry is a timer");
        for (int i = 0; i < 3; i++) {
            s.advance(1);
            assertEquals(List.of("start web/web -> conflict"), s.settle());
            s.advance(999);
        }
        assertTrue(noFailureCounted(s), "4 refusals, still no failure: " + s.report().failures());
        assertEquals("node2", s.rm.status(Now.at(s.nowMs)).groups().get(0).target(), "node2 stays eligible");
        s.advance(1);
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(), "the address is free: the takeover completes");
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        assertTrue(s.allActionsOf(ManagerAction.StartResource.class).stream().noneMatch(ManagerAction.StartResource::handover),
                "node1 never released web: every attempt probes");
    }

    /** The sequence: a blip, the takeover refused, the blip heals, then node1 really dies. */
    @Test
    void afterARefusedTakeoverTheStandbyStillTakesOverWhenTheHolderReallyDies() {
        Scenario s = takeoverWhileNode1StillHoldsTheVip(1);
        s.merge("node1", "node2");
        s.peer("node1").runs("web").report();
        assertEquals(List.of(), s.settle(), "node1 is back and keeps web; node2 had nothing up");
        assertEquals(GroupPhase.STOPPED, s.phase("web"));
        s.advance(5_000);
        assertEquals(List.of(), s.settle(), "node2 does not retry a start it no longer wants");
        // node1 loses power: its VIP is gone with it
        s.membership("node2");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        ManagerStatus.GroupStatus web = s.rm.status(Now.at(s.nowMs)).groups().get(0);
        assertEquals("node2", web.target(), web.reason());
        assertFalse(s.events().contains("no eligible node"), s.events());
        assertTrue(noFailureCounted(s));
    }

    @Test
    void noRetryWhileTheHolderThatCameBackHasNotReportedYet() {
        Scenario s = takeoverWhileNode1StillHoldsTheVip(1);
        s.merge("node1", "node2");
        s.advance(2_000);
        assertEquals(List.of(), s.settle(), "node1 is back: whether node2 is still the choice waits for its report");
        s.peer("node1").runs("web").report();
        s.advance(2_000);
        assertEquals(List.of(), s.settle(), "node1 keeps web");
        assertEquals(GroupPhase.STOPPED, s.phase("web"));
    }

    @Test
    void anOrdinaryStartFailureStillCountsTheWholeThreshold() {
        Scenario s = HandoverScenarioTest.node2WithWebOnNode1();
        s.willReturn("start web/web", io.lifeline.agent.OcfStatus.ERR_GENERIC);
        s.membership("node2");
        assertEquals(List.of("start web/web -> err_generic", "stop web/web"), s.settle());
        assertEquals(3, s.report().failures().get(0).count());
    }
}
