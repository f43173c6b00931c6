package io.lifeline.ipvs.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lifeline.ipvs.check.CheckState.Health;
import io.lifeline.ipvs.check.CheckState.Step;
import io.lifeline.ipvs.config.CheckTiming;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CheckStateTest {

    private static final Duration LOOP = Duration.ofSeconds(6);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(2);

    private final CheckState state = new CheckState(new CheckTiming(Duration.ofSeconds(3), 2, RETRY_DELAY, LOOP));

    private static final CheckResult OK = CheckResult.pass("connected");
    private static final CheckResult BAD = CheckResult.fail("connection refused");

    @Test
    void theFirstResultDecidesWithoutRetries() {
        assertEquals(Health.UNKNOWN, state.health());
        assertEquals(new Step(Health.DOWN, true, LOOP), state.record(BAD));
        CheckState other = new CheckState(new CheckTiming(Duration.ofSeconds(3), 2, RETRY_DELAY, LOOP));
        assertEquals(new Step(Health.UP, true, LOOP), other.record(OK));
    }

    @Test
    void anUpServerIsDownOnlyAfterRetryFurtherFailuresDelayBeforeRetryApart() {
        state.record(OK);
        assertEquals(new Step(Health.UP, false, RETRY_DELAY), state.record(BAD));
        assertEquals(new Step(Health.UP, false, RETRY_DELAY), state.record(BAD));
        assertEquals(new Step(Health.DOWN, true, LOOP), state.record(BAD));
        assertEquals(3, state.consecutiveFailures());
        assertEquals("connection refused", state.lastDetail());
        assertEquals(new Step(Health.DOWN, false, LOOP), state.record(BAD));
    }

    @Test
    void aSuccessDuringRetriesResetsTheCount() {
        state.record(OK);
        state.record(BAD);
        state.record(BAD);
        assertEquals(new Step(Health.UP, false, LOOP), state.record(OK));
        assertEquals(0, state.consecutiveFailures());
        assertEquals(new Step(Health.UP, false, RETRY_DELAY), state.record(BAD), "a fresh round of retries");
    }

    @Test
    void aDownServerComesBackAfterOnePass() {
        state.record(BAD);
        assertEquals(new Step(Health.UP, true, LOOP), state.record(OK));
    }

    @Test
    void retryZeroMeansTheFirstFailureTakesItDown() {
        CheckState noRetry = new CheckState(new CheckTiming(Duration.ofSeconds(1), 0, RETRY_DELAY, LOOP));
        noRetry.record(OK);
        assertEquals(new Step(Health.DOWN, true, LOOP), noRetry.record(BAD));
    }
}
