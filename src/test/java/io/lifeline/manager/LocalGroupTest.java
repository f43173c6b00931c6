package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.LocalGroup.Goal;
import io.lifeline.manager.LocalGroup.Op;
import io.lifeline.manager.LocalGroup.OpKind;
import io.lifeline.manager.LocalGroup.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules {@link LocalGroup}'s intent methods tie together (the scenarios exercise them through
 * the manager; these pin each one where it lives).
 */
class LocalGroupTest {

    private static LocalGroup group(String... words) {
        List<ResourceSpec> specs = java.util.Arrays.stream(words)
                .map(w -> new ResourceSpec(w, List.of(), w, 1)).toList();
        return new LocalGroup(new ResourceGroup("n1", specs, 1),
                specs.stream().map(s -> ResourcePolicy.DEFAULT).toList());
    }

    private static void probedStopped(LocalGroup g) {
        for (int i = 0; i < g.size(); i++) {
            g.markFoundStopped(i);
        }
    }

    @Test
    void startsLeftToRightAndAStopThatEmptiesTheGroupForgetsWhenItRan() {
        LocalGroup g = group("ip", "web");
        assertNull(g.nextLifecycleStep(), "nothing before the probes");
        probedStopped(g);
        assertNull(g.nextLifecycleStep(), "no goal: starts and stops nothing");
        assertTrue(g.aim(Goal.RUN, "placed here"));
        assertFalse(g.aim(Goal.RUN, "again"), "the same goal is no change");
        assertEquals("placed here", g.lastReason());
        assertEquals(new Step(OpKind.START, 0), g.nextLifecycleStep());
        g.markStarted(0, 1_000);
        assertEquals(new Step(OpKind.START, 1), g.nextLifecycleStep());
        g.markStarted(1, 1_000);
        g.markRunning(1_000);
        assertEquals(GroupPhase.RUNNING, g.phase());
        assertTrue(g.defersFailback(1_500, 1_000));
        assertFalse(g.defersFailback(2_000, 1_000));

        g.aim(Goal.STOP, "moving");
        assertEquals(new Step(OpKind.STOP, 1), g.nextLifecycleStep());
        assertFalse(g.markStopped(1), "ip is still up");
        assertTrue(g.occupies());
        assertTrue(g.markStopped(0), "the last stop empties the group");
        assertFalse(g.occupies());
        assertEquals(-1, g.runningSinceMs());
    }

    @Test
    void aRefusedStartCountsAndWaitsAndASuccessfulOneEndsTheStreak() {
        LocalGroup g = group("ip");
        probedStopped(g);
        g.aim(Goal.RUN, "placed here");
        assertEquals(1, g.startRefused(0, 2_000));
        assertEquals(2, g.startRefused(0, 3_000));
        assertEquals(3_000, g.retryStartAtMs());
        assertEquals(ResourceState.STOPPED, g.state(0));
        g.markStarted(0, 3_000);
        assertEquals(0, g.startRefusals());
        g.startRefused(0, 4_000);
        g.forgetRefusals();
        assertEquals(0, g.startRefusals());
        assertEquals(-1, g.retryStartAtMs());
    }

    @Test
    void aBlockDropsTheClaimAndCleanupReprobesAllButTheResourceInAction() {
        LocalGroup g = group("ip", "web");
        probedStopped(g);
        g.claim(7, "placed here");
        assertEquals(GroupPhase.CLAIMING, g.phase());
        g.block("stop failed", new Stamp(3, "n1"));
        assertTrue(g.blocked());
        assertEquals(0, g.claimSeq());
        assertEquals(GroupPhase.BLOCKED, g.phase());
        g.track(new Op(1, OpKind.STOP, 1, 0, 1_000));
        g.unblock("cleanup");
        assertFalse(g.blocked());
        assertEquals(ResourceState.UNKNOWN, g.state(0));
        assertEquals(ResourceState.STOPPED, g.state(1), "the resource an action runs on keeps its state");
    }

    @Test
    void onlyBackgroundActionsAreAbandoned() {
        LocalGroup g = group("ip");
        g.track(new Op(1, OpKind.STOP, 0, 0, 1_000));
        assertFalse(g.abandonBackgroundAction());
        assertTrue(g.awaits(1));
        g.track(new Op(2, OpKind.REANNOUNCE, 0, 0, 1_000));
        assertFalse(g.abandonMonitor(), "maintenance mode drops monitors only");
        assertTrue(g.abandonBackgroundAction());
        assertNull(g.inFlight());
    }

    @Test
    void aSplitBrainIsNewsOnceAndAsksForAReannouncement() {
        LocalGroup g = group("ip");
        assertTrue(g.noteSplitBrain());
        assertFalse(g.noteSplitBrain());
        assertEquals("the split brain", g.reannounceDue());
        g.forgetAnnouncements();
        assertNull(g.reannounceDue());
        assertTrue(g.noteSplitBrain());
    }
}
