package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders the status JSON (docs/status-json.md) as tables for people. */
final class StatusTable {

    private StatusTable() {
    }

    static void print(JsonNode s, PrintWriter out) {
        out.printf("Lifeline %s on node %s, up %s (pid %d)%n", s.path("version").asText(), s.path("node").asText(),
                duration(s.path("uptime_ms").asLong()), s.path("pid").asLong());
        JsonNode t = s.path("timers");
        out.printf("timers: keepalive %s, deadtime %s, warntime %s, initdead %s%n",
                duration(t.path("keepalive_ms").asLong()), duration(t.path("deadtime_ms").asLong()),
                duration(t.path("warntime_ms").asLong()), duration(t.path("initdead_ms").asLong()));
        if (!s.path("last_stall").isNull() && !s.path("last_stall").isMissingNode()) {
            out.printf("WARNING: this node was frozen for %s, %s ago%n",
                    duration(s.path("last_stall").path("gap_ms").asLong()),
                    duration(s.path("last_stall").path("ms_ago").asLong()));
        }
        out.println();

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "STATE", "SINCE", "LINK", "LINK STATE", "LAST HEARD"});
        for (JsonNode n : s.path("nodes")) {
            String state = n.path("state").asText();
            if (!n.path("dead_cause").isNull()) {
                state += " (" + n.path("dead_cause").asText() + ")";
            }
            String since = n.path("local").asBoolean() ? "(this node)" : duration(n.path("since_ms_ago").asLong()) + " ago";
            if (n.path("links").isEmpty()) {
                rows.add(new String[] {n.path("name").asText(), state, since, "", "", ""});
            }
            boolean first = true;
            for (JsonNode l : n.path("links")) {
                String heard = l.path("last_heard_ms_ago").isNull() ? "never"
                        : duration(l.path("last_heard_ms_ago").asLong()) + " ago";
                rows.add(first
                        ? new String[] {n.path("name").asText(), state, since, l.path("link").asText(),
                                l.path("state").asText(), heard}
                        : new String[] {"", "", "", l.path("link").asText(), l.path("state").asText(), heard});
                first = false;
            }
        }
        table(rows, out);
        out.println();

        rows = new ArrayList<>();
        rows.add(new String[] {"LINK", "BOUND TO", "STATE", "MEMBERS"});
        for (JsonNode l : s.path("links")) {
            List<String> members = new ArrayList<>();
            l.path("view_members").forEach(m -> members.add(m.asText()));
            rows.add(new String[] {l.path("name").asText(), l.path("bind_address").asText() + ":" + l.path("port").asInt(),
                    l.path("state").asText(), String.join(" ", members)});
        }
        table(rows, out);

        rows = new ArrayList<>();
        rows.add(new String[] {"LINK", "PEER", "REASON", "DROPPED", "LAST"});
        for (JsonNode l : s.path("links")) {
            for (JsonNode d : l.path("auth_drops")) {
                rows.add(new String[] {l.path("name").asText(), d.path("peer").asText(), d.path("reason").asText(),
                        d.path("count").asText(), duration(d.path("last_drop_ms_ago").asLong()) + " ago"});
            }
            for (JsonNode r : l.path("rejected_members")) {
                rows.add(new String[] {l.path("name").asText(), r.path("name").asText(), "not_in_ha.cf",
                        r.path("views").asText() + " views", ""});
            }
        }
        out.println();
        if (rows.size() == 1) {
            out.println("auth drops: none");
        } else {
            out.println("auth drops (packets refused by authkeys checks):");
            table(rows, out);
        }
    }

    private static void table(List<String[]> rows, PrintWriter out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sb.append(r[i]);
                if (i < cols - 1) {
                    sb.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** 850 ms, 3.2 s, 5 min 2 s, 3 h 4 min, 2 d 3 h. */
    static String duration(long ms) {
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
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
