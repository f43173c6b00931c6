package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A node recovering from a stall holds nothing and places nothing, but its groups need not wait
 * for its recovery: its reports stay ready (they confirm the others' claims) and say it is
 * recovering (it is no candidate). Before, a stalled node reported itself not ready, and since
 * every claim needs every member's confirmation, one frozen JVM held up every takeover in the
 * cluster until it rejoined, twice deadtime at the earliest (bench/scale, 16 nodes: the last
 * ~10 s of a formation and of a heal).
 */
class StalledNodeSimulationTest {

    @Test
    void theGroupOfAStalledNodeIsTakenOverAtOnceAndComesBackAfterItsRecovery() {
        SimCluster c = ReportTrafficSimulationTest.cluster(3, 1, true);
        c.bootAll();
        ReportTrafficSimulationTest.runUntilAtHome(c, 30_000);
        assertTrue(ReportTrafficSimulationTest.atHome(c), c.dump());

        // a freeze of exactly the stall threshold (deadtime, 2 s here): the peers do not drop node2
        c.freeze("node2", SimCluster.DETECTION_MS);
        long resumed = c.now + SimCluster.DETECTION_MS;
        c.runUntil(resumed + 1);
        assertTrue(c.nodes.get("node2").rm.status(Now.at(c.now)).stalled(), "node2 recovers from the stall");
        String group = c.groups.get(1).name();
        long servedAt = -1;
        while (c.now < resumed + 10_000) {
            c.runFor(5);
            if (c.fullOwners(group).size() == 1 && !c.fullOwners(group).contains("node2")) {
                servedAt = c.now;
                break;
            }
        }
        assertTrue(servedAt >= 0, "node2's group was not taken over within 10 s\n" + c.dump());
        assertTrue(servedAt - resumed < 1_500, "taken over " + (servedAt - resumed)
                + " ms after the stall (before: at node2's rejoin, twice deadtime = 4 s or later)\n" + c.dump());
        assertTrue(c.nodes.get("node2").rm.status(Now.at(c.now)).stalled(), "... while node2 still recovers");

        ReportTrafficSimulationTest.runUntilAtHome(c, 30_000);
        assertTrue(ReportTrafficSimulationTest.atHome(c), "home again after the recovery\n" + c.dump());
        assertEquals(java.util.List.of("node2"), c.owners(group));
    }
}
