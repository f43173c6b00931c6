package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.cluster.ClusterEvent.DeathCause;
import io.lifeline.cluster.ClusterEvent.LateHeartbeat;
import io.lifeline.cluster.ClusterEvent.LinkDead;
import io.lifeline.cluster.ClusterEvent.LinkUp;
import io.lifeline.cluster.ClusterEvent.MembershipSnapshot;
import io.lifeline.cluster.ClusterEvent.NodeDead;
import io.lifeline.cluster.ClusterEvent.NodeUp;
import io.lifeline.cluster.ClusterEvent.PartitionMerged;
import io.lifeline.cluster.MembershipTracker.LinkState;
import io.lifeline.cluster.MembershipTracker.NodeState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MembershipTrackerTest {

    private static final String A = "bcast:eth0";
    private static final String B = "bcast:eth1";
    private static final long INITDEAD = 10_000;
    private static final long WARNTIME = 500;

    private final MembershipTracker t = new MembershipTracker("n1", List.of("n1", "n2", "n3"), List.of(A, B),
            0, INITDEAD, WARNTIME);

    @Test
    void peerSeenOnALinkIsUpWithThatLinkUp() {
        List<ClusterEvent> ev = t.viewChanged(A, Set.of("n1", "n2"), null, 100);
        assertEquals(List.of(new LinkUp("n2", A, 100), new NodeUp("n2", A, 100),
                new MembershipSnapshot(List.of("n1", "n2"), 1, false, false, 100)), ev);
        assertEquals(NodeState.UP, t.nodeState("n2"));
        assertEquals(LinkState.UP, t.linkState("n2", A));
        assertEquals(LinkState.INIT, t.linkState("n2", B));
        assertEquals(NodeState.INIT, t.nodeState("n3"));
    }

    @Test
    void losingOneOfTwoLinksKeepsTheNodeUp() {
        t.viewChanged(A, Set.of("n1", "n2"), null, 100);
        t.viewChanged(B, Set.of("n1", "n2"), null, 100);
        List<ClusterEvent> ev = t.viewChanged(A, Set.of("n1"), null, 2_000);
        assertEquals(List.of(new LinkDead("n2", A, 2_000)), ev);
        assertEquals(NodeState.UP, t.nodeState("n2"));
        assertEquals(LinkState.DEAD, t.linkState("n2", A));
        assertEquals(LinkState.UP, t.linkState("n2", B));
    }

    @Test
    void nodeGoneFromAllLinksIsDeadAsFailure() {
        t.viewChanged(A, Set.of("n1", "n2"), null, 100);
        t.viewChanged(B, Set.of("n1", "n2"), null, 100);
        t.viewChanged(A, Set.of("n1"), null, 2_000);
        List<ClusterEvent> ev = t.viewChanged(B, Set.of("n1"), null, 3_000);
        assertEquals(List.of(new LinkDead("n2", B, 3_000), new NodeDead("n2", DeathCause.FAILED, 3_000),
                new MembershipSnapshot(List.of("n1"), 2, false, false, 3_000, Map.of("n2", DeathCause.FAILED))), ev);
        assertEquals(NodeState.DEAD, t.nodeState("n2"));
        assertEquals(DeathCause.FAILED, t.deathCause("n2"));
        assertEquals(3_000, t.nodeSince("n2"));
    }

    @Test
    void announcedShutdownIsReportedAsLeaveNotFailure() {
        t.viewChanged(A, Set.of("n1", "n2"), null, 100);
        t.leaveAnnounced("n2");
        List<ClusterEvent> ev = t.viewChanged(A, Set.of("n1"), null, 200);
        assertEquals(new NodeDead("n2", DeathCause.LEFT, 200), ev.get(ev.size() - 2));
        assertEquals(Map.of("n2", DeathCause.LEFT), ((MembershipSnapshot) ev.get(ev.size() - 1)).deathCauses(),
                "the snapshot the manager gets says why n2 is gone");
        // a later incarnation that dies without notice is a failure again
        t.viewChanged(A, Set.of("n1", "n2"), null, 300);
        assertNull(t.deathCause("n2"));
        ev = t.viewChanged(A, Set.of("n1"), null, 400);
        assertEquals(new NodeDead("n2", DeathCause.FAILED, 400), ev.get(ev.size() - 2));
    }

    @Test
    void nodesNeverSeenWithinInitdeadAreDeclaredDeadOnce() {
        t.viewChanged(A, Set.of("n1", "n2"), null, 100);
        assertTrue(t.tick(INITDEAD - 1).isEmpty(), "still within initdead");
        List<ClusterEvent> ev = t.tick(INITDEAD);
        assertTrue(ev.contains(new NodeDead("n3", DeathCause.NEVER_SEEN, INITDEAD)));
        assertTrue(ev.contains(new LinkDead("n2", B, INITDEAD)), "n2 is up but was never heard on link B");
        assertEquals(new MembershipSnapshot(List.of("n1", "n2"), 2, false, true, INITDEAD,
                Map.of("n3", DeathCause.NEVER_SEEN)), ev.get(ev.size() - 1),
                "the membership after initdead, with n3 dead");
        assertEquals(3, ev.size());
        assertEquals(LinkState.DEAD, t.linkState("n3", A));
        assertTrue(t.tick(INITDEAD + 5_000).isEmpty());
    }

    @Test
    void mergeViewReportsSubgroupsAfterTheNodeStates() {
        t.viewChanged(A, Set.of("n1", "n2", "n3"), null, 100);
        t.viewChanged(A, Set.of("n1", "n2"), null, 1_000);
        List<Set<String>> subgroups = List.of(Set.of("n1", "n2"), Set.of("n3"));
        List<ClusterEvent> ev = t.viewChanged(A, Set.of("n1", "n2", "n3"), subgroups, 5_000);
        assertEquals(List.of(new LinkUp("n3", A, 5_000), new NodeUp("n3", A, 5_000),
                new PartitionMerged(A, subgroups, 5_000),
                new MembershipSnapshot(List.of("n1", "n2", "n3"), 3, true, false, 5_000)), ev);
    }

    /** Regression (issue 14, item 1): a node alone never got a membership, so it never started anything. */
    @Test
    void aNodeBootingAloneGetsItsMembershipWhenInitdeadEnds() {
        MembershipTracker alone = new MembershipTracker("n2", List.of("n1", "n2"), List.of(A), 0, INITDEAD, WARNTIME);
        assertTrue(alone.tick(INITDEAD - 1).isEmpty(), "nothing is known within initdead");
        assertEquals(List.of(new NodeDead("n1", DeathCause.NEVER_SEEN, INITDEAD),
                new MembershipSnapshot(List.of("n2"), 1, false, true, INITDEAD,
                        Map.of("n1", DeathCause.NEVER_SEEN))), alone.tick(INITDEAD));
    }

    /**
     * Regression (MembershipDaemonIT, 2026-12-07): under load n2's link took 3.4 s to open, so
     * initdead (4 s, counted from the daemon's start) ended 0.5 s after n2 could first hear
     * anything; n1, started at the same moment but 0.6 s slower to open its link, was declared
     * dead 40 ms before it showed up, and n2 started n1's group. Initdead counts from the moment
     * the links are open.
     */
    @Test
    void initdeadCountsFromTheMomentTheLinksAreOpen() {
        MembershipTracker slow = new MembershipTracker("n2", List.of("n1", "n2"), List.of(A), 0, INITDEAD, WARNTIME);
        long opened = 3_400;
        slow.linksOpened(opened);
        assertTrue(slow.tick(INITDEAD).isEmpty(), "initdead after the start, but not after the links opened");
        assertTrue(slow.tick(opened + INITDEAD - 1).isEmpty(), "still within initdead of the links opening");
        List<ClusterEvent> up = slow.viewChanged(A, Set.of("n1", "n2"), null, opened + 600);
        assertTrue(up.contains(new NodeUp("n1", A, opened + 600)), up.toString());
        assertEquals(List.of(new MembershipSnapshot(List.of("n1", "n2"), 2, false, true, opened + INITDEAD)),
                slow.tick(opened + INITDEAD), "initdead ends with n1 up, not never_seen");
    }

    @Test
    void linksOpeningEarlyNeverShortenInitdead() {
        MembershipTracker fast = new MembershipTracker("n2", List.of("n1", "n2"), List.of(A), 1_000, INITDEAD, WARNTIME);
        fast.linksOpened(500);
        assertTrue(fast.tick(1_000 + INITDEAD - 1).isEmpty());
        assertFalse(fast.tick(1_000 + INITDEAD).isEmpty());
    }

    @Test
    void initdeadEndsWithASnapshotEvenWhenEveryNodeIsAlreadyUp() {
        MembershipTracker pair = new MembershipTracker("n1", List.of("n1", "n2"), List.of(A), 0, INITDEAD, WARNTIME);
        pair.viewChanged(A, Set.of("n1", "n2"), null, 100);
        assertEquals(List.of(new MembershipSnapshot(List.of("n1", "n2"), 2, false, true, INITDEAD)),
                pair.tick(INITDEAD));
        assertTrue(pair.tick(INITDEAD + 1_000).isEmpty(), "once");
    }

    /**
     * Regression (issue 14, item 12): this node was frozen; its peers declared it dead and re-formed
     * a view with it when it came back, while its own view never lost them. The merge must still be
     * a new membership (a new epoch), which is what ends the manager's stall recovery; without one
     * the node waited the whole stall_rejoin_wait.
     */
    @Test
    void aMergeViewIsAFreshSnapshotEvenWhenTheAliveSetIsUnchanged() {
        t.viewChanged(A, Set.of("n1", "n2", "n3"), null, 100);
        List<ClusterEvent> ev = t.viewChanged(A, Set.of("n1", "n2", "n3"),
                List.of(Set.of("n1", "n2", "n3"), Set.of("n2", "n3")), 5_000);
        assertEquals(List.of(new PartitionMerged(A, List.of(Set.of("n1", "n2", "n3"), Set.of("n2", "n3")), 5_000),
                new MembershipSnapshot(List.of("n1", "n2", "n3"), 2, false, false, 5_000)), ev);
        assertTrue(t.viewChanged(A, Set.of("n1", "n2", "n3"), null, 6_000).isEmpty(),
                "a plain view with the same nodes is no news");
    }

    @Test
    void aMergeOnOneLinkWhileTheNodeWasHeardOnAnotherIsNoPartitionHeal() {
        t.viewChanged(A, Set.of("n1", "n2"), null, 100);
        t.viewChanged(B, Set.of("n1", "n2"), null, 100);
        t.viewChanged(A, Set.of("n1"), null, 1_000);
        t.viewChanged(A, Set.of("n1", "n3"), null, 1_500);
        List<ClusterEvent> ev = t.viewChanged(A, Set.of("n1", "n2", "n3"),
                List.of(Set.of("n1", "n3"), Set.of("n2")), 2_000);
        assertTrue(ev.stream().noneMatch(e -> e instanceof MembershipSnapshot s && s.merge()), ev.toString());
    }

    @Test
    void lateHeartbeatIsReportedOncePerSilence() {
        t.viewChanged(A, Set.of("n1", "n2"), null, 0);
        assertTrue(t.heartbeatAge("n2", A, 1_000, 1_400).isEmpty());
        assertEquals(List.of(new LateHeartbeat("n2", A, 600, 1_600)), t.heartbeatAge("n2", A, 1_000, 1_600));
        assertTrue(t.heartbeatAge("n2", A, 1_000, 1_700).isEmpty(), "reported once");
        assertTrue(t.heartbeatAge("n2", A, 1_650, 1_700).isEmpty(), "heard again");
        assertEquals(1, t.heartbeatAge("n2", A, 1_650, 2_200).size(), "a new silence is reported again");
        assertTrue(t.heartbeatAge("n2", B, 0, 5_000).isEmpty(), "no warning on a link the peer is not up on");
    }

    @Test
    void aLateHeartbeatThatEndedBetweenTicksIsReportedWithItsGapUnlessAlreadyReported() {
        t.viewChanged(A, Set.of("n1", "n2"), null, 0);
        assertEquals(List.of(new LateHeartbeat("n2", A, 700, 1_900)), t.lateHeartbeatEnded("n2", A, 700, 1_900),
                "a silence the tick never sampled");
        assertTrue(t.lateHeartbeatEnded("n2", A, WARNTIME, 1_900).isEmpty(), "not longer than warntime");
        assertEquals(1, t.heartbeatAge("n2", A, 2_000, 2_600).size(), "the tick sees a silence going on");
        assertTrue(t.lateHeartbeatEnded("n2", A, 650, 2_650).isEmpty(), "already reported while it lasted");
        assertTrue(t.heartbeatAge("n2", A, 2_650, 2_700).isEmpty());
        assertEquals(1, t.lateHeartbeatEnded("n2", A, 800, 3_500).size(), "the next one is reported again");
        assertTrue(t.lateHeartbeatEnded("n2", B, 800, 3_500).isEmpty(), "not on a link the peer is not up on");
    }

    @Test
    void localNodeIsNotTrackedAsPeer() {
        assertEquals(List.of("n2", "n3"), t.peers());
        assertTrue(t.viewChanged(A, Set.of("n1"), null, 10).isEmpty());
    }
}
