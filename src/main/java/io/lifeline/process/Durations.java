package io.lifeline.process;

import java.time.Duration;

/** Short human forms of durations for log lines and agent messages: {@code 250ms}, {@code 20s}, {@code 1.5s}. */
public final class Durations {

    private Durations() {
    }

    public static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 1000 == 0) {
            return (millis / 1000) + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
