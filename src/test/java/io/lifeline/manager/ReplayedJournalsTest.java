package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.daemon.InputJournal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Input journals dumped by real daemons (src/test/resources/journals, README there), replayed
 * into a fresh manager: what the daemon decided then, the manager must decide again.
 */
class ReplayedJournalsTest {

    private static Path journal(String name) throws URISyntaxException {
        return Path.of(ReplayedJournalsTest.class.getResource("/journals/" + name).toURI());
    }

    /** Issue 14, item 12: a frozen node releases its group and rejoins on the merge's snapshot. */
    @Test
    void aFrozenNodeReleasesAtOnceAndRejoinsOnTheFirstSnapshotTakenAfterTheStall() throws Exception {
        Scenario.Replay r = Scenario.replay(journal("frozen-node-rejoins.jsonl"));
        InputJournal.Entry stall = r.entriesOf(ManagerInput.StallDetected.class).get(0);
        assertEquals(List.of("stop marker/marker"), r.agentActionsAfter(stall.seq()), "released at once");

        long stallEpoch = ((ManagerInput.StallDetected) stall.input()).membershipEpoch();
        InputJournal.Entry fresh = r.entriesOf(ManagerInput.MembershipChanged.class).stream()
                .filter(e -> e.seq() > stall.seq())
                .filter(e -> ((ManagerInput.MembershipChanged) e.input()).epoch() > stallEpoch)
                .findFirst().orElseThrow();
        for (InputJournal.Entry e : r.dump().entries()) {
            boolean rejoined = r.eventsAfter(e.seq()).stream()
                    .anyMatch(m -> m.startsWith("rejoined the cluster after the stall"));
            assertEquals(e.seq() == fresh.seq(), rejoined, "input " + e.seq() + ": " + e.input());
        }
        long waitedMs = fresh.time().monotonicMs() - stall.time().monotonicMs();
        assertTrue(waitedMs < 10_000, "rejoined " + waitedMs + " ms after the stall, not after stall_rejoin_wait");
        assertFalse(r.status().stalled());
        assertEquals(List.of("n1", "n2"), r.status().members());
    }
}
