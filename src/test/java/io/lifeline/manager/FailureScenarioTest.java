package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.OcfStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Monitors, failcounts, thresholds, start and stop failures, seen from node1 (home of web). */
class FailureScenarioTest {

    static Scenario.Builder pair() {
        return Scenario.cluster("node1", "node2").group("node1", "web", "nginx", "app");
    }

    /** web = [web, nginx, app] running on node1, node2 up and idle; monitors every 10 s. */
    static Scenario webRunning(Scenario.Builder b) {
        Scenario s = b.start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").report();
        assertEquals(List.of("start web/web", "start web/nginx", "start web/app"), s.settle());
        return s;
    }

    /** Lets the 10 s monitors run once, with nginx failing. */
    static List<String> nginxMonitorFails(Scenario s) {
        s.willReturn("monitor web/nginx", OcfStatus.NOT_RUNNING);
        s.advance(10_000);
        return s.settle();
    }

    @Test
    void runningResourcesAreMonitoredAtTheirInterval() {
        Scenario s = webRunning(pair());
        s.advance(9_999);
        assertEquals(List.of(), s.settle());
        s.advance(1);
        assertEquals(List.of("monitor web/web", "monitor web/nginx", "monitor web/app"), s.settle(),
                "one action at a time per group");
        ManagerStatus.ResourceStatus nginx = s.rm.status(Now.at(s.nowMs)).groups().get(0).resources().get(1);
        assertEquals(OcfStatus.SUCCESS, nginx.lastMonitor());
    }

    @Test
    void monitorFailureRestartsFromFailedResourceOnward() {
        Scenario s = webRunning(pair());
        assertEquals(List.of("monitor web/web", "monitor web/nginx -> not_running",
                "stop web/app", "stop web/nginx", "start web/nginx", "start web/app"), nginxMonitorFails(s));
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        s.assertEvent("monitor of nginx failed on node1 (not running: scripted), failure 1 of 3 within 10min: restarting nginx"
                + " and the 1 resource after it on node1");
        assertEquals(List.of(new StateReport.FailureReport("web", "nginx", 1, 3, false)), s.report().failures());
    }

    @Test
    void groupIsReportedRecoveringWhileItRestarts() {
        Scenario s = webRunning(pair());
        s.willReturn("monitor web/nginx", OcfStatus.ERR_GENERIC);
        s.advance(10_000);
        s.step(); // monitor web
        s.step(); // monitor nginx fails
        assertEquals(GroupPhase.RECOVERING, s.phase("web"));
        assertEquals(List.of("stop web/app"), s.pendingActions());
        s.settle();
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
    }

    @Test
    void thresholdExceededMovesGroup() {
        Scenario s = webRunning(pair());
        nginxMonitorFails(s);
        nginxMonitorFails(s);
        List<String> third = nginxMonitorFails(s);
        assertEquals(List.of("monitor web/web", "monitor web/nginx -> not_running",
                "stop web/app", "stop web/nginx", "stop web/web"), third);
        assertTrue(s.report().bannedFor("web"));
        assertTrue(s.report().released().contains("web"));
        s.assertEvent("monitor of nginx failed 3 times within 10min on node1 (not running: scripted): web leaves node1");
        ManagerStatus.GroupStatus web = s.rm.status(Now.at(s.nowMs)).groups().get(0);
        assertEquals("node2", web.target());
        assertTrue(web.reason().contains("node1 reached the failure threshold for web"), web.reason());
    }

    @Test
    void startFailureMovesGroupAtOnce() {
        Scenario s = pair().start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").report();
        s.willReturn("start web/nginx", OcfStatus.ERR_INSTALLED);
        assertEquals(List.of("start web/web", "start web/nginx -> err_installed", "stop web/nginx", "stop web/web"),
                s.settle());
        assertEquals(List.of(new StateReport.FailureReport("web", "nginx", 3, 3, true)), s.report().failures(),
                "a failed start counts as the whole threshold");
        s.assertEvent("start of nginx failed on node1 (not installed: scripted): node1 is not eligible for web for 10min");
    }

    @Test
    void stopFailureBlocksGroupUntilCleanup() {
        Scenario s = webRunning(pair().settings(x -> x.withFenceHook(Path.of("/etc/ha.d/fence"))));
        s.willReturn("stop web/nginx", OcfStatus.ERR_GENERIC);
        s.command(new OperatorCommand.Failover("web", Optional.of("node2")));
        s.peer("node2").claims("web").report();
        assertEquals(List.of("stop web/app", "stop web/nginx -> err_generic"), s.settle());
        assertEquals(GroupPhase.BLOCKED, s.phase("web"));
        assertEquals(List.of("fence web/nginx"), s.allOf(ManagerAction.RunFenceHook.class));
        s.assertEvent("stop of nginx failed on node1 (generic error: scripted): web is blocked and will not start"
                + " anywhere until `hactl cleanup web`");
        // nothing more happens, whatever time passes: no stop of web/web, no monitors
        s.advance(60_000);
        assertEquals(List.of(), s.settle());
        ManagerStatus.GroupStatus web = s.rm.status(Now.at(s.nowMs)).groups().get(0);
        assertNull(web.target(), "placed nowhere while blocked");
        // cleanup: probes again, then finishes the move the operator asked for
        s.command(new OperatorCommand.Cleanup(Optional.of("web")));
        assertEquals(List.of("probe web/web", "probe web/nginx", "stop web/nginx", "stop web/web"), s.settle());
        assertEquals(GroupPhase.STOPPED, s.phase("web"));
        s.assertRunningHere();
    }

    @Test
    void stopFailureWithoutFenceHookSaysSo() {
        Scenario s = webRunning(pair());
        s.willReturn("stop web/app", OcfStatus.ERR_GENERIC);
        s.command(new OperatorCommand.Standby(GroupScope.ALL));
        s.peer("node2").claims("web").report();
        s.settle();
        assertEquals(List.of(), s.allOf(ManagerAction.RunFenceHook.class));
        s.assertEvent("no fence_hook configured: app may still run on node1");
    }

    @Test
    void peerBlockedGroupIsStartedNowhere() {
        Scenario s = pair().start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").holds("web", GroupPhase.BLOCKED).report();
        s.peer("node2").report();
        assertEquals(List.of(), s.settle());
        assertEquals(GroupPhase.STOPPED, s.phase("web"));
    }

    @Test
    void failcountsExpireAfterWindow() {
        Scenario s = webRunning(pair());
        nginxMonitorFails(s);
        nginxMonitorFails(s);
        assertEquals(2, s.report().failures().get(0).count());
        s.advance(Duration.ofMinutes(10).minusSeconds(5).toMillis());
        s.settle();
        assertEquals(1, s.report().failures().get(0).count(), "the first failure (t=10s) is older than 10 min");
        s.advance(10_000);
        s.settle();
        assertEquals(List.of(), s.report().failures(), "each failure expires on its own");
        nginxMonitorFails(s);
        nginxMonitorFails(s);
        assertEquals(GroupPhase.RUNNING, s.phase("web"), "two new failures are below the threshold again");
    }

    @Test
    void banEndsWhenFailuresExpireAndGroupMayReturnHome() {
        Scenario s = webRunning(pair());
        nginxMonitorFails(s);
        nginxMonitorFails(s);
        nginxMonitorFails(s);
        s.peer("node2").runs("web").report();
        s.advance(Duration.ofMinutes(10).toMillis());
        s.settle();
        s.assertEvent("failures of nginx on node1 expired: node1 is eligible for web again");
        assertFalse(s.report().bannedFor("web"));
        ManagerStatus.GroupStatus web = s.rm.status(Now.at(s.nowMs)).groups().get(0);
        assertEquals("node1", web.target(), "auto_failback on: home again once the ban is over");
    }

    @Test
    void flappingCheckDoesNotPingPong() {
        Scenario s = webRunning(pair().settings(x -> x.withFailbackDelay(Duration.ofMinutes(30))));
        nginxMonitorFails(s);
        nginxMonitorFails(s);
        nginxMonitorFails(s);
        s.peer("node2").claims("web").report();
        s.peer("node2").runsHoldingFailback("web").report();
        // node1's check is fine again at once, but node1 stays out while banned...
        for (int i = 0; i < 59; i++) {
            s.advance(10_000);
            s.peer("node2").report();
            assertEquals(List.of(), s.settle(), "t=" + s.nowMs);
        }
        // ...and after the ban, node2 holds web back for failback_delay
        s.advance(Duration.ofMinutes(1).toMillis());
        s.peer("node2").report();
        assertEquals(List.of(), s.settle());
        assertEquals(GroupPhase.STOPPED, s.phase("web"));
        assertEquals("node2", s.rm.status(Now.at(s.nowMs)).groups().get(0).target());
        // once node2 stops holding it back, web goes home (after node2 releases it)
        s.peer("node2").runs("web").report();
        assertEquals("node1", s.rm.status(Now.at(s.nowMs)).groups().get(0).target());
        assertEquals(GroupPhase.CLAIMING, s.phase("web"), "node1 claims web while node2 still runs it");
        assertEquals(List.of(), s.settle(), "no start while node2 runs web");
        s.peer("node2").releases("web").report();
        assertEquals(List.of("start web/web", "start web/nginx", "start web/app"), s.settle());
        s.assertEvent("node2 released web");
    }

    @Test
    void onFailMoveLeavesAtFirstFailure() {
        ResourcePolicy move = new ResourcePolicy(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(60),
                Duration.ofSeconds(60), 3, Duration.ofMinutes(10), OnFail.MOVE);
        Scenario s = webRunning(pair().settings(x -> x.withResourcePolicies(Map.of("nginx", move))));
        assertEquals(List.of("monitor web/web", "monitor web/nginx -> not_running",
                "stop web/app", "stop web/nginx", "stop web/web"), nginxMonitorFails(s));
        s.assertEvent("on_fail=move: web leaves node1");
    }

    @Test
    void onFailBlockLeavesEverythingAsItIs() {
        ResourcePolicy block = new ResourcePolicy(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(60),
                Duration.ofSeconds(60), 3, Duration.ofMinutes(10), OnFail.BLOCK);
        Scenario s = webRunning(pair().settings(x -> x.withResourcePolicies(Map.of("nginx", block))));
        assertEquals(List.of("monitor web/web", "monitor web/nginx -> not_running"), nginxMonitorFails(s));
        assertEquals(GroupPhase.BLOCKED, s.phase("web"));
        assertEquals(List.of(), s.allOf(ManagerAction.RunFenceHook.class), "nothing failed to stop: no fencing");
    }

    @Test
    void monitorWithoutResultCountsAsFailure() {
        Scenario s = webRunning(pair());
        s.advance(10_000);
        assertEquals(List.of("monitor web/web"), s.lastActions());
        s.advance(20_000 + ResourceManager.RESULT_GRACE_MS + 1);
        assertEquals(List.of("stop web/app"), s.lastActions(), "restart from the first resource");
        assertEquals(List.of("monitor web/web", "stop web/app", "stop web/nginx", "stop web/web", "start web/web",
                "start web/nginx", "start web/app"), s.settle(), "the late monitor result is ignored");
        s.assertEvent("monitor of web failed on node1 (generic error: no result within 30s)");
    }

    @Test
    void unmonitoredResourcesAreNeverMonitored() {
        ResourcePolicy none = ResourcePolicy.DEFAULT;
        none = new ResourcePolicy(Duration.ZERO, none.monitorTimeout(), none.startTimeout(), none.stopTimeout(),
                none.threshold(), none.window(), none.onFail());
        ResourcePolicy unmonitored = none;
        Scenario s = webRunning(pair().settings(x -> x.withResourceDefaults(unmonitored)));
        s.advance(60_000);
        assertEquals(List.of(), s.settle());
    }

    @Test
    void probeFindingAResourceRunningKeepsItWhenThisNodeIsTheChoice() {
        Scenario.Builder b = pair();
        Scenario s = b.start();
        s.host.add("web/web");
        s.host.add("web/nginx");
        s.host.add("web/app");
        assertEquals(List.of("probe web/web", "probe web/nginx", "probe web/app"), s.settle());
        s.membership("node1", "node2");
        s.peer("node2").report();
        assertEquals(List.of(), s.settle(), "already running here, and here is where it belongs");
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        s.assertEvent("probe: nginx is already running on node1");
    }

    @Test
    void probeFindingAResourceRunningElsewhereThanItBelongsStopsIt() {
        Scenario s = Scenario.cluster("node1", "node2").group("node2", "web", "nginx").start();
        s.host.add("web/nginx");
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        assertEquals(List.of(), s.settle(), "it keeps running until its home node claims it");
        s.peer("node2").claims("web").report();
        assertEquals(List.of("stop web/nginx"), s.settle());
    }

    @Test
    void failedProbeIsStoppedBeforeAnythingElse() {
        Scenario s = pair().start();
        s.willReturn("probe web/nginx", OcfStatus.ERR_GENERIC);
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").report();
        assertEquals(List.of("stop web/nginx", "start web/web", "start web/nginx", "start web/app"), s.settle());
    }
}
