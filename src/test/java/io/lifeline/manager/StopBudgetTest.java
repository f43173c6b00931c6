package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
