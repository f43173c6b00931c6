package io.lifeline.cluster;

import java.time.Duration;

/**
 * From which freeze on this node's peers may have declared it dead, as the stall watchdog can
 * tell, and how the watchdog samples.
 *
 * <p>Peers declare a node dead after deadtime without a packet from it (precisely: the failure
 * detector's timeout plus the suspect verification, TimerSettings). The last heartbeat before a
 * freeze may already be up to one keepalive old when the freeze starts, so a freeze of
 * {@code deadtime - keepalive} can be enough. The watchdog measures a freeze by
 * oversleeping: a freeze that began during its sleep is seen up to one period short. Hence the
 * bound {@code deadtime - keepalive - period}: every freeze after which a peer could have declared
 * this node dead measures at least that. (The first version used deadtime itself: a 474 ms freeze
 * at 100 ms / 500 ms was "below the stall threshold" while the peers had already taken over.)
 *
 * <p>The period follows keepalive (at most 100 ms, at least 20 ms), so the bound stays positive
 * down to the fastest timers; the watchdog reports every freeze from the bound (or 250 ms, when
 * lower) up, so a configured {@code stall_threshold} below the bound still hears of short ones.
 *
 * @param periodMs      the watchdog's sleep
 * @param boundMs       the default stall threshold: freezes measured this long may have cost membership
 * @param reportAboveMs the watchdog reports freezes longer than this
 */
public record StallBound(long periodMs, long boundMs, long reportAboveMs) {

    static final long MAX_PERIOD_MS = 100;
    static final long MIN_PERIOD_MS = 20;
    static final long USUAL_REPORT_MS = 250;

    public static StallBound of(TimerSettings timers) {
        long send = timers.fdIntervalMs();                          // heartbeat period
        long silence = timers.fdTimeoutMs() + timers.verifySuspectMs(); // silence after which peers declare death
        long period = Math.max(MIN_PERIOD_MS, Math.min(MAX_PERIOD_MS, send));
        long bound = Math.max(period, silence - send - period);
        return new StallBound(period, bound, Math.min(USUAL_REPORT_MS, bound - 1));
    }

    public Duration bound() {
        return Duration.ofMillis(boundMs);
    }
}
