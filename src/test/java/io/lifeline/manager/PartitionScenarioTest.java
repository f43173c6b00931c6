package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.AutoFailback;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Split brain, quorum, stalls, maintenance mode and connectivity. */
class PartitionScenarioTest {

    static Scenario running(Scenario.Builder b, String... peers) {
        Scenario s = b.start();
        s.settle();
        String[] all = new String[peers.length + 1];
        all[0] = s.cfg.localNode();
        System.arraycopy(peers, 0, all, 1, peers.length);
        s.membership(all);
        for (String p : peers) {
            s.peer(p).report();
        }
        for (String p : peers) {
            s.peer(p).report();
        }
        s.settle();
        return s;
    }

    @Test
    void splitBrainHealKeepsExactlyOneOwner() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.membership("node1");
        assertEquals(List.of(), s.settle(), "partition: node1 keeps web");
        // meanwhile node2, alone on its side, started web too; then the partition heals
        s.merge("node1", "node2");
        s.peer("node2").runs("web").report();
        assertEquals(List.of(), s.settle(), "node1 keeps web: it is the placement choice over the merged membership");
        s.assertEvent("web runs on both node1 and node2");
        assertEquals(List.of(), s.lastOf(ManagerAction.Reannounce.class), "not before the other copy is gone");
        s.peer("node2").holds("web", GroupPhase.STOPPING).report();
        assertEquals(List.of(), s.lastOf(ManagerAction.Reannounce.class));
        s.peer("node2").releases("web").report();
        assertEquals(List.of("reannounce web"), s.lastActions(), "clients may have followed node2's ARP: announce again");
    }

    @Test
    void splitBrainLoserStopsItsCopy() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").local("node2").start();
        s.settle();
        s.membership("node2");
        s.initdead();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        s.merge("node1", "node2");
        s.peer("node1").runs("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("stopping web on node2: moving to node1");
        assertEquals(List.of(), s.allOf(ManagerAction.Reannounce.class));
    }

    @Test
    void splitBrainWithAutoFailbackOffStillPicksOneDeterministically() {
        // web's home is node2; both run it after the heal; auto_failback off: the home node among the holders keeps it
        Scenario s = Scenario.cluster("node1", "node2").group("node2", "web", "nginx")
                .autoFailback(AutoFailback.OFF).start();
        s.settle();
        s.membership("node1");
        s.initdead();
        s.settle();
        s.merge("node1", "node2");
        s.peer("node2").runs("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("web runs on [node1, node2]; node2 keeps it (home node)");
    }

    @Test
    void noQuorumPartitionStopsGroups() {
        Scenario s = running(Scenario.cluster("node1", "node2", "node3").group("node1", "web", "nginx"), "node2", "node3");
        s.assertRunningHere("web/web", "web/nginx");
        s.membership("node1");
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("no quorum: 1 of 3 nodes in this partition (no_quorum_policy stop)");
        s.membership("node1", "node3");
        s.peer("node3").report();
        s.peer("node3").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(), "2 of 3 is a majority");
    }

    @Test
    void majorityPartitionTakesOverFromTheMinority() {
        Scenario s = running(Scenario.cluster("node1", "node2", "node3").group("node3", "web", "nginx"), "node2", "node3");
        s.peer("node3").runs("web").report();
        s.membership("node1", "node2");
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    /** Four nodes split 2|2: without a tie-breaker neither half has quorum, so both stop everything. */
    @Test
    void anEvenSplitWithoutATieBreakerStopsBothHalves() {
        Scenario s = running(Scenario.cluster("node1", "node2", "node3", "node4").group("node1", "web", "nginx"),
                "node2", "node3", "node4");
        s.membership("node1", "node2");
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("no quorum: 2 of 4 nodes in this partition (no_quorum_policy stop)");
    }

    /** auto_tie_breaker: the half holding the lowest ha.cf node keeps its groups and takes over the other half's. */
    @Test
    void anEvenSplitWithATieBreakerKeepsTheHalfWithTheLowestNode() {
        Scenario s = running(Scenario.cluster("node1", "node2", "node3", "node4").group("node1", "web", "nginx")
                .group("node3", "mail", "postfix").settings(x -> x.withTieBreaker(new TieBreaker.Position(true))),
                "node2", "node3", "node4");
        s.peer("node3").runs("mail").report();
        s.membership("node1", "node2");
        s.peer("node2").report();
        assertEquals(List.of("start mail/mail", "start mail/postfix"), s.settle(),
                "web keeps running; mail comes over from node3's half");
        s.assertEvent("quorum: 2 of 4 nodes (an even split, won by auto_tie_breaker: node1 is in this half)");
        s.assertRunningHere("web/web", "web/nginx", "mail/mail", "mail/postfix");
    }

    @Test
    void anEvenSplitWithATieBreakerStopsTheHalfWithoutIt() {
        Scenario s = running(Scenario.cluster("node1", "node2", "node3", "node4").group("node3", "web", "nginx")
                .local("node3").settings(x -> x.withTieBreaker(new TieBreaker.Position(true))),
                "node1", "node2", "node4");
        s.assertRunningHere("web/web", "web/nginx");
        s.membership("node3", "node4");
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("no quorum: 2 of 4 nodes in this partition (no_quorum_policy stop)");
    }

    @Test
    void noQuorumPolicyIgnoreKeepsRunning() {
        Scenario s = running(Scenario.cluster("node1", "node2", "node3").group("node1", "web", "nginx")
                .settings(x -> x.withNoQuorumPolicy(NoQuorumPolicy.IGNORE)), "node2", "node3");
        s.membership("node1");
        assertEquals(List.of(), s.settle());
        s.assertRunningHere("web/web", "web/nginx");
    }

    @Test
    void twoNodeClustersHaveNoQuorumRule() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.membership("node1");
        assertEquals(List.of(), s.settle());
        s.assertRunningHere("web/web", "web/nginx");
    }

    @Test
    void frozenNodeReleasesGroupsFirst() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx")
                .group("node1", "mail", "postfix"), "node2");
        s.advance(10_000);
        assertEquals(List.of("monitor web/web", "monitor mail/mail"), s.lastActions());
        s.stall(12_000); // deadtime is 10 s in the scenarios
        assertEquals(List.of("stop web/nginx", "stop mail/postfix"), s.lastActions(),
                "stops come first and do not wait for the monitors in flight");
        assertEquals(List.of("monitor web/web", "monitor mail/mail", "stop web/nginx", "stop mail/postfix",
                "stop web/web", "stop mail/mail"), s.settle());
        s.assertEvent("node1 was frozen for 12000 ms (>= 10000 ms)");
        assertEquals(true, s.report().recovering(), "a frozen node is not a candidate until it rejoined");
        assertEquals(true, s.report().ready(), "... but its report confirms the others' claims");
        // node2 took over meanwhile; node1 waits for the new membership before deciding anything
        s.peer("node2").runs("web").runs("mail").report();
        assertEquals(List.of(), s.settle());
        s.merge("node1", "node2");
        s.peer("node2").runs("web").runs("mail").report();
        assertEquals("node1", s.rm.status(Now.at(s.nowMs)).groups().get(0).target(), "home again (auto_failback on)");
        assertEquals(GroupPhase.CLAIMING, s.phase("web"), "node1 claims web at once");
        assertEquals(List.of(), s.settle(), "but starts it only after node2 released it");
        s.peer("node2").releases("web").runs("mail").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void shortStallKeepsResources() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.stall(3_000);
        assertEquals(List.of(), s.settle());
        s.assertEvent("frozen for 3000 ms (below the stall threshold of 10000 ms)");
    }

    @Test
    void afterAStallWithoutNewMembershipTheNodeTrustsItsViewAgain() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.stall(11_000);
        s.settle();
        s.advance(Duration.ofSeconds(10).toMillis());
        s.assertEvent("no new membership within 10s after the stall");
        s.peer("node2").report();
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void maintenanceModeStopsManaging() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx")
                .group("node2", "db", "pgsql"), "node2");
        s.command(new OperatorCommand.Maintenance(true));
        s.peer("node2").runs("db").report();
        s.advance(60_000);
        assertEquals(List.of(), s.settle(), "no monitors");
        s.membership("node1");
        assertEquals(List.of(), s.settle(), "no takeover of db");
        s.command(new OperatorCommand.Failover("web", Optional.of("node1")));
        assertEquals("cannot move web now: maintenance mode is on", s.lastOf(ManagerAction.AnswerCommand.class).get(0).message());
        s.host.remove("web/nginx"); // the admin stopped nginx by hand during maintenance
        s.command(new OperatorCommand.Maintenance(false));
        assertEquals(List.of("accepted: maintenance mode off: probing resources, then managing again",
                "probe web/web", "probe db/db"), s.lastActions(), "probe everything first");
        assertEquals(List.of("probe web/web", "start web/nginx", "start db/db", "start db/pgsql"), s.settle(),
                "then manage: restart nginx (found stopped), take over db (node2 is gone)");
    }

    /**
     * The timer contract (docs/manager.md, "Timers"): after a Tick the next deadline is later than
     * it; checked after this Tick and after one more at that deadline, as the runtime would send it.
     */
    static void assertTimerContract(Scenario s) {
        for (int i = 0; i < 2; i++) {
            long next = s.rm.nextTimerAtMs();
            assertTrue(next > s.nowMs, "after a Tick at " + s.nowMs + " the next deadline is " + next
                    + ": a Tick at it would change nothing and the runtime would spin");
            s.advance(next - s.nowMs);
        }
    }

    @Test
    void anOverdueMonitorInMaintenanceModeIsNoTimer() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.command(new OperatorCommand.Maintenance(true));
        s.advance(10_000);
        assertEquals(List.of(), s.settle(), "monitors are paused");
        assertTimerContract(s);
    }

    @Test
    void theEndOfAStallWhoseStopFailedIsNoTimer() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.willReturn("stop web/nginx", io.lifeline.agent.OcfStatus.ERR_GENERIC);
        s.stall(12_000);
        assertEquals(List.of("stop web/nginx -> err_generic"), s.settle());
        assertEquals(GroupPhase.BLOCKED, s.phase("web"));
        s.advance(10_000);
        assertTimerContract(s);
    }

    @Test
    void aResultIsOverdueExactlyAtItsDeadline() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.advance(10_000);
        assertEquals(List.of("monitor web/web"), s.pendingActions());
        long deadline = s.nowMs + 20_000 + ResourceManager.RESULT_GRACE_MS;
        s.advance(deadline - s.nowMs);
        s.assertEvent("monitor of web failed on node1 (generic error: no result within 30s)");
        assertTimerContract(s);
    }

    /**
     * The group moved to node2 while node1 was cut off (a partition; node1, without quorum,
     * stopped its copy). Clients on node1's side still point at node1: node2 announces web again.
     */
    @Test
    void aGroupThatMovedDuringAPartitionIsReannouncedWhenItHeals() {
        Scenario s = HandoverScenarioTest.webOnNode1SeenFrom("node2", "node1", "node2", "node3");
        s.membership("node2", "node3");
        s.peer("node3").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        s.advance(5_000);
        s.settle();
        s.merge("node1", "node2", "node3");
        assertEquals(List.of(), s.lastOf(ManagerAction.Reannounce.class), "not before node1 said it let web go");
        s.peer("node1").stopped("web").report();
        assertEquals(List.of("reannounce web"), s.lastActions(),
                "node1 kept running while cut off: its side's clients still have its address");
        s.assertEvent("node2 keeps web after node1 came back (web moved here while it was cut off)");
        s.advance(15_000);
        assertEquals(List.of("reannounce web"), s.pendingActions(),
                "one action at a time: no monitor while the announcement is in flight");
        assertEquals(List.of("reannounce web", "monitor web/web"), s.settle().subList(0, 2));
        s.assertEvent("re-announced web on node2");
    }

    @Test
    void aPeerThatRestartedMeanwhileCausesNoReannouncement() {
        Scenario s = HandoverScenarioTest.node2WithWebOnNode1();
        s.membership("node2");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        s.membership("node1", "node2");
        s.peer("node1").restarted().report();
        s.settle();
        assertEquals(List.of(), s.allOf(ManagerAction.Reannounce.class),
                "node1 was down, not cut off: every neighbour heard node2's start");
    }

    @Test
    void maintenanceModeSetOnAPeerAppliesHere() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        ClusterRegisters fromPeer = ClusterRegisters.EMPTY.withMaintenance(true, new Stamp(100, "node2"));
        s.peer("node2").registers(fromPeer).report();
        s.assertEvent("maintenance mode on");
        s.advance(60_000);
        assertEquals(List.of(), s.settle());
        assertTrue(s.report().registers().maintenance().on(), "gossiped on in this node's reports");
    }

    @Test
    void cleanupOnAPeerClearsFailuresHere() {
        Scenario s = running(Scenario.cluster("node1", "node2").group("node1", "web", "nginx"), "node2");
        s.willReturn("monitor web/nginx", io.lifeline.agent.OcfStatus.NOT_RUNNING);
        s.advance(10_000);
        s.settle();
        assertEquals(1, s.report().failures().size());
        ClusterRegisters fromPeer = ClusterRegisters.EMPTY.withCleanup("nginx", new Stamp(s.report().lamport() + 5, "node2"));
        s.peer("node2").registers(fromPeer).report();
        s.settle();
        assertEquals(List.of(), s.report().failures());
        s.assertEvent("cleanup nginx: forgot 1 failure on node1");
    }

    @Test
    void lowerConnectivityHandsGroupsToBetterConnectedPeer() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").start();
        s.connectivity(2);
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").score(2).report();
        s.peer("node2").report();
        s.settle();
        s.assertRunningHere("web/web", "web/nginx");
        s.connectivity(1);
        assertEquals(List.of(), s.settle(), "node1 serves until node2 claims web");
        s.peer("node2").score(2).claims("web").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("stopping web on node1: moving to node2: node2 is the first eligible node in ha.cf order;"
                + " node1 reaches fewer ping targets (1 < 2)");
    }

    @Test
    void betterConnectivityDoesNotTakeOverFromAnEquallyConnectedPeer() {
        Scenario s = Scenario.cluster("node1", "node2").group("node2", "web", "nginx").start();
        s.connectivity(2);
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").score(2).runs("web").report();
        assertEquals(List.of(), s.settle());
        s.peer("node2").score(1).report();
        assertEquals(GroupPhase.CLAIMING, s.phase("web"), "node1 claims web");
        assertEquals(List.of(), s.settle(), "node2 still holds web: wait for its release");
        s.peer("node2").score(1).releases("web").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }
}
