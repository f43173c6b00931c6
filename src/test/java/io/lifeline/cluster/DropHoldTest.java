package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.cluster.ClusterEvent.DeathCause;
import io.lifeline.cluster.ClusterEvent.MembershipSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wait after a drop this node's silence did not justify (docs/leases.md): 3 nodes, this is
 * n3, L = 450 ms (100 ms / 500 ms).
 */
class DropHoldTest {

    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private static final long L = 450;

    private final DropHold hold = new DropHold();
    private long epoch;

    private MembershipSnapshot snapshot(List<String> alive, Map<String, DeathCause> causes, long now) {
        return new MembershipSnapshot(alive, ++epoch, false, true, now, causes);
    }

    private DropHold.Result formed(long now) {
        return hold.apply(snapshot(NODES, Map.of(), now), NODES, Map.of("n1", now, "n2", now), L, now);
    }

    /**
     * A one-sided cut (FaultSuiteIT 2026-12-07, fault #1): n1 cannot hear n2, the coordinator
     * follows n1's suspicion, and n3, which heard n2 10 ms ago and confirmed it, must not agree to
     * the drop before n2's lease through n3 has ended: its manager and its reports keep n2.
     */
    @Test
    void aNodeDroppedWhileStillHeardStaysUntilItsLeaseThroughThisNodeHasEnded() {
        formed(1_000);
        MembershipSnapshot real = snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 2_000);
        DropHold.Result r = hold.apply(real, NODES, Map.of("n1", 1_995L, "n2", 1_990L), L, 2_000);
        assertEquals(NODES, r.snapshot().alive(), "n2 is still a member for the manager");
        assertFalse(r.snapshot().deathCauses().containsKey("n2"));
        assertEquals(real.epoch(), r.snapshot().epoch());
        assertEquals(Map.of("n2", 1_990L), r.heldFrom());
        assertEquals(2_440, hold.nextReleaseMs(), "last heard + L");
        assertEquals(440, hold.heldMsLeft("n2", 2_000), "what hactl status shows");
        assertEquals(-1, hold.heldMsLeft("n3", 2_000), "a member is not held");

        // n2 is still heard after the drop (the cut is one-sided), but no longer confirmed: no renewal
        DropHold.Result early = hold.apply(snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 2_439),
                NODES, Map.of("n2", 2_430L), L, 2_439);
        assertEquals(NODES, early.snapshot().alive(), "one ms early: still held");
        DropHold.Result released = hold.apply(snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 2_440),
                NODES, Map.of("n2", 2_435L), L, 2_440);
        assertEquals(List.of("n1", "n3"), released.snapshot().alive());
        assertEquals(DeathCause.FAILED, released.snapshot().deathCauses().get("n2"));
        assertEquals(List.of("n2"), released.released());
        assertEquals(-1, hold.nextReleaseMs(), "heard later than the drop: never held again for it");
        assertEquals(-1, hold.heldMsLeft("n2", 2_440), "released");
    }

    @Test
    void aCrashIsNotHeldTheDetectorAlreadyWaitedLongerThanTheLease() {
        formed(1_000);
        MembershipSnapshot real = snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 1_500);
        DropHold.Result r = hold.apply(real, NODES, Map.of("n1", 1_495L, "n2", 1_000L), L, 1_500);
        assertSame(real, r.snapshot(), "silent for deadtime: its lease through this node ended 50 ms ago");
        assertTrue(r.heldFrom().isEmpty());
    }

    @Test
    void aCleanLeaveANodeNeverSeenAndAnUnenforcedLeaseHoldNothing() {
        formed(1_000);
        MembershipSnapshot left = snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.LEFT), 1_100);
        assertSame(left, hold.apply(left, NODES, Map.of("n2", 1_090L), L, 1_100).snapshot());

        DropHold off = new DropHold();
        off.apply(snapshot(NODES, Map.of(), 1_000), NODES, Map.of(), 0, 1_000);
        MembershipSnapshot cut = snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 1_100);
        assertSame(cut, off.apply(cut, NODES, Map.of("n2", 1_090L), 0, 1_100).snapshot(), "quorum_lease off");
    }

    @Test
    void aHeldNodeThatComesBackIsSimplyAMemberAgain() {
        formed(1_000);
        hold.apply(snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 2_000), NODES,
                Map.of("n2", 1_990L), L, 2_000);
        DropHold.Result back = hold.apply(snapshot(NODES, Map.of(), 2_100), NODES, Map.of("n2", 2_099L), L, 2_100);
        assertEquals(NODES, back.snapshot().alive());
        assertTrue(back.released().isEmpty());
        assertEquals(-1, hold.nextReleaseMs());
    }

    @Test
    void turningTheLeaseOffEndsEveryHold() {
        formed(1_000);
        hold.apply(snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 2_000), NODES,
                Map.of("n2", 1_990L), L, 2_000);
        DropHold.Result r = hold.apply(snapshot(List.of("n1", "n3"), Map.of("n2", DeathCause.FAILED), 2_050),
                NODES, Map.of(), 0, 2_050);
        assertEquals(List.of("n1", "n3"), r.snapshot().alive());
        assertEquals(List.of("n2"), r.released());
    }
}
