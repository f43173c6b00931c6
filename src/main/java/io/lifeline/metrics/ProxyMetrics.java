package io.lifeline.metrics;

import io.lifeline.agent.AgentDetails;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in proxy's traffic counters from the {@code Proxy::} agent's live details: its
 * stats rows, one per frontend, backend and server with HAProxy's CSV column names
 * (io.lifeline.proxy.StatsService). {@code proxy} is HAProxy's pxname, {@code server} its
 * svname ({@code FRONTEND} and {@code BACKEND} for the aggregate rows, as in HAProxy's CSV).
 */
final class ProxyMetrics {

    /** Counter families: HAProxy column -> name without _total, help. */
    private static final Map<String, String[]> COUNTERS = new LinkedHashMap<>();
    /** Gauge families: HAProxy column -> name, help. */
    private static final Map<String, String[]> GAUGES = new LinkedHashMap<>();

    static {
        COUNTERS.put("stot", new String[] {"lifeline_proxy_sessions", "Sessions (TCP) or requests handled (stot)"});
        COUNTERS.put("bin", new String[] {"lifeline_proxy_bytes_in", "Bytes received from clients (bin)"});
        COUNTERS.put("bout", new String[] {"lifeline_proxy_bytes_out", "Bytes sent to clients (bout)"});
        COUNTERS.put("ereq", new String[] {"lifeline_proxy_request_errors", "Bad client requests (ereq)"});
        COUNTERS.put("econ", new String[] {"lifeline_proxy_connection_errors",
                "Failed connections to a server (econ)"});
        COUNTERS.put("eresp", new String[] {"lifeline_proxy_response_errors", "Bad or aborted server responses (eresp)"});
        COUNTERS.put("wretr", new String[] {"lifeline_proxy_retries", "Connection retries (wretr)"});
        COUNTERS.put("wredis", new String[] {"lifeline_proxy_redispatches",
                "Requests sent to another server after a failure (wredis)"});
        COUNTERS.put("lbtot", new String[] {"lifeline_proxy_server_selected", "Times chosen by the balancer (lbtot)"});
        GAUGES.put("scur", new String[] {"lifeline_proxy_current_sessions", "Sessions open now (scur)"});
        GAUGES.put("smax", new String[] {"lifeline_proxy_max_sessions", "Most sessions open at once (smax)"});
        GAUGES.put("qcur", new String[] {"lifeline_proxy_queued_requests", "Requests waiting for a server (qcur)"});
        GAUGES.put("weight", new String[] {"lifeline_proxy_weight", "Server weight; a backend's is its servers' sum"});
    }

    private static final String[] LABELS = {"resource", "proxy", "server"};

    private ProxyMetrics() {
    }

    static void from(Map<String, AgentDetails> details, List<Family> out) {
        Map<String, Family> families = new LinkedHashMap<>();
        COUNTERS.forEach((col, d) -> families.put(col, Family.counter(d[0], d[1], LABELS)));
        GAUGES.forEach((col, d) -> families.put(col, Family.gauge(d[0], d[1], LABELS)));
        Family responses = Family.counter("lifeline_proxy_http_responses",
                "HTTP responses by status class (hrsp_1xx ... hrsp_other)", "resource", "proxy", "server", "code");
        Family up = Family.gauge("lifeline_proxy_up", "1 when the frontend is open, the backend has a usable server"
                + " or the server is up (or not checked); 0 otherwise", LABELS);
        details.forEach((resource, d) -> {
            if (!(d.json().get("stats") instanceof List<?> rows)) {
                return;
            }
            for (Object o : rows) {
                if (!(o instanceof Map<?, ?> row)) {
                    continue;
                }
                String proxy = String.valueOf(row.get("pxname"));
                String server = String.valueOf(row.get("svname"));
                families.forEach((col, f) -> {
                    if (row.get(col) instanceof Number n) {
                        f.add(n.doubleValue(), resource, proxy, server);
                    }
                });
                for (String code : List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other")) {
                    if (row.get("hrsp_" + code) instanceof Number n) {
                        responses.add(n.doubleValue(), resource, proxy, server, code);
                    }
                }
                String status = String.valueOf(row.get("status"));
                up.add(status.startsWith("UP") || status.equals("OPEN") || status.equals("no check"),
                        resource, proxy, server);
            }
        });
        out.addAll(families.values());
        out.add(responses);
        out.add(up);
    }
}
