package io.lifeline.cli;

import io.lifeline.config.HeartbeatValues;
import java.time.Duration;
import java.util.Optional;

/**
 * The refresh interval of {@code hactl status --watch} and {@code hactl events --follow}:
 * Heartbeat's time syntax ({@code 2}, {@code 500ms}, {@code 1.5s}), between 200 ms (each refresh
 * is a request the daemon answers on its manager thread) and one hour.
 */
final class RefreshInterval {

    static final Duration MIN = Duration.ofMillis(200);
    static final Duration MAX = Duration.ofHours(1);

    private RefreshInterval() {
    }

    /** The interval, or empty with the reason printed by the caller from {@link #problem}. */
    static Optional<Duration> parse(String text) {
        return HeartbeatValues.duration(text).filter(d -> d.compareTo(MIN) >= 0 && d.compareTo(MAX) <= 0);
    }

    static String problem(String option, String text) {
        return "hactl: " + option + " '" + text + "' is not a time from 200ms to 1h (e.g. 2, 500ms, 1.5s)";
    }
}
