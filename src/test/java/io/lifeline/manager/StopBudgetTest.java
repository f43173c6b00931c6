package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.LocalGroup.Goal;
import org.junit.jupiter.api.Test;

class StopBudgetTest {

    @Test
    void theLongestOfTheLastTenStopsCounts() {
        StopBudget b = new StopBudget();
        b.stopped("nginx", 300);
        for (int i = 0; i < StopBudget.KEPT - 1; i++) {
            b.stopped("nginx", 20);
        }
        assertEquals(300, b.estimateMs("nginx"), "a slow stop is remembered");
        b.stopped("nginx", 25);
        assertEquals(25, b.estimateMs("nginx"), "... for ten stops");
    }

    /**
     * Review, 2026-12-07: a start in flight was not counted (its resource is still STOPPED), yet a
     * stop for the lease must wait for it to end, then stop it too.
     */
    @Test
    void aStartInFlightCountsWithItsStartAndItsStop() {
        StopBudget b = new StopBudget();
        b.started("ip", 30);
        b.stopped("ip", 5);
        b.started("web", 400);
        b.stopped("web", 250);
        java.util.List<ResourceSpec> specs = java.util.stream.Stream.of("ip", "web")
                .map(w -> new ResourceSpec(w, java.util.List.of(), w, 1)).toList();
        LocalGroup g = new LocalGroup(new ResourceGroup("n1", specs, 1),
                specs.stream().map(x -> ResourcePolicy.DEFAULT).toList());
        g.markFoundStopped(0);
        g.markFoundStopped(1);
        assertEquals(0, b.budgetMs(java.util.List.of(g)), "nothing runs, nothing starts");
        g.aim(Goal.RUN, "placed here");
        g.markStarted(0, 1_000);
        g.track(new LocalGroup.Op(7, LocalGroup.OpKind.START, 1, 1_000, 60_000));
        assertEquals(5 + 400 + 250 + StopBudget.REACTION_MS, b.budgetMs(java.util.List.of(g)),
                "ip's stop, web's start to its end, then web's stop");
    }

    @Test
    void aResourceNeverStoppedCountsWithItsLongestStartOrTheDefault() {
        StopBudget b = new StopBudget();
        b.started("IPaddr2::198.51.100.10", 3);
        b.started("IPaddr2::198.51.100.10", 7);
        assertEquals(7, b.estimateMs("IPaddr2::198.51.100.10"));
        assertEquals(StopBudget.UNMEASURED_MS, b.estimateMs("nginx"));
        b.stopped("IPaddr2::198.51.100.10", 1);
        assertEquals(1, b.estimateMs("IPaddr2::198.51.100.10"), "a measured stop beats a start");
    }
}
