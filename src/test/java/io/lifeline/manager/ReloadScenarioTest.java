package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.OcfStatus;
import io.lifeline.manager.ManagerAction.AnswerCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** hactl reload / SIGHUP as the manager sees it: the new configuration, group by group, from node1. */
class ReloadScenarioTest {

    private static Scenario.Builder pair() {
        return Scenario.cluster("node1", "node2")
                .group("node1", "web", "nginx")
                .group("node2", "db", "pgsql");
    }

    /** node1 runs web, node2 runs db. */
    private static Scenario running() {
        Scenario s = PlacementScenarioTest.pairRunning(pair());
        s.assertRunningHere("web/web", "web/nginx");
        s.clearHistory();
        return s;
    }

    private static AnswerCommand answer(Scenario s) {
        List<AnswerCommand> a = s.lastOf(AnswerCommand.class);
        assertEquals(1, a.size(), "one answer to the reload");
        return a.get(0);
    }

    @Test
    void reloadingTheSameConfigurationTouchesNothing() {
        Scenario s = running();
        s.reload(pair());
        assertTrue(answer(s).accepted());
        assertEquals("configuration reloaded: groups: 2 unchanged", answer(s).message());
        assertEquals(List.of(), s.lastActions().stream().filter(a -> !a.startsWith("accepted")).toList());
        assertEquals(List.of(), s.settle(), "no stop, no start, no probe");
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        s.assertRunningHere("web/web", "web/nginx");
        s.assertEvent("configuration reloaded");
    }

    @Test
    void anAddedGroupIsProbedThenPlacedAndTheOthersAreUntouched() {
        Scenario s = running();
        s.reload(pair().group("node1", "mail", "postfix"));
        assertTrue(answer(s).message().contains("added mail"), answer(s).message());
        assertEquals(List.of(), s.settle(), "probes only (not running)");
        s.peer("node2").report(); // node2 confirms node1's claim
        assertEquals(List.of("start mail/mail", "start mail/postfix"), s.settle());
        s.assertRunningHere("web/web", "web/nginx", "mail/mail", "mail/postfix");
        assertFalse(s.allOf(ManagerAction.StopResource.class).stream().anyMatch(a -> a.contains("web")));
    }

    @Test
    void aRemovedGroupIsStoppedRightToLeftAndReleased() {
        Scenario s = running();
        s.reload(Scenario.cluster("node1", "node2").group("node2", "db", "pgsql"));
        assertTrue(answer(s).message().contains("removed web"), answer(s).message());
        assertEquals(GroupPhase.STOPPING, s.phase("web"), "peers see it being stopped, so none claims it yet");
        assertEquals(List.of("db", "web"), s.rm.groupsThatMayRunHere().stream().map(g -> g.name()).toList());
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle());
        s.assertRunningHere();
        assertTrue(s.report().released().contains("web") || s.allActionsOf(ManagerAction.BroadcastReport.class)
                .stream().anyMatch(b -> b.report().released().contains("web")), "released once stopped");
        s.assertEvent("web is stopped on node1 and no longer managed");
        assertEquals(List.of("db"), s.rm.status(Now.at(s.nowMs)).groups().stream()
                .map(ManagerStatus.GroupStatus::name).toList());
    }

    @Test
    void aChangedGroupRestartsFromItsFirstDifferenceKeepingTheResourcesBefore() {
        Scenario s = running();
        s.reload(Scenario.cluster("node1", "node2")
                .group("node1", "web", "nginx::conf=/etc/nginx/new.conf", "php")
                .group("node2", "db", "pgsql"));
        assertTrue(answer(s).message().contains("changed web (restarting from resource 2)"), answer(s).message());
        assertEquals(GroupPhase.RECOVERING, s.phase("web"), "still held here: no peer claims it meanwhile");
        assertEquals(List.of("web", "nginx", "nginx::conf=/etc/nginx/new.conf", "php"), s.rm.groupsThatMayRunHere()
                .get(0).resources().stream().map(r -> r.word()).toList(), "an emergency stop meanwhile stops the new"
                + " resources, then the old ones, then the kept ones, right to left");
        assertEquals(List.of("stop web/nginx", "start web/nginx::conf=/etc/nginx/new.conf", "start web/php"),
                s.settle(), "old resources from the difference on stop right to left, the new ones start in order;"
                        + " the first resource (the VIP) is not touched");
        s.assertRunningHere("web/web", "web/nginx::conf=/etc/nginx/new.conf", "web/php");
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
    }

    /** The pair with web's resources after the VIP replaced by {@code resources}. */
    private static Scenario.Builder webWith(String... resources) {
        String[] words = new String[resources.length + 1];
        words[0] = "web";
        System.arraycopy(resources, 0, words, 1, resources.length);
        return Scenario.cluster("node1", "node2").group("node1", words).group("node2", "db", "pgsql");
    }

    /** nginx whose agent reloads {@code conf} in place (OCF reload-agent, reloadable="1"). */
    private static java.util.Map<String, java.util.Set<String>> nginxReloads(String word) {
        return java.util.Map.of(word, java.util.Set.of("conf"));
    }

    @Test
    void onlyReloadableParametersChangedTheAgentReloadsAndNothingStops() {
        Scenario s = running();
        s.reload(webWith("nginx::conf=/etc/nginx/new.conf"), nginxReloads("nginx::conf=/etc/nginx/new.conf"));
        assertTrue(answer(s).message().contains("reloaded in place web (nginx)"), answer(s).message());
        assertEquals(List.of("reload web/nginx::conf=/etc/nginx/new.conf"), s.settle(),
                "no stop, no start: the VIP and nginx stay up, nginx reloads");
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        s.assertRunningHere("web/web", "web/nginx::conf=/etc/nginx/new.conf");
        s.assertEvent("reloaded nginx::conf=/etc/nginx/new.conf in place on node1");
        s.advance(60_000);
        List<String> later = s.settle();
        assertTrue(later.contains("monitor web/nginx::conf=/etc/nginx/new.conf"), "monitored with the new word: " + later);
        assertFalse(s.allOf(ManagerAction.StopResource.class).stream().anyMatch(a -> a.contains("web")));
    }

    /** Review finding: a start in flight ran the old word with the old parameters, and nothing reloaded it afterwards. */
    @Test
    void aReloadWhileTheResourceIsStartingReloadsItOnceItIsUp() {
        Scenario s = running();
        s.advance(10_001);
        s.willReturn("monitor web/nginx", OcfStatus.NOT_RUNNING);
        for (int i = 0; i < 10 && !s.pendingActions().contains("start web/nginx"); i++) {
            s.step();
        }
        assertEquals(List.of("start web/nginx"), s.pendingActions(), "the recovery restart's start is in flight");
        s.reload(webWith("nginx::conf=/etc/nginx/new.conf"), nginxReloads("nginx::conf=/etc/nginx/new.conf"));
        List<String> ran = s.settle();
        assertTrue(ran.contains("reload web/nginx::conf=/etc/nginx/new.conf"),
                "the old parameters the start ran with are reloaded: " + ran);
    }

    @Test
    void aParameterTheAgentCannotReloadRestartsAsBefore() {
        Scenario s = running();
        s.reload(webWith("nginx::conf=/etc/nginx/new.conf::port=8080"), nginxReloads("nginx::conf=/etc/nginx/new.conf::port=8080"));
        assertTrue(answer(s).message().contains("changed web (restarting from resource 2)"), answer(s).message());
        assertEquals(List.of("stop web/nginx", "start web/nginx::conf=/etc/nginx/new.conf::port=8080"), s.settle());
    }

    @Test
    void aFailedReloadIsAFailureOfTheResourceAndIsRecovered() {
        Scenario s = running();
        s.willReturn("reload web/nginx::conf=/etc/nginx/new.conf", OcfStatus.ERR_GENERIC);
        s.reload(webWith("nginx::conf=/etc/nginx/new.conf"), nginxReloads("nginx::conf=/etc/nginx/new.conf"));
        List<String> ran = s.settle();
        assertEquals("reload web/nginx::conf=/etc/nginx/new.conf -> err_generic", ran.get(0));
        s.assertEvent("reload of nginx::conf=/etc/nginx/new.conf failed on node1");
        assertTrue(ran.contains("start web/nginx::conf=/etc/nginx/new.conf"), "recovered by a restart: " + ran);
    }

    @Test
    void aReloadableChangeOfAGroupThatRunsElsewhereRunsNothingHere() {
        Scenario s = running();
        s.reload(Scenario.cluster("node1", "node2")
                        .group("node1", "web", "nginx")
                        .group("node2", "db", "pgsql::conf=/etc/pg.conf"),
                java.util.Map.of("pgsql::conf=/etc/pg.conf", java.util.Set.of("conf")));
        assertTrue(answer(s).message().contains("reloaded in place db (pgsql)"), answer(s).message());
        assertEquals(List.of(), s.settle(), "db does not run here: the new parameters apply at its next start");
    }

    @Test
    void aChangedGroupThatRunsElsewhereIsOnlyProbedHere() {
        Scenario s = running();
        s.reload(Scenario.cluster("node1", "node2")
                .group("node1", "web", "nginx")
                .group("node2", "db", "pgsql", "pgbouncer"));
        assertEquals(List.of(), s.settle(), "nothing of db ran here: the old pgsql needs no stop, pgbouncer is probed");
        assertEquals(GroupPhase.STOPPED, s.phase("db"));
        s.assertRunningHere("web/web", "web/nginx");
    }

    @Test
    void aFailedStopDuringTheRestartBlocksTheGroupUntilCleanup() {
        Scenario s = running();
        s.willReturn("stop web/nginx", OcfStatus.ERR_GENERIC);
        s.reload(Scenario.cluster("node1", "node2")
                .group("node1", "web", "nginx::conf=/etc/nginx/new.conf")
                .group("node2", "db", "pgsql"));
        assertEquals(List.of("stop web/nginx -> err_generic"), s.settle());
        assertEquals(GroupPhase.BLOCKED, s.phase("web"), "blocked like any failed stop: peers must not start it");
        s.command(new OperatorCommand.Cleanup(java.util.Optional.of("web")));
        List<String> after = s.settle();
        assertTrue(after.contains("stop web/nginx"), "cleanup lets the old resource be stopped again: " + after);
        assertTrue(after.contains("start web/nginx::conf=/etc/nginx/new.conf"), after.toString());
    }

    @Test
    void aReloadThatChangesTheNodesIsRefusedAndChangesNothing() {
        Scenario s = running();
        s.reload(Scenario.cluster("node1", "node2", "node3").group("node1", "web", "nginx"));
        assertFalse(answer(s).accepted());
        assertTrue(answer(s).message().contains("needs a restart"), answer(s).message());
        assertEquals(List.of(), s.settle());
        s.assertRunningHere("web/web", "web/nginx");
        assertEquals(2, s.rm.config().groups().size(), "the old configuration stays");
    }

    @Test
    void failuresOfResourcesNoLongerConfiguredAreForgotten() {
        Scenario s = running();
        s.advance(10_001);
        s.willReturn("monitor web/nginx", OcfStatus.NOT_RUNNING);
        s.settle();
        s.settle();
        assertEquals(1, s.report().failures().size(), "one failure of nginx recorded");
        s.reload(Scenario.cluster("node1", "node2")
                .group("node1", "web", "haproxy")
                .group("node2", "db", "pgsql"));
        assertTrue(answer(s).message().contains("forgot 1 failure"), answer(s).message());
        s.settle();
        assertEquals(List.of(), s.report().failures());
    }

    // ------------------------------------------------------------------ a resource's own configuration changed

    /**
     * The monitor only reports that nginx's file changed since it was loaded; the manager issues
     * the reload, as an action of its own with an event that says why, and nothing restarts.
     */
    @Test
    void aMonitorThatFindsTheConfigurationChangedGetsAReloadFromTheManagerNotARestart() {
        Scenario s = running();
        s.willReportChangedConfig("monitor web/nginx");
        s.advance(10_001);
        assertEquals(List.of("monitor web/web", "monitor web/nginx -> config changed", "reload web/nginx"), s.settle());
        s.assertEvent("monitor of nginx on node1: its configuration changed since it was loaded");
        s.assertEvent("reloaded nginx in place on node1");
        s.assertEvent("its changed configuration applies without a restart");
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        s.assertRunningHere("web/web", "web/nginx");
        assertEquals(List.of(), s.allOf(ManagerAction.StopResource.class));
        s.advance(10_001);
        assertEquals(List.of("monitor web/web", "monitor web/nginx"), s.settle(), "monitored as before, no second reload");
    }

    /** A changed file the agent refuses leaves the resource running its previous one: a warning, not a failure. */
    @Test
    void aRefusedReloadOfAChangedConfigurationKeepsTheResourceRunning() {
        Scenario s = running();
        s.willReportChangedConfig("monitor web/nginx");
        s.willReturn("reload web/nginx", OcfStatus.ERR_CONFIGURED);
        s.advance(10_001);
        assertEquals(List.of("monitor web/web", "monitor web/nginx -> config changed", "reload web/nginx -> err_configured"),
                s.settle());
        s.assertEvent("reload of nginx on node1 refused (");
        s.assertEvent("it keeps running its previous configuration");
        assertFalse(s.events().contains("FAILURE"), s.events());
        assertEquals(GroupPhase.RUNNING, s.phase("web"));
        s.advance(10_001);
        assertEquals(List.of("monitor web/web", "monitor web/nginx"), s.settle());
        assertEquals(List.of(), s.allOf(ManagerAction.StopResource.class));
    }

    /** Any other failure of that reload is a failure of the resource, recovered like a failed monitor. */
    @Test
    void aFailedReloadOfAChangedConfigurationIsRecovered() {
        Scenario s = running();
        s.willReportChangedConfig("monitor web/nginx");
        s.willReturn("reload web/nginx", OcfStatus.ERR_GENERIC);
        s.advance(10_001);
        List<String> ran = s.settle();
        assertTrue(ran.contains("reload web/nginx -> err_generic"), ran.toString());
        s.assertEvent("reload of nginx failed on node1");
        assertTrue(ran.indexOf("stop web/nginx") > ran.indexOf("reload web/nginx -> err_generic")
                && ran.contains("start web/nginx"), "restarted: " + ran);
    }

    /** In maintenance mode nothing is monitored, so nothing is reloaded behind the operator's back. */
    @Test
    void noReloadInMaintenanceMode() {
        Scenario s = running();
        s.willReportChangedConfig("monitor web/nginx");
        s.command(new OperatorCommand.Maintenance(true));
        s.advance(10_001);
        assertEquals(List.of(), s.settle());
    }
}
