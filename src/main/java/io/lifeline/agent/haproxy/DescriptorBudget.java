package io.lifeline.agent.haproxy;

import io.lifeline.config.ConfigFileReader;
import io.lifeline.config.Diagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Whether an haproxy.cfg's {@code global maxconn} fits the file-descriptor limit the daemon's
 * systemd unit gives its resources. haproxy needs about two descriptors per connection (client
 * and server side) plus its listeners and checks, raises its own limit to that at start, and
 * refuses to start when it cannot ("Cannot raise FD limit to 131098, limit is 1024" for
 * maxconn 65535); {@code haproxy -c} does not check it, so check-config does.
 */
final class DescriptorBudget {

    /** Listeners, checks, the master's sockets and logs: haproxy's own count adds a few dozen. */
    static final long EXTRA = 64;

    /** Where systemd reads lifeline.service and its drop-ins, lowest precedence first. */
    static final List<Path> UNIT_DIRS = List.of(Path.of("/lib/systemd/system"), Path.of("/usr/lib/systemd/system"),
            Path.of("/etc/systemd/system"), Path.of("/run/systemd/system"));
    static final String UNIT = "lifeline.service";

    private DescriptorBudget() {
    }

    /**
     * A warning at the haresources line when the haproxy configuration needs more descriptors
     * than the installed unit allows; nothing when either is unknown (no global maxconn: haproxy
     * then sizes maxconn from the limit it gets).
     */
    static void check(Path haresources, int line, String word, Path config, List<Path> unitDirs, Diagnostics diag) {
        OptionalLong maxconn = globalMaxconn(config);
        OptionalLong limit = unitLimit(unitDirs);
        if (maxconn.isEmpty() || limit.isEmpty()) {
            return;
        }
        long needed = 2 * maxconn.getAsLong() + EXTRA;
        if (needed > limit.getAsLong()) {
            diag.warning(haresources, line, word + ": " + config + " sets maxconn " + maxconn.getAsLong()
                    + ", which needs about " + needed + " file descriptors, but " + UNIT + " allows "
                    + limit.getAsLong() + " (LimitNOFILE): haproxy will refuse to start. Lower maxconn or raise"
                    + " LimitNOFILE in a drop-in (systemctl edit lifeline)");
        }
    }

    /** {@code maxconn N} of the global section, or empty. */
    static OptionalLong globalMaxconn(Path config) {
        Diagnostics ignored = new Diagnostics();
        List<String> lines = ConfigFileReader.lines(config, ConfigFileReader.Encoding.UTF8, ignored).orElse(List.of());
        boolean global = false;
        OptionalLong maxconn = OptionalLong.empty();
        for (String raw : lines) {
            String[] w = raw.replaceFirst("#.*", "").strip().split("\\s+");
            if (w[0].isEmpty()) {
                continue;
            }
            if (isSection(w[0])) {
                global = w[0].equals("global");
            } else if (global && w[0].equals("maxconn")) {
                maxconn = number(w);
            }
        }
        return maxconn;
    }

    private static boolean isSection(String word) {
        return switch (word) {
            case "global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist",
                    "program", "cache", "mailers", "ring", "http-errors", "crt-store", "traces" -> true;
            default -> false;
        };
    }

    private static OptionalLong number(String[] w) {
        try {
            return w.length == 2 ? OptionalLong.of(Long.parseLong(w[1])) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // haproxy -c reports it
        }
    }

    /**
     * The unit's LimitNOFILE as systemd would apply it: the unit file of the highest-precedence
     * directory, then its drop-ins in name order; the last setting wins. For {@code SOFT:HARD}
     * the hard limit counts (haproxy raises its soft limit itself). Empty when the unit is not
     * installed or sets no limit; {@link Long#MAX_VALUE} for infinity.
     */
    static OptionalLong unitLimit(List<Path> unitDirs) {
        Path unit = null;
        for (Path dir : unitDirs) {
            if (Files.isRegularFile(dir.resolve(UNIT))) {
                unit = dir.resolve(UNIT);
            }
        }
        if (unit == null) {
            return OptionalLong.empty();
        }
        List<Path> files = new ArrayList<>(List.of(unit));
        List<Path> dropIns = new ArrayList<>();
        for (Path dir : unitDirs) {
            Path d = dir.resolve(UNIT + ".d");
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".conf")).forEach(dropIns::add);
                } catch (IOException e) {
                    // unreadable drop-in directory: systemd could not read it either
                }
            }
        }
        dropIns.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        files.addAll(dropIns);
        OptionalLong limit = OptionalLong.empty();
        for (Path f : files) {
            try {
                for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String s = l.strip();
                    if (s.startsWith("LimitNOFILE=")) {
                        limit = parseLimit(s.substring("LimitNOFILE=".length()).strip());
                    }
                }
            } catch (IOException e) {
                // as above
            }
        }
        return limit;
    }

    static OptionalLong parseLimit(String value) {
        String hard = value.contains(":") ? value.substring(value.indexOf(':') + 1) : value;
        if (hard.isEmpty()) {
            return OptionalLong.empty(); // "LimitNOFILE=" resets to the default
        }
        if (hard.toLowerCase(Locale.ROOT).equals("infinity")) {
            return OptionalLong.of(Long.MAX_VALUE);
        }
        try {
            return OptionalLong.of(Long.parseLong(hard));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
