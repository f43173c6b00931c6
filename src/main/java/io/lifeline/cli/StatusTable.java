package io.lifeline.cli;

import io.lifeline.control.JsonValue;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders the status JSON (docs/status-json.md) as tables for people. */
final class StatusTable {

    private StatusTable() {
    }

    static void print(JsonValue s, PrintWriter out) {
        // plain concatenation, no printf: java.util.Formatter pulls in regular expressions and the
        // locale data (CLDR), a tenth of hactl status's CPU (docs/ARCHITECTURE.md, "Start-up")
        out.println("Lifeline " + s.path("version").asText() + " on node " + s.path("node").asText() + ", up "
                + duration(s.path("uptime_ms").asLong()) + " (pid " + s.path("pid").asLong() + ")");
        JsonValue t = s.path("timers");
        out.println("timers: keepalive " + duration(t.path("keepalive_ms").asLong()) + ", deadtime "
                + duration(t.path("deadtime_ms").asLong()) + ", warntime " + duration(t.path("warntime_ms").asLong())
                + ", initdead " + duration(t.path("initdead_ms").asLong()));
        if (!s.path("last_stall").isNull() && !s.path("last_stall").isMissingNode()) {
            out.println("WARNING: this node was frozen for " + duration(s.path("last_stall").path("gap_ms").asLong())
                    + ", " + duration(s.path("last_stall").path("ms_ago").asLong()) + " ago");
        }
        printConfigAgreement(s, out);
        out.println();
        printGroups(s, out);

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "STATE", "SINCE", "LINK", "LINK STATE", "LAST HEARD"});
        for (JsonValue n : s.path("nodes")) {
            String state = n.path("state").asText();
            if (!n.path("dead_cause").isNull()) {
                state += " (" + n.path("dead_cause").asText() + ")";
            }
            String since = n.path("local").asBoolean() ? "(this node)" : duration(n.path("since_ms_ago").asLong()) + " ago";
            if (n.path("links").isEmpty()) {
                rows.add(new String[] {n.path("name").asText(), state, since, "", "", ""});
            }
            boolean first = true;
            for (JsonValue l : n.path("links")) {
                String heard = l.path("last_heard_ms_ago").isNull() ? "never"
                        : duration(l.path("last_heard_ms_ago").asLong()) + " ago";
                rows.add(first
                        ? new String[] {n.path("name").asText(), state, since, l.path("link").asText(),
                                l.path("state").asText(), heard}
                        : new String[] {"", "", "", l.path("link").asText(), l.path("state").asText(), heard});
                first = false;
            }
        }
        table(rows, out, 1, 5);
        // a dead node the manager still counts: why nothing of it moves yet (docs/leases.md)
        for (JsonValue n : s.path("nodes")) {
            JsonValue held = n.path("held_ms_left");
            if (!held.isNull() && !held.isMissingNode()) {
                out.println(n.path("name").asText() + " is held: dropped while this node still heard it (its quorum"
                        + " lease may still run);");
                out.println("  the manager counts it as a member for " + duration(held.asLong())
                        + " more, and none of its groups moves before");
            }
        }
        out.println();

        rows = new ArrayList<>();
        rows.add(new String[] {"LINK", "BOUND TO", "STATE", "MEMBERS"});
        for (JsonValue l : s.path("links")) {
            List<String> members = new ArrayList<>();
            l.path("view_members").forEach(m -> members.add(m.asText()));
            rows.add(new String[] {l.path("name").asText(), l.path("bind_address").asText() + ":" + l.path("port").asInt(),
                    l.path("state").asText(), String.join(" ", members)});
        }
        table(rows, out, 3);

        rows = new ArrayList<>();
        rows.add(new String[] {"LINK", "PEER", "REASON", "DROPPED", "LAST"});
        for (JsonValue l : s.path("links")) {
            for (JsonValue d : l.path("auth_drops")) {
                rows.add(new String[] {l.path("name").asText(), d.path("peer").asText(), d.path("reason").asText(),
                        d.path("count").asText(), duration(d.path("last_drop_ms_ago").asLong()) + " ago"});
            }
            for (JsonValue r : l.path("rejected_members")) {
                rows.add(new String[] {l.path("name").asText(), r.path("name").asText(), "not_in_ha.cf",
                        r.path("views").asText() + " views", ""});
            }
        }
        out.println();
        if (rows.size() == 1) {
            out.println("auth drops: none");
        } else {
            out.println("auth drops (packets refused by authkeys checks):");
            table(rows, out, 1, 4);
        }
        printRespawned(s, out);
    }

    /** Where every group runs and why, first: it is what the admin came to see. */
    private static void printGroups(JsonValue s, PrintWriter out) {
        JsonValue m = s.path("manager");
        if (m.isMissingNode()) {
            return;
        }
        if (m.path("maintenance").asBoolean()) {
            out.println("MAINTENANCE MODE: resources are neither started, stopped nor monitored (hactl maintenance off)");
        }
        if (m.path("stalled").asBoolean()) {
            out.println("STALLED: this node was frozen past the stall threshold and released its groups; rejoining");
        }
        if (!m.path("quorate").asBoolean(true)) {
            out.println("NO QUORUM: this partition has no majority of the nodes");
        }
        if (!m.path("startup_complete").asBoolean(true)) {
            out.println("starting up: probing resources and waiting for the other nodes or initdead");
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"GROUP", "PHASE", "RUNS ON", "TARGET", "RESOURCE", "STATE", "LAST MONITOR"});
        List<String> notes = new ArrayList<>();
        for (JsonValue g : s.path("groups")) {
            // the short name (docs/haresources.md, "Group names"); every command accepts it
            String name = g.path("short_name").isTextual() ? g.path("short_name").asText() : g.path("name").asText();
            List<String> owners = new ArrayList<>();
            g.path("owners").forEach(o -> owners.add(o.asText()));
            String target = g.path("target").isNull() ? "-" : g.path("target").asText();
            boolean first = true;
            for (JsonValue r : g.path("resources")) {
                String monitor = r.path("last_monitor").isNull() ? "-" : r.path("last_monitor").asText().replace('_', ' ');
                if (!r.path("last_monitor_message").isNull() && !r.path("last_monitor_message").asText().isEmpty()
                        && !"success".equals(r.path("last_monitor").asText())) {
                    monitor += ": " + r.path("last_monitor_message").asText();
                }
                rows.add(first
                        ? new String[] {name, g.path("phase").asText(),
                                owners.isEmpty() ? "-" : String.join(",", owners), target,
                                r.path("resource").asText(), r.path("state").asText(), monitor}
                        : new String[] {"", "", "", "", r.path("resource").asText(), r.path("state").asText(), monitor});
                first = false;
                for (JsonValue line : r.path("detail_lines")) {
                    rows.add(new String[] {"", "", "", "", "  " + line.asText(), "", ""});
                }
            }
            String why = g.path("reason").asText("");
            if (!g.path("blocked_reason").isNull()) {
                notes.add(name + ": BLOCKED: " + g.path("blocked_reason").asText()
                        + " (fix it, then hactl cleanup " + name + ")");
            } else if (!why.isEmpty()) {
                notes.add(name + ": " + why
                        + (g.path("pinned_to").isNull() ? "" : " (pinned to " + g.path("pinned_to").asText() + ")"));
            }
        }
        if (rows.size() == 1) {
            out.println("groups: none (haresources is empty)");
        } else {
            table(rows, out, 0, 4, 6, 2);
            notes.forEach(n -> wrap(n, MAX_WIDTH - 2).forEach(line -> out.println("  " + line)));
        }
        rows = new ArrayList<>();
        rows.add(new String[] {"PIN", "PINNED TO", "SET ON", "IN EFFECT"});
        for (JsonValue p : s.path("pins")) {
            String effect = p.path("in_effect").isBoolean()
                    ? (p.path("in_effect").asBoolean() ? "yes" : "no (not eligible or fewer ping targets)") : "-";
            rows.add(new String[] {shortName(s, p.path("group").asText()), p.path("node").asText(),
                    p.path("set_on").asText(), effect});
        }
        if (rows.size() > 1) {
            out.println();
            table(rows, out, 0, 3);
            out.println("  (hactl unpin GROUP|all clears them)");
        }
        rows = new ArrayList<>();
        rows.add(new String[] {"FENCE", "STATE", "GROUPS", "ATTEMPTS", "LAST ERROR"});
        for (JsonValue f : s.path("fences")) {
            List<String> groups = new ArrayList<>();
            f.path("groups").forEach(g -> groups.add(shortName(s, g.asText())));
            String state = f.path("state").asText();
            if (f.path("next_attempt_at").isTextual()) {
                state += " (next attempt " + f.path("next_attempt_at").asText() + ")";
            }
            rows.add(new String[] {f.path("node").asText(), state, String.join(",", groups),
                    f.path("attempts").asText(), f.path("last_error").isTextual() ? f.path("last_error").asText() : "-"});
        }
        if (rows.size() > 1) {
            out.println();
            table(rows, out, 1, 2, 4);
        }
        rows = new ArrayList<>();
        rows.add(new String[] {"FAILCOUNT ON", "GROUP", "RESOURCE", "COUNT"});
        for (JsonValue f : s.path("failcounts")) {
            rows.add(new String[] {f.path("node").asText(), shortName(s, f.path("group").asText()),
                    f.path("resource").asText(),
                    f.path("count").asInt() + "/" + f.path("threshold").asInt()
                            + (f.path("banned").asBoolean() ? " (banned until it expires or hactl cleanup)" : "")});
        }
        if (rows.size() > 1) {
            out.println();
            table(rows, out, 1, 2, 3);
        }
        out.println();
    }

    /** Peers whose configuration differs from this node's (docs/propagate.md), one line each. */
    private static void printConfigAgreement(JsonValue s, PrintWriter out) {
        for (JsonValue p : s.path("config").path("peers")) {
            List<String> differs = new ArrayList<>();
            p.path("differs").forEach(d -> differs.add(d.asText()));
            if (!differs.isEmpty()) {
                wrap("CONFIG DIFFERS on node " + p.path("node").asText() + ": " + String.join(", ", differs), MAX_WIDTH)
                        .forEach(out::println);
            } else if (!p.path("advertised").asBoolean(true)) {
                out.println("config: node " + p.path("node").asText()
                        + " runs a version that does not advertise its configuration");
            }
        }
    }

    /** ha.cf respawn programs, when there are any. */
    private static void printRespawned(JsonValue s, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"RESPAWN", "USER", "STATE", "PID", "STARTS", "LAST EXIT"});
        for (JsonValue c : s.path("respawn")) {
            rows.add(new String[] {c.path("name").asText(), c.path("user").asText(), c.path("state").asText(),
                    c.path("pid").isNumber() ? c.path("pid").asText() : "-", c.path("starts").asText(),
                    c.path("last_exit").isTextual() ? c.path("last_exit").asText() : "-"});
        }
        if (rows.size() > 1) {
            out.println();
            table(rows, out, 0, 5);
        }
    }

    /** The short name of the group called {@code full} (failcounts, pins and fences name the full one). */
    private static String shortName(JsonValue s, String full) {
        for (JsonValue g : s.path("groups")) {
            if (g.path("name").asText().equals(full) && g.path("short_name").isTextual()) {
                return g.path("short_name").asText();
            }
        }
        return full;
    }

    /**
     * The width every line of {@code hactl status} fits in (a terminal split in two, an 80-100
     * column mail or ticket). Tables whose cells would make a row wider wrap their wrappable
     * columns (resource words, monitor messages, lists) onto continuation lines, as crm_mon does;
     * nothing is cut off.
     */
    static final int MAX_WIDTH = 100;
    /** A wrapped column never gets narrower than this. */
    private static final int MIN_WRAPPED = 12;
    private static final int GAP = 2;

    private static void table(List<String[]> rows, PrintWriter out, int... wrappable) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        fit(width, wrappable);
        for (String[] r : rows) {
            List<List<String>> cells = new ArrayList<>();
            int lines = 1;
            for (int i = 0; i < cols; i++) {
                List<String> parts = i == cols - 1 && !contains(wrappable, i) ? List.of(r[i]) : wrap(r[i], width[i]);
                cells.add(parts);
                lines = Math.max(lines, parts.size());
            }
            for (int line = 0; line < lines; line++) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < cols; i++) {
                    String cell = line < cells.get(i).size() ? cells.get(i).get(line) : "";
                    sb.append(cell);
                    if (i < cols - 1) {
                        sb.append(" ".repeat(Math.max(0, width[i] - cell.length()) + GAP));
                    }
                }
                out.println(sb.toString().stripTrailing());
            }
        }
    }

    /**
     * Narrows the wrappable columns until a row fits {@link #MAX_WIDTH}: the widest gives first,
     * down to the next widest, then both together, and so on (no column is squeezed while a wider
     * one could give), never below {@link #MIN_WRAPPED}.
     */
    private static void fit(int[] width, int[] wrappable) {
        while (total(width) > MAX_WIDTH) {
            int max = MIN_WRAPPED;
            for (int c : wrappable) {
                max = Math.max(max, width[c]);
            }
            if (max <= MIN_WRAPPED) {
                return;
            }
            int next = MIN_WRAPPED;
            int atMax = 0;
            for (int c : wrappable) {
                if (width[c] == max) {
                    atMax++;
                } else {
                    next = Math.max(next, width[c]);
                }
            }
            int excess = total(width) - MAX_WIDTH;
            int target = Math.max(next, max - (excess + atMax - 1) / atMax);
            for (int c : wrappable) {
                if (width[c] == max) {
                    width[c] = target;
                }
            }
        }
    }

    private static int total(int[] width) {
        int sum = GAP * (width.length - 1);
        for (int w : width) {
            sum += w;
        }
        return sum;
    }

    private static boolean contains(int[] columns, int column) {
        for (int c : columns) {
            if (c == column) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code text} in pieces of at most {@code width}, broken after the last {@code ::}, space,
     * comma, {@code /} or {@code =} that fits (a resource word breaks between its arguments),
     * else hard at the width. Continuation pieces are indented by two, so they read as one cell.
     */
    static List<String> wrap(String text, int width) {
        List<String> parts = new ArrayList<>();
        String rest = text;
        String indent = "";
        while (indent.length() + rest.length() > width) {
            int room = width - indent.length();
            int cut = breakPoint(rest, room);
            parts.add(indent + rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            indent = "  ";
        }
        parts.add(indent + rest);
        return parts;
    }

    private static int breakPoint(String text, int room) {
        int best = -1;
        for (int i = 1; i < room && i < text.length(); i++) {
            char c = text.charAt(i - 1);
            if (c == ' ' || c == ',' || c == '/' || c == '=' || (c == ':' && i >= 2 && text.charAt(i - 2) == ':')) {
                best = i;
            }
        }
        if (room < text.length() && text.charAt(room - 1) != ' ' && (text.charAt(room) == ' ')) {
            best = room; // the piece ends exactly before a space
        }
        return best > room / 3 ? best : room; // a break point too early wastes the line: cut hard
    }

    /** 850 ms, 3.2 s, 5 min 2 s, 3 h 4 min, 2 d 3 h. */
    static String duration(long ms) {
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            long tenths = (ms + 50) / 100; // rounded half up, as "%.1f" did
            return (tenths / 10) + "." + (tenths % 10) + " s";
        }
        long s = ms / 1000;
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        if (s < 86_400) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
        return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
    }
}
