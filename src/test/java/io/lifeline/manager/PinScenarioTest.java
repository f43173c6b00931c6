package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Operator pins (takeover, failover) never beat eligibility or connectivity; hactl unpin clears them. */
class PinScenarioTest {

    /** node2 (local) took web over from node1 (its home) with hactl takeover: web is pinned to node2. */
    static Scenario webPinnedToNode2() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").local("node2").start();
        s.settle();
        s.connectivity(2);
        s.membership("node1", "node2");
        s.peer("node1").score(2).runs("web").report();
        s.peer("node1").report();
        s.settle();
        s.command(new OperatorCommand.TakeoverGroup("web"));
        s.peer("node1").releases("web").report();
        s.peer("node1").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        return s;
    }

    static ManagerAction.AnswerCommand answer(Scenario s) {
        return s.lastOf(ManagerAction.AnswerCommand.class).get(0);
    }

    @Test
    void aPinnedNodeThatLosesItsPingNodesGivesTheGroupAway() {
        Scenario s = webPinnedToNode2();
        s.connectivity(0);
        s.peer("node1").report();
        assertEquals("node1", s.rm.status(Now.at(s.nowMs)).groups().get(0).target(),
                "connectivity beats the pin");
        s.peer("node1").claims("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("stopping web on node2: moving to node1");
        s.assertEvent("the operator's pin to node2 is set aside (node2 reaches fewer ping targets)");
        ManagerStatus.PinStatus pin = s.rm.status(Now.at(s.nowMs)).pins().get(0);
        assertEquals(new ManagerStatus.PinStatus("web", "node2", "node2", false), pin, "the pin stays, not in effect");
        // connectivity comes back: the pin, still set, moves web back to node2 (a planned move)
        s.peer("node1").runs("web").report();
        s.connectivity(2);
        s.peer("node1").releases("web").report();
        s.peer("node1").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(s.rm.status(Now.at(s.nowMs)).pins().get(0).inEffect());
    }

    @Test
    void aFailoverToALessConnectedNodeSaysThePinIsNotInEffect() {
        Scenario s = webPinnedToNode2();
        s.peer("node1").score(1).report();
        s.settle();
        s.command(new OperatorCommand.Failover("web", Optional.of("node1")));
        assertEquals("failover: moving web from node2 to node1; web is pinned to node1 but not moved now: web stays"
                + " where it runs; node1 reaches fewer ping targets (1 < 2), the operator's pin to node1 is set aside"
                + " (node1 reaches fewer ping targets)", answer(s).message());
        assertEquals(List.of(), s.settle(), "web stays on node2");
    }

    @Test
    void aPinnedNodeInStandbyOrBannedStillLosesThePin() {
        Scenario s = webPinnedToNode2();
        s.command(new OperatorCommand.Standby(GroupScope.ALL));
        s.assertEvent("operator move of web cleared: node2 went into standby");
        assertEquals(List.of(), s.rm.status(Now.at(s.nowMs)).pins());
    }

    @Test
    void unpinClearsThePinAndPlacementDecidesAgain() {
        Scenario s = webPinnedToNode2();
        s.advance(60_000);
        s.peer("node1").report();
        s.settle();
        assertEquals(GroupPhase.RUNNING, s.phase("web"), "pinned: web stays on node2 although node1 is home");
        s.command(new OperatorCommand.Unpin(Optional.empty()));
        assertEquals("unpin: cleared web (was pinned to node2) on every node; placement decides again",
                answer(s).message());
        s.assertEvent("operator move of web cleared: hactl unpin on node2 (it was pinned to node2)");
        assertEquals(List.of(), s.rm.status(Now.at(s.nowMs)).pins());
        assertEquals(null, s.report().registers().pinnedNode("web").orElse(null), "the clearing is replicated");
        s.peer("node1").claims("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle(), "auto_failback on: web goes home");
    }

    @Test
    void unpinOfOneGroupAndOfNothing() {
        Scenario s = webPinnedToNode2();
        s.command(new OperatorCommand.Unpin(Optional.of("wbe")));
        assertFalse(answer(s).accepted());
        assertEquals("no group named wbe in haresources (groups: [web])", answer(s).message());
        s.command(new OperatorCommand.Unpin(Optional.of("web")));
        assertTrue(answer(s).accepted());
        s.command(new OperatorCommand.Unpin(Optional.of("web")));
        assertEquals("unpin: web has no pin", answer(s).message());
        s.command(new OperatorCommand.Unpin(Optional.empty()));
        assertEquals("unpin: no group is pinned", answer(s).message());
    }

    @Test
    void anUnpinOnAnotherNodeReachesThisOneThroughItsReport() {
        Scenario s = webPinnedToNode2();
        ClusterRegisters mine = s.report().registers();
        ClusterRegisters cleared = mine.withPin("web", null, new Stamp(mine.pins().get("web").stamp().lamport() + 5,
                "node1"));
        s.peer("node1").registers(cleared).claims("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        assertEquals(List.of(), s.rm.status(Now.at(s.nowMs)).pins());
    }
}
