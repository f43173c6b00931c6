package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimerSettingsTest {

    private static TimerSettings of(long keepalive, long deadtime) {
        return TimerSettings.from(Duration.ofMillis(keepalive), Duration.ofMillis(deadtime),
                Duration.ofMillis(deadtime / 2), Duration.ofMillis(deadtime * 2));
    }

    @Test
    void theDeadtimeAdvisedForALeaseIsTheShortestThatGivesIt() {
        // 50 ms / 250 ms gives a 225 ms lease; a 120 ms stop budget plus three keepalives needs 270 ms
        assertEquals(225, of(50, 250).leaseMs());
        long d = TimerSettings.deadtimeForLeaseMs(Duration.ofMillis(50), 270);
        assertEquals(300, d);
        assertTrue(of(50, d).leaseMs() >= 270);
        assertTrue(of(50, d - 50).leaseMs() < 270, "the shortest such deadtime, in steps of 50 ms");
        assertEquals(250, TimerSettings.deadtimeForLeaseMs(Duration.ofMillis(50), 225));
        assertEquals(1_500, TimerSettings.deadtimeForLeaseMs(Duration.ofMillis(200), 1_350));
    }

    @Test
    void lostGroupMessagesAreAskedForAgainAfterTwoKeepalivesWithinBounds() {
        assertEquals(200, of(100, 500).retransmitMs());
        assertEquals(100, of(50, 250).retransmitMs());
        assertEquals(100, of(20, 100).retransmitMs(), "at least 100 ms");
        assertEquals(1_000, of(2_000, 30_000).retransmitMs(), "at most JGroups' default");
    }

    @Test
    void expectedDetectionEqualsDeadtime() {
        for (long[] kd : new long[][] {{50, 250}, {100, 500}, {200, 1_000}, {1_000, 3_000}, {500, 2_000},
                {70, 1_000}, {300, 1_000}}) {
            TimerSettings t = of(kd[0], kd[1]);
            assertEquals(kd[1], t.expectedDetectionMs(), 1, "keepalive " + kd[0] + " deadtime " + kd[1]);
            assertTrue(t.warnings().isEmpty());
        }
    }

    @Test
    void whenTheVerificationCapAppliesDetectionStaysWithinOneKeepaliveBelowDeadtime() {
        for (long[] kd : new long[][] {{2_000, 30_000}, {1_000, 30_000}}) {
            TimerSettings t = of(kd[0], kd[1]);
            assertEquals(1_000, t.verifySuspectMs());
            assertTrue(t.expectedDetectionMs() <= kd[1] && t.expectedDetectionMs() > kd[1] - kd[0],
                    () -> "expected " + t.expectedDetectionMs());
        }
        assertEquals(30_000, of(1_000, 30_000).expectedDetectionMs(), "Heartbeat's defaults");
    }

    /**
     * FD_ALL3 keeps one bit per interval and rounds a partial interval up, so a timeout that is not
     * a whole number of keepalives made detection up to one keepalive later than deadtime
     * (measured: 50/250 gave FD_ALL3 timeout 175 ms, treated as 200 ms, detection ~290 ms).
     */
    @Test
    void suspectTimeoutIsAWholeNumberOfHeartbeatIntervals() {
        for (long[] kd : new long[][] {{50, 250}, {100, 500}, {200, 1_000}, {1_000, 3_000}, {300, 1_000},
                {1_000, 30_000}, {70, 1_000}}) {
            TimerSettings t = of(kd[0], kd[1]);
            assertEquals(0, t.fdTimeoutMs() % t.fdIntervalMs(), () -> "keepalive " + kd[0] + " deadtime " + kd[1]);
        }
        TimerSettings fast = of(50, 250);
        assertEquals(150, fast.fdTimeoutMs());
        assertEquals(100, fast.verifySuspectMs(), "SuspectVerifier confirms after exactly its timeout");
    }

    @Test
    void heartbeatIntervalIsKeepaliveAndVerificationTakesTheRestOfDeadtime() {
        TimerSettings t = of(1_000, 3_000);
        assertEquals(1_000, t.fdIntervalMs());
        assertEquals(2_000, t.fdTimeoutMs());
        assertEquals(1_000, t.verifySuspectMs());
    }

    @Test
    void verificationTimeIsClamped() {
        assertEquals(50, of(100, 230).verifySuspectMs());
        assertEquals(1_000, of(2_000, 60_000).verifySuspectMs());
        assertEquals(1_000, of(500, 60_000).verifySuspectMs());
    }

    @Test
    void deadtimeTooShortForKeepaliveIsRaisedWithAWarning() {
        TimerSettings t = of(1_000, 1_500);
        assertEquals(2_000, t.fdTimeoutMs(), "FD_ALL3 timeout must exceed its interval");
        assertFalse(t.warnings().isEmpty());
        assertTrue(t.warnings().get(0).contains("deadtime 1500 ms is too short"));
    }

    @Test
    void mergeRunsEveryOneToThreeSecondsAndMinIsBelowMax() {
        TimerSettings t = of(200, 1_000);
        assertEquals(1_000, t.mergeMinMs());
        assertEquals(3_000, t.mergeMaxMs());
    }

    /**
     * bench/scale, 16 nodes started at once: the join timeout was 500 ms at keepalive 100 ms, a busy
     * coordinator got to its first JOIN 4-7 s late, and joiners that gave up joined a second coordinator while the
     * first still added them: members of two views at once, which kept 16 nodes from forming.
     */
    @Test
    void aJoinerWaitsLongerThanACoordinatorsViewAckWaitWhateverTheKeepalive() {
        for (long keepalive : new long[] {50, 100, 1_000, 2_000}) {
            TimerSettings t = of(keepalive, keepalive * 10);
            assertTrue(t.joinTimeoutMs() >= TimerSettings.VIEW_ACK_TIMEOUT_MS + 1_000,
                    "keepalive " + keepalive + ": join timeout " + t.joinTimeoutMs());
        }
    }
}
