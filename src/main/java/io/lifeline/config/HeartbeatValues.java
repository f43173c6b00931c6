package io.lifeline.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Heartbeat's value syntaxes: time units and booleans. */
public final class HeartbeatValues {

    private HeartbeatValues() {
    }

    /**
     * Parses a Heartbeat time: a bare number is seconds ({@code 2}, {@code 1.5}); suffixes
     * {@code s}, {@code ms} and {@code us} are Heartbeat's; {@code m}/{@code min} and {@code h}
     * are Lifeline's, for its longer settings (failure windows). Empty when malformed or negative.
     */
    public static Optional<Duration> duration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        long nanosPerUnit;
        if (s.endsWith("ms")) {
            nanosPerUnit = 1_000_000L;
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("us")) {
            nanosPerUnit = 1_000L;
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("min")) {
            nanosPerUnit = 60_000_000_000L;
            s = s.substring(0, s.length() - 3);
        } else if (s.endsWith("m")) {
            nanosPerUnit = 60_000_000_000L;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            nanosPerUnit = 3_600_000_000_000L;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("s")) {
            nanosPerUnit = 1_000_000_000L;
            s = s.substring(0, s.length() - 1);
        } else {
            nanosPerUnit = 1_000_000_000L;
        }
        if (!s.matches("\\d+(\\.\\d+)?|\\.\\d+")) {
            return Optional.empty();
        }
        try {
            double value = Double.parseDouble(s);
            double nanos = value * nanosPerUnit;
            if (nanos > Long.MAX_VALUE / 2.0) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(Math.round(nanos)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Heartbeat booleans, case-insensitive: true/on/yes/y/1 and false/off/no/n/0. */
    public static Optional<Boolean> bool(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "y", "1":
                return Optional.of(true);
            case "false", "off", "no", "n", "0":
                return Optional.of(false);
            default:
                return Optional.empty();
        }
    }

    /**
     * Parses a dotted-quad IPv4 address without ever consulting DNS (InetAddress.getByName
     * would look up "999.1.1.1" as a host name).
     */
    public static Optional<java.net.Inet4Address> ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}")) {
                return Optional.empty();
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) v;
        }
        try {
            return Optional.of((java.net.Inet4Address) java.net.InetAddress.getByAddress(bytes));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses an IPv6 literal (no brackets) without consulting DNS: only hex digits, colons and
     * an embedded dotted quad are let through to InetAddress, which treats those as literals.
     */
    public static Optional<java.net.Inet6Address> ipv6(String text) {
        if (!text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty();
        }
        try {
            return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address a
                    ? Optional.of(a) : Optional.empty();
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Formats a duration the way ha.cf would write it, for messages: {@code 1500ms}, {@code 30s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return ms + "ms";
    }
}
