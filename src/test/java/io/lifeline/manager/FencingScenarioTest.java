package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.manager.ManagerAction.RunPeerFence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Fencing on peer death (ha.cf fence_peers on): the takeover waits for the fence hook's success. */
class FencingScenarioTest {

    static Scenario.Builder pair(boolean fencePeers) {
        Scenario.Builder b = Scenario.cluster("node1", "node2").group("node2", "web", "nginx");
        return fencePeers ? b.settings(s -> s.withFenceHook(Path.of("/etc/ha.d/fence.sh"))
                .withFencing(new FencingSettings(true, Duration.ofSeconds(30), Map.of("ipaddr", "192.0.2.9")))) : b;
    }

    /** node1 (local) with node2 running web (and whatever else node2's report says). */
    static Scenario node2Runs(Scenario.Builder b, String... groups) {
        Scenario s = b.start();
        s.settle();
        s.membership("node1", "node2");
        Scenario.Peer p = s.peer("node2");
        for (String g : groups) {
            p.runs(g);
        }
        p.report();
        p.report();
        assertEquals(List.of(), s.settle());
        return s;
    }

    static RunPeerFence onlyFence(Scenario s) {
        List<RunPeerFence> f = s.lastOf(RunPeerFence.class);
        assertEquals(1, f.size(), "one fence: " + s.lastActions());
        return f.get(0);
    }

    static void fenceResult(Scenario s, RunPeerFence f, boolean ok, int exit, String detail) {
        s.input(new ManagerInput.FenceCompleted(f.fenceId(), ok, exit, detail, 40));
    }

    @Test
    void theTakeoverWaitsForTheFenceAndStartsOnItsSuccess() {
        Scenario s = node2Runs(pair(true), "web");
        s.membership("node1");
        RunPeerFence f = onlyFence(s);
        assertEquals("node2", f.node());
        assertEquals(List.of("web"), f.groups());
        assertEquals(Map.of("ipaddr", "192.0.2.9"), f.options());
        assertEquals(Duration.ofSeconds(30), f.timeout());
        assertEquals(List.of(), s.settle(), "nothing starts before node2 is fenced");
        assertEquals(GroupPhase.CLAIMING, s.phase("web"));
        assertEquals("running", s.rm.status(Now.at(s.nowMs)).fences().get(0).state());
        s.advance(10_000);
        assertEquals(List.of(), s.allActionsOf(RunPeerFence.class).stream().skip(1).toList(), "no second run meanwhile");
        fenceResult(s, f, true, 0, "");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
        s.assertEvent("node2 is fenced (/etc/ha.d/fence.sh exited 0 after 40 ms): [web] may start on node1");
        assertEquals("done", s.rm.status(Now.at(s.nowMs)).fences().get(0).state());
    }

    /** fence_delay node2=5s: the fence of node2 waits 5 s after it left (pcmk_delay_base); the takeover with it. */
    @Test
    void aFenceDelayHoldsTheFenceOfTheNamedPeerBack() {
        Scenario s = node2Runs(pair(true).settings(x -> x.withFencing(new FencingSettings(true, Duration.ofSeconds(30),
                Map.of(), Map.of("node2", Duration.ofSeconds(5))))), "web");
        s.membership("node1");
        assertEquals(List.of(), s.lastOf(RunPeerFence.class), "not at once");
        s.assertEvent("node2 left while it held or claimed [web]: it is fenced before any of them starts on node1"
                + " (fence_peers on; not before 5s from now, fence_delay)");
        assertEquals(s.nowMs + 5_000, s.rm.nextTimerAtMs(), "the delay's end is a timer");
        s.advance(4_999);
        assertEquals(List.of(), s.allActionsOf(RunPeerFence.class));
        s.advance(1);
        RunPeerFence f = onlyFence(s);
        assertEquals("node2", f.node());
        fenceResult(s, f, true, 0, "");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void aFailedFenceStartsNothingAndIsRetriedUntilItSucceeds() {
        Scenario s = node2Runs(pair(true), "web");
        s.membership("node1");
        RunPeerFence first = onlyFence(s);
        fenceResult(s, first, false, 1, "fence_ipmilan: Unable to connect/login to fencing device");
        assertEquals(List.of(), s.settle());
        s.assertEvent("fencing node2 failed (attempt 1, exit code 1: fence_ipmilan: Unable to connect/login to"
                + " fencing device): nothing of [web] starts on node1; retrying in 5s");
        ManagerStatus.FenceStatus st = s.rm.status(Now.at(s.nowMs)).fences().get(0);
        assertEquals("failed", st.state());
        assertEquals("exit code 1: fence_ipmilan: Unable to connect/login to fencing device", st.lastError());
        assertEquals(1, st.attempts());
        assertEquals(s.nowMs + FencingLedger.RETRY_MS, s.rm.nextTimerAtMs(), "the retry is a timer");
        s.advance(FencingLedger.RETRY_MS - 1);
        assertEquals(List.of(), s.lastOf(RunPeerFence.class), "not before 5 s");
        s.advance(1);
        RunPeerFence second = onlyFence(s);
        assertTrue(second.fenceId() != first.fenceId());
        fenceResult(s, second, false, -1, "timed out: timed out after 30s");
        s.assertEvent("fencing node2 failed (attempt 2, did not exit: timed out: timed out after 30s)");
        assertEquals(List.of(), s.settle());
        s.advance(FencingLedger.RETRY_MS);
        RunPeerFence third = onlyFence(s);
        fenceResult(s, third, true, 0, "");
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void onePeerDeathIsOneFenceForAllItsGroups() {
        Scenario s = node2Runs(pair(true).group("node2", "db", "pgsql"), "web", "db");
        s.membership("node1");
        RunPeerFence f = onlyFence(s);
        assertEquals(List.of("db", "web"), f.groups());
        fenceResult(s, f, true, 0, "");
        assertEquals(List.of("start web/web", "start db/db", "start web/nginx", "start db/pgsql"), s.settle());
        assertEquals(1, s.allActionsOf(RunPeerFence.class).size());
    }

    @Test
    void aPeerThatComesBackCancelsItsFence() {
        Scenario s = node2Runs(pair(true), "web");
        s.membership("node1");
        RunPeerFence f = onlyFence(s);
        s.merge("node1", "node2");
        s.assertEvent("node2 is back: its pending fence (running, 1 attempt) is cancelled");
        assertEquals(List.of(), s.rm.status(Now.at(s.nowMs)).fences());
        s.peer("node2").runs("web").report();
        fenceResult(s, f, true, 0, ""); // the hook's late answer changes nothing
        assertEquals(List.of(), s.settle(), "node2 is alive and keeps web");
        s.advance(FencingLedger.RETRY_MS * 3);
        assertEquals(1, s.allActionsOf(RunPeerFence.class).size());
    }

    @Test
    void aFailedFenceIsCancelledByThePeersReturnToo() {
        Scenario s = node2Runs(pair(true), "web");
        s.membership("node1");
        fenceResult(s, onlyFence(s), false, 2, "");
        s.membership("node1", "node2");
        s.assertEvent("node2 is back: its pending fence (failed, 1 attempt) is cancelled");
        s.peer("node2").runs("web").report();
        s.advance(FencingLedger.RETRY_MS);
        assertEquals(List.of(), s.lastOf(RunPeerFence.class), "no retry for a peer that is back");
        assertEquals(List.of(), s.settle());
    }

    @Test
    void aPeerThatClaimedTheGroupIsFencedToo() {
        // node2 claimed web and node1 confirmed it: node2 may have started it, its report lost with it
        Scenario s = node2Runs(pair(true));
        s.peer("node2").claims("web").report();
        s.settle();
        s.membership("node1");
        assertEquals(List.of("web"), onlyFence(s).groups());
        assertEquals(List.of(), s.settle());
    }

    @Test
    void aPeerThatReleasedEverythingBeforeLeavingIsNotFenced() {
        Scenario s = node2Runs(pair(true), "web");
        s.peer("node2").standby(GroupScope.ALL).releases("web").report();
        s.settle();
        s.membership("node1");
        assertEquals(List.of(), s.allActionsOf(RunPeerFence.class));
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void withoutFencePeersTheTakeoverDoesNotWait() {
        Scenario s = node2Runs(pair(false), "web");
        s.membership("node1");
        assertEquals(List.of(), s.allActionsOf(RunPeerFence.class));
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle());
    }

    @Test
    void aFenceWithoutAResultInTimeCountsAsFailed() {
        Scenario s = node2Runs(pair(true), "web");
        s.membership("node1");
        onlyFence(s);
        s.advance(30_000 + ResourceManager.RESULT_GRACE_MS);
        s.assertEvent("fencing node2 failed (attempt 1, did not exit: no result within 40s)");
        assertEquals(List.of(), s.settle());
        s.advance(FencingLedger.RETRY_MS);
        assertEquals(1, s.lastOf(RunPeerFence.class).size(), "and is retried");
    }

    @Test
    void aReloadThatTurnsFencePeersOffLetsTheWaitingTakeoverGoAhead() {
        Scenario s = node2Runs(pair(true), "web");
        s.membership("node1");
        fenceResult(s, onlyFence(s), false, 1, "device unreachable");
        assertEquals(List.of(), s.settle());
        s.reload(pair(false));
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(),
                "the operator turned fencing off: nothing waits for it any more");
        s.advance(FencingLedger.RETRY_MS);
        assertEquals(1, s.allActionsOf(RunPeerFence.class).size(), "and no retry runs");
        assertEquals(List.of(), s.rm.status(Now.at(s.nowMs)).fences(), "status shows no fence owed");
    }

    @Test
    void aNodeWithoutQuorumFencesNobody() {
        Scenario s = node2Runs(Scenario.cluster("node1", "node2", "node3").group("node2", "web", "nginx")
                .settings(x -> x.withFenceHook(Path.of("/bin/true")).withFencing(
                        new FencingSettings(true, Duration.ofSeconds(30), Map.of()))), "web");
        s.membership("node1");
        assertEquals(List.of(), s.allActionsOf(RunPeerFence.class));
        assertNull(s.rm.status(Now.at(s.nowMs)).groups().get(0).target());
    }

    @Test
    void onlyTheTakingNodeFences() {
        // node3 takes web over (its home); node1 merely sees node2 die and owes nothing to run
        Scenario s = Scenario.cluster("node1", "node2", "node3").group("node3", "web", "nginx")
                .settings(x -> x.withFenceHook(Path.of("/bin/true"))
                        .withFencing(new FencingSettings(true, Duration.ofSeconds(30), Map.of()))).start();
        s.settle();
        s.membership("node1", "node2", "node3");
        s.peer("node3").report();
        s.peer("node2").runs("web").report();
        s.peer("node2").runs("web").report();
        s.peer("node3").report();
        s.settle();
        s.membership("node1", "node3");
        s.peer("node3").report();
        s.settle();
        assertEquals(List.of(), s.allActionsOf(RunPeerFence.class));
        assertEquals("needed", s.rm.status(Now.at(s.nowMs)).fences().get(0).state());
        assertEquals(Optional.of("node3"), Optional.ofNullable(s.rm.status(Now.at(s.nowMs)).groups().get(0).target()));
    }
}
