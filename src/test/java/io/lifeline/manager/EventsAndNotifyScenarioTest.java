package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.OcfStatus;
import io.lifeline.manager.ManagerAction.RunNotify;
import io.lifeline.manager.notify.NotifyHook;
import io.lifeline.manager.notify.Transition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventsAndNotifyScenarioTest {

    static Scenario.Builder pairWithHook() {
        return Scenario.cluster("node1", "node2").group("node1", "web", "nginx")
                .settings(s -> s.withNotifyHooks(List.of(new NotifyHook(Path.of("/etc/ha.d/notify"), Duration.ofSeconds(5)))));
    }

    @Test
    void everyTransitionIsNotifiedInOrderWithItsReason() {
        Scenario s = pairWithHook().start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").report();
        s.peer("node2").report();
        s.settle();
        s.willReturn("monitor web/nginx", OcfStatus.NOT_RUNNING);
        s.advance(10_000);
        s.settle();
        s.command(new OperatorCommand.Failover("web", Optional.of("node2")));
        s.settle();
        s.peer("node2").claims("web").report();
        s.settle();
        List<String> notes = s.allOf(RunNotify.class);
        assertEquals(List.of("notify starting web", "notify started web", "notify failed web", "notify recovering web",
                "notify recovered web", "notify stopping web", "notify stopped web"), notes);
        RunNotify stopped = s.lastOf(RunNotify.class).get(0);
        assertEquals("node1", stopped.notification().node());
        assertEquals("web", stopped.notification().group());
        assertEquals(Transition.STOPPED, stopped.notification().transition());
        assertEquals("moving to node2: an operator moved web to node2", stopped.notification().reason());
    }

    @Test
    void noNotifyActionsWithoutHooks() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web").start();
        s.settle();
        s.membership("node1");
        s.initdead();
        s.settle();
        assertEquals(List.of(), s.allOf(RunNotify.class));
    }

    @Test
    void aCrashedNodeFailedAndANodeThatShutDownLeft() {
        Scenario s = Scenario.cluster("node1", "node2", "node3").group("node1", "web").start();
        s.settle();
        s.membership("node1", "node2", "node3");
        s.input(new ManagerInput.MembershipChanged(List.of("node1", "node3"), false, 2, Map.of("node2", "failed")));
        s.input(new ManagerInput.MembershipChanged(List.of("node1"), false, 3,
                Map.of("node2", "failed", "node3", "left")));
        List<String> gone = s.rm.events().stream().map(ManagerEvent::message)
                .filter(m -> m.startsWith("node node2 ") || m.startsWith("node node3 "))
                .filter(m -> !m.endsWith(" joined")).toList();
        assertEquals(List.of("node node2 failed: silent on every link for deadtime (a crash, a hang, power loss or a"
                + " cut network); it is dead", "node node3 left: it announced a clean shutdown"), gone);
    }

    @Test
    void eventLogKeepsOnlyTheNewestEvents() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web")
                .settings(x -> x.withEventLogSize(5)).start();
        for (int i = 0; i < 20; i++) {
            s.connectivity(i);
        }
        List<ManagerEvent> ev = s.rm.events();
        assertEquals(5, ev.size());
        assertEquals("connectivity of node1 changed: 18 -> 19 ping targets reachable", ev.get(4).message());
        assertEquals(EventKind.PLACEMENT, ev.get(4).kind());
    }

    @Test
    void statusShowsGroupsResourcesOwnersAndFailcounts() {
        Scenario s = Scenario.cluster("node1", "node2").group("node1", "web", "nginx").group("node2", "db").start();
        s.settle();
        s.membership("node1", "node2");
        s.peer("node2").runs("db").banned("web", "nginx").score(1).report();
        s.peer("node2").report();
        s.settle();
        ManagerStatus st = s.rm.status(Now.at(s.nowMs));
        assertEquals("node1", st.localNode());
        assertEquals(List.of("node1", "node2"), st.members());
        assertTrue(st.startupComplete());
        ManagerStatus.GroupStatus web = st.groups().get(0);
        assertEquals(List.of("node1"), web.owners());
        assertEquals(GroupPhase.RUNNING, web.phase());
        assertEquals(ResourceState.STARTED, web.resources().get(1).state());
        ManagerStatus.GroupStatus db = st.groups().get(1);
        assertEquals(List.of("node2"), db.owners());
        assertEquals(List.of(new ManagerStatus.FailcountStatus("node2", "web", "nginx", 3, 3, true)), st.failcounts());
        assertEquals(1, st.nodes().get(1).score());
    }
}
