package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One-sided partitions (docs/split-brain.md, "Quorum on an agreed membership"): two nodes that
 * cannot hear each other while a third hears both. Quorum counts only the members whose reports
 * say they hear this node, and a takeover starts only once no peer still sees a node this node
 * has lost. Before those rules, each of the two nodes counted a majority through the bridge and
 * took the other's groups over while the other still ran them.
 */
class AgreedMembershipScenarioTest {

    private static final String[] THREE = {"node1", "node2", "node3"};
    private static final String[] FOUR = {"node1", "node2", "node3", "node4"};

    /** Every peer of a running scenario, told to say that it hears everyone. */
    private static Scenario allSeeAll(Scenario s, String... nodes) {
        for (String n : nodes) {
            if (!n.equals(s.cfg.localNode())) {
                s.peer(n).sees(nodes).report();
            }
        }
        s.settle();
        return s;
    }

    /** 3 nodes, node1 and node3 cut from each other, node2 hears both: node1 must not take node3's group. */
    @Test
    void threeNodesOneSidedNoTakeoverWhileTheBridgeStillSeesTheHolder() {
        Scenario s = PartitionScenarioTest.running(Scenario.cluster(THREE).group("node3", "web", "nginx"),
                "node2", "node3");
        s.peer("node3").runs("web");
        allSeeAll(s, THREE);
        s.membership("node1", "node2");
        s.peer("node2").sees(THREE).report();
        assertEquals(List.of(), s.settle(), "node2 still sees node3, which runs web on its side");
        s.assertEvent("not starting web on node1: node2 still sees node3, which node1 has lost");
        s.peer("node2").report();
        assertEquals(List.of(), s.settle(), "nor on node2's next report");
        s.assertEvent("quorum"); // the start-up's quorum: 2 of 3 stays quorate here (node2 hears node1)
        // node2 loses node3 too (node3 died, or the cut became a clean 2|1): the takeover goes ahead
        s.peer("node2").sees("node1", "node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    /** The other end of the same cut: the holder keeps its quorum through the bridge and keeps its group. */
    @Test
    void theHolderKeepsItsGroupThroughTheBridge() {
        Scenario s = PartitionScenarioTest.running(Scenario.cluster(THREE).group("node3", "web", "nginx").local("node3"),
                "node1", "node2");
        s.assertRunningHere("web/web", "web/nginx");
        allSeeAll(s, THREE);
        s.membership("node2", "node3");
        s.peer("node2").sees(THREE).report();
        assertEquals(List.of(), s.settle(), "2 of 3 agree on node3's membership: it keeps web");
        s.assertRunningHere("web/web", "web/nginx");
    }

    /**
     * A one-way cut: node2 hears node1 and node3, but neither hears node2. node2 counts only the
     * members that hear it, so it has no quorum and stops (the others take its group over).
     */
    @Test
    void aNodeThatNoPeerHearsHasNoQuorum() {
        Scenario s = PartitionScenarioTest.running(Scenario.cluster(THREE).group("node2", "web", "nginx").local("node2"),
                "node1", "node3");
        s.assertRunningHere("web/web", "web/nginx");
        allSeeAll(s, THREE);
        s.peer("node1").sees("node1", "node3").report();
        assertEquals(List.of(), s.settle(), "node3 still hears node2: 2 of 3");
        s.peer("node3").sees("node1", "node3").report();
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertEvent("no quorum: 1 of 3 nodes in this partition (node1, node3 do not count: their reports leave node2 out)");
        s.peer("node1").sees(THREE).report();
        s.peer("node3").sees(THREE).report();
        s.settle(); // quorate again: node2 claims web, its home
        s.peer("node1").report();
        s.peer("node3").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(), "heard again: quorate, home node");
    }

    /** 4 nodes, node1 cut from node4 only (3|1 as node1 sees it, node2 and node3 bridge): no takeover. */
    @Test
    void fourNodesOneSidedNoTakeoverWhileABridgeStillSeesTheHolder() {
        Scenario s = PartitionScenarioTest.running(Scenario.cluster(FOUR).group("node4", "web", "nginx"),
                "node2", "node3", "node4");
        s.peer("node4").runs("web");
        allSeeAll(s, FOUR);
        s.membership("node1", "node2", "node3");
        s.peer("node2").sees("node1", "node2", "node3").report();
        s.peer("node3").sees(FOUR).report();
        assertEquals(List.of(), s.settle());
        s.assertEvent("not starting web on node1: node3 still sees node4");
        s.peer("node3").sees("node1", "node2", "node3").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(), "every peer has lost node4");
    }

    /**
     * 4 nodes with auto_tie_breaker, node2 cut from node3 and node4 while node1 hears everyone:
     * node2's half {node1, node2} wins the even split by the tie-breaker, and the other side
     * {node1, node3, node4} is a majority, so both count quorum. node2 must still not take node3's
     * group: node1, in both halves, sees node3.
     */
    @Test
    void fourNodesTheTieBreakerHalfAndTheMajorityOverlapOnTheBridge() {
        Scenario s = PartitionScenarioTest.running(Scenario.cluster(FOUR).group("node3", "mail", "postfix").local("node2")
                        .settings(x -> x.withTieBreaker(new TieBreaker.Position(true))),
                "node1", "node3", "node4");
        s.peer("node1").standby(GroupScope.ALL); // so that node2 is the first eligible node for mail
        s.peer("node3").runs("mail");
        allSeeAll(s, FOUR);
        s.membership("node1", "node2");
        s.peer("node1").sees(FOUR).report();
        assertEquals(List.of(), s.settle(), "node1 still sees node3 and node4");
        s.assertEvent("not starting mail on node2: node1 still sees node3, node4, which node2 has lost");
        s.peer("node1").sees("node1", "node2").report();
        assertEquals(List.of("start mail/mail", "start mail/postfix"), s.settle(),
                "a clean 2|2 won by the tie-breaker: mail comes over");
    }
}
