package io.lifeline.agent.haproxy;

import io.lifeline.agent.AgentDetails;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the last successful monitor read from haproxy's runtime API: {@code show info} and
 * {@code show stat}, and when. {@code hactl status} shows it through {@link #details}, so the
 * status thread never waits on haproxy.
 */
record HaproxySnapshot(ShowInfo info, ShowStat stat, Instant readAt, long masterPid, String source) {

    AgentDetails details(Instant now) {
        List<String> lines = new ArrayList<>();
        long age = Math.max(0, Duration.between(readAt, now).toSeconds());
        lines.add("haproxy " + info.version() + ", master pid " + masterPid + ", worker pid " + info.pid()
                + ", up " + info.uptimeSeconds() + "s (read " + age + "s ago from " + source + ")");
        List<Object> frontends = new ArrayList<>();
        for (ShowStat.Row f : stat.frontends()) {
            lines.add("frontend " + f.proxy() + ": " + f.status() + ", " + f.currentSessions() + " sessions");
            frontends.add(Map.of("name", f.proxy(), "status", f.status(), "sessions", f.currentSessions(),
                    "total_sessions", f.totalSessions()));
        }
        List<Object> backends = new ArrayList<>();
        for (ShowStat.Row b : stat.backends()) {
            List<ShowStat.Row> servers = stat.servers(b.proxy());
            long up = servers.stream().filter(ShowStat.Row::isUp).count();
            lines.add("backend " + b.proxy() + ": " + b.status() + ", " + up + "/" + servers.size() + " servers up, "
                    + b.currentSessions() + " sessions");
            List<Object> serverJson = new ArrayList<>();
            for (ShowStat.Row s : servers) {
                StringBuilder line = new StringBuilder("  ").append(b.proxy()).append('/').append(s.name())
                        .append(' ').append(s.address()).append(": ").append(s.status());
                if (!s.checkStatus().isEmpty()) {
                    line.append(" (").append(s.checkStatus());
                    if (!s.checkDesc().isEmpty()) {
                        line.append(": ").append(s.checkDesc());
                    }
                    line.append(')');
                }
                line.append(", weight ").append(s.weight()).append(", ").append(s.currentSessions())
                        .append(" sessions");
                lines.add(line.toString());
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("name", s.name());
                j.put("address", s.address());
                j.put("status", s.status());
                j.put("check_status", s.checkStatus());
                j.put("check_desc", s.checkDesc());
                j.put("weight", s.weight());
                j.put("sessions", s.currentSessions());
                j.put("total_sessions", s.totalSessions());
                serverJson.add(j);
            }
            Map<String, Object> bj = new LinkedHashMap<>();
            bj.put("name", b.proxy());
            bj.put("status", b.status());
            bj.put("servers_up", up);
            bj.put("sessions", b.currentSessions());
            bj.put("servers", serverJson);
            backends.add(bj);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", info.version());
        json.put("master_pid", masterPid);
        json.put("worker_pid", info.pid());
        json.put("uptime_s", info.uptimeSeconds());
        json.put("read_s_ago", age);
        json.put("source", source);
        json.put("frontends", frontends);
        json.put("backends", backends);
        return new AgentDetails(lines, json);
    }
}
