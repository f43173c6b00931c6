package io.lifeline.agent.script;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of OCF meta-data ({@code timeout="20s"}, {@code interval="10"}), with
 * the units Pacemaker accepts: ms/msec, us/usec, s/sec, m/min, h/hr; a bare number is seconds.
 */
final class OcfDurations {

    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");

    private OcfDurations() {
    }

    /** Empty for a missing, blank or unreadable value: a hint we cannot read is no hint. */
    static Optional<Duration> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        double number = Double.parseDouble(m.group(1));
        double nanosPerUnit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "s", "sec" -> 1e9;
            case "ms", "msec" -> 1e6;
            case "us", "usec" -> 1e3;
            case "m", "min" -> 60e9;
            case "h", "hr" -> 3600e9;
            default -> -1;
        };
        if (nanosPerUnit < 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.round(number * nanosPerUnit)));
    }
}
