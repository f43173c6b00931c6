package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StallBoundTest {

    static StallBound bound(long keepaliveMs, long deadtimeMs) {
        return StallBound.of(TimerSettings.from(Duration.ofMillis(keepaliveMs), Duration.ofMillis(deadtimeMs),
                Duration.ofMillis(deadtimeMs / 2), Duration.ofSeconds(60)));
    }

    /**
     * The freeze the split-brain issue saw: 474 ms at keepalive 100 ms / deadtime 500 ms was
     * "below the stall threshold of 500 ms", while the peers had declared the node dead.
     */
    @Test
    void aFreezeThatCostMembershipAtTheLabTimersIsAStall() {
        StallBound b = bound(100, 500);
        assertEquals(new StallBound(100, 300, 250), b);
        assertTrue(474 >= b.boundMs());
    }

    @Test
    void theBoundFollowsTheProfiles() {
        assertEquals(new StallBound(50, 150, 149), bound(50, 250), "the fast profile");
        assertEquals(new StallBound(20, 50, 49), bound(20, 100), "keepalive 20 ms / deadtime 100 ms");
        // peers declare death after 29 s there (14 heartbeat intervals and 1 s of verification)
        assertEquals(new StallBound(100, 26_900, 250), bound(2_000, 30_000), "Heartbeat's usual 2 s / 30 s");
    }

    /**
     * Every freeze after which a peer may have declared this node dead measures at least the
     * bound: whatever the age of the last heartbeat when the freeze began, and wherever in the
     * watchdog's sleep it began.
     */
    @Test
    void everyFreezeThatCanCostMembershipMeasuresAtLeastTheBound() {
        Random random = new Random(16);
        long[][] profiles = {{20, 100}, {50, 250}, {100, 500}, {200, 1_000}, {1_000, 5_000}, {2_000, 30_000}};
        for (long[] p : profiles) {
            TimerSettings t = TimerSettings.from(Duration.ofMillis(p[0]), Duration.ofMillis(p[1]),
                    Duration.ofMillis(p[1] / 2), Duration.ofSeconds(60));
            StallBound b = StallBound.of(t);
            long silenceToDeath = t.fdTimeoutMs() + t.verifySuspectMs();
            for (int i = 0; i < 20_000; i++) {
                long heartbeatAge = random.nextInt((int) t.fdIntervalMs() + 1); // last heartbeat sent before the freeze
                long intoSleep = random.nextInt((int) b.periodMs());            // where in the sleep it began
                long freeze = random.nextInt((int) (2 * silenceToDeath));
                boolean peersMayDeclareDeath = heartbeatAge + freeze >= silenceToDeath;
                long measured = Math.max(0, intoSleep + freeze - b.periodMs());
                if (peersMayDeclareDeath) {
                    assertTrue(measured >= b.boundMs() && measured > b.reportAboveMs(), "profile " + p[0] + "/" + p[1]
                            + ": a freeze of " + freeze + " ms measured " + measured + " ms, bound " + b);
                }
            }
        }
    }
}
