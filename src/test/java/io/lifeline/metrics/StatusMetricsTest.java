package io.lifeline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.OcfStatus;
import io.lifeline.cluster.AuthDropReason;
import io.lifeline.cluster.AuthDrops;
import io.lifeline.cluster.ClusterEvent;
import io.lifeline.cluster.ClusterStatus;
import io.lifeline.cluster.MembershipTracker.LinkState;
import io.lifeline.cluster.MembershipTracker.NodeState;
import io.lifeline.cluster.TimerSettings;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ManagerStatus;
import io.lifeline.manager.ResourceState;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The families StatusMetrics makes from a fake status, written by the library and read back strictly. */
class StatusMetricsTest {

    private static final long NOW = 1_800_000_000_000L;
    /** A resource word with every character the text format must escape in a label value. */
    private static final String ODD_RESOURCE = "Dummy::msg=\"a\\b\"\nc";

    static ClusterStatus cluster() {
        TimerSettings timers = TimerSettings.from(Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofMillis(600), Duration.ofSeconds(3));
        return new ClusterStatus("n1", NOW - 60_000, NOW, timers,
                List.of(new ClusterStatus.Node("n1", true, NodeState.UP, null, NOW - 60_000, List.of()),
                        new ClusterStatus.Node("n2", false, NodeState.DEAD, ClusterEvent.DeathCause.FAILED, NOW - 5_000,
                                List.of(new ClusterStatus.PeerLink("bcast:eth0", LinkState.DEAD, NOW - 6_500),
                                        new ClusterStatus.PeerLink("ucast:eth1", LinkState.INIT, -1)))),
                List.of(new ClusterStatus.LinkInfo("bcast:eth0", "bcast", "eth0", "198.51.100.11", 694, "it",
                        "dead", List.of("n1"),
                        List.of(new AuthDrops.Entry("198.51.100.66", AuthDropReason.BAD_SIGNATURE, 17, NOW - 1000),
                                new AuthDrops.Entry("198.51.100.66", AuthDropReason.REPLAY, 2, NOW - 1000)),
                        Map.of("intruder", 3L))),
                0, 0);
    }

    static ManagerStatus manager() {
        return new ManagerStatus(Instant.ofEpochMilli(NOW), "n1", "inc", List.of("n1"), true, false, false, true,
                List.of(new ManagerStatus.NodeStatus("n1", true, true, true, 2, GroupScope.NONE),
                        new ManagerStatus.NodeStatus("n2", false, false, false, 0, GroupScope.NONE)),
                List.of(new ManagerStatus.GroupStatus("web", "n2", List.of("n1"), GroupPhase.RUNNING, "n1", "n2 is dead",
                        null, null, List.of(
                        new ManagerStatus.ResourceStatus("IPaddr2::198.51.100.100", ResourceState.STARTED,
                                OcfStatus.SUCCESS, "", Instant.ofEpochMilli(NOW - 500)),
                        new ManagerStatus.ResourceStatus(ODD_RESOURCE, ResourceState.FAILED, OcfStatus.NOT_RUNNING,
                                "gone", Instant.ofEpochMilli(NOW - 250)))),
                        new ManagerStatus.GroupStatus("db", "n1", List.of(), GroupPhase.BLOCKED, null, "blocked",
                                null, "stop failed", List.of())),
                List.of(new ManagerStatus.FailcountStatus("n1", "web", ODD_RESOURCE, 2, 3, false)));
    }

    static Map<String, AgentDetails> ipvsDetails() {
        Map<String, Object> rs1 = Map.of("address", "203.0.113.21:80", "state", "up", "weight", 5);
        Map<String, Object> rs2 = Map.of("address", "203.0.113.22:80", "state", "down", "weight", 0);
        Map<String, Object> svc = Map.of("service", "TCP 198.51.100.100:80", "serving", 1,
                "real_servers", List.of(rs1, rs2));
        Map<String, Object> frontend = new java.util.HashMap<>(Map.of("pxname", "web", "svname", "FRONTEND",
                "status", "OPEN", "scur", 2, "stot", 40L, "bin", 1000L, "hrsp_2xx", 38L, "hrsp_5xx", 2L));
        frontend.put("econ", ""); // HAProxy leaves columns that do not apply empty
        Map<String, Object> server = Map.of("pxname", "app", "svname", "s1", "status", "DOWN 1/2", "scur", 0,
                "stot", 12L, "econ", 3L, "weight", 1);
        return Map.of("IPVS::/etc/ha.d/ipvs.conf",
                new AgentDetails(List.of("..."), Map.of("virtual_services", List.of(svc))),
                "Proxy::/etc/ha.d/proxy.cfg", new AgentDetails(List.of(), Map.of("stats", List.of(frontend, server))));
    }

    /** The text a scrape of these families returns, as the HTTP endpoint writes it. */
    static String expose(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, PromText.Family> scrape(ManagerStatus m) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new StatusCollector("1.2.3", StatusMetricsTest::cluster, () -> {
            if (m == null) {
                throw new java.util.concurrent.TimeoutException("busy");
            }
            return m;
        }, StatusMetricsTest::ipvsDetails));
        ActionMetrics actions = new ActionMetrics();
        actions.registerOn(registry);
        actions.record("web", ODD_RESOURCE, "monitor", OcfStatus.SUCCESS, 3_000_000);
        actions.record("web", ODD_RESOURCE, "monitor", OcfStatus.NOT_RUNNING, 40_000_000);
        actions.record("web", "IPaddr2::198.51.100.100", "start", OcfStatus.SUCCESS, 2_000_000_000L);
        return PromText.parse(expose(registry));
    }

    private static double v(Map<String, PromText.Family> f, String family, String... labels) {
        Optional<Double> value = PromText.value(f, family, labels);
        assertTrue(value.isPresent(), () -> family + " " + List.of(labels) + " missing; have " + f.keySet());
        return value.get();
    }

    @Test
    void nodesAndLinksWithStatesAsOneSeriesPerValue() throws IOException {
        Map<String, PromText.Family> f = scrape(manager());
        assertEquals("gauge", f.get("lifeline_node_state").type());
        assertEquals(1, v(f, "lifeline_node_state", "node", "n1", "state", "up"));
        assertEquals(0, v(f, "lifeline_node_state", "node", "n1", "state", "dead"));
        assertEquals(1, v(f, "lifeline_node_state", "node", "n2", "state", "dead"));
        assertEquals(1, v(f, "lifeline_node_dead_cause", "node", "n2", "cause", "failed"));
        assertTrue(PromText.value(f, "lifeline_node_dead_cause", "node", "n1", "cause", "failed").isEmpty(),
                "no cause while up");
        assertEquals((NOW - 5_000) / 1000.0, v(f, "lifeline_node_state_change_timestamp_seconds", "node", "n2"));
        assertEquals(1, v(f, "lifeline_peer_link_state", "node", "n2", "link", "bcast:eth0", "state", "dead"));
        assertEquals(1, v(f, "lifeline_peer_link_state", "node", "n2", "link", "ucast:eth1", "state", "init"));
        assertEquals(6.5, v(f, "lifeline_peer_link_last_heard_age_seconds", "node", "n2", "link", "bcast:eth0"));
        assertTrue(PromText.value(f, "lifeline_peer_link_last_heard_age_seconds", "node", "n2", "link", "ucast:eth1")
                .isEmpty(), "never heard: no age");
        assertEquals(1, v(f, "lifeline_link_state", "link", "bcast:eth0", "state", "dead"));
        assertEquals(1, v(f, "lifeline_link_info", "link", "bcast:eth0", "kind", "bcast", "device", "eth0",
                "bind_address", "198.51.100.11", "port", "694"));
        assertEquals(1, v(f, "lifeline_link_view_members", "link", "bcast:eth0"));
        assertEquals(1, v(f, "lifeline_timer_seconds", "timer", "deadtime"));
        assertEquals(1, v(f, "lifeline_daemon_info", "node", "n1", "version", "1.2.3"));
        assertFalse(f.containsKey("lifeline_last_stall_seconds") && !f.get("lifeline_last_stall_seconds").samples()
                .isEmpty(), "no stall, no sample");
    }

    @Test
    void authDropsAreCountersByLinkPeerAndReason() throws IOException {
        Map<String, PromText.Family> f = scrape(manager());
        PromText.Family drops = f.get("lifeline_auth_drops_total");
        assertEquals("counter", drops.type(), () -> "families: " + f.keySet());
        assertEquals(17, v(f, "lifeline_auth_drops_total", "link", "bcast:eth0", "peer", "198.51.100.66",
                "reason", "bad_signature"));
        assertEquals(2, v(f, "lifeline_auth_drops_total", "link", "bcast:eth0", "peer", "198.51.100.66",
                "reason", "replay"));
        assertEquals(3, v(f, "lifeline_link_rejected_member_views_total", "link", "bcast:eth0", "member", "intruder"));
    }

    @Test
    void groupsResourcesAndFailcountsWithLabelValuesEscapedAndReadBack() throws IOException {
        Map<String, PromText.Family> f = scrape(manager());
        assertEquals(1, v(f, "lifeline_manager_up"));
        assertEquals(1, v(f, "lifeline_manager_quorate"));
        assertEquals(1, v(f, "lifeline_group_phase", "group", "web", "phase", "running"));
        assertEquals(0, v(f, "lifeline_group_phase", "group", "web", "phase", "stopped"));
        assertEquals(1, v(f, "lifeline_group_owner", "group", "web", "node", "n1"));
        assertEquals(1, v(f, "lifeline_group_owners", "group", "web"));
        assertEquals(0, v(f, "lifeline_group_owners", "group", "db"), "held nowhere");
        assertEquals(1, v(f, "lifeline_group_blocked", "group", "db"));
        assertEquals(0, v(f, "lifeline_group_blocked", "group", "web"));
        assertEquals(1, v(f, "lifeline_group_preferred_node", "group", "web", "node", "n2"));
        assertEquals(1, v(f, "lifeline_resource_state", "group", "web", "resource", ODD_RESOURCE, "state", "failed"));
        assertEquals(7, v(f, "lifeline_resource_last_monitor_exit_code", "group", "web", "resource", ODD_RESOURCE));
        assertEquals(0, v(f, "lifeline_resource_last_monitor_exit_code", "group", "web",
                "resource", "IPaddr2::198.51.100.100"));
        assertEquals(2, v(f, "lifeline_resource_failcount", "node", "n1", "group", "web", "resource", ODD_RESOURCE));
        assertEquals(3, v(f, "lifeline_resource_failcount_threshold", "node", "n1", "group", "web",
                "resource", ODD_RESOURCE));
        assertEquals(0, v(f, "lifeline_resource_banned", "node", "n1", "group", "web", "resource", ODD_RESOURCE));
        assertEquals(1, v(f, "lifeline_node_ready", "node", "n1"));
        assertEquals(2, v(f, "lifeline_node_ping_score", "node", "n1"));
        assertEquals(1, v(f, "lifeline_node_standby", "node", "n1", "scope", "none"));
        assertEquals(0, v(f, "lifeline_node_reported", "node", "n2"));
    }

    @Test
    void actionDurationsAreAHistogramInSecondsAndResultsACounter() throws IOException {
        Map<String, PromText.Family> f = scrape(manager());
        assertEquals("histogram", f.get("lifeline_resource_action_duration_seconds").type());
        assertEquals(2, v(f, "lifeline_resource_action_duration_seconds_count", "group", "web",
                "resource", ODD_RESOURCE, "action", "monitor"));
        assertEquals(0.043, v(f, "lifeline_resource_action_duration_seconds_sum", "group", "web",
                "resource", ODD_RESOURCE, "action", "monitor"), 1e-9);
        assertEquals(1, v(f, "lifeline_resource_action_duration_seconds_bucket", "group", "web",
                "resource", ODD_RESOURCE, "action", "monitor", "le", "0.005"));
        assertEquals(1, v(f, "lifeline_resource_actions_total", "group", "web", "resource", ODD_RESOURCE,
                "action", "monitor", "result", "not_running"));
        assertEquals(1, v(f, "lifeline_resource_actions_total", "group", "web", "resource",
                "IPaddr2::198.51.100.100", "action", "start", "result", "success"));
    }

    @Test
    void ipvsRealServersFromTheAgentsDetails() throws IOException {
        Map<String, PromText.Family> f = scrape(manager());
        String res = "IPVS::/etc/ha.d/ipvs.conf";
        assertEquals(1, v(f, "lifeline_ipvs_virtual_service_serving", "resource", res, "service",
                "TCP 198.51.100.100:80"));
        assertEquals(1, v(f, "lifeline_ipvs_real_server_up", "resource", res, "service", "TCP 198.51.100.100:80",
                "real_server", "203.0.113.21:80"));
        assertEquals(0, v(f, "lifeline_ipvs_real_server_up", "resource", res, "service", "TCP 198.51.100.100:80",
                "real_server", "203.0.113.22:80"));
        assertEquals(5, v(f, "lifeline_ipvs_real_server_weight", "resource", res, "service", "TCP 198.51.100.100:80",
                "real_server", "203.0.113.21:80"));
    }

    @Test
    void builtInProxyCountersFromItsStatsRows() throws IOException {
        Map<String, PromText.Family> f = scrape(manager());
        String res = "Proxy::/etc/ha.d/proxy.cfg";
        assertEquals("counter", f.get("lifeline_proxy_sessions_total").type());
        assertEquals(40, v(f, "lifeline_proxy_sessions_total", "resource", res, "proxy", "web", "server", "FRONTEND"));
        assertEquals(2, v(f, "lifeline_proxy_current_sessions", "resource", res, "proxy", "web", "server", "FRONTEND"));
        assertEquals(38, v(f, "lifeline_proxy_http_responses_total", "resource", res, "proxy", "web",
                "server", "FRONTEND", "code", "2xx"));
        assertTrue(PromText.value(f, "lifeline_proxy_connection_errors_total", "resource", res, "proxy", "web",
                "server", "FRONTEND").isEmpty(), "an empty column is no sample, not 0");
        assertEquals(3, v(f, "lifeline_proxy_connection_errors_total", "resource", res, "proxy", "app", "server", "s1"));
        assertEquals(1, v(f, "lifeline_proxy_up", "resource", res, "proxy", "web", "server", "FRONTEND"));
        assertEquals(0, v(f, "lifeline_proxy_up", "resource", res, "proxy", "app", "server", "s1"));
    }

    @Test
    void aManagerThatDoesNotAnswerLeavesOutItsFamiliesAndSaysSo() throws IOException {
        Map<String, PromText.Family> f = scrape(null);
        assertEquals(0, v(f, "lifeline_manager_up"));
        assertTrue(f.get("lifeline_group_phase") == null || f.get("lifeline_group_phase").samples().isEmpty());
        assertEquals(1, v(f, "lifeline_node_state", "node", "n1", "state", "up"), "the cluster part is still there");
    }

    @Test
    void everyNameFollowsPrometheusConventions() throws IOException {
        Pattern snake = Pattern.compile("[a-z][a-z0-9_]*");
        for (PromText.Family fam : scrape(manager()).values()) {
            assertTrue(fam.name().startsWith("lifeline_"), fam.name());
            assertTrue(snake.matcher(fam.name()).matches(), fam.name());
            assertTrue(fam.help() != null && !fam.help().isBlank(), fam.name() + " has help");
            assertEquals(fam.type().equals("counter"), fam.name().endsWith("_total"), fam.name());
            for (PromText.Sample s : fam.samples()) {
                s.labels().keySet().forEach(l -> assertTrue(snake.matcher(l).matches(), fam.name() + " label " + l));
            }
        }
    }

    @Test
    void theParserRejectsWhatAScraperWould() {
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("# TYPE a gauge\na 1\na 2\n"), "twice");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("# TYPE a gauge\na{x=\"\\q\"} 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("# TYPE a gauge\na{x=\"1\"} 1"), "no \\n");
        assertThrows(IllegalArgumentException.class,
                () -> PromText.parse("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 1\n"), "not contiguous");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("# TYPE h histogram\n"
                + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0\n"), "not cumulative");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("# TYPE a gauge\na one\n"));
    }
}
