package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.manager.ManagerAction.AnswerCommand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Planned moves (failover, takeover, standby) and claim conflicts. */
class HandoverScenarioTest {

    /** Seen from node2: web (home node1) runs on node1. */
    static Scenario node2WithWebOnNode1() {
        return webOnNode1SeenFrom("node2", "node1", "node2");
    }

    /** Seen from {@code local}: web (home node1) runs on node1, the other nodes are idle. */
    static Scenario webOnNode1SeenFrom(String local, String... nodes) {
        Scenario s = Scenario.cluster(nodes).group("node1", "web", "nginx").local(local).start();
        s.settle();
        s.membership(nodes);
        s.peer("node1").runs("web").report();
        for (String n : nodes) {
            if (!n.equals("node1") && !n.equals(local)) {
                s.peer(n).report();
            }
        }
        assertEquals(List.of(), s.settle());
        return s;
    }

    /** Seen from node1: web runs here, node2 idle. */
    static Scenario node1WithWeb() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        return s;
    }

    static AnswerCommand answer(Scenario s) {
        return s.lastOf(AnswerCommand.class).get(0);
    }

    @Test
    void plannedFailoverStartsOnNewNodeOnlyAfterReleased() {
        Scenario s = node2WithWebOnNode1();
        s.command(new OperatorCommand.Failover("web", Optional.of("node2")));
        assertEquals("failover: moving web from node1 to node2", answer(s).message());
        assertEquals(GroupPhase.CLAIMING, s.phase("web"), "node2 claims at once, while node1 still holds web");
        s.peer("node1").report();
        assertEquals(List.of(), s.settle(), "node1 has seen the claim but still runs web");
        s.peer("node1").holds("web", GroupPhase.STOPPING).report();
        assertEquals(List.of(), s.settle(), "node1 is still stopping web");
        s.peer("node1").releases("web").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(),
                "node1's release was sent after it saw the claim: it confirms it, no further round trip");
        s.assertEvent("node1 released web");
        assertTrue(starts(s).allMatch(ManagerAction.StartResource::handover),
                "node1 confirmed it released web: a handover, agents may skip their live-owner checks");
    }

    @Test
    void aTakeoverFromADeadHolderIsNoHandover() {
        Scenario s = node2WithWebOnNode1();
        s.membership("node2");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(starts(s).noneMatch(ManagerAction.StartResource::handover),
                "node1 died holding web: it may still hold it (partition), so the VIP's duplicate-address probe runs");
        assertTrue(starts(s).allMatch(ManagerAction.StartResource::mayUseProbeAhead),
                "node1 was running web steadily: a probe run while it was late may stand in for the start's");
    }

    /** A holder that was starting or restarting the group may add its address after a probe run ahead. */
    @Test
    void aTakeoverFromAHolderThatWasNotRunningSteadilyProbesItself() {
        for (GroupPhase phase : List.of(GroupPhase.STARTING, GroupPhase.RECOVERING, GroupPhase.STOPPING)) {
            Scenario s = node2WithWebOnNode1();
            s.peer("node1").holds("web", phase).report();
            s.membership("node2");
            assertEquals(List.of("start web/web", "start web/nginx"), s.settle(), phase.name());
            assertTrue(starts(s).noneMatch(ManagerAction.StartResource::mayUseProbeAhead), phase.name());
        }
    }

    @Test
    void aHandoverNeedsNoProbeAhead() {
        Scenario s = node2WithWebOnNode1();
        s.command(new OperatorCommand.Failover("web", Optional.of("node2")));
        s.peer("node1").releases("web").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(starts(s).noneMatch(ManagerAction.StartResource::mayUseProbeAhead));
    }

    @Test
    void aReleaseFollowedByAnotherHolderIsNoLongerAHandover() {
        Scenario s = node2WithWebOnNode1();
        s.peer("node1").releases("web").report();
        s.peer("node1").runs("web").report();
        s.membership("node2");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(starts(s).noneMatch(ManagerAction.StartResource::handover),
                "node1 took web back after releasing it, then died");
    }

    /** As node3 sees it: node2 claims web, its start fails, it stops and releases web; node3 starts web. */
    static void node2FailsToTakeOverAndNode3StartsWeb(Scenario s) {
        s.peer("node2").claims("web").report();
        s.peer("node2").holds("web", GroupPhase.STARTING).report();
        s.peer("node2").banned("web", "web").holds("web", GroupPhase.STOPPING).report();
        s.peer("node2").releases("web").report();
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    static boolean noHandover(Scenario s) {
        return starts(s).noneMatch(ManagerAction.StartResource::handover);
    }

    /** Every start the local manager issued. */
    static java.util.stream.Stream<ManagerAction.StartResource> starts(Scenario s) {
        return s.allActionsOf(ManagerAction.StartResource.class).stream();
    }

    /**
     * node1 holds web and freezes; node2 tries to take over, its start fails and it stops and
     * releases web. That release says nothing about node1, which may still hold the VIP: node3's
     * start must probe for it.
     */
    @Test
    void aReleaseByAPeerWhoseTakeoverFailedIsNoHandover() {
        Scenario s = webOnNode1SeenFrom("node3", "node1", "node2", "node3");
        s.membership("node2", "node3"); // node1 froze
        node2FailsToTakeOverAndNode3StartsWeb(s);
        s.assertEvent("node2 released web");
        assertTrue(noHandover(s), "node1 never released web and may still hold it: the duplicate-address probe must run");
    }

    /** Found by RandomFaultSimulationTest: node1's report reached node3 before the view that contains node1. */
    @Test
    void aReportThatArrivesBeforeItsSendersViewStillMarksAHolder() {
        Scenario s = Scenario.cluster("node1", "node2", "node3").group("node1", "web", "nginx").local("node3").start();
        s.settle();
        s.membership("node2", "node3");
        s.peer("node2").report();
        s.peer("node1").runs("web").report(); // node1 is not in node3's view yet
        s.membership("node1", "node2", "node3");
        s.membership("node2", "node3"); // and gone again before its next report
        node2FailsToTakeOverAndNode3StartsWeb(s);
        assertTrue(noHandover(s), "node1 said it runs web and never said otherwise");
    }

    /** Found by RandomFaultSimulationTest: a release from before a partition vouched for a later start. */
    @Test
    void aReleaseHeardBeforeAPeerLeftVouchesForNothingAfterwards() {
        Scenario s = node2WithWebOnNode1();
        s.command(new OperatorCommand.Failover("web", Optional.of("node2")));
        s.peer("node1").withoutConfirming().releases("web").report();
        s.membership("node2"); // node1 is cut off before node2 started: what it does now is unknown
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(noHandover(s), "node1 left after its release: the duplicate-address probe must run");
    }

    @Test
    void theLastHoldersReleaseIsAHandoverEvenAfterAFailedTakeover() {
        Scenario s = webOnNode1SeenFrom("node3", "node1", "node2", "node3");
        s.peer("node2").banned("web", "web").report();
        s.command(new OperatorCommand.Failover("web", Optional.of("node3")));
        s.peer("node1").holds("web", GroupPhase.STOPPING).report();
        s.peer("node1").releases("web").report();
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(starts(s).allMatch(ManagerAction.StartResource::handover),
                "node1, the only holder, confirmed its stop");
    }

    @Test
    void oldOwnerStopsRightToLeftAndReportsReleased() {
        Scenario s = node1WithWeb();
        s.command(new OperatorCommand.Failover("web", Optional.empty()));
        assertEquals("failover: moving web from node1 to node2", answer(s).message());
        assertEquals(List.of(), s.settle(), "node1 serves until node2 claims web");
        s.peer("node2").claims("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        assertEquals(List.of("web"), s.report().released());
        s.assertEvent("stopping web on node1: moving to node2: an operator moved web to node2");
    }

    @Test
    void operatorMoveOverridesAutoFailbackUntilHomeNodeRejoins() {
        Scenario s = node2WithWebOnNode1();
        s.command(new OperatorCommand.TakeoverGroup("web"));
        s.peer("node1").releases("web").report();
        s.peer("node1").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        s.advance(60_000);
        s.peer("node1").report();
        s.settle();
        assertEquals(GroupPhase.RUNNING, s.phase("web"), "the pin keeps web on node2 although node1 is home");
        // node1 reboots: Heartbeat semantics, auto_failback on: web returns home
        s.membership("node2");
        s.membership("node1", "node2");
        s.peer("node1").restarted().report();
        s.peer("node1").claims("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("operator move of web cleared: its home node node1 is back (auto_failback on)");
    }

    @Test
    void takeoverForeignPullsThePeersHomeGroups() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").group("node2", "db", "pgsql")
                .local("node2").start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node1").runs("web").report();
        s.peer("node1").runs("web").report();
        s.settle();
        s.command(new OperatorCommand.Takeover(GroupScope.FOREIGN));
        assertEquals("takeover foreign: moving [web] to node2", answer(s).message());
        s.peer("node1").releases("web").report();
        s.peer("node1").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void standbyLocalGivesAwayOnlyHomeGroups() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").group("node2", "db", "pgsql")
                .start();
        s.settle();
        s.membership("node1");
        s.initdead();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").restarted().report();
        s.peer("node2").claims("db").report();
        assertEquals(List.of("stop db/pgsql", "stop db/db"), s.settle(), "db fails back to node2");
        s.command(new OperatorCommand.Standby(GroupScope.LOCAL));
        assertTrue(answer(s).accepted());
        assertEquals(List.of(), s.settle(), "node1 serves web until node2 claims it");
        assertEquals(GroupScope.LOCAL, s.report().standby());
        s.peer("node2").runs("db").claims("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.peer("node2").runs("db").runs("web").report();
        s.command(new OperatorCommand.Takeover(GroupScope.ALL));
        assertFalse(answer(s).accepted(), "a node in standby cannot take over");
        assertEquals("node1 is in standby (local); run hactl online first", answer(s).message());
        s.command(new OperatorCommand.Online());
        s.settle();
        assertEquals("node1", s.rm.status(Now.at(s.nowMs)).groups().get(0).target(), "web may come home again");
    }

    /**
     * A standby (and so a daemon's graceful stop) is a planned move: the group runs until the new
     * owner claims it, and the release confirms that claim. bench/outage saw the old way, a stop at
     * once, cost 120 ms on a SIGTERM: the release went out before the claim came, the stopping node
     * left without confirming it, and the new owner started only after the leave, probing.
     */
    @Test
    void standbyHandsOverOnceTheNewOwnerClaims() {
        Scenario s = node1WithWeb();
        s.command(new OperatorCommand.Standby(GroupScope.ALL));
        assertEquals(List.of(), s.settle(), "node1 serves web until node2 claims it");
        assertEquals(GroupScope.ALL, s.report().standby(), "the standby goes out at once");
        s.peer("node2").claims("web").report();
        long claimSeq = s.peer("node2").seq;
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("stopping web on node1: node1 is in standby (all); node2 takes it over");
        StateReport release = s.report();
        assertEquals(GroupPhase.STOPPED, release.phase("web"));
        assertTrue(release.hasSeen("node2", "node2-inc1", claimSeq), "the release confirms node2's claim");
        assertTrue(s.rm.settledForShutdown());
    }

    /** A new owner that never claims (no quorum there, its view incomplete, an old build) must not hold a standby up. */
    @Test
    void standbyStopsAnywayWhenTheNewOwnerDoesNotClaimWithinTheWait() {
        Scenario s = node1WithWeb();
        s.command(new OperatorCommand.Standby(GroupScope.ALL));
        assertEquals(List.of(), s.settle());
        s.advance(LocalGroup.CLAIM_WAIT_MS - 1);
        assertEquals(List.of(), s.settle(), "still waiting for node2's claim");
        s.advance(1);
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("node2 has not claimed it within 1000 ms, so it stops here without a handover");
        assertTrue(s.rm.settledForShutdown());
    }

    @Test
    void standbyWithNobodyToTakeOverStopsAtOnce() {
        Scenario s = node1WithWeb();
        s.peer("node2").standby(GroupScope.ALL).report();
        s.command(new OperatorCommand.Standby(GroupScope.ALL));
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("stopping web on node1: node1 is in standby (all); no eligible node");
    }

    /**
     * A node that announced a clean shutdown after its release stopped everything and exits: its
     * release still vouches for the address once it has left (a failed node's does not, see
     * {@link #aReleaseHeardBeforeAPeerLeftVouchesForNothingAfterwards}).
     */
    @Test
    void aReleaseStandsWhenItsSenderLeavesCleanly() {
        Scenario s = node2WithWebOnNode1();
        s.peer("node1").standby(GroupScope.ALL).withoutConfirming().releases("web").report();
        s.input(new ManagerInput.MembershipChanged(List.of("node2"), false, 0, Map.of("node1", "left")));
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(starts(s).allMatch(ManagerAction.StartResource::handover),
                "node1 released web and left cleanly: nothing can hold the address");
    }

    @Test
    void aNodeThatLeftCleanlyStillHoldingTheGroupIsNoHandover() {
        Scenario s = node2WithWebOnNode1();
        s.input(new ManagerInput.MembershipChanged(List.of("node2"), false, 0, Map.of("node1", "left")));
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(noHandover(s), "node1's last report says it runs web (its stop ran out of time): probe for it");
    }

    @Test
    void aReleaseDoesNotStandWhenAnotherNodeFailsAtTheSameTime() {
        Scenario s = webOnNode1SeenFrom("node3", "node1", "node2", "node3", "node4", "node5");
        s.peer("node1").withoutConfirming().releases("web").report();
        s.input(new ManagerInput.MembershipChanged(List.of("node3", "node4", "node5"), false, 0,
                Map.of("node1", "left", "node2", "failed")));
        s.peer("node4").report();
        s.peer("node5").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(noHandover(s), "node2 failed: what it does now is unknown");
    }

    @Test
    void aHolderThatWasStartingMakesTheTakeoverProbeItselfEvenBesideASteadyOne() {
        Scenario s = webOnNode1SeenFrom("node3", "node1", "node2", "node3", "node4", "node5");
        s.peer("node2").holds("web", GroupPhase.STARTING).report(); // a split brain's second holder
        s.membership("node3", "node4", "node5");
        s.peer("node4").report();
        s.peer("node5").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertTrue(starts(s).noneMatch(ManagerAction.StartResource::mayUseProbeAhead));
    }

    @Test
    void failoverIsRejectedWithAClearReason() {
        Scenario s = node1WithWeb();
        s.command(new OperatorCommand.Failover("wbe", Optional.empty()));
        assertEquals("no group named wbe in haresources (groups: [web])", answer(s).message());
        s.command(new OperatorCommand.Failover("web", Optional.of("node9")));
        assertEquals("no node named node9 in ha.cf", answer(s).message());
        s.peer("node2").standby(GroupScope.ALL).report();
        s.command(new OperatorCommand.Failover("web", Optional.of("node2")));
        assertEquals("node2 is in standby for web", answer(s).message());
        s.command(new OperatorCommand.Failover("web", Optional.empty()));
        assertEquals("no other node can take web: no eligible node; node1 is where it runs now, node2 is in standby", answer(s).message());
        s.command(new OperatorCommand.Cleanup(Optional.of("ngnix")));
        assertEquals("no group or resource named ngnix in haresources", answer(s).message());
        assertEquals(List.of(), s.settle());
    }

    @Test
    void pinIsClearedWhenTheTargetDies() {
        Scenario s = node1WithWeb();
        s.command(new OperatorCommand.Failover("web", Optional.of("node2")));
        s.peer("node2").claims("web").report();
        s.settle();
        s.peer("node2").runs("web").report();
        s.membership("node1");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        s.assertEvent("operator move of web cleared: node2, where an operator had moved it, is dead");
    }

    @Test
    void concurrentClaimsFirstNodeInHaCfOrderWins() {
        // node2 believes it is the choice and claims; node1 claimed concurrently (without having seen node2's claim)
        Scenario s = Scenario.cluster("node1", "node2").group("node2", "web", "nginx").local("node2").start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node1").report();
        assertEquals(GroupPhase.CLAIMING, s.phase("web"));
        s.peer("node1").withoutConfirming().claims("web").report();
        assertEquals(GroupPhase.STOPPED, s.phase("web"), "node1 comes first in ha.cf: node2 withdraws");
        s.assertEvent("node1 claims web too and comes first in ha.cf: node2 withdraws its claim");
        assertEquals(List.of(), s.settle());
    }

    @Test
    void concurrentClaimsTheLaterNodeWaitsForTheOtherToWithdraw() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").withoutConfirming().claims("web").report();
        assertEquals(GroupPhase.CLAIMING, s.phase("web"), "node1 keeps its claim");
        s.peer("node2").confirming().report();
        assertEquals(GroupPhase.CLAIMING, s.phase("web"), "node2 has seen the claim but still claims: no start");
        s.peer("node2").confirming().stopped("web").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void aNodeNotReadyConfirmsNothing() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").notReady().report();
        s.peer("node2").report();
        assertEquals(List.of(), s.settle(), "node2 is still probing: no placement yet");
        s.peer("node2").ready().report();
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }
}
