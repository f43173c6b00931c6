package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.AutoFailback;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start-up, placement, failback and node death, seen from node1. */
class PlacementScenarioTest {

    static Scenario.Builder pair() {
        return Scenario.cluster("node1", "node2")
                .group("node1", "web", "nginx")
                .group("node2", "db", "pgsql");
    }

    /** Both nodes up, node1 has probed, node2 reported: node1 claims web and starts it once node2 confirms. */
    static Scenario pairRunning(Scenario.Builder b) {
        Scenario s = b.start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").runs("db").report();
        s.settle();
        return s;
    }

    @Test
    void startupWaitsForAllNodesOrInitdead() {
        Scenario s = pair().start();
        assertEquals(List.of(), s.settle());
        s.membership("node1");
        assertEquals(List.of(), s.lastActions(), "alone and before initdead: nothing starts");
        s.initdead();
        assertEquals(GroupPhase.STARTING, s.phase("web"), "alone: no peer has to confirm the claim");
        assertEquals(GroupPhase.STARTING, s.phase("db"), "initdead passed and node2 never came: take its group too");
        assertEquals(List.of("start web/web", "start db/db", "start web/nginx", "start db/pgsql"), s.settle());
        s.assertEvent("initdead elapsed");
    }

    @Test
    void startupPlacesEachGroupOnItsHomeNode() {
        Scenario s = pair().start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        assertEquals(GroupPhase.CLAIMING, s.phase("web"));
        assertEquals(GroupPhase.STOPPED, s.phase("db"));
        assertEquals(List.of(), s.lastActions(), "nothing starts before node2 confirms the claim");
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        s.assertRunningHere("web/web", "web/nginx");
    }

    @Test
    void claimWaitsForEveryPeerToConfirm() {
        Scenario s = pair().start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").withoutConfirming().report();
        assertEquals(List.of(), s.settle(), "node2 has not seen the claim yet");
        s.peer("node2").confirming().report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void nodeDeathMovesItsGroupsToTheBestConnectedSurvivor() {
        Scenario s = Scenario.cluster("node1", "node2", "node3")
                .group("node3", "web", "nginx")
                .local("node2").start();
        s.settle();
        s.connectivity(2);
        s.membership("node1", "node2", "node3");
        s.peer("node1").score(1).report();
        s.peer("node3").score(2).runs("web").report();
        assertEquals(List.of(), s.settle());
        s.membership("node1", "node2");
        assertEquals(GroupPhase.CLAIMING, s.phase("web"),
                "node2 reaches more ping targets than node1, although node1 comes first in ha.cf");
        s.peer("node1").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        s.assertEvent("node1 reaches fewer ping targets (1 < 2)");
    }

    @Test
    void nodeDeathWithEqualScoresPicksTheFirstSurvivorInHaCfOrder() {
        Scenario s = Scenario.cluster("node1", "node2", "node3")
                .group("node1", "web", "nginx")
                .local("node3").start();
        s.settle();
        s.membership("node1", "node2", "node3");
        s.peer("node1").runs("web").report();
        s.peer("node2").report();
        s.membership("node2", "node3");
        s.peer("node2").report();
        assertEquals(GroupPhase.STOPPED, s.phase("web"), "node2 comes before node3 in ha.cf");
        s.assertEvent("node node1 is dead");
    }

    @Test
    void peerDeathMakesTheSurvivorTakeOverItsGroups() {
        Scenario s = pairRunning(pair());
        s.membership("node1");
        assertEquals(List.of("start db/db"), s.lastActions(), "no peer is left to confirm: the claim is granted at once");
        assertEquals(List.of("start db/db", "start db/pgsql"), s.settle());
        s.assertRunningHere("web/web", "web/nginx", "db/db", "db/pgsql");
    }

    @Test
    void autoFailbackOnReturnsGroupHomeWithoutOverlap() {
        Scenario s = pairRunning(pair());
        s.membership("node1");
        s.settle();
        // node2 comes back (fresh incarnation), probes and reports: db goes home, but only after node1 released it
        s.membership("node1", "node2");
        s.peer("node2").restarted().report();
        assertEquals(List.of(), s.settle(), "node1 serves db until node2 claims it");
        s.peer("node2").claims("db").report();
        assertEquals(List.of("stop db/pgsql", "stop db/db"), s.settle());
        assertTrue(s.report().released().contains("db"), "the report after the stop says 'released db'");
        s.assertRunningHere("web/web", "web/nginx");
    }

    @Test
    void autoFailbackOffKeepsGroupWhereItRuns() {
        Scenario s = pairRunning(pair().autoFailback(AutoFailback.OFF));
        s.membership("node1");
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").restarted().report();
        assertEquals(List.of(), s.settle());
        s.assertRunningHere("web/web", "web/nginx", "db/db", "db/pgsql");
    }

    @Test
    void autoFailbackOffStillPlacesOnHomeNodesAtStartup() {
        Scenario s = pairRunning(pair().autoFailback(AutoFailback.OFF));
        s.assertRunningHere("web/web", "web/nginx");
    }

    @Test
    void legacyAutoFailbackBehavesLikeOn() {
        Scenario s = pairRunning(pair().autoFailback(AutoFailback.LEGACY));
        s.membership("node1");
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").restarted().report();
        assertEquals(List.of(), s.settle(), "node1 serves db until node2 claims it");
        s.peer("node2").claims("db").report();
        assertEquals(List.of("stop db/pgsql", "stop db/db"), s.settle());
    }

    @Test
    void activeActiveRunsEachGroupOnItsOwnNode() {
        Scenario s = pairRunning(pair());
        s.assertRunningHere("web/web", "web/nginx");
        assertEquals(GroupPhase.STOPPED, s.phase("db"));
        ManagerStatus st = s.rm.status(Now.at(s.nowMs));
        assertEquals(List.of("node1"), st.groups().get(0).owners());
        assertEquals(List.of("node2"), st.groups().get(1).owners());
    }
}
