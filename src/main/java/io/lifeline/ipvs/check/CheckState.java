package io.lifeline.ipvs.check;

import io.lifeline.ipvs.config.CheckTiming;
import java.time.Duration;

/**
 * The health of one checker, with keepalived's retry rules, as a pure state machine: it is fed
 * attempt results and says the new health and when to check next. Not thread-safe; one
 * checker thread drives it.
 *
 * <ul>
 *   <li>The first result decides: a server is healthy only once a check has passed
 *       (keepalived's {@code alpha} mode), so start never installs an unchecked server.</li>
 *   <li>A healthy server that fails is retried {@code retry} times, {@code delay_before_retry}
 *       apart, and is declared down only when all those attempts failed too.</li>
 *   <li>A down server comes back after one passing check.</li>
 *   <li>Otherwise the next check is {@code delay_loop} later.</li>
 * </ul>
 */
public final class CheckState {

    public enum Health { UNKNOWN, UP, DOWN }

    /** What one result changed. */
    public record Step(Health health, boolean changed, Duration nextCheckIn) {
    }

    private final CheckTiming timing;
    private Health health = Health.UNKNOWN;
    private int consecutiveFailures;
    private String lastDetail = "not checked yet";

    public CheckState(CheckTiming timing) {
        this.timing = timing;
    }

    public Step record(CheckResult result) {
        Health before = health;
        lastDetail = result.detail();
        Duration next = timing.delayLoop();
        if (result.passed()) {
            consecutiveFailures = 0;
            health = Health.UP;
        } else {
            consecutiveFailures++;
            if (health == Health.UP && consecutiveFailures <= timing.retry()) {
                next = timing.delayBeforeRetry();
            } else {
                health = Health.DOWN;
            }
        }
        return new Step(health, health != before, next);
    }

    public Health health() {
        return health;
    }

    /** Failed attempts in a row, including retries. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public String lastDetail() {
        return lastDetail;
    }
}
