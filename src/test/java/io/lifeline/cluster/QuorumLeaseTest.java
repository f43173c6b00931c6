package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuorumLeaseTest {

    private static final long MS = 1_000_000;
    private static final long L = 450 * MS;

    @Test
    void theLeaseRestsOnTheQuorumsOldestNeededConfirmation() {
        // 5 nodes: a majority is 3, this node and the two newest confirmations
        QuorumLease lease = QuorumLease.of(10_000 * MS,
                Map.of("n2", 9_900 * MS, "n3", 9_700 * MS, "n4", 9_950 * MS, "n5", 8_000 * MS), 3, L);
        assertEquals(9_900 * MS + L, lease.endNanos());
        assertEquals(List.of("n4", "n2"), lease.confirmedBy());
        assertTrue(lease.heldAt(10_000 * MS));
        assertTrue(lease.heldAt(9_900 * MS + L - 1));
        assertFalse(lease.heldAt(9_900 * MS + L), "ends exactly L after the anchoring send time");
    }

    @Test
    void tooFewConfirmationsHoldNoLease() {
        QuorumLease lease = QuorumLease.of(10_000 * MS, Map.of("n2", 9_990 * MS), 3, L);
        assertEquals(QuorumLease.NONE, lease.endNanos());
        assertFalse(lease.heldAt(10_000 * MS));
    }

    @Test
    void aNodeThatIsItselfAQuorumAlwaysHoldsIt() {
        assertTrue(QuorumLease.of(5 * MS, Map.of(), 1, L).heldAt(5 * MS + L - 1));
    }

    /**
     * auto_tie_breaker (docs/leases.md): of four nodes, a half holding the tie-breaker node n1 is a
     * quorum, so n2 holds a lease on n1's confirmation alone; without n1's it needs two more.
     */
    @Test
    void anEvenSplitsHalfNeedsTheTieBreakerAmongItsConfirmations() {
        java.util.function.Predicate<java.util.Set<String>> rule =
                nodes -> nodes.size() >= 3 || nodes.size() == 2 && nodes.contains("n1");
        QuorumLease withTb = QuorumLease.of(10_000 * MS, Map.of("n1", 9_800 * MS, "n3", 9_950 * MS), "n2", rule, L);
        assertEquals(9_800 * MS + L, withTb.endNanos(),
                "n2 and n3 are a half without the tie-breaker: the lease rests on n1's older confirmation");
        QuorumLease tbOnly = QuorumLease.of(10_000 * MS, Map.of("n1", 9_800 * MS), "n2", rule, L);
        assertEquals(9_800 * MS + L, tbOnly.endNanos(), "n2 with the tie-breaker n1: the even split's winning half");
        assertEquals(List.of("n1"), tbOnly.confirmedBy());
        QuorumLease noTb = QuorumLease.of(10_000 * MS, Map.of("n4", 9_990 * MS), "n2", rule, L);
        assertFalse(noTb.heldAt(10_000 * MS), "n2 and n4 are half without the tie-breaker: no lease");
        assertTrue(QuorumLease.of(10_000 * MS, Map.of(), "n1", nodes -> nodes.contains("n1") && nodes.size() >= 1, L)
                .heldAt(10_000 * MS + L - 1), "a node that is a quorum alone holds the lease on its own word");
    }

    @Test
    void aMajorityOfTheNodes() {
        assertEquals(2, QuorumLease.majorityOf(2));
        assertEquals(2, QuorumLease.majorityOf(3));
        assertEquals(3, QuorumLease.majorityOf(4));
        assertEquals(9, QuorumLease.majorityOf(16));
    }

    /** docs/leases.md: a lease must end before any peer can drop the node, for every timer profile. */
    @Test
    void theLeaseEndsBeforeTheEarliestDropForEveryProfile() {
        long[][] profiles = {{20, 100}, {50, 250}, {100, 500}, {200, 1000}, {1000, 5000}, {2000, 30000}};
        for (long[] p : profiles) {
            TimerSettings t = TimerSettings.from(Duration.ofMillis(p[0]), Duration.ofMillis(p[1]),
                    Duration.ofMillis(p[1] / 2), Duration.ofMillis(p[1] * 2));
            long earliestDrop = t.fdTimeoutMs() + t.verifySuspectMs();
            assertTrue(t.leaseMs() > 0 && t.leaseMs() + 20 <= earliestDrop,
                    p[0] + "/" + p[1] + ": lease " + t.leaseMs() + " ms, earliest drop " + earliestDrop + " ms");
        }
    }
}
