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
    void expectedDetectionEqualsDeadtime() {
        for (long[] kd : new long[][] {{200, 1_000}, {1_000, 3_000}, {2_000, 30_000}, {500, 2_000}}) {
            TimerSettings t = of(kd[0], kd[1]);
            assertEquals(kd[1], t.expectedDetectionMs(), 1, "keepalive " + kd[0] + " deadtime " + kd[1]);
            assertTrue(t.warnings().isEmpty());
        }
    }

    @Test
    void heartbeatIntervalIsKeepaliveAndVerificationAboutATenthOfDeadtime() {
        TimerSettings t = of(1_000, 3_000);
        assertEquals(1_000, t.fdIntervalMs());
        assertEquals(300, t.verifySuspectMs());
        assertEquals(2_550, t.fdTimeoutMs());
    }

    @Test
    void verificationTimeIsClamped() {
        assertEquals(50, of(100, 300).verifySuspectMs());
        assertEquals(1_000, of(2_000, 60_000).verifySuspectMs());
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
        assertEquals(500, t.joinTimeoutMs());
        assertEquals(2_000, of(2_000, 30_000).joinTimeoutMs());
    }
}
