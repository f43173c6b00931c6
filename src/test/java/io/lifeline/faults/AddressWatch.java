package io.lifeline.faults;

import io.lifeline.lab.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Observer: {@code ip -o -ts monitor address} inside one node's namespace, from before its
 * daemon starts, so every VIP addition and deletion is seen with the kernel's own order and a
 * microsecond timestamp. Parsed at the end into the intervals each node held each VIP.
 */
final class AddressWatch {

    /** A node held {@code vip} from {@code fromMs} to {@code toMs} (epoch ms; open intervals end at the run's end). */
    record Holding(String node, String vip, long fromMs, long toMs) {
    }

    /** One addition or deletion, for the non-event check. */
    record Change(String node, String vip, long atMs, boolean added) {
    }

    private static final Pattern LINE = Pattern.compile(
            "^\\[(\\S+)\\] (Deleted )?\\d+: (\\S+)\\s+inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/\\d+");

    final String node;
    final Path file;

    AddressWatch(Lab.Host host, String node, Path file, long maxSeconds) throws IOException {
        this.node = node;
        this.file = file;
        // At a realtime priority: ip stamps each event when it reads it, and at load 30 a monitor
        // at normal priority stamped a VIP's deletion 37 ms after the agent had logged it, so a
        // planned handover (delete, then add on the peer 22 ms later) read as a 5 ms overlap.
        host.start(List.of("timeout", Long.toString(maxSeconds), "chrt", "-r", "20", "ip", "-o", "-ts", "monitor",
                "address"), file);
    }

    /**
     * The additions and deletions of {@code vips}, transitions only: a VIP on a lease is renewed
     * by adding it again (another RTM_NEWADDR while it is held), which changes nothing.
     */
    List<Change> changes(List<String> vips) throws IOException {
        return changes(node, Files.readAllLines(file, StandardCharsets.UTF_8), vips);
    }

    static List<Change> changes(String node, List<String> lines, List<String> vips) {
        List<Change> out = new ArrayList<>();
        java.util.Set<String> held = new java.util.HashSet<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find() && vips.contains(m.group(4))) {
                boolean added = m.group(2) == null;
                if (added ? held.add(m.group(4)) : held.remove(m.group(4))) {
                    long at = LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                    out.add(new Change(node, m.group(4), at, added));
                }
            }
        }
        return out;
    }

    List<Holding> holdings(List<String> vips, long endMs) throws IOException {
        List<Holding> out = new ArrayList<>();
        for (String vip : vips) {
            long since = -1;
            for (Change c : changes(List.of(vip))) {
                if (c.added()) {
                    since = c.atMs();
                } else {
                    out.add(new Holding(node, vip, since, c.atMs()));
                    since = -1;
                }
            }
            if (since >= 0) {
                out.add(new Holding(node, vip, since, endMs));
            }
        }
        return out;
    }
}
