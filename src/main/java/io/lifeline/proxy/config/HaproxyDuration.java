package io.lifeline.proxy.config;

/**
 * HAProxy's time syntax: a non-negative integer followed by an optional unit, {@code us},
 * {@code ms} (the default), {@code s}, {@code m}, {@code h} or {@code d}. Values are kept in
 * milliseconds; microseconds round up so that {@code 1us} is not silently "no timeout".
 */
public final class HaproxyDuration {

    private HaproxyDuration() {
    }

    /** Parses {@code text} into milliseconds, or throws with a message fit for a config error. */
    public static long parseMillis(String text) {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a time (expected e.g. 500, 100ms, 5s, 1m)");
        }
        long value;
        try {
            value = Long.parseLong(text.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("time '" + text + "' is too large");
        }
        String unit = text.substring(i);
        long factor;
        switch (unit) {
            case "", "ms" -> factor = 1;
            case "s" -> factor = 1_000;
            case "m" -> factor = 60_000;
            case "h" -> factor = 3_600_000;
            case "d" -> factor = 86_400_000;
            case "us" -> {
                return (value + 999) / 1000;
            }
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "' in '" + text
                    + "' (use us, ms, s, m, h or d)");
        }
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("time '" + text + "' is too large");
        }
        return value * factor;
    }
}
