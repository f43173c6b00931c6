package io.lifeline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The suite's rule for a justified ban, replayed from the 500-fault run of 2026-12-07 (seed 1,
 * fault 191): nginx killed on n1 three times, the daemon saw the failures at 00:41:13.082,
 * 00:41:30.118 and 00:42:06.171 and banned n1 until the first expired at 00:42:13.082; the suite
 * checked at 00:42:12.711, when the first kill (up to one monitor interval before the failure
 * was seen) was more than a window old.
 */
class BanJustificationTest {

    private static long at(int minute, double second) {
        return (long) ((minute * 60 + second) * 1000);
    }

    @Test
    void aKillSeenAtTheNextMonitorStillCountsWhileItsFailureDoes() {
        List<Long> kills = List.of(at(41, 12.6), at(41, 29.7), at(42, 5.7));
        long check = at(42, 12.711);
        assertEquals(3, InvariantChecks.killsCounting(kills, check), "the ban the daemon still holds is justified");
        long strictWindow = kills.stream().filter(t -> t >= check - FaultCluster.FAIL_WINDOW_MS).count();
        assertEquals(2, strictWindow, "the old rule counted only two and called the ban unjustified");
    }

    @Test
    void killsOlderThanTheWindowAndTheDetectionDelayDoNotCount() {
        long check = at(50, 0);
        long oldest = check - FaultCluster.FAIL_WINDOW_MS - FaultCluster.NGINX_MONITOR_INTERVAL_MS
                - FaultCluster.NGINX_MONITOR_TIMEOUT_MS;
        assertEquals(1, InvariantChecks.killsCounting(List.of(oldest - 1, oldest), check));
    }
}
