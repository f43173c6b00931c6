package io.lifeline.manager;

import java.time.Instant;

/**
 * The current time, passed into the manager with every input so that the manager never reads
 * a clock itself: timers run on {@code monotonicMs} (immune to wall-clock jumps), events and
 * notifications are stamped with {@code wall} for humans.
 */
public record Now(long monotonicMs, Instant wall) {

    /** For tests and simulations: a wall clock that is simply the epoch plus the monotonic time. */
    public static Now at(long monotonicMs) {
        return new Now(monotonicMs, Instant.ofEpochMilli(monotonicMs));
    }

    public Now plusMillis(long ms) {
        return new Now(monotonicMs + ms, wall.plusMillis(ms));
    }
}
